"""``r1-assets``: the project's command line.

    r1-assets dev [--host 127.0.0.1] [--port 3000]   start the Dagster UI (webserver + daemon)
    r1-assets materialize [--select KEYS] [--source NAME ...]
                                                   materialize the asset graph headless, every
                                                   source partition (or the ones named)
    r1-assets catalog check                        validate the source catalog, list its files
    r1-assets catalog formats                      the record formats and their fields
    r1-assets sql "SELECT …"                       query the DuckDB catalog (every asset a view)
    r1-assets prune [--yes]                        partitions of sources removed from the catalog

``dev`` and ``materialize`` share one Dagster instance in ``$DAGSTER_HOME`` (default
``data/dagster_home``), so headless runs show up in the UI.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from pathlib import Path

from r1_assets import settings

DAGSTER_YAML = """\
# Written by `r1-assets`; edit freely, it is not overwritten.
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 2  # a 2-core machine: more parallel runs only thrash
  pools:
    default_limit: 1  # pool "llm": one engine already uses every core
run_monitoring:  # the daemon fails runs whose worker died, which frees their pool slots
  enabled: true
"""


def ensure_dagster_home() -> Path:
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir() / "dagster_home").resolve()
    prepare_dagster_home(home)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def prepare_dagster_home(home: Path) -> None:
    """Our dagster.yaml (unless one is there), the instance's storage and the pools' slots, made
    before any run worker starts: Dagster's SQLite storage and a pool's first slots both race
    when two processes create them at once (see r1_assets.pools)."""
    import dagster as dg

    from r1_assets.pools import create_pool_slots

    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        create_pool_slots(instance)


def cmd_dev(args: argparse.Namespace) -> int:
    home = ensure_dagster_home()
    dagster = Path(sys.executable).parent / "dagster"
    command = [
        str(dagster),
        "dev",
        "-w",
        str(settings.PROJECT_ROOT / "workspace.yaml"),
        "-h",
        args.host,
        "-p",
        str(args.port),
    ]
    print(f"DAGSTER_HOME={home}\n{' '.join(command)}", flush=True)
    os.execv(command[0], command)
    return 0  # not reached


def cmd_materialize(args: argparse.Namespace) -> int:
    import dagster as dg

    from r1_assets.definitions import defs
    from r1_assets.resources import reconfigured

    ensure_dagster_home()
    graph = defs.resolve_asset_graph()
    selection = (
        dg.AssetSelection.from_coercible(args.select.split(","))
        if args.select
        else dg.AssetSelection.all()
    )
    # a multi-asset that cannot be split (dedup_pool, verified_set, eval_scores) runs whole
    keys = selection.required_multi_asset_neighbors().resolve(graph)
    partitioned = sorted(
        (k for k in keys if graph.get(k).partitions_def is not None),
        key=lambda k: k.to_user_string(),
    )
    known = _source_partitions(graph, partitioned)
    unknown = sorted(set(args.source or []) - set(known))
    if unknown:
        print(f"error: unknown source(s) {unknown}; the catalog has {known}", file=sys.stderr)
        return 1
    sources = args.source or known
    evaluated = _benchmark_partitions(graph, partitioned)
    unknown = sorted(set(args.benchmark or []) - set(evaluated))
    if unknown:
        print(
            f"error: unknown benchmark(s) {unknown}; the catalog has {evaluated}", file=sys.stderr
        )
        return 1
    # by default the demo benchmarks: a real one (MATH-500: 500 items x k samples) is hours here
    benchmarks = args.benchmark or [b for b in evaluated if b.startswith("demo_")]
    if evaluated and not benchmarks:
        print(
            "note: no demo_* benchmark in the catalog and no --benchmark given: nothing evaluated",
            file=sys.stderr,
        )
    runs: list[tuple[str | None, list]] = []
    for stage_keys in _stages(graph, keys):
        by_definition: dict = {}
        for key in stage_keys:
            by_definition.setdefault(_definition_id(graph, key), []).append(key)
        for group in by_definition.values():
            definition = graph.get(group[0]).partitions_def
            if definition is None:
                runs.append((None, group))
            elif isinstance(definition, dg.MultiPartitionsDefinition):
                runs += [
                    (key, group)
                    for key in definition.get_partition_keys()
                    if key.keys_by_dimension["benchmark"] in benchmarks
                ]
            elif _per_benchmark(definition):
                runs += [(name, group) for name in benchmarks]
            else:
                runs += [(source, group) for source in sources]
    logging_config = {"loggers": {"console": {"config": {"log_level": args.log_level}}}}
    ops_config, resource_config = _run_config_file(args.config)
    resources = dict(defs.resources or {})
    for name, overrides in resource_config.items():
        if name not in resources:
            print(f"error: unknown resource {name!r} in {args.config}", file=sys.stderr)
            return 1
        if not isinstance(overrides, dict) or set(overrides) != {"config"}:
            print(
                f"error: resources.{name} in {args.config} needs one key, config:", file=sys.stderr
            )
            return 1
        try:
            resources[name] = reconfigured(resources[name], **(overrides["config"] or {}))
        except ValueError as exc:
            print(f"error: resources.{name} in {args.config}: {exc}", file=sys.stderr)
            return 1
    summary: list[tuple[str, str, float, str]] = []  # partition, status, seconds, rows
    began = time.monotonic()
    failed = []
    with dg.DagsterInstance.get() as instance:
        for run_id in reap_dead_runs(instance):
            print(f"run {run_id} lost its process (killed?): marked failed, its pool slots freed")
        for partition, run_keys in runs:
            label = partition or "(unpartitioned)"
            # a source's later stages would build on its failed run's missing or stale output;
            # the cross-source pool still runs (a failed source keeps its last good partition)
            if partition is not None and (partition in failed or "(unpartitioned)" in failed):
                print(f"skipping {label}: an earlier stage failed", flush=True)
                summary.append((label, "SKIPPED", 0.0, "an earlier stage failed"))
                continue
            print(f"materializing {label} …", flush=True)
            started = time.monotonic()
            result = dg.materialize(
                [
                    *(defs.assets or []),
                    *(defs.asset_checks or []),
                ],  # no_benchmark_overlap gates training
                instance=instance,
                resources=resources,
                selection=run_keys,
                partition_key=partition,
                run_config={
                    **logging_config,
                    "ops": {
                        op: cfg
                        for op, cfg in ops_config.items()
                        if op in {graph.get(k).assets_def.op.name for k in run_keys}
                    },
                },
                raise_on_error=False,
                tags=RUN_TAGS,
            )
            evaluations = [c for c in result.get_asset_check_evaluations() if not c.passed]
            # a warning is reported, an error fails the command
            failed_checks, warned_checks = (
                [
                    f"{c.asset_key.to_user_string()}:{c.check_name}"
                    for c in evaluations
                    if (c.severity == dg.AssetCheckSeverity.WARN) == warn
                ]
                for warn in (False, True)
            )
            rows = ", ".join(
                _summary_item(e.asset_key.to_user_string(), e.materialization.metadata)
                for e in result.get_asset_materialization_events()
                if "dagster/row_count" in e.materialization.metadata
            )
            status = "ok" if result.success and not failed_checks else "FAILED"
            notes = "".join(f"; check {c} did not pass" for c in failed_checks)
            notes += "".join(f"; warning: check {c} did not pass" for c in warned_checks)
            summary.append((label, status, time.monotonic() - started, rows + notes))
            if status != "ok":
                failed.append(label)
    width = max([len(label) for label, *_ in summary] + [9])
    print(f"\n{'partition':{width}}  status  {'time':>6}  rows")
    for label, status, seconds, rows in summary:
        print(f"{label:{width}}  {status:6}  {_duration(seconds):>6}  {rows}")
    print(f"{len(summary)} run(s) in {_duration(time.monotonic() - began)}")
    if failed:
        print(f"{len(failed)} run(s) failed or failed a check: {failed}", file=sys.stderr)
        return 1
    return 0


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def _summary_item(asset: str, metadata) -> str:
    """rows, plus what a rerun should show: embeddings paid for vs taken from the cache."""
    item = f"{asset}={metadata['dagster/row_count'].value:,}"
    if "cache_misses" in metadata:
        item += (
            f" (embedded {metadata['cache_misses'].value:,}, "
            f"cached {metadata['cache_hits'].value:,})"
        )
    if "llm_cache_misses" in metadata:
        item += (
            f" (generated {metadata['llm_cache_misses'].value:,}, "
            f"cached {metadata['llm_cache_hits'].value:,})"
        )
    return item


def _run_config_file(path: str | None) -> tuple[dict, dict]:
    """The `ops:` and `resources:` sections of a run-config YAML file (the same YAML the UI's
    launchpad takes)."""
    if not path:
        return {}, {}
    import yaml

    document = yaml.safe_load(Path(path).read_text()) or {}
    if not isinstance(document, dict):
        return {}, {}
    return document.get("ops") or {}, document.get("resources") or {}


def _process_token(pid: int) -> str | None:
    """pid + its start time: a pid reused by a later process does not match."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return f"{pid}:{stat.rsplit(')', 1)[1].split()[19]}"


