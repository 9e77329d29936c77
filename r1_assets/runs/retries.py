"""Run retries Dagster decided on but never launched, handed back to Dagster's own retry daemon.

Dagster's event-log consumer reads RUN_FAILURE events after a stored cursor and launches each
retry; it stores the new cursor even when launching failed (dagster 1.13.27,
``EventLogConsumerDaemon.run_iteration``). When the instance's database goes away at that moment,
the failed run keeps ``dagster/will_retry=true`` with no retry, and a backfill waits for it
forever. This finds such runs (the consumer's cursor already past their failure event, no retry
launched) and moves the cursor back before the earliest one, so the consumer reads it again and
launches the retry itself. Re-reading is safe: Dagster's ``retry_run`` finds a retry that exists
and launches none twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import dagster as dg
from dagster._core.execution.backfill import BULK_ACTION_TERMINAL_STATUSES
from dagster._core.storage.tags import AUTO_RETRY_RUN_ID_TAG, BACKFILL_ID_TAG, WILL_RETRY_TAG
from dagster._daemon.auto_run_reexecution.event_log_consumer import _create_cursor_key

FAILURE_CURSOR = _create_cursor_key(dg.DagsterEventType.RUN_FAILURE)
# failures looked at per pass, newest first: a run waits for its retry minutes, not days
RECENT_FAILED_RUNS = 500
# the cursor is moved back for one run this many times; a retry that keeps failing to launch
# has a reason Dagster's engine events on the run name
MAX_REWINDS = 3


@dataclass(frozen=True)
class Rewind:
    """Which runs were found waiting (failure event storage id by run id), the consumer's cursor
    before and after, and the runs given up on (rewound ``MAX_REWINDS`` times already)."""

    stuck: dict[str, int]
    cursor_before: int | None
    cursor_after: int | None
    given_up: tuple[str, ...] = ()


def consumer_cursor(instance: dg.DagsterInstance) -> int | None:
    values = instance.daemon_cursor_storage.get_cursor_values({FAILURE_CURSOR})
    value = values.get(FAILURE_CURSOR)
    return None if value is None else int(value)


def waiting_for_retry(instance: dg.DagsterInstance, cursor: int) -> dict[str, int]:
    """Failed runs marked to be retried, with no retry launched, whose RUN_FAILURE event the
    consumer has passed (storage id <= ``cursor``): run id -> that event's storage id."""
    passed = instance.fetch_run_status_changes(
        dg.RunStatusChangeRecordsFilter(
            event_type=dg.DagsterEventType.RUN_FAILURE, before_storage_id=cursor + 1
        ),
        limit=RECENT_FAILED_RUNS,
        ascending=False,
    ).records
    # the ids the consumer reads by (SQLite keeps these in its index shard, not in the run's)
    failure_ids = {record.event_log_entry.run_id: record.storage_id for record in passed}
    if not failure_ids:  # an empty run_ids filter would match every run
        return {}
    runs = instance.get_runs(
        dg.RunsFilter(
            run_ids=list(failure_ids),
            statuses=[dg.DagsterRunStatus.FAILURE],
            tags={WILL_RETRY_TAG: "true"},
        )
    )
    stuck: dict[str, int] = {}
    for run in runs:
        if run.tags.get(AUTO_RETRY_RUN_ID_TAG) is not None or run.remote_job_origin is None:
            continue  # retried, or a run Dagster cannot re-launch (launched from Python)
        backfill_id = run.tags.get(BACKFILL_ID_TAG)
        if backfill_id is not None:
            backfill = instance.get_backfill(backfill_id)
            if backfill is None or backfill.status in BULK_ACTION_TERMINAL_STATUSES:
                continue  # Dagster does not retry these; re-reading would only log it again
        stuck[run.run_id] = failure_ids[run.run_id]
    return stuck


def rewind_for_lost_retries(
    instance: dg.DagsterInstance, rewinds: dict[str, int] | None = None
) -> tuple[Rewind, dict[str, int]]:
    """Moves the consumer's RUN_FAILURE cursor back before the earliest run waiting for a retry
    the consumer passed. ``rewinds`` counts earlier rewinds per run (kept by the caller); returns
    what was done and the updated counts."""
    counts = dict(rewinds or {})
    cursor = consumer_cursor(instance)  # read before the runs: a retry launched meanwhile shows
    if cursor is None or not instance.run_retries_enabled:
        return Rewind({}, cursor, cursor), counts
    stuck = waiting_for_retry(instance, cursor)
    given_up = tuple(sorted(r for r in stuck if counts.get(r, 0) >= MAX_REWINDS))
    retry = {run_id: sid for run_id, sid in stuck.items() if run_id not in given_up}
    counts = {run_id: n for run_id, n in counts.items() if run_id in stuck}
    if not retry:
        return Rewind(stuck, cursor, cursor, given_up), counts
    after = min(retry.values()) - 1
    instance.daemon_cursor_storage.set_cursor_values({FAILURE_CURSOR: str(after)})
    for run_id in retry:
        counts[run_id] = counts.get(run_id, 0) + 1
    return Rewind(stuck, cursor, after, given_up), counts


@dg.sensor(
    name="lost_run_retries",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Hands failed runs whose automatic retry Dagster decided on but never launched "
    "(its daemon lost the database at that moment) back to Dagster's retry daemon.",
)
def lost_run_retries_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    rewinds = json.loads(context.cursor) if context.cursor else {}
    done, rewinds = rewind_for_lost_retries(context.instance, rewinds)
    context.update_cursor(json.dumps(rewinds))
    for run_id in done.given_up:
        context.log.error(
            f"run {run_id} still has no retry after {MAX_REWINDS} attempts to hand it back to "
            "Dagster's retry daemon; see the run's engine events, or re-execute it from failure"
        )
    if done.cursor_after == done.cursor_before:
        return dg.SkipReason(
            "run retries are off"
            if not context.instance.run_retries_enabled
            else f"no run waits for a lost retry ({len(done.given_up)} given up)"
        )
    message = (
        f"{len(done.stuck) - len(done.given_up)} failed run(s) waiting for a retry Dagster never "
        f"launched ({', '.join(sorted(done.stuck))}): its retry daemon re-reads failures after "
        f"event {done.cursor_after} (it was past {done.cursor_before})"
    )
    context.log.warning(message)
    return dg.SkipReason(message)
