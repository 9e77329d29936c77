"""The runs of one ``r1-assets materialize``: stages in dependency order, one run per partition,
planned from plain data (no Dagster).

Each asset says what one of its partition keys names — nothing, a source, a benchmark, or a
benchmark and a model — so a source named like a benchmark is still planned per source.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from r1_assets.catalog.shards import FIRST_SHARD

SOURCE = "source"
SHARD = "shard"
BENCHMARK = "benchmark"
MODEL = "model"
UNPARTITIONED = "(unpartitioned)"  # the label of a run without a partition
DEMO_PREFIX = "demo_"  # the benchmarks evaluated when none is named: a real one takes hours here


class RequestError(ValueError):
    """What the command was asked cannot be planned or configured: one line for the user."""


@dataclass(frozen=True)
class AssetNode:
    """One asset as the plan sees it."""

    name: str
    dimensions: tuple[str, ...] = ()  # what one partition key names; () when unpartitioned
    parents: tuple[str, ...] = ()
    op: str = ""  # the step computing it: assets of one op run together, configured by op name

    @property
    def step(self) -> str:
        return self.op or self.name


@dataclass(frozen=True)
class RunRequest:
    """One run: these assets, for this partition (None: unpartitioned)."""

    assets: tuple[str, ...]
    partition: Mapping[str, str] | None = None  # dimension -> key
    ops: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The partition key as Dagster spells it (dimensions in name order, joined by |)."""
        if self.partition is None:
            return UNPARTITIONED
        return "|".join(self.partition[d] for d in sorted(self.partition))

    def run_config(self, ops_config: Mapping[str, object], log_level: str) -> dict:
        """The console log level, and the ops: entries of the ops this run holds."""
        return {
            "loggers": {"console": {"config": {"log_level": log_level}}},
            "ops": {op: cfg for op, cfg in ops_config.items() if op in self.ops},
        }


@dataclass(frozen=True)
class Plan:
    stages: list[list[RunRequest]]
    benchmarks: list[str] = field(default_factory=list)  # the ones evaluated and audited
    benchmark_catalog: list[str] = field(default_factory=list)  # the selection's, known

    @property
    def runs(self) -> list[RunRequest]:
        return [run for stage in self.stages for run in stage]


def plan_runs(
    assets: Iterable[AssetNode],
    partition_keys: Mapping[str, list[str]],
    select: list[str] | None = None,
    sources: list[str] | None = None,
    benchmarks: list[str] | None = None,
    shards: Mapping[str, list[str] | None] | None = None,
    models: list[str] | None = None,
) -> Plan:
    """Stages of runs for the selected assets (default: all), each stage's runs one per partition.

    ``partition_keys`` holds each dimension's keys in catalog order (sources, benchmarks, models);
    ``sources`` / ``benchmarks`` / ``models`` narrow them (default: every source, the demo
    benchmarks, every model).
    ``shards`` holds each source's shard keys (default, or None when its files cannot be read:
    one shard, whose run reports why): a per-source stage runs once per shard of each source,
    never for shards a source does not have.
    """
    graph = {asset.name: asset for asset in assets}
    selected = _with_op_neighbours(graph, select)
    dims = {d for name in selected for d in graph[name].dimensions}
    known_sources = list(partition_keys.get(SOURCE, [])) if SOURCE in dims else []
    known_benchmarks = list(partition_keys.get(BENCHMARK, [])) if BENCHMARK in dims else []
    unknown = sorted(set(sources or []) - set(known_sources))
    if unknown:
        raise RequestError(f"unknown source(s) {unknown}; the catalog has {known_sources}")
    unknown = sorted(set(benchmarks or []) - set(known_benchmarks))
    if unknown:
        raise RequestError(f"unknown benchmark(s) {unknown}; the catalog has {known_benchmarks}")
    known_models = list(partition_keys.get(MODEL, [])) if MODEL in dims else []
    unknown = sorted(set(models or []) - set(known_models))
    if unknown:
        raise RequestError(f"unknown model(s) {unknown}; the evaluation knows {known_models}")
    chosen = {
        **partition_keys,
        SOURCE: sources or known_sources,
        BENCHMARK: benchmarks or [b for b in known_benchmarks if b.startswith(DEMO_PREFIX)],
        MODEL: models or known_models,
    }
    stages = []
    for stage in _stages(graph, selected):
        groups: dict[tuple[str, ...], list[str]] = {}
        for name in stage:
            groups.setdefault(graph[name].dimensions, []).append(name)
        runs = []
        for dimensions, names in groups.items():
            ops = tuple(dict.fromkeys(graph[n].step for n in names))
            runs += [
                RunRequest(tuple(names), partition, ops)
                for partition in _partitions(dimensions, chosen, partition_keys, shards or {})
            ]
        stages.append(runs)
    return Plan(stages, chosen[BENCHMARK], known_benchmarks)


