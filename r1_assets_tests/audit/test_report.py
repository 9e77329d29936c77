"""The report logic without Dagster: boilerplate n-grams, lineage joins with stages missing or
present, decontamination, vector alignment, settings; and the optional judge on borderline pairs
with the real embedded LLM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from r1_assets.audit.overlap import NgramIndex, find_overlaps
from r1_assets.audit.report import (
    AuditSettings,
    attach_lineage,
    decontaminate,
    judge_function,
    match_items,
    per_item,
    per_source,
    same_problem_answers,
    same_problem_requests,
    vector_matrix,
)
from r1_assets.dedup.embedder import DEFAULT_MODEL, SentenceEmbedder
from r1_assets.resources import LLMResource
from r1_assets_tests.conftest import MODELS_DIR

TEMPLATE = (
    "Read the problem statement carefully and give your final answer as a reduced fraction in "
    "lowest terms."
)


def test_boilerplate_ngrams_are_not_evidence_but_copies_still_are() -> None:
    # 60 unrelated training rows share one instruction sentence (a template), one row copies item
    rows = [
        f"{TEMPLATE} A jar holds {i} marbles of {i + 3} colors; how many per color?"
        for i in range(60)
    ]
    item = f"{TEMPLATE} Two dice are rolled; what is the probability that the sum is 7?"
    rows.append("Problem: " + item + " Solution: six of the 36 outcomes work, so 1/6.")
    ids = [f"r{i}" for i in range(len(rows))]
    items = pl.DataFrame({"item_id": ["dice"], "problem": [item]})
    frame = pl.DataFrame({"row_id": ids, "text": rows})

    noisy = find_overlaps(items, frame, max_ngram_rows=None)
    # without the filter every templated row shares 13-grams with the item and its numbers
    # (none in the template) are no evidence against it
    assert noisy.height == 61

    index = NgramIndex(ids, rows, (8, 13), max_rows=50)
    assert index.boilerplate[13] > 0
    found = find_overlaps(items, frame, index=index)
    assert found["row_id"].to_list() == ["r60"]
    assert found["methods"][0].to_list() == ["ngram13", "ngram8"]
    assert found["verdict"][0] == "contaminated"


RAW = pl.DataFrame(
    {
        "problem_uid": ["u1", "u1", "u2"],
        "source": ["a", "b", "a"],
        "source_row_id": ["a:1", "b:7", "a:2"],
        "source_revision": ["rev-a", "rev-b", "rev-a"],
        "problem": ["What is 2+2?", "What is 2+2?", "What is 3+3?"],
    }
)
ITEMS = pl.DataFrame({"item_id": ["i1", "i2"], "problem": ["What is 2+2?", "What is 3+3?"]})
HITS = pl.DataFrame(
    {
        "item_id": ["i1", "i2"],
        "problem_uid": ["u1", "u2"],
        "methods": [["ngram13"], ["embedding"]],
        "coverage": [1.0, None],
        "similarity": [1.0, 0.93],
        "numbers_differ": [False, True],
        "verdict": ["contaminated", "number_variant"],
    }
)


def test_lineage_without_later_stages_stops_at_raw_problems() -> None:
    report = attach_lineage("bench", HITS, ITEMS, RAW, {})
    # one report row per raw row: u1 sits in two sources
    assert report.select("item_id", "source", "source_row_id").rows() == [
        ("i1", "a", "a:1"),
        ("i1", "b", "b:7"),
        ("i2", "a", "a:2"),
    ]
    assert set(report["reached"]) == {"raw_problems"}
    assert report["source_revision"].to_list() == ["rev-a", "rev-b", "rev-a"]
    assert report["response_uids"].to_list() == [[], [], []]


def test_lineage_joins_every_stage_on_the_raw_row_ids() -> None:
    def lineage(rows):
        return pl.DataFrame(
            rows, schema=["response_uid", "problem_uid", "source", "source_row_id"], orient="row"
        )

    stages = {
        "deduped_pool": pl.DataFrame(
            {
                "problem_uid": ["u1", "u1", "u2"],
                "source": ["a", "b", "a"],
                "source_row_id": ["a:1", "b:7", "a:2"],
                "decision": ["kept", "duplicate", "kept"],
                "duplicate_of": [None, "u1", None],
            }
        ),
        "distilled_responses": lineage([("r1", "u1", "a", "a:1"), ("r2", "u1", "a", "a:1")]),
        "verified_set": lineage([("r1", "u1", "a", "a:1")]),
        "rejected_responses": lineage([("r2", "u1", "a", "a:1")]).with_columns(
            rejection_reason=pl.lit("math_verify: 5 != 4")
        ),
        "sft_dataset": lineage([("r1", "u1", "a", "a:1"), ("r1", "u1", "a", "a:1")]),
    }
    report = attach_lineage("bench", HITS, ITEMS, RAW, stages)
    first = report.row(0, named=True)
    assert first["dedup_decision"] == "kept" and first["response_uids"] == ["r1", "r2"]
    assert first["accepted_response_uids"] == ["r1"]
    assert first["rejections"] == ["r2: math_verify: 5 != 4"]
    assert first["sft_rows"] == 2 and first["reached"] == "sft_dataset"
    # the copy in source b is the same problem_uid but another raw row: nothing of a's leaks in
    second = report.row(1, named=True)
    assert second["dedup_decision"] == "duplicate" and second["duplicate_of"] == "u1"
    assert second["response_uids"] == [] and second["reached"] == "deduped_pool"
    assert report.row(2, named=True)["reached"] == "deduped_pool"

    settings = AuditSettings()
    assert per_item(report, settings)["item_id"].to_list() == ["i1"]  # i2 is a number variant
    by_source = per_source(report, settings)
    assert by_source.select("source", "rows", "in_sft_dataset").rows() == [
        ("a", 1, 1),
        ("b", 1, 0),
    ]


def test_decontaminate_removes_counted_problems_only() -> None:
    report = attach_lineage("bench", HITS, ITEMS, RAW, {})
    rows = pl.DataFrame({"response_uid": ["r1", "r2", "r3"], "problem_uid": ["u1", "u2", "u9"]})
    kept, removed = decontaminate(rows, report, AuditSettings())
    assert kept["response_uid"].to_list() == ["r2", "r3"]
    assert removed.select("response_uid", "overlaps").rows() == [("r1", ["bench:i1"])]
    strict = AuditSettings(exclude_number_variants=True)
    kept, removed = decontaminate(rows, report, strict)
    assert kept["response_uid"].to_list() == ["r3"]


def test_vector_matrix_aligns_and_zero_fills() -> None:
    embeddings = pl.DataFrame(
        {"problem_uid": ["b", "a", "c"], "embedding": [[0.0, 1.0], [1.0, 0.0], None]},
        schema={"problem_uid": pl.String, "embedding": pl.List(pl.Float32)},
    )
    matrix = vector_matrix(["a", "b", "c", "zz"], embeddings)
    assert matrix.tolist() == [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [0.0, 0.0]]
    assert vector_matrix(["a"], embeddings.clear()) is None


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="judge_floor"):
        AuditSettings(threshold=0.7, judge_floor=0.8)
    with pytest.raises(ValueError, match="min_coverage"):
        AuditSettings(min_coverage=0.0)
    with pytest.raises(ValueError, match="ngram_sizes"):
        AuditSettings(ngram_sizes=())


def test_the_judge_sees_only_borderline_pairs_and_decides_them(tmp_path: Path) -> None:
    embedder = SentenceEmbedder(DEFAULT_MODEL, threads=2)
    items = pl.DataFrame(
        {
            "item_id": ["cyl", "speed"],
            "problem": [
                "A cylinder has radius 3 and height 10. What is its volume in terms of pi?",
                "A car travels 150 km in 3 hours. What is its average speed in km per hour?",
            ],
        }
    )
    problems = pl.DataFrame(
        {
            "problem_uid": ["p1", "p2", "p3"],
            "problem": [
                # a looser rewording of the cylinder item: similar, under the 0.9 threshold
                "Find the volume of a cylindrical tank of radius 3 and height 10, leaving pi.",
                "A car travels 150 km in 3 hours. What is its average speed in km per hour?",
                "Write a Python function that reverses a linked list in place.",
            ],
        }
    )
    vectors = (
        embedder.embed(items["problem"].to_list(), 8).vectors,
        embedder.embed(problems["problem"].to_list(), 8).vectors,
    )
    similarity = float(vectors[0][0] @ vectors[1][0])
    assert 0.6 <= similarity < 0.9, similarity  # the pair this test is about is borderline

    judge = LLMResource(
        backend="transformers", models_dir=str(MODELS_DIR), cache_dir=str(tmp_path / "llm")
    )
    asked: list[tuple[str, str]] = []
    real_judge = judge_function(judge, log=lambda _msg: None)

    def recording_judge(pairs):
        asked.extend(pairs)
        return real_judge(pairs)

    settings = AuditSettings(judge_borderline=True, judge_floor=0.6)
    hits = match_items(items, problems, settings, vectors, recording_judge)
    # the exact copy is found without the judge; the borderline pair goes to the judge alone
    assert asked == [(items["problem"][0], problems["problem"][0])]
    copy = hits.filter(pl.col("item_id") == "speed")
    assert (
        copy["problem_uid"].to_list() == ["p2"] and "llm_judge" not in copy["methods"][0].to_list()
    )
    completions, _ = judge.generate(same_problem_requests(asked))
    (said_same,) = same_problem_answers(completions)
    judged = hits.filter(pl.col("item_id") == "cyl")
    assert judged.height == int(said_same)
    if said_same:
        assert judged["methods"][0].to_list() == ["llm_judge"]
    # without judge_borderline nothing is asked and the pair is not reported
    asked.clear()
    plain = match_items(items, problems, AuditSettings(), vectors, recording_judge)
    assert not asked and plain.filter(pl.col("item_id") == "cyl").is_empty()
    assert np.isclose(plain["similarity"][0], 1.0, atol=1e-5)


CLOSING = "where $m$ and $n$ are relatively prime positive integers. Find $m+n$."
AIME_LIKE = [
    f"A bag has 5 red and 7 blue marbles. Two are drawn. The probability both are red is "
    f"$\\frac{{m}}{{n}}$, {CLOSING}",
    f"A circle of radius 6 is inscribed in a square. A point is chosen at random in the square. "
    f"The probability it lies in the circle is $\\frac{{m\\pi}}{{n}}$, {CLOSING}",
    "In triangle $ABC$, $AB = 13$, $BC = 14$ and $CA = 15$.\n[asy]\nunitsize(0.3cm);\n"
    "pair B=(0,0), C=(14,0), A=(5,12);\ndraw(A--B--C--cycle);\n[/asy]\n"
    f"The inradius is $\\frac{{m}}{{n}}$, {CLOSING}",
]


def test_a_benchmarks_template_sentence_is_not_evidence_but_copies_in_other_formats_are() -> None:
    items = pl.DataFrame({"item_id": ["i0", "i1", "i2"], "problem": AIME_LIKE})
    figure = AIME_LIKE[2]
    stripped = figure[: figure.index("[asy]")] + figure[figure.index("[/asy]") + 6 :]
    rows = [
        # other problems of the same contest (another year): they share the closing sentence
        f"Three coins are tossed. The probability of two heads is $\\frac{{m}}{{n}}$, {CLOSING}",
        f"A die is rolled twice. The probability of a sum of 9 is $\\frac{{m}}{{n}}$, {CLOSING}",
        # copies: with an instruction suffix, without the figure, numbers in words
        AIME_LIKE[0] + "\nPlease reason step by step, and put your final answer within \\boxed{}.",
        "Solve the following problem. " + stripped,
        AIME_LIKE[1].replace("radius 6", "radius six"),
    ]
    frame = pl.DataFrame({"row_id": [f"r{n}" for n in range(5)], "text": rows})
    index = NgramIndex(frame["row_id"].to_list(), rows, (8, 13))
    found = find_overlaps(items, frame, index=index)
    assert index.templates[13] > 0  # the closing sentence's 13-grams
    verdicts = {(i, r): v for i, r, v in found.select("item_id", "row_id", "verdict").iter_rows()}
    assert verdicts[("i0", "r2")] == "contaminated"
    assert verdicts[("i2", "r3")] == "contaminated"  # the figure's numbers are not the problem's
    assert verdicts[("i1", "r4")] == "contaminated"
    counted = {key for key, verdict in verdicts.items() if verdict != "weak"}
    assert counted == {("i0", "r2"), ("i2", "r3"), ("i1", "r4")}  # the other year: nothing
    # one item alone (no benchmark template to learn from): the shared sentence is one 13-gram
    # of low coverage, weak without a supporting similarity
    alone = find_overlaps(items.head(1), frame, index=index)
    assert set(alone.filter(pl.col("verdict") != "weak")["row_id"]) == {"r2"}
    assert set(alone.filter(pl.col("verdict") == "weak")["row_id"]) <= {"r0", "r1", "r3", "r4"}
