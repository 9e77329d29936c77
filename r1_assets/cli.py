"""``r1-assets``: the project's command line.

    r1-assets dev [--host 127.0.0.1] [--port 3000]   start the Dagster UI (webserver + daemon)
    r1-assets materialize [--select KEYS] [--source NAME ...]
                                                   materialize the asset graph headless, every
                                                   source partition (or the ones named)
    r1-assets catalog check                        validate the source catalog, list its files
    r1-assets catalog formats                      the record formats and their fields
    r1-assets sql "SELECT …"                       query the DuckDB catalog (every asset a view)
    r1-assets prune [--yes]                        partitions of sources removed from the catalog,
                                                   and shards a shrunk source no longer has
    r1-assets lineage QUERY                        the chain of one problem, raw row to SFT
    r1-assets cache stats                          entries and size of the LLM, embedding and
                                                   verdict caches, per model
    r1-assets cache compact                        checkpoint and VACUUM every cache
    r1-assets cache prune --model NAME [--yes]     one model's cached samples or embeddings
    r1-assets costs [--by asset,partition,...]     LLM calls, tokens and cost from the ledger

``dev`` and ``materialize`` share one Dagster instance in ``$DAGSTER_HOME`` (default
``data/dagster_home``), so headless runs show up in the UI. This module parses and dispatches;
``r1_assets.runs`` plans, prepares the instance and runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from r1_assets import settings


def load_catalogs():
    """The source and the benchmark catalog: a broken one raises the kernel's CatalogError."""
    from r1_assets.catalog.spec import load_catalog
    from r1_assets.evaluate.benchmarks import load_benchmark_catalog

    return load_catalog(settings.catalog_path()), load_benchmark_catalog(settings.benchmarks_path())


def register_current_shards(source_catalog=None) -> dict[str, list[str] | None]:
    """Each source's shard keys, added to ``$DAGSTER_HOME``'s instance where missing."""
    import dagster as dg

    from r1_assets.assets.shards import register_shards
    from r1_assets.definitions import defs

    with dg.DagsterInstance.get() as instance:
        return register_shards(instance, source_catalog or defs.resources["source_catalog"])


def cmd_dev(args: argparse.Namespace) -> int:
    from r1_assets.runs.instance import ensure_dagster_home

    load_catalogs()  # a broken catalog is one line here, not a code location error in the UI
    home = ensure_dagster_home()
    register_current_shards()  # the UI lists every shard at once; the sensor keeps them current
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
    from r1_assets.definitions import defs
    from r1_assets.runs.execute import execute_plan, summary_lines
    from r1_assets.runs.graph import asset_nodes, partition_keys
    from r1_assets.runs.instance import ensure_dagster_home
    from r1_assets.runs.overrides import override_resources, read_run_config
    from r1_assets.runs.plan import check_ops, plan_runs

    ensure_dagster_home()
    ops_config, resource_overrides = read_run_config(args.config)
    resources = override_resources(defs.resources or {}, resource_overrides, args.config)
    shards = register_current_shards(resources["source_catalog"])
    nodes = asset_nodes(defs)
    plan = plan_runs(
        nodes,
        partition_keys(defs),
        select=args.select.split(",") if args.select else None,
        sources=args.source,
        benchmarks=args.benchmark,
        shards=shards,
        models=args.model,
    )
    if plan.benchmark_catalog and not plan.benchmarks:
        print(
            "note: no demo_* benchmark in the catalog and no --benchmark given: nothing evaluated",
            file=sys.stderr,
        )
    check_ops(nodes, ops_config, args.config)
    if args.dry_run:
        return _print_dry_run(plan, nodes, resources, ops_config)
    began = time.monotonic()
    outcomes = execute_plan(
        plan, defs, resources, ops_config, args.log_level, say=lambda line: print(line, flush=True)
    )
    for line in summary_lines(outcomes, time.monotonic() - began):
        print(line)
    failed = [outcome.label for outcome in outcomes if outcome.failed]
    if failed:
        print(f"{len(failed)} run(s) failed or failed a check: {failed}", file=sys.stderr)
        return 1
    return 0


