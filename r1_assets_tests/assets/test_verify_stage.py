"""response_verdicts and verified_set through Dagster: real math-verify workers, the real
bubblewrap sandbox, the real embedded judge, on responses the source shipped and the teacher's."""

from __future__ import annotations

import base64
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from r1_assets.catalog.am_rows import am_row
from r1_assets.definitions import build_definitions
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.assets.test_llm_stage import materialize, resources
from r1_assets_tests.conftest import shard_partition, write_jsonl

MATH = "NuminaMath"
CODE = "codeio"
CHAT = "InfinityInstruct"


def fenced(program: str) -> str:
    return f"Here is the program.\n\n```python\n{program}\n```"


ROWS = [
    am_row(
        MATH,
        "What is 12 times 7?",
        "Twelve times seven: ten sevens are seventy, two sevens are fourteen, total eighty-four.",
        "12 times 7 is $\\boxed{84}$.",
        reference_answer="84",
    ),
    am_row(
        MATH,
        "What is one half plus one quarter? Give a fraction.",
        "One half is two quarters, plus one quarter makes three quarters of the whole.",
        "The sum is $\\boxed{0.75}$.",  # equal to the reference, written differently
        reference_answer="\\frac{3}{4}",
    ),
    am_row(
        CODE,
        "Read two integers a and b from standard input and print their sum.",
        "Split the line, convert both parts to integers and print the sum of the two values.",
        fenced("a, b = map(int, input().split())\nprint(a + b)"),
        test_case={"inputs": ["1 2\n", "5 7\n"], "outputs": ["3\n", "12\n"]},
    ),
    am_row(
        CODE,
        "Read an integer n from standard input and print n squared.",
        "Squaring means multiplying by itself; I will multiply the number by three instead.",
        fenced("n = int(input())\nprint(n * 3)"),  # right for 3, wrong for 4
        test_case={"inputs": ["3\n", "4\n"], "outputs": ["9\n", "16\n"]},
    ),
    am_row(
        CHAT,
        "Write one sentence about autumn leaves.",
        "The user wants a single descriptive sentence about leaves falling in the autumn.",
        "Autumn leaves drift down in red and golden spirals, carpeting the quiet paths.",
    ),
]


@pytest.fixture
def catalog(make_catalog, tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "am.jsonl", ROWS)
    return make_catalog(
        {
            "name": "am",
            "domain": "mixed",
            "format": "am_distilled",
            "location": "am.jsonl",
            "domain_by_origin": {MATH: "math", CODE: "code", CHAT: "chat"},
        }
    )


def distilled_pipeline(defs: dg.Definitions, instance: dg.DagsterInstance) -> None:
    """Source "am" through distillation: every problem selected, one 12-token teacher sample."""
    materialize(
        defs, instance, ["raw_problems", "raw_problems_quarantine", "problem_embeddings"], "am"
    )
    materialize(defs, instance, ["deduped_pool", "dedup_pairs"])
    keep_all = {"ops": {"problem_labels": {"config": {"keep_rate": {}}}}}
    materialize(defs, instance, ["problem_labels"], "am", keep_all)
    tiny = {"ops": {"distilled_responses": {"config": {"max_tokens": 12, "n_samples": 1}}}}
    materialize(defs, instance, ["distilled_responses"], "am", tiny)


