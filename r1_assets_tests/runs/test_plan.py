"""The materialize plan from plain data: stages, runs per partition, selection, routing."""

from __future__ import annotations

import pytest

from r1_assets.runs.plan import (
    BENCHMARK,
    MODEL,
    SHARD,
    SOURCE,
    UNPARTITIONED,
    AssetNode,
    RequestError,
    RunRequest,
    blocked,
    check_ops,
    plan_runs,
)

# the graph's shape: per source, the cross-source pool, per source, per benchmark, unpartitioned,
# per (benchmark, model), unpartitioned
GRAPH = [
    AssetNode("raw_problems", (SOURCE,), (), "raw_problems"),
    AssetNode("raw_problems_quarantine", (SOURCE,), (), "raw_problems"),
    AssetNode("problem_embeddings", (SOURCE,), ("raw_problems",)),
    AssetNode("deduped_pool", (), ("raw_problems", "problem_embeddings"), "deduped_pool"),
    AssetNode("dedup_pairs", (), ("raw_problems", "problem_embeddings"), "deduped_pool"),
    AssetNode("problem_labels", (SOURCE,), ("raw_problems", "deduped_pool")),
    AssetNode("verified_set", (SOURCE,), ("problem_labels",)),
    AssetNode("contamination_report", (BENCHMARK,), ("raw_problems", "verified_set")),
    AssetNode("sft_dataset", (), ("verified_set", "contamination_report")),
    AssetNode("trained_model", (), ("sft_dataset",)),
    AssetNode("eval_scores", (BENCHMARK, MODEL), ("trained_model",)),
    AssetNode("eval_report", (), ("eval_scores",)),
]
KEYS = {
    SOURCE: ["alpha", "beta"],
    BENCHMARK: ["demo_math", "math500", "demo_aime"],
    MODEL: ["base", "trained"],
}


def labels(plan) -> list[list[tuple[str, tuple[str, ...]]]]:
    return [[(run.label, run.assets) for run in stage] for stage in plan.stages]


def test_the_whole_graph_runs_in_stage_order_one_run_per_partition() -> None:
    plan = plan_runs(GRAPH, KEYS)
    ingest = ("problem_embeddings", "raw_problems", "raw_problems_quarantine")
    assert labels(plan) == [
        [("alpha", ingest), ("beta", ingest)],
        [(UNPARTITIONED, ("dedup_pairs", "deduped_pool"))],
        [
            ("alpha", ("problem_labels", "verified_set")),
            ("beta", ("problem_labels", "verified_set")),
        ],
        [("demo_math", ("contamination_report",)), ("demo_aime", ("contamination_report",))],
        [(UNPARTITIONED, ("sft_dataset",))],
        [(UNPARTITIONED, ("trained_model",))],
        [  # benchmarks in catalog order, each with both models
            ("demo_math|base", ("eval_scores",)),
            ("demo_math|trained", ("eval_scores",)),
            ("demo_aime|base", ("eval_scores",)),
            ("demo_aime|trained", ("eval_scores",)),
        ],
        [(UNPARTITIONED, ("eval_report",))],
    ]
    assert plan.benchmarks == ["demo_math", "demo_aime"]  # by default the demo ones
    eval_run = plan.stages[6][0]
    assert eval_run.partition == {BENCHMARK: "demo_math", MODEL: "base"}


def test_select_takes_the_named_assets_and_the_rest_of_their_multi_asset() -> None:
    plan = plan_runs(GRAPH, KEYS, select=["raw_problems", "problem_labels", "dedup_pairs"])
    assert labels(plan) == [
        [
            ("alpha", ("raw_problems", "raw_problems_quarantine")),
            ("beta", ("raw_problems", "raw_problems_quarantine")),
        ],
        [(UNPARTITIONED, ("dedup_pairs", "deduped_pool"))],
        [("alpha", ("problem_labels",)), ("beta", ("problem_labels",))],
    ]
    assert [run.ops for run in plan.stages[1]] == [("deduped_pool",)]


def test_select_of_an_unknown_asset_is_a_request_error() -> None:
    with pytest.raises(ValueError, match=r"unknown asset\(s\) \['raw'\]"):
        plan_runs(GRAPH, KEYS, select=["raw"])


def test_source_narrows_every_per_source_stage() -> None:
    plan = plan_runs(
        GRAPH, KEYS, select=["raw_problems", "deduped_pool", "problem_labels"], sources=["beta"]
    )
    assert [[run.label for run in stage] for stage in plan.stages] == [
        ["beta"],
        [UNPARTITIONED],  # the pool still reads every source's stored partition
        ["beta"],
    ]


def test_an_unknown_source_names_the_known_ones() -> None:
    with pytest.raises(ValueError) as error:
        plan_runs(GRAPH, KEYS, sources=["gamma", "alpha"])
    assert str(error.value) == "unknown source(s) ['gamma']; the catalog has ['alpha', 'beta']"
    # a selection without per-source assets knows no source
    with pytest.raises(ValueError, match=r"the catalog has \[\]"):
        plan_runs(GRAPH, KEYS, select=["sft_dataset"], sources=["alpha"])


