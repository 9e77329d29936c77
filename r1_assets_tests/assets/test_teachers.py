"""Several teachers through Dagster: the embedded SmolLM2 beside two remote teachers (a local
OpenAI-compatible server, right or wrong per problem as told), sampled adaptively and at a fixed
k, verified with the real math-verify pool, and chosen per problem in sft_dataset by each rule;
then two embedded teachers (a student trained here, at two temperatures) whose own samples
verify."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from r1_assets.definitions import build_definitions
from r1_assets.llm.ledger import Ledger
from r1_assets.resources import reconfigured
from r1_assets.storage.warehouse import Warehouse
from r1_assets.verify.verdicts import RULE_SPECS
from r1_assets_tests.assets.test_llm_stage import materialize, prepare, resources
from r1_assets_tests.conftest import partition_for, write_jsonl
from r1_assets_tests.llm.teacher_server import TeacherServer

PROBLEMS = {
    "What is 12 times 7?": "84",
    "Solve for x: 3x + 5 = 20.": "5",
    "How many sides does a hexagon have?": "6",
}
# the second remote teacher gets two of the three wrong, whatever it is asked how often
WRONG = {("qwq-remote", "What is 12 times 7?"), ("qwq-remote", "Solve for x: 3x + 5 = 20.")}


@pytest.fixture
def catalog(make_catalog, tmp_path: Path) -> Path:
    rows = [{"id": f"p{i}", "problem": p, "answer": a} for i, (p, a) in enumerate(PROBLEMS.items())]
    write_jsonl(tmp_path / "alpha.jsonl", rows)
    write_jsonl(tmp_path / "beta.jsonl", [{"id": "b1", "problem": "What is 2 + 2?", "answer": "4"}])
    return make_catalog(
        {"name": "alpha", "format": "generic", "location": "alpha.jsonl", "priority": 20},
        {"name": "beta", "format": "generic", "location": "beta.jsonl", "priority": 10},
    )


def remote(name: str, model: str, server: TeacherServer, n: int) -> dict:
    return {
        "name": name,
        "model": model,
        "backend": "openai",
        "base_url": server.base_url,
        "n_samples": n,
    }


def distill(teachers: list[dict], **config) -> dict:
    return {"ops": {"distilled_responses": {"config": {"teachers": teachers, **config}}}}


NO_JUDGES = {"use_judge": False, "math_judge": False}


@pytest.mark.timeout(1200)
def test_two_remote_teachers_and_the_embedded_one(catalog: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    defs = build_definitions(catalog, tmp_path / "data")
    instance = dg.DagsterInstance.ephemeral()
    prepare(defs, instance)
    keep_all = {"ops": {"problem_labels": {"config": {"keep_rate": {}}}}}
    materialize(defs, instance, ["problem_labels"], "alpha", keep_all)
    store = Warehouse(tmp_path / "data")

    with TeacherServer(PROBLEMS, WRONG) as server:
        # adaptive: each (problem, teacher) sampled until one sample verifies, at most 3
        teachers = [remote("r1", "r1-remote", server, 3), remote("qwq", "qwq-remote", server, 3)]
        adaptive = distill(
            teachers, adaptive=True, wanted_verified=1, verification=NO_JUDGES, max_tokens=64
        )
        meta = materialize(defs, instance, ["distilled_responses"], "alpha", adaptive)
        first = meta["distilled_responses"]
        # a problem whose first sample verified got no second one
        assert dict(server.requests) == {
            **{("r1-remote", p): 1 for p in PROBLEMS},
            ("qwq-remote", "How many sides does a hexagon have?"): 1,
            ("qwq-remote", "What is 12 times 7?"): 3,
            ("qwq-remote", "Solve for x: 3x + 5 = 20."): 3,
        }
        assert first["adaptive_samples_drawn"] == 3 + 1 + 3 + 3
        assert first["adaptive_fixed_k_samples"] == 2 * 3 * 3
        assert first["adaptive_samples_saved"] == 18 - 10
        responses = store.read("distilled_responses", ["alpha.0000"])
        assert responses.height == 10 and set(responses["teacher_name"]) == {"r1", "qwq"}
        server.requests.clear()

        # fixed k, three teachers: the embedded SmolLM2 beside the two remote ones
        three = [
            {"name": "smol", "max_tokens": 12, "n_samples": 1},
            {"name": "smol_hot", "max_tokens": 12, "n_samples": 1, "temperature": 1.0},
            remote("r1", "r1-remote", server, 2),
            remote("qwq", "qwq-remote", server, 2),
        ]
        fixed = materialize(
            defs, instance, ["distilled_responses"], "alpha", distill(three, max_tokens=64)
        )["distilled_responses"]
        # what the adaptive run drew is reused: only r1's second samples and qwq's hexagon one
        assert dict(server.requests) == {
            **{("r1-remote", p): 1 for p in PROBLEMS},
            ("qwq-remote", "How many sides does a hexagon have?"): 1,
        }
        assert fixed["llm_cache_hits"] == 3 + 2 * 2 + 1  # r1 0; qwq 0-1 twice, hexagon 0
    responses = store.read("distilled_responses", ["alpha.0000"])
    per_teacher = dict(responses.group_by("teacher_name").len().iter_rows())
    assert per_teacher == {"smol": 3, "smol_hot": 3, "r1": 6, "qwq": 6}
    smol = responses.filter(pl.col("teacher_name").str.starts_with("smol"))
    assert smol["teacher"].str.starts_with("SmolLM2-135M-Instruct@").all()  # one model, two
    assert smol["sampling"].n_unique() == 2 and smol["response_uid"].n_unique() == 6  # settings
    assert set(responses.filter(pl.col("teacher_name").is_in(["r1", "qwq"]))["teacher"]) == {
        "r1-remote",
        "qwq-remote",
    }
    comparison = fixed["teacher_comparison"]
    assert all(f"| {name} |" in comparison for name in ("smol", "smol_hot", "r1", "qwq"))
    ledger = Ledger(tmp_path / "data" / "ledger" / "llm").read_all()
    stages = set(ledger.filter(pl.col("asset") == "distilled_responses")["stage"])
    assert stages == {"distilling:smol", "distilling:smol_hot", "distilling:r1", "distilling:qwq"}

    verify = {"ops": {"response_verdicts": {"config": NO_JUDGES}}}
    meta = materialize(
        defs,
        instance,
        ["response_verdicts", "verified_set", "rejected_responses"],
        "alpha",
        verify,
    )
    # the adaptive rounds' verdicts were cached: smol's three responses are judged now (by the
    # rules alone: none closes its reasoning, so the rest is skipped), and the template filter,
    # which the rounds leave out, judges each distinct remote response once
    served = store.read("distilled_responses").filter(
        ~pl.col("teacher_name").str.starts_with("smol")
    )
    computed = 6 * len(RULE_SPECS) + served["content"].n_unique()
    assert meta["response_verdicts"]["verdicts_computed"] == computed
    verified = store.read("verified_set", ["alpha.0000"])
    accepted = dict(verified.group_by("teacher_name").len().iter_rows())
    assert accepted == {"r1": 6, "qwq": 2}  # SmolLM2 never closes its reasoning in 12 tokens
    assert (verified["response_chars"] > 0).all()
    by_teacher = meta["verified_set"]["by_teacher"]
    assert (
        "| qwq | math | 6 | 2 | 0.333 |" in by_teacher and "| smol | math | 3 | 0 |" in by_teacher
    )

    def sft(**config) -> pl.DataFrame:
        run = {"ops": {"sft_dataset": {"config": {"decontaminate": False, **config}}}}
        materialize(defs, instance, ["sft_dataset"], run_config=run)
        return store.read("sft_dataset")

    shortest = sft(max_responses_per_problem=1, prefer="shortest")
    want = verified.group_by("problem_uid").agg(pl.col("response_chars").min())
    assert dict(shortest.select("problem_uid", "response_chars").iter_rows()) == dict(
        want.iter_rows()
    )
    each = sft(max_responses_per_teacher=1)
    assert sorted(each.group_by("problem_uid", "teacher_name").len()["len"]) == [1] * 4
    with pytest.raises(dg.Failure, match="perplexity verifier is off"):
        sft(max_responses_per_problem=1, prefer="lowest_perplexity")

    # the perplexity filter under the embedded model: scored, and the fluentest response chosen
    scored = dg.materialize(
        list(defs.assets),
        instance=instance,
        resources={
            **resources(defs),
            "reference_model": reconfigured(
                defs.resources["reference_model"], model="smollm2-135m-instruct", max_tokens=64
            ),
        },
        selection=["response_verdicts", "verified_set", "rejected_responses"],
        partition_key=partition_for(defs, "response_verdicts", "alpha", instance),
        run_config=verify,
    )
    assert scored.success
    verified = store.read("verified_set", ["alpha.0000"])
    assert verified.height == 8 and (verified["perplexity"] > 1).all()
    fluent = sft(max_responses_per_problem=1, prefer="lowest_perplexity")
    want = verified.group_by("problem_uid").agg(pl.col("perplexity").min())
    assert dict(fluent.select("problem_uid", "perplexity").iter_rows()) == dict(want.iter_rows())


@pytest.fixture(scope="module")
def student(tmp_path_factory) -> Path:
    """The embedded SmolLM2 taught these problems in the R1 format (a closed <think> block and a
    boxed answer), so that, unlike the base model, its own samples pass verification."""
    from r1_assets.catalog.am_rows import am_row
    from r1_assets.llm.models import DEFAULT_LLM, resolve_llm
    from r1_assets.settings import models_dir
    from r1_assets.train.settings import SFTSettings
    from r1_assets.train.trainer import train

    rows = [
        am_row(
            "demo",
            problem,
            f"The question asks: {problem} Working it out gives {answer}.",
            f"The answer is $\\boxed{{{answer}}}$.",
            reference_answer=answer,
        )
        for problem, answer in PROBLEMS.items()
    ]
    folder = tmp_path_factory.mktemp("student") / "checkpoint"
    settings = SFTSettings(learning_rate=1e-4, max_steps=30, max_length=128, seed=0)
    train(resolve_llm(DEFAULT_LLM, models_dir()), rows, settings, folder)
    return folder


@pytest.mark.timeout(900)
def test_two_embedded_teachers_reach_the_verified_set(
    catalog: Path, student: Path, tmp_path: Path
) -> None:
    """Two embedded teachers, the trained student at the R1 recipe's sampling and at T 1.0: both
    are sampled, both verify by math-verify, and sft_dataset chooses among them per problem."""
    defs = build_definitions(catalog, tmp_path / "data")
    instance = dg.DagsterInstance.ephemeral()
    prepare(defs, instance)
    keep_all = {"ops": {"problem_labels": {"config": {"keep_rate": {}}}}}
    materialize(defs, instance, ["problem_labels"], "alpha", keep_all)
    local = {"model": str(student), "backend": "transformers", "n_samples": 2}
    teachers = [{"name": "student", **local}, {"name": "student_hot", **local, "temperature": 1.0}]
    meta = materialize(
        defs, instance, ["distilled_responses"], "alpha", distill(teachers, max_tokens=48)
    )["distilled_responses"]
    store = Warehouse(tmp_path / "data")
    responses = store.read("distilled_responses", ["alpha.0000"])
    assert dict(responses.group_by("teacher_name").len().iter_rows()) == {
        "student": 6,
        "student_hot": 6,
    }
    assert responses["teacher"].n_unique() == 1 and responses["sampling"].n_unique() == 2
    assert all(f"| {n} |" in meta["teacher_comparison"] for n in ("student", "student_hot"))

    verify = {"ops": {"response_verdicts": {"config": NO_JUDGES}}}
    meta = materialize(
        defs, instance, ["response_verdicts", "verified_set", "rejected_responses"], "alpha", verify
    )
    verified = store.read("verified_set", ["alpha.0000"])
    assert set(verified["teacher_name"]) == {"student", "student_hot"}
    assert verified["passed_verifiers"].list.contains("math_verify").all()
    assert all(
        f"| {n} | math |" in meta["verified_set"]["by_teacher"] for n in ("student", "student_hot")
    )

    run = {"decontaminate": False, "max_responses_per_teacher": 1, "prefer": "shortest"}
    materialize(
        defs, instance, ["sft_dataset"], run_config={"ops": {"sft_dataset": {"config": run}}}
    )
    chosen = store.read("sft_dataset")
    assert chosen.group_by("problem_uid", "teacher_name").len()["len"].max() == 1
    shortest = verified.group_by("problem_uid", "teacher_name").agg(pl.col("response_chars").min())
    assert dict(
        chosen.select(pl.concat_str("problem_uid", "teacher_name"), "response_chars").iter_rows()
    ) == dict(
        shortest.select(pl.concat_str("problem_uid", "teacher_name"), "response_chars").iter_rows()
    )
