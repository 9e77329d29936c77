"""The ``llm`` pool: one engine at a time, its claims serialized, its slots made before any run,
its waiters asleep.

Claims first. Dagster 1.13's SQL event log claims a pool slot in separate statements — count the
assigned steps, enqueue this one (assigned if a slot looked free), pick a free slot row, write
the run into it — and SQLite takes no row lock between them: two run workers claiming the one
``llm`` slot in the same instant both see it free and both take it (two engines at once on two
cores). Freeing has the same gap: a claim that counted the slot taken, then enqueued after the
holder freed it and assigned its successors, waits forever. So on a SQLite instance each claim
and each free holds an exclusive file lock beside the event log, which makes it one step across
processes.

Then the slots. Dagster makes a default-limit pool's slots lazily, at the first claim, by
counting the slot rows and adding the missing ones (under the lock above too); they are still
made when DAGSTER_HOME is prepared, so a new default limit in dagster.yaml reaches a pool before
any run.

Then the wait: a run whose step waits for a slot of a Dagster pool must sleep, not spin.
dagster 1.13's ``InstanceConcurrencyContext.interval_to_next_pending_claim_check`` returns
``min([0, *waits])``, which is never positive, so the executor's ``sleep_til_ready`` never sleeps:
a run waiting for the ``llm`` pool spun a core while the other run's engine needed both. The
intended value is the time to the earliest pending claim's next check, at least 0.

Both patches are applied when the code location loads (the run workers import it too); each is
removed when Dagster's own storage or context does it.
"""

from __future__ import annotations

import fcntl
import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from dagster._core.execution.plan.instance_concurrency_context import (
    InstanceConcurrencyContext,
)
from dagster._core.storage.event_log.sqlite.consolidated_sqlite_event_log import (
    ConsolidatedSqliteEventLogStorage,
)
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

if TYPE_CHECKING:
    import dagster as dg

LLM_POOL = "llm"  # steps that run an LLM engine or training: each uses every core
CLAIMS_LOCK = "pool_claims.lock"  # in the event log's directory
# the storage methods that read and then write the pools' slot and queue tables
LOCKED_METHODS = (
    "claim_concurrency_slot",
    "free_concurrency_slot_for_step",
    "free_concurrency_slots_for_run",
    "initialize_concurrency_limit_to_default",
)

Method = TypeVar("Method", bound=Callable)


def create_pool_slots(instance: dg.DagsterInstance, pools: tuple[str, ...] = (LLM_POOL,)) -> None:
    """Give each pool its default limit's slots now: a new pool, or one still on a default limit
    that dagster.yaml has changed since (a limit set in the UI stays). Nothing on a storage
    without pools."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return
    default = instance.global_op_concurrency_default_limit
    for pool in pools:
        if pool in storage.get_concurrency_keys():
            info = storage.get_concurrency_info(pool)
            if not info.using_default_limit or info.limit == default:
                continue
        storage.initialize_concurrency_limit_to_default(pool)


def holding_the_claims_lock(method: Method) -> Method:
    """The storage method, run while this process holds the instance's pool-claims file lock
    (other processes' claims and frees wait for it)."""

    @functools.wraps(method)
    def locked(storage, *args, **kwargs):
        with open(Path(storage._base_dir) / CLAIMS_LOCK, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
            return method(storage, *args, **kwargs)

    locked.holds_the_claims_lock = True
    return locked  # type: ignore[return-value]


def serialize_pool_claims() -> None:
    for storage in (SqliteEventLogStorage, ConsolidatedSqliteEventLogStorage):
        for name in LOCKED_METHODS:
            method = getattr(storage, name)
            if not getattr(method, "holds_the_claims_lock", False):
                setattr(storage, name, holding_the_claims_lock(method))


def interval_to_next_pending_claim_check(self: InstanceConcurrencyContext) -> float:
    """Seconds until a blocked step's claim is due again (0 when one is due or none waits)."""
    if not self._pending_claims or not self._pending_timeouts:
        return 0.0
    now = time.time()
    return max(0.0, min(ready_at - now for ready_at in self._pending_timeouts.values()))


def sleep_while_waiting_for_pools() -> None:
    InstanceConcurrencyContext.interval_to_next_pending_claim_check = (  # type: ignore[method-assign]
        interval_to_next_pending_claim_check
    )


def patch_dagster_pools() -> None:
    """Both fixes above, applied where the code location loads."""
    serialize_pool_claims()
    sleep_while_waiting_for_pools()