RUN_TAGS = {
    "r1_assets/host": socket.gethostname(),
    "r1_assets/process": _process_token(os.getpid()) or f"{os.getpid()}:?",
}


def reap_dead_runs(instance) -> list[str]:
    """Fail the runs this machine's `r1-assets materialize` started whose process is gone.

    A run killed with SIGKILL never reports its end: it stays STARTED and keeps its slot in the
    `llm` pool, so every later run would wait for that slot forever. The UI's daemon has run
    monitoring for its own runs; headless runs have this.
    """
    import dagster as dg

    reaped = []
    alive_statuses = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING]
    runs = instance.get_runs(
        filters=dg.RunsFilter(
            statuses=alive_statuses, tags={"r1_assets/host": RUN_TAGS["r1_assets/host"]}
        )
    )
    for run in runs:
        token = run.tags.get("r1_assets/process", "")
        # a re-execution copies its parent's tags: it was not started by that process
        if (
            not token
            or "dagster/parent_run_id" in run.tags
            or token == RUN_TAGS["r1_assets/process"]
        ):
            continue
        pid = int(token.split(":")[0])
        if token.endswith(":?") and _alive(pid):
            continue
        if _process_token(pid) == token:
            continue
        instance.report_run_failed(run, "the r1-assets process running it is gone (killed?)")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        reaped.append(run.run_id)
    return reaped


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _definition_id(graph, key) -> object:
    """Assets with equal partitions (or none) run together, one run per partition key."""
    definition = graph.get(key).partitions_def
    return None if definition is None else (type(definition), repr(definition))