def test_verification_end_to_end(catalog: Path, tmp_path: Path) -> None:
    defs = build_definitions(catalog, tmp_path / "data")
    instance = dg.DagsterInstance.ephemeral()
    distilled_pipeline(defs, instance)

    result = dg.materialize(
        list(defs.assets),
        instance=instance,
        resources=resources(defs),
        selection=["response_verdicts", "verified_set", "rejected_responses"],
        partition_key=shard_partition(instance, "am"),
    )
    meta = {
        e.asset_key.to_user_string(): {k: v.value for k, v in e.materialization.metadata.items()}
        for e in result.get_asset_materialization_events()
    }
    store = Warehouse(tmp_path / "data")
    verdicts = store.read("response_verdicts")
    responses = store.read("distilled_responses")
    raw = store.read("raw_problems").select("problem_uid", "problem")
    by_problem = responses.join(raw, on="problem_uid").select("response_uid", "origin", "problem")
    verdicts = verdicts.join(by_problem.drop("origin"), on="response_uid")

    def verdict(problem_start: str, verifier: str, origin: str = "source") -> dict:
        rows = verdicts.filter(
            pl.col("problem").str.starts_with(problem_start)
            & pl.col("origin").str.starts_with(origin)
            & (pl.col("verifier") == verifier)
        )
        assert rows.height == 1, (problem_start, verifier, origin, rows)
        return rows.row(0, named=True)

    # routing: math → math-verify, code → sandbox, chat → the judge; rules everywhere
    assert verdict("What is 12", "math_verify")["passed"]
    assert verdict("What is one half", "math_verify")["passed"]  # 0.75 == \frac{3}{4}
    assert verdict("Read two integers", "code_tests")["passed"]
    squared = verdict("Read an integer n", "code_tests")
    assert not squared["passed"] and "1" in squared["detail"]  # the second test failed
    judged = verdict("Write one sentence", "llm_judge")
    for attribute in ("correctness", "helpfulness", "coherence", "complexity", "verbosity"):
        assert attribute in judged["detail"]
    assert (
        verdicts.filter(pl.col("verifier") == "llm_judge")["problem"]
        .str.starts_with("Write one")
        .all()
    )
    # the 12-token teacher samples are cut off: rejected by the length rule, whatever else
    teacher_length = verdicts.filter(
        (pl.col("origin") == "teacher") & (pl.col("verifier") == "length")
    )
    assert teacher_length.height == 5 and not teacher_length["passed"].any()

    accepted = store.read("verified_set")
    rejected = store.read("rejected_responses")
    assert accepted.height + rejected.height == responses.height
    accepted_problems = set(accepted.join(raw, on="problem_uid")["problem"])
    assert {"What is 12 times 7?", "What is one half plus one quarter? Give a fraction."} <= (
        accepted_problems
    )
    assert "Read two integers a and b from standard input and print their sum." in (
        accepted_problems
    )
    assert "Read an integer n from standard input and print n squared." not in accepted_problems
    row = accepted.filter(pl.col("domain") == "math").row(0, named=True)
    assert row["messages"][1]["info"]["reference_answer"] in {"84", "\\frac{3}{4}"}
    assert row["messages"][1]["content"].startswith("<think>\n")
    assert set(rejected.filter(pl.col("origin") == "teacher")["response_uid"]) == set(
        responses.filter(pl.col("origin") == "teacher")["response_uid"]
    )
    assert rejected["rejection_reason"].is_not_null().all()

    checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
    assert checks["accepted_rows_verified"].passed
    assert checks["pass_rate_in_band"].passed  # some accepted, some rejected
    assert 0 < checks["pass_rate_in_band"].metadata["pass_rate"].value < 1

    first = meta["response_verdicts"]
    assert first["verdicts_computed"] == verdicts.height and first["verdicts_cached"] == 0
    png = first["pass_rate_plot"].split("base64,", 1)[1].rstrip(")")
    assert base64.b64decode(png).startswith(b"\x89PNG")
    assert "math_verify" in first["verifiers"] and "code_tests" in first["verifiers"]

    # a rerun pays for nothing: every verdict (judge included) comes from the cache
    again = materialize(defs, instance, ["response_verdicts"], "am")["response_verdicts"]
    assert again["verdicts_computed"] == 0 and again["verdicts_cached"] == verdicts.height

    # difficulty measured: every teacher sample was cut at 12 tokens, so every problem with
    # ground truth (two math, two code) passes none of its samples; the chat problem has none
    rated = materialize(defs, instance, ["problem_pass_rates"], "am")["problem_pass_rates"]
    rates = store.read("problem_pass_rates")
    assert rates.height == 4 and set(rates["domain"]) == {"math", "code"}
    assert rates["samples"].to_list() == [1] * 4 and rates["accepted"].sum() == 0
    assert set(rates["pass_rate_difficulty"]) == {5}
    labels = store.read("problem_labels").select("problem_uid", "difficulty")
    beside = rates.join(labels, on="problem_uid")
    assert beside["llm_difficulty"].eq_missing(beside["difficulty"]).all()
    assert rated["no_sample_passes"] == 4 and "pass_rate_plot" in rated
