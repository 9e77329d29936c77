"""Running a plan's runs one after another on one instance, and the summary of what each made."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import dagster as dg

from r1_assets.runs.graph import partition_key
from r1_assets.runs.instance import reap_dead_runs, run_tags
from r1_assets.runs.plan import Plan, RunRequest, blocked


@dataclass(frozen=True)
class RunOutcome:
    label: str
    status: str  # ok, FAILED, INTERRUPTED or SKIPPED
    seconds: float
    rows: str  # what it made, and the checks that did not pass

    @property
    def failed(self) -> bool:
        return self.status in ("FAILED", INTERRUPTED)


INTERRUPTED = "INTERRUPTED"
# Dagster turns SIGINT/SIGTERM during a run into this error, fails the run and returns
INTERRUPT_ERRORS = ("DagsterExecutionInterruptedError", "KeyboardInterrupt")


def execute_plan(
    plan: Plan,
    defs: dg.Definitions,
    resources: Mapping,
    ops_config: Mapping,
    log_level: str,
    say: Callable[[str], None] = print,
) -> list[RunOutcome]:
    """Every run of the plan in order on ``$DAGSTER_HOME``'s instance, skipping the partitions an
    earlier failed run leaves without their input; ``say`` reports progress line by line."""
    outcomes: list[RunOutcome] = []
    with dg.DagsterInstance.get() as instance:
        for run_id in reap_dead_runs(instance):
            say(f"run {run_id} lost its process (killed?): marked failed, its pool slots freed")
        for run in plan.runs:
            if blocked(run, [o.label for o in outcomes if o.failed]):
                say(f"skipping {run.label}: an earlier stage failed")
                outcomes.append(RunOutcome(run.label, "SKIPPED", 0.0, "an earlier stage failed"))
                continue
            say(f"materializing {run.label} …")
            outcome = _materialize(run, defs, instance, resources, ops_config, log_level)
            outcomes.append(outcome)
            if outcome.status == INTERRUPTED:  # a stop request stops the command, not one run
                say(f"interrupted during {run.label}: no further run is started")
                break
    return outcomes


def _materialize(
    run: RunRequest,
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    resources: Mapping,
    ops_config: Mapping,
    log_level: str,
) -> RunOutcome:
    started = time.monotonic()
    result = dg.materialize(
        [*(defs.assets or []), *(defs.asset_checks or [])],  # no_benchmark_overlap gates training
        instance=instance,
        resources=dict(resources),
        selection=list(run.assets),
        partition_key=partition_key(defs, run.assets[0], run.partition),
        run_config=run.run_config(ops_config, log_level),
        raise_on_error=False,
        tags=run_tags(),
    )
    not_passed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    # a warning is reported, an error fails the command
    failed_checks, warned_checks = (
        [
            f"{c.asset_key.to_user_string()}:{c.check_name}"
            for c in not_passed
            if (c.severity == dg.AssetCheckSeverity.WARN) == warn
        ]
        for warn in (False, True)
    )
    rows = ", ".join(
        _summary_item(e.asset_key.to_user_string(), e.materialization.metadata)
        for e in result.get_asset_materialization_events()
        if "dagster/row_count" in e.materialization.metadata
    )
    rows += "".join(f"; check {c} did not pass" for c in failed_checks)
    rows += "".join(f"; warning: check {c} did not pass" for c in warned_checks)
    status = "ok" if result.success and not failed_checks else "FAILED"
    if not result.success and _interrupted(result):
        status = INTERRUPTED
    return RunOutcome(run.label, status, time.monotonic() - started, rows)


def _interrupted(result) -> bool:
    """Whether the run failed because the process was asked to stop (Ctrl-C, SIGTERM)."""
    for event in result.all_events:
        error = getattr(event.event_specific_data, "error", None)
        if error is not None and error.cls_name in INTERRUPT_ERRORS:
            return True
    return False


def summary_lines(outcomes: list[RunOutcome], seconds: float) -> list[str]:
    """The table of runs (partition, status, time, rows) and the total."""
    width = max([len(o.label) for o in outcomes] + [9])
    lines = [f"\n{'partition':{width}}  status  {'time':>6}  rows"]
    lines += [
        f"{o.label:{width}}  {o.status:6}  {duration(o.seconds):>6}  {o.rows}" for o in outcomes
    ]
    lines.append(f"{len(outcomes)} run(s) in {duration(seconds)}")
    return lines


def duration(seconds: float) -> str:
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
