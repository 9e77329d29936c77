"""Contest statements in the shapes of Codeforces and CodeContests, labeled, for dedup precision
and recall by class (used by ``dedup_real.py --code-statements``).

Written for r1-assets to mirror the real shapes (not copied from either site): for each of eight
settings, the easy and the hard version of one question (declared, other bounds, the same
examples, a shared small official test), a second question on the same setting (same input,
other answer), the easy version listed again with other tags and spacing, and the hard version
rendered as CodeContests stores it (Unicode relations, "-----Input-----" headings, the official
tests as private tests). True duplicates: the relisting and the rendering. Everything else is a
different problem.
"""

from __future__ import annotations

import itertools

# (setting, question 1, question 2): one contest theme, two different questions on it
THEMES = [
    (
        "You are given an array $a$ of $n$ integers.",
        "Count the pairs $(i, j)$ with $i < j$ such that $a_i + a_j$ is even.",
        "Find the length of the longest contiguous segment whose elements are all even.",
    ),
    (
        "A robot starts in the top left cell of a grid with $n$ rows and $m$ columns; some "
        "cells are blocked.",
        "Count the paths to the bottom right cell that move only right or down, modulo $10^9+7$.",
        "Find the minimum number of blocked cells to unblock so that the robot can reach the "
        "bottom right cell.",
    ),
    (
        "You are given a string $s$ of lowercase Latin letters.",
        "Find the minimum number of characters to delete so that no two adjacent characters "
        "are equal.",
        "Find the number of distinct palindromic substrings of $s$.",
    ),
    (
        "There are $n$ towns connected by $m$ two-way roads, each with a length.",
        "Find the length of the shortest route from town $1$ to town $n$.",
        "Find the number of towns from which town $1$ can be reached.",
    ),
    (
        "Monocarp has $n$ boxes; the $i$-th box holds $a_i$ candies.",
        "Find the minimum number of moves, each moving one candy between boxes, to make all "
        "boxes hold the same number of candies.",
        "Find the maximum number of boxes that can be chosen so that their total number of "
        "candies is divisible by $k$.",
    ),
    (
        "A permutation $p$ of length $n$ is given.",
        "Find the number of inversions of $p$.",
        "Find the minimum number of swaps of adjacent elements needed to sort $p$ in "
        "decreasing order.",
    ),
    (
        "Polycarp writes a sequence of $n$ brackets, each of them '(' or ')'.",
        "Find the length of the longest regular bracket subsequence.",
        "Find the minimum number of brackets to flip so that the sequence becomes regular.",
    ),
    (
        "There are $n$ segments on a line; the $i$-th covers the points from $l_i$ to $r_i$.",
        "Find the maximum number of segments that cover one point.",
        "Find the minimum number of segments to remove so that no two remaining segments "
        "intersect.",
    ),
]
BOUNDS = [("2000", "2 \\cdot 10^5"), ("100", "10^6"), ("5000", "10^6"), ("1000", "10^5")]


def _examples(theme: int, question: int) -> list[dict]:
    # one input for both questions of a theme: the answers differ
    given = f"3\n{theme + 1} {theme + 2} {theme + 4}\n"
    return [{"input": given, "output": f"{theme + question * 7}\n", "split": "example"}]


def _official(theme: int, question: int, hard: bool) -> list[dict]:
    """Examples come first (added by the caller), then tests both versions share, then each
    version's own: as Codeforces publishes them, no input expects two outputs."""
    tests = [
        {"input": "1\n1\n", "output": "0\n", "split": "official"},  # shared by both versions
        {
            "input": f"4\n{theme} {theme} {theme + 1} {theme + 3}\n",
            "output": f"{theme * 3 + question}\n",
            "split": "official",
        },
    ]
    if hard:  # the hard version's own tests use bounds the easy one does not allow
        given = f"200000\n{theme + 2} 1 2 {theme} 9 ...\n"
        tests.append({"input": given, "output": f"{theme + 50}\n", "split": "official"})
    else:
        given = f"5\n{theme + 2} 1 2 {theme} 9\n"
        tests.append({"input": given, "output": f"{theme + 5}\n", "split": "official"})
    return tests


