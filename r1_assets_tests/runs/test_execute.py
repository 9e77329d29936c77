"""Running a plan: a stop request (SIGTERM, Ctrl-C) during a run stops the command."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import dagster as dg
import pytest

from r1_assets.runs.execute import INTERRUPTED, execute_plan
from r1_assets.runs.plan import Plan, RunRequest


@dg.asset
def asks_to_stop() -> int:
    os.kill(os.getpid(), signal.SIGTERM)  # what `timeout` or a scheduler sends
    time.sleep(2)  # Dagster's handler records the signal; the step sees it at its next check
    return 1


@dg.asset
def independent() -> int:
    return 2


@dg.asset
def quick() -> int:
    return 3


def run_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str) -> list:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    defs = dg.Definitions(assets=[asks_to_stop, independent, quick])
    plan = Plan([[RunRequest((first,))], [RunRequest(("independent",))]])
    previous = signal.getsignal(signal.SIGTERM)
    try:
        return execute_plan(plan, defs, {}, {}, "ERROR", say=lambda line: None)
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_stop_request_during_a_run_starts_no_further_run(tmp_path, monkeypatch) -> None:
    outcomes = run_plan(tmp_path, monkeypatch, "asks_to_stop")
    assert [(o.label, o.status) for o in outcomes] == [("(unpartitioned)", INTERRUPTED)]
    assert outcomes[0].failed


def test_without_a_stop_request_every_run_runs(tmp_path, monkeypatch) -> None:
    outcomes = run_plan(tmp_path, monkeypatch, "quick")
    assert [o.status for o in outcomes] == ["ok", "ok"]
