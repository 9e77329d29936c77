"""The static model (distilled offline from the shipped MiniLM) and the static first pass."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from r1_assets.catalog.schema import TEST_CASE_DTYPE, normalize_problem_text, problem_uid
from r1_assets.dedup import static as static_module
from r1_assets.dedup.embedder import SentenceEmbedder
from r1_assets.dedup.fast import fast_candidates, number_groups
from r1_assets.dedup.pool import decide, rank_rows
from r1_assets.dedup.settings import DedupSettings
from r1_assets.dedup.static import StaticModel, static_model
from r1_assets_tests.conftest import MODELS_DIR

# (phrasing A, phrasing B) of one problem: a planted rewording keeps the numbers
REWORDINGS = [
    (
        "Ava buys {a} apples on Monday and {b} apples on Tuesday. How many apples did Ava buy?",
        "On Monday Ava bought {a} apples, and on Tuesday another {b}. What is the total number "
        "of apples Ava bought?",
    ),
    (
        "A theater has {a} rows of seats with {b} seats in each row. How many seats are there?",
        "There are {b} seats in every row of a theater, which has {a} rows. Find the number of "
        "seats.",
    ),
    (
        "Ben reads {a} pages a day. How many days does Ben need for a book of {b} pages?",
        "A book has {b} pages and Ben reads {a} pages each day. After how many days will Ben "
        "finish it?",
    ),
    (
        "A train travels {a} km in {b} hours. What is its average speed in km/h?",
        "What average speed, in km per hour, does a train need to cover {a} km in {b} hours?",
    ),
    (
        "The sum of two numbers is {a} and their difference is {b}. Find the larger number.",
        "Two numbers add up to {a} and differ by {b}. What is the bigger of the two?",
    ),
]


@pytest.fixture(scope="module")
def static() -> StaticModel:
    # built once (~1 min on 2 cores) into the project's models folder, shared like the teacher
    return static_model(MODELS_DIR)


@pytest.fixture(scope="module")
def minilm() -> SentenceEmbedder:
    return SentenceEmbedder(threads=2)


def planted_pool() -> tuple[list[str], list[tuple[int, int]], list[tuple[int, int]]]:
    """Texts, rewording pairs and number-variant pairs: each template with several numbers, its
    rewording, and a copy with one number moved."""
    texts, reworded, variants = [], [], []
    for t, (a_form, b_form) in enumerate(REWORDINGS):
        for a, b in ((12 + t, 7), (40 + t, 9), (75 + t, 3)):
            texts.append(a_form.format(a=a, b=b))
            texts.append(b_form.format(a=a, b=b))
            reworded.append((len(texts) - 2, len(texts) - 1))
            texts.append(a_form.format(a=a + 1, b=b))
            variants.append((len(texts) - 3, len(texts) - 1))
    texts += ["Name a prime number larger than 100.", "Write a function that reverses a list."]
    return texts, reworded, variants


def pool_frames(texts: list[str], vectors: np.ndarray) -> tuple[pl.DataFrame, pl.DataFrame]:
    uids = [problem_uid(t) for t in texts]
    problems = pl.DataFrame(
        {
            "problem_uid": uids,
            "source": ["s"] * len(texts),
            "source_row_id": [str(i) for i in range(len(texts))],
            "domain": ["math"] * len(texts),
            "problem": texts,
            "reference_answer": [None] * len(texts),
            "test_cases": [[] for _ in texts],
        },
        schema_overrides={"test_cases": pl.List(TEST_CASE_DTYPE), "reference_answer": pl.String},
    )
    embeddings = pl.DataFrame(
        {"problem_uid": uids, "embedding": list(vectors)},
        schema={"problem_uid": pl.String, "embedding": pl.List(pl.Float32)},
    )
    return problems, embeddings


def test_the_static_model_is_built_once_and_then_loaded(static, monkeypatch) -> None:
    assert static.folder.parent == MODELS_DIR and static.key.startswith("static-")
    assert (static.folder / "static.json").exists() and static.table.shape[1] == 256

    def must_not_build(*args) -> None:
        raise AssertionError("rebuilt a cached static model")

    monkeypatch.setattr(static_module, "_build", must_not_build)
    again = static_model(MODELS_DIR)
    assert again.key == static.key and np.array_equal(again.table, static.table)


def test_static_vectors_are_normalized_and_deterministic(static) -> None:
    texts = ["Solve for x: 3x + 5 = 11.", "What is 2 + 2?", "", "⟁⟁⟁"]
    first, second = static.encode(texts), static.encode(texts)
    assert first.dtype == np.float32 and first.shape == (4, 256)
    assert np.array_equal(first, second)
    assert np.allclose(np.linalg.norm(first[:2], axis=1), 1.0, atol=1e-5)
    assert not first[2].any()  # no token: a zero vector, never a candidate
    # batches do not change a text's vector
    assert np.allclose(static.encode(texts, batch_size=1), first, atol=1e-6)


def test_number_groups_follow_the_guards_number_sets() -> None:
    groups = number_groups(["Add 2 and 3.", "What is three plus two?", "Add 2 and 4.", "Hi."])
    assert groups[0] == groups[1] and len({groups[0], groups[2], groups[3]}) == 3


def test_fast_candidates_stay_within_groups_and_above_the_floor() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(3, 16)).astype(np.float32)
    # 30 near-copies of one vector in group 0 (searched as a large group), a close pair split
    # across two groups, and a far pair in one small group
    vectors = np.concatenate(
        [base[0] + 0.01 * rng.normal(size=(30, 16)), base[[1, 1]], base[[1, 2]]]
    ).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    groups = np.array([0] * 30 + [1, 2, 3, 3])
    pairs = fast_candidates(vectors, groups, DedupSettings(k=5, k_max=40, static_floor=0.9))
    found = set(pairs.select("i", "j").rows())
    assert all(i < j < 30 for i, j in found)  # never across groups, never the far pair
    assert len(found) == 30 * 29 // 2  # the crowded group was searched wide enough
    assert pairs["static_similarity"].min() >= 0.9
    without_groups = fast_candidates(vectors, None, DedupSettings(static_floor=0.9))
    assert (30, 31) in set(without_groups.select("i", "j").rows())


def test_the_fast_path_decides_like_the_full_path(static, minilm) -> None:
    texts, reworded, variants = planted_pool()
    vectors = minilm.embed([normalize_problem_text(t) for t in texts]).vectors
    problems, embeddings = pool_frames(texts, vectors)
    ranked = rank_rows(problems, {})
    looked_up: list[int] = []

    def lookup(rows: pl.DataFrame) -> pl.DataFrame:
        looked_up.append(rows.height)
        return embeddings.filter(pl.col("problem_uid").is_in(rows["problem_uid"].implode()))

    full, _, _ = decide(ranked, embeddings, DedupSettings())
    fast, pairs, _ = decide(ranked, lookup, DedupSettings(first_pass="static"), static=static)
    columns = ["problem_uid", "decision", "duplicate_of", "method"]
    assert fast.select(columns).equals(full.select(columns))
    target = dict(zip(fast["problem_uid"], fast["duplicate_of"], strict=True))
    uids = problems["problem_uid"].to_list()

    def merged(i: int, j: int) -> bool:
        return (target[uids[i]] or uids[i]) == (target[uids[j]] or uids[j])

    assert all(merged(i, j) for i, j in reworded)
    assert not any(merged(i, j) for i, j in variants)
    # only the rows of candidate pairs were embedded: never the number variants' partners
    assert looked_up == [2 * len(reworded)]
    assert set(pairs["verdict"]) == {"duplicate"}  # number-variant pairs were never proposed
    assert fast["settings_id"][0] != full["settings_id"][0]


def test_shared_tests_merge_without_a_static_proposal(static) -> None:
    texts = [
        "Read n and print the sum of the digits of n.",
        "Given a positive integer, output how much its decimal digits add up to.",
    ]
    problems, embeddings = pool_frames(texts, np.array([[1, 0], [0.6, 0.8]], np.float32))
    tests = [
        {"kind": "stdio", "input": i, "output": o, "fn_name": None, "split": "test"}
        for i, o in (("123", "6"), ("99", "18"), ("5", "5"))
    ]
    problems = problems.with_columns(
        pl.Series("test_cases", [tests, tests], dtype=pl.List(TEST_CASE_DTYPE))
    )
    settings = DedupSettings(first_pass="static", static_floor=0.99)
    decisions, _, _ = decide(rank_rows(problems, {}), embeddings, settings, static=static)
    assert decisions["method"].to_list()[1] == "tests"


def test_the_static_pass_needs_its_model() -> None:
    problems, embeddings = pool_frames(["Add 2 and 3."], np.ones((1, 2), np.float32))
    with pytest.raises(ValueError, match="static model"):
        decide(rank_rows(problems, {}), embeddings, DedupSettings(first_pass="static"))
