"""Language identification with langid.py, whose model ships inside the package (no download).

Math and code are mostly symbols, which pull a character n-gram model toward random languages:
LaTeX, inline code and code blocks are removed first, and a text with too few letters left is
"und" (undetermined) rather than a guess.
"""

from __future__ import annotations

import re
from functools import cache

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\(.*?\\\)|\\\[.*?\\\]", re.S)
_CODE = re.compile(r"```.*?```|`[^`]*`", re.S)
_COMMAND = re.compile(r"\\[A-Za-z]+")
MIN_LETTERS = 12


@cache
def _identifier():
    from langid.langid import LanguageIdentifier, model

    return LanguageIdentifier.from_modelstring(model, norm_probs=True)


def prose(text: str) -> str:
    return _COMMAND.sub(" ", _MATH.sub(" ", _CODE.sub(" ", text)))


def detect_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code or "und", probability)."""
    words = prose(text or "")
    if sum(ch.isalpha() for ch in words) < MIN_LETTERS:
        return "und", 0.0
    language, probability = _identifier().classify(words)
    return language, round(float(probability), 4)
