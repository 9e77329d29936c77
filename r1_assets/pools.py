"""The ``llm`` pool: one engine at a time, its slots made before any run, its waiters asleep.

Slots first. Dagster 1.13 creates a default-limit pool's slots lazily, at the first claim, by
counting the slot rows and adding the missing ones — two run workers claiming in the same
instant on a fresh instance both count 0 and both add one: two slots, two engines at once (seen
in the test suite: two labeling steps started 10 ms apart and shared the cores for 46 s). So the
slots are made when DAGSTER_HOME is prepared, before any run starts.

Then the wait: a run whose step waits for a slot of a Dagster pool must sleep, not spin.

dagster 1.13's ``InstanceConcurrencyContext.interval_to_next_pending_claim_check`` returns
``min([0, *waits])``, which is never positive, so the executor's ``sleep_til_ready`` never sleeps:
a run waiting for the ``llm`` pool spun a core at 60-100% while the other run's engine needed
both (a two-source backfill in the UI took 8.8 min against ~2 min headless). The intended value
is the time to the earliest pending claim's next check, at least 0. Patched when the code
location loads (the run workers import it too); removed when Dagster's own returns a wait.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from dagster._core.execution.plan.instance_concurrency_context import (
    InstanceConcurrencyContext,
)

if TYPE_CHECKING:
    import dagster as dg

LLM_POOL = "llm"  # steps that run an LLM engine or training: each uses every core


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
