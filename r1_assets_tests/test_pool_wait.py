"""A step blocked on a full pool waits with the process asleep (see r1_assets.pool_wait)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster._core.execution.plan.instance_concurrency_context import (
    InstanceConcurrencyContext,
)

import r1_assets.definitions  # noqa: F401  (loading the code location applies the fix)


def test_a_blocked_claim_reports_a_positive_wait(tmp_path: Path) -> None:
    overrides = {"concurrency": {"pools": {"default_limit": 1}}}
    with dg.DagsterInstance.local_temp(str(tmp_path), overrides=overrides) as instance:
        holder, waiter = dg.DagsterRun(job_name="a"), dg.DagsterRun(job_name="b")
        instance.add_run(holder)
        instance.add_run(waiter)
        with InstanceConcurrencyContext(instance, holder) as first:
            assert first.claim("llm", "labels")
            with InstanceConcurrencyContext(instance, waiter) as second:
                assert not second.claim("llm", "labels")  # the pool's one slot is taken
                wait = second.interval_to_next_pending_claim_check()
                # Dagster's first retry is 1 s after a refused claim; unpatched this was <= 0
                assert 0.5 < wait <= 1.0
                assert not second.claim("llm", "labels")  # not due yet: no storage query
            first.free_step("labels")
