"""The program in a model's answer: its last fenced Python code block."""

from __future__ import annotations

import re

# an opening fence (```python, ```py, ```python3 or bare ```) alone on its line, the code, and
# a closing fence alone on its line; blocks fenced for other languages are not programs
_BLOCK = re.compile(
    r"^[ \t]*```[ \t]*(?:python3?|py)?[ \t]*\n(?P<code>.*?)^[ \t]*```[ \t]*$",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)


def extract_program(answer: str) -> str | None:
    """The last complete ```python / ```py / ``` block, or None (an unclosed block, as in an
    answer cut off by the token limit, is not a program)."""
    blocks = [m.group("code") for m in _BLOCK.finditer(answer or "")]
    if not blocks or not blocks[-1].strip():
        return None
    return blocks[-1].rstrip() + "\n"