def test_benchmark_narrows_the_audit_and_the_evaluation() -> None:
    plan = plan_runs(
        GRAPH, KEYS, select=["contamination_report", "eval_scores"], benchmarks=["math500"]
    )
    assert [[run.label for run in stage] for stage in plan.stages] == [
        ["math500", "math500|base", "math500|trained"]
    ]
    with pytest.raises(ValueError, match=r"unknown benchmark\(s\) \['gsm8k'\]"):
        plan_runs(GRAPH, KEYS, benchmarks=["gsm8k"])


def test_model_narrows_the_evaluation_only() -> None:
    plan = plan_runs(
        GRAPH,
        KEYS,
        select=["contamination_report", "eval_scores"],
        benchmarks=["math500", "demo_aime"],
        models=["base"],
    )
    assert [[run.label for run in stage] for stage in plan.stages] == [
        ["math500", "demo_aime", "math500|base", "demo_aime|base"]
    ]
    with pytest.raises(ValueError, match=r"unknown model\(s\) \['teacher'\]"):
        plan_runs(GRAPH, KEYS, models=["teacher"])


def test_no_demo_benchmark_plans_no_evaluation() -> None:
    keys = {**KEYS, BENCHMARK: ["math500"]}
    plan = plan_runs(GRAPH, keys, select=["contamination_report", "eval_scores"])
    assert plan.runs == [] and plan.benchmarks == [] and plan.benchmark_catalog == ["math500"]


def test_a_source_named_like_a_benchmark_is_planned_per_source() -> None:
    # the catalogs share every name: only each asset's declared dimension tells them apart
    keys = {SOURCE: ["demo_math"], BENCHMARK: ["demo_math"], MODEL: ["base"]}
    plan = plan_runs(
        GRAPH,
        keys,
        select=["raw_problems", "verified_set", "contamination_report"],
        sources=["demo_math"],
    )
    stages = [[(run.partition, run.assets) for run in stage] for stage in plan.stages]
    assert stages == [
        [({SOURCE: "demo_math"}, ("raw_problems", "raw_problems_quarantine", "verified_set"))],
        [({BENCHMARK: "demo_math"}, ("contamination_report",))],
    ]
    # a source-only selection still runs every source, none counted as a benchmark
    only_sources = plan_runs(
        GRAPH, {**keys, SOURCE: ["demo_math", "alpha"]}, select=["raw_problems"]
    )
    assert [run.label for run in only_sources.runs] == ["demo_math", "alpha"]
    assert only_sources.benchmark_catalog == []


def test_a_failed_source_is_skipped_in_later_stages_the_pool_still_runs() -> None:
    alpha, beta = (
        RunRequest(("labels",), {SOURCE: "alpha"}),
        RunRequest(("labels",), {SOURCE: "beta"}),
    )
    pool = RunRequest(("deduped_pool",))
    assert blocked(alpha, ["alpha"]) and not blocked(beta, ["alpha"])
    assert not blocked(pool, ["alpha"])  # a failed source keeps its last good partition
    assert blocked(alpha, [UNPARTITIONED]) and blocked(beta, [UNPARTITIONED])
    assert not blocked(pool, [UNPARTITIONED])
    assert not blocked(alpha, [])


def test_a_run_gets_the_config_of_its_own_ops_only() -> None:
    plan = plan_runs(GRAPH, KEYS, select=["deduped_pool", "problem_labels"])
    ops = {"deduped_pool": {"config": {"threshold": 0.9}}, "problem_labels": {"config": {}}}
    pool, labels_alpha = plan.runs[0], plan.runs[1]
    assert pool.run_config(ops, "INFO") == {
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
        "ops": {"deduped_pool": {"config": {"threshold": 0.9}}},
    }
    assert labels_alpha.run_config(ops, "WARNING")["ops"] == {"problem_labels": {"config": {}}}


def test_an_ops_entry_naming_no_op_is_an_error_not_ignored() -> None:
    check_ops(GRAPH, {"deduped_pool": {}, "raw_problems": {}}, "run.yaml")  # known ops pass
    with pytest.raises(
        RequestError, match=r"unknown op 'dedup_pool' in run.yaml \(did you mean 'deduped_pool'\?\)"
    ):
        check_ops(GRAPH, {"dedup_pool": {"config": {"threshold": 0.9}}}, "run.yaml")


def test_per_shard_stages_run_once_per_shard_of_each_source_never_beyond() -> None:
    sharded = [
        AssetNode(
            n.name, (SHARD, SOURCE) if n.dimensions == (SOURCE,) else n.dimensions, n.parents, n.op
        )
        for n in GRAPH
    ]
    shards = {"alpha": ["0000", "0001", "0002"], "beta": ["0000"]}
    plan = plan_runs(sharded, KEYS, select=["raw_problems", "deduped_pool"], shards=shards)
    assert [[run.label for run in stage] for stage in plan.stages] == [
        ["0000|alpha", "0001|alpha", "0002|alpha", "0000|beta"],
        [UNPARTITIONED],
    ]
    assert plan.stages[0][1].partition == {SOURCE: "alpha", SHARD: "0001"}
    narrowed = plan_runs(sharded, KEYS, select=["raw_problems"], sources=["beta"], shards=shards)
    assert [run.label for run in narrowed.runs] == ["0000|beta"]
    # a failed shard blocks its own later stages only
    later = RunRequest(("problem_labels",), {SOURCE: "alpha", SHARD: "0001"})
    other = RunRequest(("problem_labels",), {SOURCE: "alpha", SHARD: "0002"})
    assert blocked(later, ["0001|alpha"]) and not blocked(other, ["0001|alpha"])
