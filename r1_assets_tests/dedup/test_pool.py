"""Pool decisions on hand-made vectors: ranking, retention, clustering, order independence."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from r1_assets.catalog.schema import TEST_CASE_DTYPE
from r1_assets.dedup.pool import candidate_pairs, decide, rank_rows
from r1_assets.dedup.settings import DedupSettings

DIM = 8


def unit(*components: float) -> list[float]:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[: len(components)] = components
    return (vector / np.linalg.norm(vector)).tolist()


def pool(
    rows: list[tuple], tests: dict[str, list[tuple[str, str]]] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """rows: (uid, source, row_id, problem, reference_answer, vector); tests: uid -> stdio
    (input, output) pairs."""
    tests = tests or {}
    problems = pl.DataFrame(
        {
            "problem_uid": [r[0] for r in rows],
            "source": [r[1] for r in rows],
            "source_row_id": [r[2] for r in rows],
            "domain": ["math"] * len(rows),
            "problem": [r[3] for r in rows],
            "reference_answer": [r[4] for r in rows],
            "test_cases": [
                [
                    {"kind": "stdio", "input": i, "output": o, "fn_name": None, "split": "x"}
                    for i, o in tests.get(r[0], [])
                ]
                for r in rows
            ],
        },
        schema_overrides={"test_cases": pl.List(TEST_CASE_DTYPE)},
    )
    embeddings = pl.DataFrame(
        {"problem_uid": [r[0] for r in rows], "embedding": [r[5] for r in rows]},
        schema={"problem_uid": pl.String, "embedding": pl.List(pl.Float32)},
    )
    return problems, embeddings


PRIORITIES = {"high": 90, "mid": 50, "low": 10}
ROWS = [
    ("u1", "low", "1", "Add 2 and 3.", "5", unit(1, 0)),
    ("u1", "high", "7", "add 2 and 3.", None, unit(1, 0)),  # exact copy in a better source
    ("u2", "mid", "3", "What is 2 plus 3?", "5", unit(1, 0.2)),  # rewording, cos ≈ 0.98
    ("u3", "mid", "4", "Add 2 and 4.", "6", unit(1, 0.1)),  # number variant, cos ≈ 0.995
    ("u4", "low", "9", "Name a prime.", None, unit(0, 1)),  # unrelated
]


def decisions_by_key(decisions: pl.DataFrame) -> dict[tuple[str, str], dict]:
    return {(r["source"], r["source_row_id"]): r for r in decisions.iter_rows(named=True)}


def test_exact_and_semantic_duplicates_keep_the_highest_priority_row() -> None:
    problems, embeddings = pool(ROWS)
    decisions, pairs, _ = decide(rank_rows(problems, PRIORITIES), embeddings, DedupSettings())
    by_key = decisions_by_key(decisions)
    assert by_key[("high", "7")]["decision"] == "kept"
    low = by_key[("low", "1")]
    assert (low["decision"], low["duplicate_of"], low["method"], low["similarity"]) == (
        "duplicate",
        "u1",
        "exact",
        1.0,
    )
    assert low["duplicate_of_source"] == "high"
    rewording = by_key[("mid", "3")]
    assert (rewording["duplicate_of"], rewording["method"]) == ("u1", "semantic")
    assert rewording["similarity"] == pytest.approx(0.98, abs=0.01)
    assert by_key[("mid", "4")]["decision"] == "kept"  # the guard keeps the variant apart
    assert by_key[("low", "9")]["decision"] == "kept"
    blocked = pairs.filter(pl.col("verdict") == "guard_blocked")
    assert blocked.height >= 1 and blocked["numbers_differ"].all()


def test_without_the_guard_the_number_variant_is_merged() -> None:
    problems, embeddings = pool(ROWS)
    decisions, _, _ = decide(
        rank_rows(problems, PRIORITIES), embeddings, DedupSettings(number_guard=False)
    )
    assert decisions_by_key(decisions)[("mid", "4")]["duplicate_of"] == "u1"


def test_ties_break_on_ground_truth_then_source_name() -> None:
    rows = [
        ("a", "mid", "1", "Q one", None, unit(1, 0)),
        ("a", "mid2", "1", "q one", "42", unit(1, 0)),  # same priority, has an answer
        ("b", "zeta", "1", "Q two", None, unit(0, 1)),
        ("b", "alpha", "1", "Q TWO", None, unit(0, 1)),
    ]
    problems, embeddings = pool(rows)
    decisions, _, _ = decide(
        rank_rows(problems, {"mid": 5, "mid2": 5, "zeta": 5, "alpha": 5}),
        embeddings,
        DedupSettings(),
    )
    kept = set(
        decisions.filter(pl.col("decision") == "kept").select("source", "problem_uid").rows()
    )
    assert kept == {("mid2", "a"), ("alpha", "b")}


def test_no_chaining_through_a_middle_row() -> None:
    # A~B and B~C above the threshold, A and C not: B joins A, C stays (no A-B-C chain)
    a, b, c = unit(1, 0), unit(np.cos(0.4), np.sin(0.4)), unit(np.cos(0.8), np.sin(0.8))
    rows = [
        ("a", "high", "1", "x", None, a),
        ("b", "mid", "1", "y", None, b),
        ("c", "low", "1", "z", None, c),
    ]
    problems, embeddings = pool(rows)
    decisions, _, _ = decide(
        rank_rows(problems, PRIORITIES), embeddings, DedupSettings(threshold=0.9)
    )
    by_uid = {r["problem_uid"]: r["decision"] for r in decisions.iter_rows(named=True)}
    assert by_uid == {"a": "kept", "b": "duplicate", "c": "kept"}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_decisions_do_not_depend_on_input_order(seed: int) -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(40, DIM)).astype(np.float32)
    rows = []
    for i, vector in enumerate(base):
        for copy, source in enumerate(["high", "mid", "low"][: 1 + i % 3]):
            noisy = vector + 0.05 * copy * rng.normal(size=DIM)
            rows.append(
                (
                    f"u{i}-{copy}",
                    source,
                    str(i),
                    f"problem {i % 7}",
                    None,
                    (noisy / np.linalg.norm(noisy)).tolist(),
                )
            )
    problems, embeddings = pool(rows)
    reference, _, _ = decide(rank_rows(problems, PRIORITIES), embeddings, DedupSettings())
    shuffled = problems.sample(fraction=1.0, shuffle=True, seed=seed)
    again, _, _ = decide(
        rank_rows(shuffled, PRIORITIES),
        embeddings.sample(fraction=1.0, shuffle=True, seed=seed),
        DedupSettings(),
    )
    assert reference.sort("source", "source_row_id").equals(again.sort("source", "source_row_id"))
    assert (reference["decision"] == "duplicate").sum() > 0


def test_rows_without_embeddings_are_kept_or_exact_duplicates() -> None:
    problems, embeddings = pool(ROWS)
    embeddings = embeddings.with_columns(
        pl.when(pl.col("problem_uid") == "u2")
        .then(None)
        .otherwise(pl.col("embedding"))
        .alias("embedding")
    )
    decisions, _, _ = decide(rank_rows(problems, PRIORITIES), embeddings, DedupSettings())
    assert decisions_by_key(decisions)[("mid", "3")]["decision"] == "kept"
    assert decisions_by_key(decisions)[("low", "1")]["method"] == "exact"


def test_crowded_neighborhoods_widen_the_search() -> None:
    # one problem with 30 number variants (cos 0.99) and one true rewording (cos 0.95): with
    # k=5 the rewording is not among the first neighbors, the widened search finds it
    rng = np.random.default_rng(1)
    base = rng.normal(size=DIM)
    base /= np.linalg.norm(base)

    def near(cos: float) -> list[float]:
        noise = rng.normal(size=DIM)
        noise -= noise @ base * base
        noise /= np.linalg.norm(noise)
        return (cos * base + np.sqrt(1 - cos**2) * noise).tolist()

    rows = [
        ("orig", "high", "0", "Add 5 and 7.", None, base.tolist()),
        ("reword", "low", "0", "What is 5 plus 7?", None, near(0.95)),
    ]
    rows += [(f"v{n}", "mid", str(n), f"Add 5 and {n}.", None, near(0.99)) for n in range(8, 38)]
    problems, embeddings = pool(rows)
    ranked = rank_rows(problems, PRIORITIES)
    narrow, _, _ = decide(ranked, embeddings, DedupSettings(k=5, k_max=5))
    wide, _, _ = decide(ranked, embeddings, DedupSettings(k=5, k_max=200))
    assert decisions_by_key(narrow)[("low", "0")]["decision"] == "kept"  # crowded out
    reword = decisions_by_key(wide)[("low", "0")]
    assert (reword["decision"], reword["duplicate_of"]) == ("duplicate", "orig")
    assert (wide["decision"] == "kept").sum() == 31  # the 30 variants stay (guard)


def test_a_single_crowded_row_is_searched_again_without_crashing() -> None:
    # one hub with 12 neighbors above the threshold in a pool of 73: only the hub needs the
    # widened search (usearch answers a single query with 1-D keys)
    rng = np.random.default_rng(3)
    dim = 64
    hub = np.zeros(dim)
    hub[0] = 1
    spokes = [0.85 * hub + np.sqrt(1 - 0.85**2) * np.eye(dim)[1 + i] for i in range(12)]
    noise = [v / np.linalg.norm(v) for v in rng.normal(size=(60, dim))]
    vectors = np.asarray([hub, *spokes, *noise], dtype=np.float32)
    pairs = candidate_pairs(vectors, DedupSettings(k=10, threshold=0.8))
    assert set(pairs.filter(pl.col("i") == 0)["j"].to_list()) >= set(range(1, 13))


def test_hnsw_search_is_reproducible() -> None:
    rng = np.random.default_rng(4)
    vectors = rng.normal(size=(3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    settings = DedupSettings(exact_search_below=0, calibration_floor=0.3)  # force the graph
    first, second = candidate_pairs(vectors, settings), candidate_pairs(vectors, settings)
    assert first.height > 1000 and first.equals(second)


def test_broken_vectors_and_missing_tests_do_not_break_ranking() -> None:
    problems, embeddings = pool(ROWS)
    embeddings = embeddings.with_columns(
        pl.when(pl.col("problem_uid") == "u4")
        .then([float("nan")] * DIM)
        .otherwise(pl.col("embedding"))
        .alias("embedding")
    )
    decisions, _, _ = decide(rank_rows(problems, PRIORITIES), embeddings, DedupSettings())
    assert decisions_by_key(decisions)[("low", "9")]["decision"] == "kept"
    assert decisions_by_key(decisions)[("mid", "3")]["method"] == "semantic"
    # a null test_cases list is "no tests", not "unknown, sort first"
    tie = pl.DataFrame(
        {
            "problem_uid": ["a", "a"],
            "source": ["s1", "s2"],
            "source_row_id": ["1", "1"],
            "reference_answer": ["42", None],
            "test_cases": [[], None],
        },
        schema_overrides={"test_cases": pl.List(pl.Struct({"kind": pl.String}))},
    )
    assert rank_rows(tie, {"s1": 1, "s2": 1})["source"].to_list() == ["s1", "s2"]


def test_shared_tests_merge_code_problems_worded_apart() -> None:
    # cos 0.6: far below the threshold, but the same task by its tests (numbers differ too)
    rows = [
        ("cf", "high", "1", "Pete and Billy share a watermelon of w kilos.", None, unit(1, 0)),
        ("apps", "low", "1", "Two friends cut a melon; n up to 100.", None, unit(0.6, 0.8)),
        ("other", "low", "2", "Is w even?", None, unit(0.6, -0.8)),
    ]
    watermelon = [("8", "YES"), ("5", "NO"), ("2", "NO")]
    tests = {"cf": watermelon, "apps": [*watermelon[:2], ("100", "YES")], "other": watermelon[1:]}
    problems, embeddings = pool(rows, tests)
    decisions, pairs, _ = decide(rank_rows(problems, PRIORITIES), embeddings, DedupSettings())
    by_uid = {r["problem_uid"]: r for r in decisions.iter_rows(named=True)}
    assert (by_uid["apps"]["duplicate_of"], by_uid["apps"]["method"]) == ("cf", "tests")
    assert by_uid["apps"]["similarity"] == pytest.approx(0.6, abs=1e-3)
    # "other" shares two tests with cf too, but both expect "NO": one output tells no task apart
    assert by_uid["other"]["decision"] == "kept"
    pair = pairs.filter((pl.col("a_uid") == "cf") & (pl.col("b_uid") == "other")).row(0, named=True)
    assert (pair["shared_tests"], pair["shared_outputs"], pair["verdict"]) == (
        2,
        1,
        "below_threshold",
    )
    off, _, _ = decide(
        rank_rows(problems, PRIORITIES), embeddings, DedupSettings(ground_truth=False)
    )
    assert off.filter(pl.col("decision") == "duplicate").is_empty()


def test_a_conflicting_test_output_keeps_code_problems_apart() -> None:
    # cos 0.99 and the same numbers: "even" vs "odd" - only the tests tell them apart
    rows = [
        ("even", "high", "1", "Count the even elements.", None, unit(1, 0)),
        ("odd", "low", "1", "Count the odd elements.", None, unit(1, 0.14)),
    ]
    tests = {"even": [("3 5 7 14", "1"), ("21", "0")], "odd": [("3 5 7 14", "3"), ("21", "1")]}
    problems, embeddings = pool(rows, tests)
    decisions, pairs, _ = decide(rank_rows(problems, PRIORITIES), embeddings, DedupSettings())
    assert decisions.filter(pl.col("decision") == "duplicate").is_empty()
    [pair] = pairs.rows(named=True)
    assert (pair["verdict"], pair["shared_tests"], pair["conflicting_tests"]) == (
        "ground_truth_conflict",
        0,
        2,
    )
    unguarded, _, _ = decide(
        rank_rows(problems, PRIORITIES), embeddings, DedupSettings(conflict_guard=False)
    )
    assert unguarded.filter(pl.col("problem_uid") == "odd")["method"].to_list() == ["semantic"]


def test_answers_merge_below_the_threshold_and_keep_look_alikes_apart() -> None:
    rows = [
        ("c1", "high", "1", "Choose $3$ of $10$ people.", "120", unit(1, 0)),
        # cos 0.77: below the threshold, same numbers, same answer (written another way)
        (
            "c2",
            "low",
            "1",
            "A club has 10 members: how many 3-member committees?",
            "\\boxed{120}",
            unit(0.77, np.sqrt(1 - 0.77**2)),
        ),
        # cos 0.95, same numbers, another question: different answer, never merged
        (
            "s1",
            "high",
            "2",
            "3 times as many deaf as blind, 180 in all: how many blind?",
            "45",
            unit(0, 1),
        ),
        (
            "s2",
            "low",
            "2",
            "3 times as many deaf as blind, 180 deaf: how many in all?",
            "240",
            unit(0, 0.95, np.sqrt(1 - 0.95**2)),
        ),
        # cos 0.77, same answer but other numbers: the number guard still holds
        ("c3", "low", "3", "Choose 7 of 10 people.", "120", unit(0.77, -np.sqrt(1 - 0.77**2))),
    ]
    problems, embeddings = pool(rows)
    decisions, pairs, _ = decide(rank_rows(problems, PRIORITIES), embeddings, DedupSettings())
    by_uid = {r["problem_uid"]: r for r in decisions.iter_rows(named=True)}
    assert (by_uid["c2"]["duplicate_of"], by_uid["c2"]["method"]) == ("c1", "answer")
    assert by_uid["s2"]["decision"] == "kept"
    assert by_uid["c3"]["decision"] == "kept"
    verdicts = {(r["a_uid"], r["b_uid"]): r["verdict"] for r in pairs.iter_rows(named=True)}
    assert verdicts[("s1", "s2")] == "ground_truth_conflict"
    # without ground truth the threshold alone decides: c2 kept, s2 merged
    off, _, _ = decide(
        rank_rows(problems, PRIORITIES), embeddings, DedupSettings(ground_truth=False)
    )
    by_uid = {r["problem_uid"]: r for r in off.iter_rows(named=True)}
    assert by_uid["c2"]["decision"] == "kept"
    assert (by_uid["s2"]["duplicate_of"], by_uid["s2"]["method"]) == ("s1", "semantic")


def test_contradicted_evidence_merges_nothing() -> None:
    # shared tests but different answers; the same answer but a test that expects another output
    rows = [
        ("t1", "high", "1", "Sum the list.", "12", unit(1, 0)),
        ("t2", "low", "1", "Add up the values.", "7", unit(0.6, 0.8)),
        ("a1", "high", "2", "Count the even elements.", "7", unit(0, 0, 1)),
        ("a2", "low", "2", "How many are even?", "7", unit(0, 0, 0.77, np.sqrt(1 - 0.77**2))),
    ]
    tests = {
        "t1": [("1 2", "3"), ("4 4", "8")],
        "t2": [("1 2", "3"), ("4 4", "8")],
        "a1": [("1 2", "1"), ("2 4", "2")],
        "a2": [("1 2", "1"), ("2 4", "0")],
    }
    problems, embeddings = pool(rows, tests)
    for guard in (True, False):
        decisions, pairs, _ = decide(
            rank_rows(problems, PRIORITIES), embeddings, DedupSettings(conflict_guard=guard)
        )
        assert decisions.filter(pl.col("decision") == "duplicate").is_empty(), guard
    verdicts = {(r["a_uid"], r["b_uid"]): r for r in pairs.iter_rows(named=True)}
    assert verdicts[("t1", "t2")]["answers_agree"] is False
    assert verdicts[("a1", "a2")]["conflicting_tests"] == 1


def test_retention_prefers_richer_ground_truth_then_the_harder_problem() -> None:
    test = {"kind": "stdio", "input": "1", "output": "1", "fn_name": None, "split": "official"}
    rows = pl.DataFrame(
        {
            "problem_uid": ["easy", "hard", "more_tests", "unrated"],
            "source": ["s", "s", "s", "s"],
            "source_row_id": ["1", "2", "3", "4"],
            "domain": ["code"] * 4,
            "reference_answer": [None] * 4,
            "test_cases": [[test], [test], [test, test], [test]],
            "metadata": ['{"rating": 1700}', '{"rating": 2400}', "{}", None],
        }
    )
    ranked = rank_rows(rows, {"s": 10})
    assert ranked.sort("rank")["problem_uid"].to_list() == ["more_tests", "hard", "easy", "unrated"]
