"""Final answers in text: the last complete ``\\boxed{}`` and a reference as bare LaTeX.

Plain string work, linear in the text, shared by ingest (a solution's answer), verification and
evaluation (a response's answer); nothing here parses math. What is extracted here is what
math-verify compares: a change that can change a verdict bumps
``r1_assets.verify.math_answer.MATH_VERIFIER_VERSION``.
"""

from __future__ import annotations

import re

_BOX_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
_BRACE_TOKEN = re.compile(r"\\.|[{}]", re.DOTALL)  # an escape pair is one token


def _closing_brace(text: str, opening: int) -> int | None:
    """Position of the ``}`` that closes the ``{`` at ``opening``, or None if it never closes.
    Only braces and escapes are visited (the regex skips the rest in C); ``\\{``, ``\\}`` and
    ``\\\\`` are escapes, not braces. What comes before ``opening`` cannot change the match."""
    depth = 0
    for token in _BRACE_TOKEN.finditer(text, opening):
        char = token.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return token.start()
    return None


def _matching_braces(text: str, start: int) -> dict[int, int]:
    """Position of each ``{`` from ``start`` on -> position of its ``}``, in one pass."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for token in _BRACE_TOKEN.finditer(text, start):
        char = token.group()
        if char == "{":
            stack.append(token.start())
        elif char == "}" and stack:
            pairs[stack.pop()] = token.start()
    return pairs


def extract_final_answer(text: str) -> str | None:
    """Content of the last complete ``\\boxed{...}`` (or ``\\fbox{...}``) in ``text``.

    We pick the last one ourselves: math-verify merges two boxed answers into one set (DESIGN §4).
    A box whose braces never close (a truncated response) does not count."""
    openings = [match.end() - 1 for match in _BOX_OPEN.finditer(text)]
    if not openings:
        return None
    # the usual case, a complete last box near the end, costs only the length of that box
    opening: int | None = openings[-1]
    closing = _closing_brace(text, openings[-1])
    if closing is None:  # truncated: one pass for all boxes, not one scan to the end per box
        pairs = _matching_braces(text, openings[0])
        opening = next((o for o in reversed(openings) if o in pairs), None)
        if opening is None:
            return None
        closing = pairs[opening]
    return text[opening + 1 : closing].strip()


def _strip_math_delimiters(text: str) -> str:
    """``$x$``, ``$$x$$``, ``\\(x\\)``, ``\\[x\\]`` -> ``x``; anything else unchanged."""
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if text.startswith(left) and text.endswith(right) and len(text) >= len(left + right):
            inner = text[len(left) : len(text) - len(right)]
            if left != "$" or "$" not in inner:
                return inner.strip()
    return text


def bare_reference(reference: str) -> str:
    """The reference as bare LaTeX: its last boxed answer if it has one, else without ``$``."""
    reference = reference.strip()
    return extract_final_answer(reference) or _strip_math_delimiters(reference)
