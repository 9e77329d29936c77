"""The contamination matcher on a planted pool: copies (verbatim, reformatted, embedded in a longer
text, lightly reworded) must be found, unrelated benchmark items must not be, and a number-only
variant must come out flagged by the number guard. Embeddings are the real MiniLM."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from r1_assets.audit.overlap import (
    OVERLAP_SCHEMA,
    NgramIndex,
    audit_tokens,
    embedding_hits,
    find_overlaps,
    numbers_missing,
)
from r1_assets.dedup.embedder import DEFAULT_MODEL, SentenceEmbedder

REAL = Path(__file__).parents[1] / "fixtures" / "real"


def real(name: str, field: str) -> list[str]:
    lines = (REAL / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)[field] for line in lines if line.strip()]


# --- the unrelated training pool: templated math/code/science rows with varied words and numbers
POOL_TEMPLATES = [
    "{name} buys {a} {item} at {b} dollars each and pays with a {c} dollar bill. How much change "
    "does {name} get back?",
    "A rectangle has a length of {a} cm and a width of {b} cm. What is its area in square cm?",
    "A car travels {a} km in {b} hours. What is its average speed in km per hour?",
    "Write a Python function that returns the {a}th Fibonacci number using memoization.",
    "Write a function `count_{item}(xs)` that counts how many elements of a list are divisible "
    "by {a}.",
    "How many grams of water are produced when {a} moles of hydrogen gas burn completely in "
    "oxygen?",
    "Simplify the expression $({a}x + {b})({a}x - {b})$ and state the coefficient of $x^2$.",
    "{name} saves {a} dollars every week. After {b} weeks, {name} spends {c} dollars on {item}. "
    "How much money is left?",
    "A bacteria culture doubles every {a} minutes. Starting from {b} cells, how many cells are "
    "there after {c} minutes?",
    "Find the greatest common divisor of {a} and {b}.",
    "Implement binary search over a sorted array of {a} integers and return the index of the "
    "target or -1.",
    "A spring with constant {a} N/m is stretched by {b} cm. How much elastic energy does it store?",
    "In a class of {a} students, {b} play soccer and {c} play chess. If every student plays at "
    "least one, how many play both?",
    "Write a SQL query that lists the {a} most recent orders together with the {item} they "
    "contain.",
    "The sum of {a} consecutive integers is {b}. What is the smallest of them?",
    "What is the pH of a solution whose hydrogen ion concentration is $10^{{-{a}}}$ mol/L?",
    "{name} cuts a {a} meter rope into pieces of {b} meters each. How many whole pieces are "
    "there and how long is the leftover?",
    "Given a string of length {a}, write a function that returns its longest substring without "
    "repeating characters.",
    "A triangle has sides {a}, {b} and {c}. Is it acute, right or obtuse?",
    "A {item} factory makes {a} units per hour for {b} hours a day. How many units are made in "
    "{c} days?",
]
NAMES = ["Maya", "Omar", "Lena", "Kofi", "Ines", "Tariq", "Yuki", "Pablo"]
ITEMS = ["pencils", "apples", "stickers", "notebooks", "marbles", "lamps", "cups", "tickets"]


def unrelated_pool(count: int = 190) -> list[str]:
    rng = random.Random(7)
    rows = []
    for i in range(count):
        template = POOL_TEMPLATES[i % len(POOL_TEMPLATES)]
        rows.append(
            template.format(
                name=rng.choice(NAMES),
                item=rng.choice(ITEMS),
                a=rng.randint(2, 90),
                b=rng.randint(2, 90),
                c=rng.randint(91, 500),
            )
        )
    return rows + real("gsm8k_train", "question") + real("mbpp", "text")


# --- planted pairs: (kind, benchmark problem, the training row that copies it)
MATH = real("math500_test", "problem")
FIRST5 = real("math500_test_first5", "problem")
AIME = real("aime24_test", "problem")
HUMANEVAL = real("humaneval", "prompt")
HUMANEVAL_CODE = real("humaneval", "canonical_solution")
MBPP = real("mbpp_sanitized_test", "prompt")
MBPP_CODE = real("mbpp_sanitized_test", "code")

QUADRATIC = "Find all real $x$ such that $x^2 + 5x + 6 = 0$."
TRAIN_Q = (
    "A train leaves the station at 9:15 and travels at 80 km/h. A second train leaves the same "
    "station at 10:00 on a parallel track at 100 km/h. At what time does the second train catch up?"
)
PLANTED: list[tuple[str, str, str]] = [
    ("verbatim", MATH[2], MATH[2]),
    ("verbatim", AIME[0], AIME[0]),
    ("verbatim", MBPP[0], MBPP[0]),
    ("verbatim", HUMANEVAL[0], HUMANEVAL[0]),
    ("verbatim", "What is 17 times 23?", "What is 17 times 23?"),  # shorter than an 8-gram
    (
        "format",
        MATH[0],
        MATH[0].replace("$(0,3)$", "$( 0 , 3 )$").replace("\\le", "\\leq").replace(".  ", ".\n\n")
        + "\n\nAnswer:",
    ),
    ("format", MATH[1], MATH[1].replace("\\frac", "\\dfrac").replace("p = ", "p\n=\n")),
    ("format", QUADRATIC, "Find  all real $x$ such that $x^{2}+5x+6=0$.\n\nAnswer:"),
    ("format", AIME[1], AIME[1].replace(" ", "  ").replace(". ", ".\n").replace("$D$", "\\(D\\)")),
    ("format", FIRST5[3], "  How many positive whole-number\n divisors does 196 have?   Answer:"),
    (
        "format",
        "Compute $\\frac{3}{4} \\cdot (2 + 6)$ and express the result as an integer.",
        "Compute $\\dfrac{3}{4}\\cdot\\left(2+6\\right)$ and express the result as an integer.",
    ),
    ("embedded", MBPP[1], f"{MBPP[1]}\n\n```python\n{MBPP_CODE[1]}\n```"),
    ("embedded", HUMANEVAL[1], HUMANEVAL[1] + HUMANEVAL_CODE[1]),
    (
        "embedded",
        FIRST5[4],
        "Problem: " + FIRST5[4] + "\n\nSolution: Evelyn covers the most distance per unit of "
        "time, so her average speed is the greatest. The answer is Evelyn.",
    ),
    (
        "embedded",
        TRAIN_Q,
        "<think>Let me restate the task. "
        + TRAIN_Q
        + " The first train has a 45 minute head start, so it is 60 km ahead. The gap closes at "
        "20 km/h, which takes 3 hours.</think> The second train catches up at 13:00.",
    ),
    (
        "reworded",
        "Tom has 12 red marbles and 7 blue marbles. He gives 5 red marbles to his sister. How many "
        "marbles does Tom have now?",
        "Tom has 12 red marbles and 7 blue marbles. He gives his sister 5 of the red marbles. How "
        "many marbles does Tom have now?",
    ),
    (
        "reworded",
        "Write a Python function that checks whether a given integer is a perfect square without "
        "using the math module.",
        "Write a Python function that determines whether a given integer is a perfect square, "
        "without using the math module.",
    ),
    (
        "reworded",
        "A cylinder has radius 3 and height 10. What is the volume of the cylinder in terms of pi?",
        "What is the volume of a cylinder with radius 3 and height 10? Express it in terms of pi.",
    ),
    (
        "reworded",
        "Calculate the kinetic energy of a 1200 kg car moving at 25 m/s.",
        "Compute the kinetic energy of a car of mass 1200 kg that moves at 25 m/s.",
    ),
    (
        "reworded",
        "How many ways can 6 people be seated around a circular table if rotations are considered "
        "the same?",
        "In how many ways can 6 people sit around a round table, where rotations count as the same "
        "arrangement?",
    ),
]
# one number changed in a word problem: a different problem. (A bare equation "2x + 3 = 7" vs
# "= 9" scores only 0.86 on MiniLM, under the 0.9 threshold, so it is not reported at all.)
NUMBER_VARIANT = (
    "A store sells notebooks for 4 dollars each and pens for 2 dollars each. Ana buys 6 notebooks "
    "and 5 pens. How much does she spend in total?",
    "A store sells notebooks for 4 dollars each and pens for 2 dollars each. Ana buys 6 notebooks "
    "and 8 pens. How much does she spend in total?",
)
UNRELATED_ITEMS = [
    "Two fair dice are rolled. What is the probability that the sum is a prime number?",
    "Write a function that merges two sorted linked lists into one sorted linked list.",
    "A ball is thrown upward at 14 m/s. How long until it returns to the thrower's hand?",
    "How many moles of oxygen atoms are in 0.5 moles of calcium carbonate?",
    "Let $f(x) = x^3 - 3x$. Find the local maximum value of $f$.",
    "Find the number of subsets of $\\{1, 2, \\ldots, 10\\}$ that contain no two consecutive "
    "integers.",
    "Implement an LRU cache class with get and put methods that run in constant time.",
    "What is the remainder when the sum $1! + 2! + \\cdots + 50!$ is divided by 15?",
    "A regular hexagon has side length 4. What is its area?",
    "Explain why ice floats on liquid water in terms of hydrogen bonding.",
    "Write a function that returns all permutations of a list without using itertools.",
    "The first term of a geometric sequence is 3 and the fourth term is 81. Find the common ratio.",
    "Evaluate $\\int_0^1 x e^{x}\\,dx$.",
    "A circle passes through the points (0, 0), (4, 0) and (0, 6). Find its radius.",
    "Parse a CSV file of transactions and report the top three customers by total spending.",
    "How many trailing zeros does $100!$ have?",
]


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    return SentenceEmbedder(DEFAULT_MODEL, threads=2)


@pytest.fixture(scope="module")
def scenario() -> tuple[pl.DataFrame, pl.DataFrame, dict[str, tuple[str, str]]]:
    """Benchmark items and a shuffled pool; expected maps planted item_id -> (kind, row_id)."""
    rng = random.Random(3)
    rows = [(f"u{i}", text) for i, text in enumerate(unrelated_pool())]
    items, expected = [], {}
    for i, (kind, problem, copy) in enumerate([*PLANTED, ("variant", *NUMBER_VARIANT)]):
        items.append((f"p{i}-{kind}", problem))
        rows.append((f"c{i}", copy))
        expected[f"p{i}-{kind}"] = (kind, f"c{i}")
    items += [(f"x{i}", text) for i, text in enumerate(UNRELATED_ITEMS)]
    rng.shuffle(rows)
    return (
        pl.DataFrame(items, schema=["item_id", "problem"], orient="row"),
        pl.DataFrame(rows, schema=["row_id", "text"], orient="row"),
        expected,
    )


@pytest.fixture(scope="module")
def overlaps(scenario, embedder) -> pl.DataFrame:
    items, rows, _ = scenario
    return find_overlaps(items, rows, embed=lambda texts: embedder.embed(texts).vectors)


def test_tokens_ignore_whitespace_and_latex_formatting() -> None:
    assert audit_tokens("$x^2 + 1$") == audit_tokens("$x^{2}+1$") == ["x", "2", "1"]
    assert audit_tokens("\\dfrac{a}{b}") == audit_tokens("\\frac{a}{b}") == ["frac", "a", "b"]
    assert audit_tokens("\\left( y \\right)") == audit_tokens("(y)")
    assert audit_tokens("Find  x\n\n when 1,000") == ["find", "x", "when", "1000"]
    assert audit_tokens("ＡＢＣ 2x") == ["abc", "2", "x"]  # NFKC + casefold
    assert audit_tokens("$\\frac{1}{2}$") != audit_tokens("1/2")  # accepted: frac is a word


def test_ngram_query_shapes_coverage_and_short_fallback() -> None:
    rows = ["one two three four five six seven eight nine ten", "alpha beta gamma delta"]
    index = NgramIndex(["r0", "r1"], rows, sizes=(8,))
    hits = index.query(["two three four five six seven eight nine", "beta gamma delta", "zeta"])
    assert hits.columns == ["query", "row", "n", "shared", "coverage", "exact"]
    full = hits.row(0, named=True)
    assert (full["query"], full["row"], full["shared"], full["coverage"]) == (0, 0, 1, 1.0)
    # 3 tokens < 8: only whole-sequence equality counts (contained would be too loose)
    assert hits.filter(pl.col("query") == 1).is_empty()
    exact = index.query(["Alpha  BETA gamma, delta!"])
    assert exact.select("row", "exact").rows() == [(1, True)]


def test_ngram_keys_are_stable_across_processes() -> None:
    import subprocess
    import sys

    code = (
        "from r1_assets.audit.overlap import NgramIndex;"
        "i = NgramIndex(['a'], ['w ' * 20]); print(int(i._index[8].keys[0]))"
    )
    runs = {subprocess.check_output([sys.executable, "-c", code], text=True) for _ in range(2)}
    assert len(runs) == 1


def test_embedding_hits_top_k_above_threshold() -> None:
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(50, 8)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    hits = embedding_hits(rows[[3, 7]], rows, threshold=0.999, k=2, block_elements=50)
    assert hits.select("query", "row").rows() == [(0, 3), (1, 7)]


def test_planted_contamination_is_found(overlaps, scenario) -> None:
    _, _, expected = scenario
    assert overlaps.schema == OVERLAP_SCHEMA
    found = {(r["item_id"], r["row_id"]): r for r in overlaps.iter_rows(named=True)}
    planted = {i: v for i, v in expected.items() if v[0] != "variant"}
    hit = [i for i, (_, row) in planted.items() if (i, row) in found]
    assert len(hit) / len(planted) >= 0.95, sorted(set(planted) - set(hit))
    for item_id, (kind, row_id) in planted.items():
        if kind in {"verbatim", "format", "embedded"}:
            methods = found[(item_id, row_id)]["methods"]
            assert {"ngram8", "ngram13"} & set(methods), (item_id, methods)
            assert not found[(item_id, row_id)]["numbers_differ"], item_id


def test_unrelated_items_have_no_hits(overlaps) -> None:
    assert overlaps.filter(pl.col("item_id").str.starts_with("x")).is_empty()


def test_number_only_variant_is_reported_but_flagged(overlaps, scenario) -> None:
    _, _, expected = scenario
    (variant_id,) = [i for i, (kind, _) in expected.items() if kind == "variant"]
    hit = overlaps.filter(pl.col("item_id") == variant_id).row(0, named=True)
    assert hit["row_id"] == expected[variant_id][1]
    assert "embedding" in hit["methods"]
    assert hit["numbers_differ"] is True
    assert numbers_missing("2x+3=7", "2x+3=7. Solution: x = 2") is False  # extra numbers are fine


def test_without_embedder_similarity_is_null(scenario) -> None:
    items, rows, _ = scenario
    result = find_overlaps(items, rows)
    assert result["similarity"].null_count() == len(result) > 0
    assert result.filter(pl.col("methods").list.contains("embedding")).is_empty()