def _stages(graph, keys) -> list[list]:
    """The selection in dependency order, cut wherever the partitioning changes: per-source raw
    and embeddings, then the cross-source pool, then per-source labels to verification, then the
    per-benchmark contamination report, the SFT mixture, ... An asset shares its parent's stage
    when both are partitioned alike (one run per partition holds both), else comes after it."""
    selected = set(keys)
    stage: dict = {}

    def stage_of(key) -> int:
        if key not in stage:
            mine = _definition_id(graph, key)
            stage[key] = max(
                (
                    stage_of(p) + (_definition_id(graph, p) != mine or mine is None)
                    for p in graph.get(key).parent_keys
                    if p in selected
                ),
                default=0,
            )
        return stage[key]

    for key in selected:
        stage_of(key)
    return [
        sorted((k for k in selected if stage[k] == n), key=lambda k: k.to_user_string())
        for n in sorted(set(stage.values()))
    ]


def _per_benchmark(definition) -> bool:
    """A one-dimensional partitioning by benchmark (contamination_report), not by source."""
    from r1_assets.evaluate.benchmarks import load_benchmark_catalog

    benchmarks = load_benchmark_catalog(settings.benchmarks_path())
    return set(definition.get_partition_keys()) <= set(benchmarks.names)


def _benchmark_partitions(graph, keys) -> list[str]:
    import dagster as dg

    names: list[str] = []
    for key in keys:
        definition = graph.get(key).partitions_def
        if isinstance(definition, dg.MultiPartitionsDefinition):
            definition = definition.get_partitions_def_for_dimension("benchmark")
        elif not _per_benchmark(definition):
            continue
        for name in definition.get_partition_keys():
            if name not in names:
                names.append(name)
    return names


def _source_partitions(graph, keys) -> list[str]:
    import dagster as dg

    names: list[str] = []
    for key in keys:
        definition = graph.get(key).partitions_def
        if isinstance(definition, dg.MultiPartitionsDefinition) or _per_benchmark(definition):
            continue
        for name in definition.get_partition_keys():
            if name not in names:
                names.append(name)
    return names


def cmd_catalog(args: argparse.Namespace) -> int:
    from r1_assets.catalog.formats import FORMATS
    from r1_assets.catalog.kernel import CatalogError, InvalidEntry
    from r1_assets.catalog.readers import SourceReadError, resolve_files
    from r1_assets.catalog.spec import load_catalog
    from r1_assets.evaluate.benchmarks import load_benchmark_catalog

    if args.action == "formats":
        for fmt in FORMATS.values():
            roles = ", ".join(f"{role}={column}" for role, column in fmt.fields.items())
            print(f"{fmt.name:18} {fmt.description}\n{'':18} {roles}")
        return 0
    try:
        catalog = load_catalog(settings.catalog_path())
        load_benchmark_catalog(settings.benchmarks_path())  # an unreadable one fails here too
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"catalog {catalog.path} (base_dir {catalog.base_dir})")
    errors = 0
    for name, entry in catalog.sources.items():
        if isinstance(entry, InvalidEntry):
            errors += 1
            print(f"  ERROR {entry.message(catalog.path)}")
            continue
        if entry.is_hf:
            print(f"  ok    {name:24} {entry.format:18} {entry.location} (not checked offline)")
            continue
        try:
            files = resolve_files(entry, catalog)
        except SourceReadError as exc:
            errors += 1
            print(f"  ERROR {catalog.path.name}: source {name!r}, field 'location': {exc.detail}")
            continue
        print(f"  ok    {name:24} {entry.format:18} priority={entry.priority}")
        for path in files.files[:5]:
            print(f"          {path}")
        if len(files.files) > 5:
            print(f"          … and {len(files.files) - 5} more file(s)")
    return 1 if errors else 0


