"""The llm pool: its slots exist before any run, and a step blocked on it waits asleep (see
r1_assets.pools)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster._core.execution.plan.instance_concurrency_context import (
    InstanceConcurrencyContext,
)

import r1_assets.definitions  # noqa: F401  (loading the code location applies the fix)
from r1_assets.runs.instance import ensure_dagster_home
from r1_assets.pools import LLM_POOL


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


def test_dagster_home_gets_the_llm_pool_slots_before_any_run(tmp_path: Path, monkeypatch) -> None:
    # made lazily, two run workers' first claims both counted 0 slots and both added one
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    home = ensure_dagster_home()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        info = instance.event_log_storage.get_concurrency_info(LLM_POOL)
        assert (info.slot_count, info.limit) == (1, 1)
        instance.event_log_storage.set_concurrency_slots(LLM_POOL, 2)  # a limit set in the UI
    ensure_dagster_home()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.event_log_storage.get_concurrency_info(LLM_POOL).slot_count == 2
