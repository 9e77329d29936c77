"""The number guard: "2x+3=7" and "2x+3=9" embed almost identically but are different problems.

A candidate pair whose sets of numbers differ is not a duplicate, however close its vectors.
Numbers are read from digits (``1,000`` = ``1000``, ``0.50`` = ``0.5``, LaTeX ``\\frac{1}{2}`` gives
1 and 2) and from the number words two to twenty and the tens, so "3 apples" and "three apples"
agree. "one" is left out: it is far more often a pronoun than a count.

Numbers that belong to a figure or to layout are not the problem's: Asymptote (``[asy]…[/asy]``)
and TikZ code, inline SVG, image links and LaTeX spacing are removed first, so a copy that
dropped or added the figure has the same numbers as the original.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
}
_FIGURES = re.compile(
    r"\[asy\].*?(?:\[/asy\]|\Z)"  # Asymptote, as AoPS and MATH write it (unclosed: to the end)
    r"|\\begin\{(asy|tikzpicture|pspicture|picture)\}.*?(?:\\end\{\1\}|\Z)"
    r"|<svg\b.*?(?:</svg>|\Z)"
    # the bracketed parts exclude their own opening character too, so "![![![…" or
    # "<img<img…" cannot make every start rescan the rest of the text
    r"|!\[[^\[\]\n]*\]\([^()\n]*\)"  # markdown image
    r"|<img\b[^<>]*>"
    r"|\\includegraphics(?:\[[^\[\]]*\])?\{[^{}]*\}"
    # layout: \hspace{2cm}, \vspace*{1em}, \\[2mm], \rule{1pt}{3ex}
    r"|\\[hv]space\*?\{[^{}]*\}|\\\\\[[^\[\]]*\]|\\rule\{[^{}]*\}\{[^{}]*\}",
    re.DOTALL | re.IGNORECASE,
)
_NUMBER = re.compile(r"(?:\d+(?:,\d{3})*)?\.\d+|\d+(?:,\d{3})*|\b(?:" + "|".join(_WORDS) + r")\b")


def strip_figures(text: str) -> str:
    """The text without figure code and layout commands (what ``_FIGURES`` matches)."""
    return _FIGURES.sub(" ", text)


NUMBER_WORDS = _WORDS  # number words the guard reads as numbers ("one" excluded)


def number_signature(text: str) -> tuple[str, ...]:
    """The sorted numbers of a text outside figures and layout, canonicalized (0.50 = .5 = 0.5,
    1,000 = 1000, 007 = 7)."""
    found = []
    text = strip_figures(unicodedata.normalize("NFKC", text))
    for token in _NUMBER.findall(text.lower()):
        value = Decimal(_WORDS[token]) if token in _WORDS else Decimal(token.replace(",", ""))
        found.append(format(value.normalize(), "f"))
    return tuple(sorted(found))


def number_set(text: str) -> frozenset[str]:
    """What the guard compares (see numbers_differ)."""
    return frozenset(number_signature(text))


def numbers_differ(a: str, b: str) -> bool:
    """True when the two texts do not use the same set of numbers.

    Sets, not multisets: a rewording often repeats a number ("two friends … at least two"), and
    on the demo pool the multiset rule blocked a third of the true rewordings (recall 0.52 vs
    0.81 at cosine 0.75) without stopping a single extra number variant.
    """
    return number_set(a) != number_set(b)