def cmd_prune(args: argparse.Namespace) -> int:
    """Partitions left in the warehouse by sources (or assets) no longer in the definitions."""
    import dagster as dg

    from r1_assets.definitions import defs
    from r1_assets.resources.storage import partition_file_name
    from r1_assets.storage.warehouse import UNPARTITIONED, Warehouse

    warehouse = Warehouse(settings.data_dir())
    graph = defs.resolve_asset_graph()
    stale: list[tuple[str, str]] = []
    for asset in warehouse.assets():
        key = dg.AssetKey(asset)
        if not graph.has(key):
            stale += [(asset, p) for p in warehouse.partitions(asset)]
            continue
        partitions_def = graph.get(key).partitions_def
        current = (
            {partition_file_name(k) for k in partitions_def.get_partition_keys()}
            if partitions_def
            else {UNPARTITIONED}
        )
        stale += [(asset, p) for p in warehouse.partitions(asset) if p not in current]
    for asset, partition in stale:
        print(f"{'deleting' if args.yes else 'stale'}  {asset}/{partition}.parquet")
        if args.yes:
            warehouse.delete(asset, partition)
    if stale and not args.yes:
        print("run again with --yes to delete them")
    if not stale:
        print("nothing to prune")
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb
    import polars as pl

    from r1_assets.storage.warehouse import Warehouse

    try:
        frame = Warehouse(settings.data_dir()).query(args.query)
    except (FileNotFoundError, duckdb.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with pl.Config(tbl_rows=args.rows, fmt_str_lengths=args.max_chars, tbl_width_chars=1000):
        print(frame)
    return 0


def cmd_lineage(args: argparse.Namespace) -> int:
    from r1_assets.audit.lineage import trace
    from r1_assets.storage.warehouse import Warehouse

    found = trace(Warehouse(settings.data_dir()), args.query, limit=args.limit)
    print(found.render(max_chars=args.max_chars))
    return 0 if not found.problems.is_empty() else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="r1-assets", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    dev = commands.add_parser(
        "dev", help="start the Dagster UI (webserver + daemon) on 127.0.0.1:3000"
    )
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=3000)
    dev.set_defaults(func=cmd_dev)
    mat = commands.add_parser("materialize", help="materialize assets headless")
    mat.add_argument("--select", help="comma-separated asset keys (default: the whole graph)")
    mat.add_argument("--source", action="append", help="only this source partition (repeatable)")
    mat.add_argument(
        "--benchmark",
        action="append",
        help="evaluate on and audit this benchmark (repeatable; default: the demo_* benchmarks)",
    )
    mat.add_argument("--log-level", default="WARNING", help="Dagster console log level")
    mat.add_argument(
        "--config",
        help="run-config YAML; its ops: entries go to the runs that "
        "contain those ops (e.g. dedup_pool: {config: {threshold: 0.85}}), its resources: "
        "entries override resource settings (e.g. llm: {config: {backend: openai}})",
    )
    mat.set_defaults(func=cmd_materialize)
    cat = commands.add_parser("catalog", help="inspect the source catalog")
    cat.add_argument("action", choices=["check", "formats"])
    cat.set_defaults(func=cmd_catalog)
    prune = commands.add_parser(
        "prune", help="list (or --yes: delete) partitions of sources no longer in the catalog"
    )
    prune.add_argument("--yes", action="store_true", help="delete them")
    prune.set_defaults(func=cmd_prune)
    sql = commands.add_parser("sql", help="query the DuckDB catalog")
    sql.add_argument("query")
    sql.add_argument("--rows", type=int, default=50)
    sql.add_argument("--max-chars", type=int, default=60, help="longest string shown per cell")
    sql.set_defaults(func=cmd_sql)
    lineage = commands.add_parser(
        "lineage",
        help="the chain of one problem: raw row, dedup, labels, responses, verdicts, SFT, hits",
    )
    lineage.add_argument(
        "query",
        help="a problem_uid, a response_uid, a benchmark item (benchmark:item_id), or problem text",
    )
    lineage.add_argument("--limit", type=int, default=5, help="problems shown for a text query")
    lineage.add_argument("--max-chars", type=int, default=100, help="longest value shown")
    lineage.set_defaults(func=cmd_lineage)
    args = parser.parse_args(argv)
    from r1_assets.catalog.kernel import CatalogError

    try:
        return args.func(args)
    except CatalogError as exc:  # a catalog that cannot be read: one line, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
