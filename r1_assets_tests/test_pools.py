"""The llm pool: its claims are one step across processes, its slots exist before any run, and a
step blocked on it waits asleep (see r1_assets.pools)."""

from __future__ import annotations

import fcntl
import multiprocessing
import threading
from pathlib import Path

import dagster as dg
from dagster._core.execution.plan.instance_concurrency_context import (
    InstanceConcurrencyContext,
)

import r1_assets.definitions  # noqa: F401  (loading the code location applies the fix)
from r1_assets.pools import CLAIMS_LOCK, LLM_POOL
from r1_assets.runs.instance import ensure_dagster_home, prepare_dagster_home


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


def _claim_at_the_barrier(home: str, barrier, claimed) -> None:
    with dg.DagsterInstance.from_config(home) as instance:
        run = dg.DagsterRun(job_name="labels")
        instance.add_run(run)
        storage = instance.event_log_storage
        storage.get_concurrency_keys()  # the storage opened before the race
        barrier.wait()
        status = storage.claim_concurrency_slot(LLM_POOL, run.run_id, "labels")
        claimed.put(status.is_claimed)


def test_two_processes_claiming_the_one_slot_at_once_get_it_once(tmp_path: Path) -> None:
    # unlocked, SQLite let both read the slot free and both write themselves into it
    context = multiprocessing.get_context("fork")
    for trial in range(4):
        home = tmp_path / str(trial)
        prepare_dagster_home(home)
        barrier, claimed = context.Barrier(2), context.Queue()
        workers = [
            context.Process(target=_claim_at_the_barrier, args=(str(home), barrier, claimed))
            for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert sorted(claimed.get(timeout=5) for _ in workers) == [False, True]


def test_a_claim_waits_for_the_claims_lock(tmp_path: Path) -> None:
    home = tmp_path / "home"
    prepare_dagster_home(home)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = dg.DagsterRun(job_name="labels")
        instance.add_run(run)
        storage = instance.event_log_storage
        lock = Path(storage._base_dir) / CLAIMS_LOCK
        with open(lock, "a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)  # another process mid-claim
            claim = threading.Thread(
                target=storage.claim_concurrency_slot, args=(LLM_POOL, run.run_id, "labels")
            )
            claim.start()
            claim.join(timeout=0.5)
            assert claim.is_alive()
        claim.join(timeout=30)
        assert not claim.is_alive()
        assert storage.get_concurrency_info(LLM_POOL).claimed_slots[0].run_id == run.run_id
