"""A failed run Dagster marked to be retried, whose failure its retry daemon had already read
past without launching the retry (its database was away at that moment): the lost_run_retries
sensor hands it back and Dagster's own daemon launches the retry, once."""

from __future__ import annotations

import os
import subprocess
import textwrap
import time
from pathlib import Path

import dagster as dg
from dagster._core.storage.tags import AUTO_RETRY_RUN_ID_TAG, RETRY_NUMBER_TAG, WILL_RETRY_TAG

from r1_assets.runs.retries import FAILURE_CURSOR, consumer_cursor, rewind_for_lost_retries
from r1_assets_tests.conftest import VENV_BIN, stop_process_group

FLAKY_DEFINITIONS = """
    import os
    from pathlib import Path

    import dagster as dg

    from r1_assets.runs.retries import lost_run_retries_sensor

    MARK = Path(os.environ["FLAKY_MARK"])


    @dg.asset
    def flaky() -> int:
        if not MARK.exists():
            MARK.write_text("the first attempt failed")
            raise RuntimeError("the first attempt fails")
        return 1


    defs = dg.Definitions(
        assets=[flaky],
        jobs=[dg.define_asset_job("flaky_job", [flaky])],
        sensors=[lost_run_retries_sensor],
    )
"""

INSTANCE = """
    telemetry:
      enabled: false
    run_coordinator:
      module: dagster._core.run_coordinator
      class: DefaultRunCoordinator
    run_retries:
      enabled: true
      max_retries: 1
      retry_on_asset_or_op_failure: true
"""


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_retry_the_daemon_read_past_is_launched_by_dagster_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(textwrap.dedent(INSTANCE))
    code = tmp_path / "flaky.py"
    code.write_text(textwrap.dedent(FLAKY_DEFINITIONS))
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "FLAKY_MARK": str(tmp_path / "failed_once"),
        "DAGSTER_DISABLE_TELEMETRY": "1",
    }
    launched = subprocess.run(
        [str(VENV_BIN / "dagster"), "job", "launch", "-f", str(code), "-j", "flaky_job"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert launched.returncode == 0, launched.stdout + launched.stderr

    with dg.DagsterInstance.from_config(str(home)) as instance:
        (failed,) = wait_for(
            lambda: [r for r in instance.get_runs() if r.status == dg.DagsterRunStatus.FAILURE],
            180,
            "the first run to fail",
        )
        assert failed.tags[WILL_RETRY_TAG] == "true"
        assert AUTO_RETRY_RUN_ID_TAG not in failed.tags
        # the state the outage left: the retry daemon's cursor past the failure, no retry
        newest = instance.event_log_storage.get_maximum_record_id()
        instance.daemon_cursor_storage.set_cursor_values({FAILURE_CURSOR: str(newest)})
        done, counts = rewind_for_lost_retries(instance, {})
        (failure_id,) = done.stuck.values()
        assert done.cursor_before == newest and done.cursor_after == failure_id - 1
        assert counts == {failed.run_id: 1}
        assert consumer_cursor(instance) == failure_id - 1
        # back to the lost state: the sensor, in the daemon, must find it on its own
        instance.daemon_cursor_storage.set_cursor_values({FAILURE_CURSOR: str(newest)})

        daemon = subprocess.Popen(
            [str(VENV_BIN / "dagster-daemon"), "run", "-f", str(code)],
            env=env,
            cwd=tmp_path,
            stdout=(tmp_path / "daemon.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            retry = wait_for(
                lambda: next(
                    (
                        r
                        for r in instance.get_runs()
                        if r.parent_run_id == failed.run_id
                        and r.status == dg.DagsterRunStatus.SUCCESS
                    ),
                    None,
                ),
                240,
                "Dagster's daemon to launch the lost retry (see daemon.log)",
            )
            time.sleep(25)  # the sensor ticks again: the retry is launched once
            runs = instance.get_runs()
        finally:
            stop_process_group(daemon)

        assert retry.tags[RETRY_NUMBER_TAG] == "1"  # launched by Dagster's retry daemon
        assert instance.get_run_by_id(failed.run_id).tags[AUTO_RETRY_RUN_ID_TAG] == retry.run_id
        assert [r.run_id for r in runs if r.parent_run_id == failed.run_id] == [retry.run_id]
        assert len(runs) == 2
        done, _ = rewind_for_lost_retries(instance, {})
        assert done.stuck == {} and done.cursor_after == done.cursor_before