def _print_dry_run(plan, nodes, resources, ops_config) -> int:
    import polars as pl

    from r1_assets.runs.dry_run import dry_run, totals

    planned = dry_run(plan, nodes, resources, ops_config)
    print(f"dry run: {len(plan.runs)} runs planned, nothing materialized")
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        tbl_width_chars=1000,
        fmt_str_lengths=100,
        tbl_hide_dataframe_shape=True,
        tbl_formatting="ASCII_MARKDOWN",
        tbl_hide_column_data_types=True,
    ):
        print(planned)
        print("per stage:")
        print(totals(planned))
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    from r1_assets.catalog.formats import FORMATS
    from r1_assets.catalog.kernel import InvalidEntry
    from r1_assets.catalog.readers import SourceReadError, resolve_files

    if args.action == "formats":
        for fmt in FORMATS.values():
            roles = ", ".join(f"{role}={column}" for role, column in fmt.fields.items())
            print(f"{fmt.name:18} {fmt.description}\n{'':18} {roles}")
        return 0
    catalog, _ = load_catalogs()  # an unreadable benchmark catalog fails here too
    print(f"catalog {catalog.path} (base_dir {catalog.base_dir})")
    errors = 0
    for name, entry in catalog.entries.items():
        if isinstance(entry, InvalidEntry):
            errors += 1
            print(f"  ERROR {entry.message(catalog.path)}")
            continue
        try:
            files = resolve_files(entry, catalog)  # an hf:// location is fetched (once)
        except SourceReadError as exc:
            errors += 1
            print(f"  ERROR {catalog.path.name}: source {name!r}, field 'location': {exc.detail}")
            continue
        commit = f" commit={files.commit}" if files.commit else ""
        print(f"  ok    {name:24} {entry.format:18} priority={entry.priority}{commit}")
        for path in files.files[:5]:
            print(f"          {path}")
        if len(files.files) > 5:
            print(f"          … and {len(files.files) - 5} more file(s)")
    return 1 if errors else 0