def codeforces(theme: int, question: int, hard: bool | None, spacing: str = " ") -> str:
    setting, *questions = THEMES[theme]
    bound = BOUNDS[theme % len(BOUNDS)][1 if hard else 0]
    head = ""
    if hard is not None:
        name = "hard" if hard else "easy"
        head = (
            f"This is the {name} version of the problem. The only difference between the "
            "versions is the constraint on $n$. You can make hacks only if both versions are "
            f"solved.{spacing}"
        )
    statement = f"{head}{setting}{spacing}{questions[question]}".replace("$", "$$$")
    example = _examples(theme, question)[0]
    return (
        f"{statement}\n\nInput\n\nThe first line contains an integer $$$n$$$ "
        f"($$$1 \\le n \\le {bound}$$$).\n\nOutput\n\nPrint one integer.\n\nExamples\n\n"
        f"Input\n\n{example['input']}\nOutput\n\n{example['output']}"
    )


def code_contests(theme: int, question: int, hard: bool) -> str:
    """The same problem as CodeContests stores it: plain text, Unicode relations, other headings."""
    text = codeforces(theme, question, hard).replace("$$$", "")
    text = text.replace("\\le", "≤").replace("\\cdot", "·")
    text = text.replace("\n\nInput\n\n", "\n\n-----Input-----\n\n", 1)
    return text.replace("\n\nOutput\n\n", "\n\n-----Output-----\n\n", 1)


def rows() -> tuple[list[dict], dict[str, set[frozenset[int]]]]:
    """Problems (text, answer None, tests, rating) and the labeled pairs per class (indexes)."""
    out: list[dict] = []
    classes: dict[str, set[frozenset[int]]] = {
        "relisted (duplicate)": set(),
        "codecontests rendering (duplicate)": set(),
        "easy/hard versions": set(),
        "same setting, other question": set(),
    }

    def add(text: str, tests: list[dict], rating: int) -> int:
        out.append({"text": text, "answer": None, "tests": tests, "rating": rating})
        return len(out) - 1

    for theme in range(len(THEMES)):
        examples = _examples(theme, 0)
        easy = add(codeforces(theme, 0, False), examples + _official(theme, 0, False), 1600)
        hard = add(codeforces(theme, 0, True), examples + _official(theme, 0, True), 2300)
        other = add(
            codeforces(theme, 1, None),
            _examples(theme, 1) + _official(theme, 1, False),
            1900,
        )
        relisted = add(
            codeforces(theme, 0, False, spacing="  \n"),
            examples + _official(theme, 0, False),
            1600,
        )
        rendered = add(
            code_contests(theme, 0, True),
            [{**t, "split": "public"} for t in examples]
            + [{**t, "split": "private"} for t in _official(theme, 0, True)],
            2300,
        )
        classes["relisted (duplicate)"].add(frozenset((easy, relisted)))
        classes["codecontests rendering (duplicate)"].add(frozenset((hard, rendered)))
        for a, b in itertools.product((easy, relisted), (hard, rendered)):
            classes["easy/hard versions"].add(frozenset((a, b)))
        for a in (easy, hard, relisted, rendered):
            classes["same setting, other question"].add(frozenset((a, other)))
    return out, classes


def merged_pairs(clusters: list[int]) -> set[frozenset[int]]:
    """Every pair of indexes that share a cluster id."""
    members: dict[int, list[int]] = {}
    for index, cluster in enumerate(clusters):
        members.setdefault(cluster, []).append(index)
    return {
        frozenset(pair) for group in members.values() for pair in itertools.combinations(group, 2)
    }


def scores(merged: set[frozenset[int]], classes: dict[str, set[frozenset[int]]]) -> dict:
    """Per class: labeled pairs and how many were merged; over all duplicates: precision
    (merged pairs that are true duplicates) and recall (true duplicates merged)."""
    true = {p for name, pairs in classes.items() if "(duplicate)" in name for p in pairs}
    per_class = {
        name: {"pairs": len(pairs), "merged": len(pairs & merged)}
        for name, pairs in classes.items()
    }
    return {
        "per_class": per_class,
        "merged_pairs": len(merged),
        "precision": round(len(merged & true) / len(merged), 4) if merged else 1.0,
        "recall": round(len(merged & true) / len(true), 4) if true else 1.0,
    }
