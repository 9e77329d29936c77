"""The 1-5 rating a model states in a short answer (the labeler's difficulty and quality, the LLM
judge's attributes): parsed, or unknown — never guessed."""

from __future__ import annotations

import re

# a digit 1-5 on its own: "3", "3.", "4/5", "Level: 2." — not "1.1", "15" or "2.5"
_LEVEL = re.compile(r"(?<![\d.])([1-5])(?!\d|\.\d)")


def parse_level(output: str) -> int | None:
    """The 1-5 level the answer states first; None when it states none, or several different
    ones before any other word ("3 or 4")."""
    text = re.sub(r"\s*(?:/|out of)\s*5\b", "", (output or "").strip())  # "4/5" is a 4
    found = _LEVEL.findall(text[:40])
    if not found or len(set(found[:2])) > 1:
        return None
    return int(found[0])