def cmd_prune(args: argparse.Namespace) -> int:
    """Partitions left in the warehouse by sources (or assets) no longer in the definitions."""
    from r1_assets.definitions import defs
    from r1_assets.runs.stale import stale_partitions
    from r1_assets.storage.warehouse import Warehouse

    warehouse = Warehouse(settings.warehouse_url())
    stale = stale_partitions(defs, warehouse, defs.resources["source_catalog"].shard_keys())
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
        frame = Warehouse(settings.warehouse_url()).query(args.query)
    except (FileNotFoundError, OSError, duckdb.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with pl.Config(tbl_rows=args.rows, fmt_str_lengths=args.max_chars, tbl_width_chars=1000):
        print(frame)
    return 0


def cmd_lineage(args: argparse.Namespace) -> int:
    from r1_assets.audit.lineage import trace
    from r1_assets.storage.warehouse import Warehouse

    found = trace(Warehouse(settings.warehouse_url()), args.query, limit=args.limit)
    print(found.render(max_chars=args.max_chars))
    return 0 if not found.problems.is_empty() else 1


def cmd_cache(args: argparse.Namespace) -> int:
    from r1_assets.storage import cache_maintenance as maintenance

    root = settings.data_dir() / "cache"
    if args.action == "stats":
        print(maintenance.render_stats(root, maintenance.collect_stats(root)))
    elif args.action == "compact":
        for name, before, after in maintenance.compact(root):
            print(f"{name}: {maintenance.human_bytes(before)} -> {maintenance.human_bytes(after)}")
    else:
        targets = maintenance.prune_targets(root, args.model)
        for target in targets:
            what = "the whole namespace" if target.whole else f"{args.model}'s entries"
            verb = "deleting" if args.yes else "would delete"
            print(f"{verb}  {target.name}: {what} ({target.entries:,} entries)")
        if args.yes:
            maintenance.prune(root, args.model, targets)
            print("done; `r1-assets cache compact` gives the space back to the disk")
        else:
            print("run again with --yes to delete them")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from r1_assets.dataset.export import EXPORTS_PREFIX
    from r1_assets.dataset.publish import PublishError, latest_export, push_export

    try:
        root = settings.warehouse_url()
        if not args.folder and "://" in root:
            raise PublishError(f"the exports are in {root}: give a local copy with --folder")
        folder = Path(args.folder) if args.folder else latest_export(Path(root) / EXPORTS_PREFIX)
        print(f"export: {folder}")
        if args.push:
            published = push_export(folder, args.push, private=args.private)
            print(f"pushed {published.files} files to {published.repo_id}: {published.commit_url}")
    except PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_costs(args: argparse.Namespace) -> int:
    import polars as pl

    from r1_assets.llm.ledger import Ledger

    ledger = Ledger(settings.data_dir() / "ledger" / "llm")
    if not ledger.count():
        print(f"no LLM call recorded in {ledger.location} yet")
        return 0
    try:
        table = ledger.summary(args.by.split(","))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=1000, fmt_str_lengths=60):
        print(table)
    return 0


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
    mat.add_argument(
        "--model",
        action="append",
        help="evaluate this model: base, trained or one of the benchmark catalog's models: "
        "(repeatable; default: all)",
    )
    mat.add_argument("--log-level", default="WARNING", help="Dagster console log level")
    mat.add_argument(
        "--dry-run",
        action="store_true",
        help="print each LLM stage's requests, cache hits and what it would generate (tokens, "
        "cost), from what is materialized now; run nothing",
    )
    mat.add_argument(
        "--config",
        help="run-config YAML; its ops: entries go to the runs that "
        "contain those ops (e.g. deduped_pool: {config: {threshold: 0.85}}), its resources: "
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
    cache = commands.add_parser("cache", help="inspect and maintain the caches")
    cache_actions = cache.add_subparsers(dest="action", required=True)
    cache_actions.add_parser("stats", help="entries and size on disk of every cache, per model")
    cache_actions.add_parser("compact", help="checkpoint and VACUUM every cache")
    cache_prune = cache_actions.add_parser(
        "prune", help="list (or --yes: delete) one model's LLM samples or embedding namespace"
    )
    cache_prune.add_argument(
        "--model", required=True, help="an LLM model_id or an embedding model key (see stats)"
    )
    cache_prune.add_argument("--yes", action="store_true", help="delete them")
    cache.set_defaults(func=cmd_cache)
    costs = commands.add_parser(
        "costs", help="LLM calls, tokens and cost per asset, partition, stage or model"
    )
    costs.add_argument(
        "--by",
        default="asset,stage,model_id",
        help="comma-separated: asset, partition, stage, model_id, run_id",
    )
    costs.set_defaults(func=cmd_costs)
    export = commands.add_parser(
        "export", help="show the latest SFT export, or push it to the Hugging Face Hub"
    )
    export.add_argument("--folder", help="an export folder (default: the latest one)")
    export.add_argument(
        "--push",
        metavar="REPO",
        help="dataset repo to create if needed and commit the export to (token: HF_TOKEN; "
        "another Hub: HF_ENDPOINT)",
    )
    export.add_argument("--private", action="store_true", help="create the repo private")
    export.set_defaults(func=cmd_export)
    return run_command(parser.parse_args(argv))


def run_command(args: argparse.Namespace) -> int:
    """Every command's one error path: a source or benchmark catalog that cannot be read, a
    request that cannot be run or an instance that cannot be prepared is one line on stderr and
    exit code 1, never a traceback."""
    from r1_assets.catalog.kernel import CatalogError
    from r1_assets.runs.instance import InstanceError
    from r1_assets.runs.plan import RequestError
    from r1_assets.storage.cache import CacheError

    try:
        return args.func(args)
    except (CatalogError, RequestError, CacheError, InstanceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
