"""Problem identity beyond wording: versions, subtasks and constraints.

Codeforces and CodeContests publish many problems twice, as an easy and a hard version whose
statements differ in one sentence ("This is the hard version of the problem…") and in the
constraints block; they embed at cosine 0.95-0.99 and share their example tests by design.
Olympiads split a problem into subtasks the same way. Such pairs are different problems — the
hard one is the valuable one for reasoning data — so a pair whose declared versions differ, or
whose stated constraints differ, is never merged, whatever the similarity or the tests say.

Constraints are read as the chains of inequalities a statement states (``1 ≤ n ≤ 2·10^5``,
``$1 \\le k \\le n$``) and its time and memory limits, spelled canonically (LaTeX and Unicode
relations, ``\\cdot``/``·``/``×``, spaces and digit grouping do not matter). A pair is kept apart
only when both texts state constraints and they differ: a copy that dropped its constraints
block is still a copy.
"""

from __future__ import annotations

import re
import unicodedata

# "This is the easy version", "(hard version)", "the harder version", "Subtask 2", "version 1"
_VERSION = re.compile(
    r"\b(easy|easier|medium|hard|harder|hardest|simple|simpler|small|large)\s+version\b"
    r"|\bversion\s+(\d+|[ivx]+)\b(?!\s*(?:of|from)\b)"
    r"|\bsubtask\s*#?\s*(\d+)",
    re.IGNORECASE,
)
_VERSION_WORDS = {
    "easier": "easy",
    "simple": "easy",
    "simpler": "easy",
    "small": "easy",
    "harder": "hard",
    "hardest": "hard",
    "large": "hard",
}
# a sentence saying what differs between the versions names both: it declares none of them
# (each pattern starts only where its text can start — a sentence, an operand — so no input
# makes it rescan a long run from every position: linear on a 10 MB statement)
_BETWEEN_VERSIONS = re.compile(
    r"(?<![^.\n])[^.\n]*\b(?:between|of)\s+(?:the\s+)?(?:two\s+)?"
    r"(?:versions|easy and hard|hard and easy)[^.\n]*",
    re.IGNORECASE,
)

_RELATIONS = [
    (re.compile(r"\\leq?(?![a-zA-Z])|\\leqslant|⩽|≤|<="), "<="),
    (re.compile(r"\\geq?(?![a-zA-Z])|\\geqslant|⩾|≥|>="), ">="),
    (re.compile(r"\\lt(?![a-zA-Z])"), "<"),
    (re.compile(r"\\gt(?![a-zA-Z])"), ">"),
    (re.compile(r"\\ne(?:q)?(?![a-zA-Z])|≠|!="), "!="),
    (re.compile(r"\\cdot(?![a-zA-Z])|\\times(?![a-zA-Z])|·|×|⋅"), "*"),
]
_LAYOUT = re.compile(r"\\[,;:! ]|\\(?:left|right|mathrm|text|mbox)(?![a-zA-Z])|[${}~]")
# an operand: a number (10^5, 2*10^5, 200000, 1e9) or an identifier with indices (a_i, |s|, n)
_OPERAND = r"[\w|\[\]().^*+\-/']+"
_CHAIN = re.compile(rf"(?<![\w|\[\]().^*+\-/']){_OPERAND}(?:\s*(?:<=|>=|<|>|!=)\s*{_OPERAND})+")
_LIMIT = re.compile(
    r"\b(time|memory)\s+limit(?:\s+per\s+test)?\s*[:\-]?\s*(\d+(?:\.\d+)?)\s*"
    r"(seconds?|s|ms|milliseconds?|megabytes?|mb|mib|kb|gb)\b",
    re.IGNORECASE,
)
_DIGIT_GROUPS = re.compile(r"(?<=\d)[\s,'](?=\d{3}\b)")
_TIGHT = re.compile(r"\s*([*^])\s*")  # 2 * 10 ^ 5 = 2*10^5
_UNITS = {
    "second": "s", "seconds": "s", "s": "s", "ms": "ms", "millisecond": "ms",
    "milliseconds": "ms", "megabyte": "mb", "megabytes": "mb", "mb": "mb", "mib": "mb",
    "kb": "kb", "gb": "gb",
}  # fmt: skip


def declared_version(text: str) -> str | None:
    """The version or subtask a statement declares itself to be ("easy", "hard", "version 2",
    "subtask 3"), or None. Several declarations: the first."""
    text = _BETWEEN_VERSIONS.sub(" ", unicodedata.normalize("NFKC", text or ""))
    match = _VERSION.search(text)
    if match is None:
        return None
    word, number, subtask = match.groups()
    if word:
        word = word.lower()
        return _VERSION_WORDS.get(word, word)
    if number:
        return f"version {number.lower()}"
    return f"subtask {subtask}"


def stated_constraints(text: str) -> frozenset[str]:
    """The inequality chains and time/memory limits a statement states, canonically spelled."""
    text = unicodedata.normalize("NFKC", text or "")
    found = {
        f"{kind.lower()} limit {float(value):g}{_UNITS[unit.lower()]}"
        for kind, value, unit in _LIMIT.findall(text)
    }
    text = _LAYOUT.sub(" ", text)
    for pattern, spelling in _RELATIONS:
        text = pattern.sub(f" {spelling} ", text)
    text = _TIGHT.sub(r"\1", _DIGIT_GROUPS.sub("", text))
    for chain in _CHAIN.findall(text):
        chain = re.sub(r"\s+", "", chain).strip("().,;:")
        if any(ch.isdigit() for ch in chain):  # "a < b" in prose is not a constraint
            found.add(chain)
    return frozenset(found)


Identity = tuple[str | None, frozenset[str]]


def identity(text: str) -> Identity:
    """What a statement declares about which problem it is: its version and its constraints."""
    return declared_version(text), stated_constraints(text)


def identities_differ(a: Identity, b: Identity) -> bool:
    """Other versions or subtasks, or both stating constraints that differ."""
    if a[0] != b[0]:
        return True
    return bool(a[1]) and bool(b[1]) and a[1] != b[1]


def variants_differ(a: str, b: str) -> bool:
    """True when two statements are different problems by what they declare."""
    return identities_differ(identity(a), identity(b))