def check_ops(assets: Iterable[AssetNode], ops_config: Mapping[str, object], path: str) -> None:
    """Every ``ops:`` entry of a run-config file names an op of the graph: a misspelt or renamed
    op would otherwise configure nothing, silently."""
    known = sorted({asset.step for asset in assets})
    for op in ops_config:
        if op not in known:
            close = difflib.get_close_matches(str(op), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise RequestError(f"unknown op {op!r} in {path}{hint}; ops: {', '.join(known)}")


def blocked(run: RunRequest, failed: Iterable[str]) -> bool:
    """Whether a run must be skipped after the runs labelled ``failed`` failed: a source's later
    stages would build on its failed run's missing or stale output, and every partition on a
    failed unpartitioned run's. An unpartitioned run (the cross-source pool) still runs: a failed
    source keeps its last good partition."""
    failed = set(failed)
    return run.partition is not None and (run.label in failed or UNPARTITIONED in failed)


def _with_op_neighbours(graph: Mapping[str, AssetNode], select: list[str] | None) -> set[str]:
    """The selection plus every asset its ops compute: a multi-asset runs whole."""
    if not select:
        return set(graph)
    unknown = sorted(set(select) - set(graph))
    if unknown:
        raise RequestError(f"unknown asset(s) {unknown}; the graph has {sorted(graph)}")
    steps = {graph[name].step for name in select}
    return {name for name, asset in graph.items() if asset.step in steps}


def _stages(graph: Mapping[str, AssetNode], selected: set[str]) -> list[list[str]]:
    """The selection in dependency order, cut wherever the partitioning changes: per-source raw
    and embeddings, then the cross-source pool, then per-source labels to verification, then the
    per-benchmark contamination report, the SFT mixture, ... An asset shares its parent's stage
    when both are partitioned alike (one run per partition holds both), else comes after it."""
    stage: dict[str, int] = {}

    def stage_of(name: str) -> int:
        if name not in stage:
            mine = graph[name].dimensions
            stage[name] = max(
                (
                    stage_of(parent) + (graph[parent].dimensions != mine or not mine)
                    for parent in graph[name].parents
                    if parent in selected
                ),
                default=0,
            )
        return stage[name]

    for name in selected:
        stage_of(name)
    return [sorted(n for n in selected if stage[n] == s) for s in sorted(set(stage.values()))]


def _partitions(
    dimensions: tuple[str, ...],
    chosen: Mapping[str, list[str]],
    partition_keys: Mapping[str, list[str]],
    shards: Mapping[str, list[str] | None],
) -> list[dict[str, str] | None]:
    """One partition per chosen key; (source, shard): each chosen source's own shards; other
    dimensions: their product, each in catalog order."""
    if not dimensions:
        return [None]
    if set(dimensions) == {SOURCE, SHARD}:
        return [
            {SOURCE: source, SHARD: shard}
            for source in chosen[SOURCE]
            for shard in shards.get(source) or [FIRST_SHARD]
        ]
    if len(dimensions) == 1:
        return [{dimensions[0]: key} for key in chosen[dimensions[0]]]
    combos: list[dict[str, str]] = [{}]
    for dimension in sorted(dimensions):
        keys = [k for k in partition_keys[dimension] if k in chosen[dimension]]
        combos = [{**combo, dimension: key} for combo in combos for key in keys]
    return combos
