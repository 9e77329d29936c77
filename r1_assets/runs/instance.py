"""The Dagster instance the command line runs on: ``$DAGSTER_HOME`` prepared (dagster.yaml,
storage, pool slots), the run tags naming this process, and runs whose process died reaped."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import dagster as dg

from r1_assets import settings
from r1_assets.pools import create_pool_slots

MANAGED = "# Written by `r1-assets` from its settings (r1_assets/settings.py) as they change."
MANAGED_NOTE = "# Delete these two lines to make the file yours: it is then never rewritten."
# what `r1-assets` wrote before the instance had settings: still its own, rewritten like MANAGED
LEGACY_DAGSTER_YAML = """\
# Written by `r1-assets`; edit freely, it is not overwritten.
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 2  # a 2-core machine: more parallel runs only thrash
  pools:
    default_limit: 1  # pool "llm": one engine already uses every core
run_monitoring:  # the daemon fails runs whose worker died, which frees their pool slots
  enabled: true
"""


class InstanceError(Exception):
    """The instance the settings ask for cannot be prepared (a dagster.yaml of the user's that
    disagrees with them, a server that does not answer)."""


def dagster_yaml() -> str:
    """The instance the settings describe: the embedded one by default; PostgreSQL storage and
    the Ray run launcher when their addresses are set."""
    lines = [
        MANAGED,
        MANAGED_NOTE,
        "telemetry:",
        "  enabled: false",
        "concurrency:",
        "  runs:  # the queued run coordinator: a backfill's shard runs wait their turn",
        f"    max_concurrent_runs: {settings.max_concurrent_runs()}",
        "  pools:",
        '    default_limit: 1  # pool "llm": one engine already uses every core of its machine',
    ]
    if not settings.ray_address():
        lines += [
            "run_monitoring:  # the daemon fails runs whose worker died, freeing their pool slots",
            "  enabled: true",
        ]
    if settings.postgres_url():
        lines += [
            "storage:",
            "  postgres:",
            "    postgres_url:",
            f"      env: {settings.POSTGRES_URL_ENV}",
        ]
    if settings.ray_address():
        if not settings.postgres_url():  # run workers on other machines cannot share SQLite
            raise ValueError(
                f"{settings.RAY_ADDRESS_ENV} needs {settings.POSTGRES_URL_ENV}: runs on other "
                "machines must share the instance's storage"
            )
        lines += [
            "run_launcher:  # each run a Ray job, placed by Ray",
            "  module: r1_assets.runs.ray_launcher",
            "  class: PoolAwareRayRunLauncher",
            "  config:",
            "    ray:",
            f"      address: {json.dumps(settings.ray_address())}",
            f"      num_cpus: {settings.ray_run_cpus()}",
            f"      env_vars: {json.dumps(list(settings.RUN_WORKER_ENV))}",
            f"    pool_resources: {json.dumps(settings.ray_pool_resources())}",
            "run_monitoring:  # a dead node's runs are failed at the next poll (once Ray says so)",
            "  enabled: true",
            "  poll_interval_seconds: 30",
            "  start_timeout_seconds: 3600  # a run may wait in Ray for a node with its resources",
            "  max_resume_run_attempts: 0  # retried below from the failed steps, not resumed",
            "run_retries:  # a failed run is launched once more, from its failed steps",
            "  enabled: true",
            "  max_retries: 1",
            # a step that lost the database mid-write fails like any step: retried too
            "  retry_on_asset_or_op_failure: true",
        ]
    return "\n".join(lines) + "\n"


HOST_TAG = "r1_assets/host"
PROCESS_TAG = "r1_assets/process"


def ensure_dagster_home() -> Path:
    """``$DAGSTER_HOME`` (default ``<data>/dagster_home``) prepared, and exported for Dagster."""
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir() / "dagster_home").resolve()
    settings.pin_postgres_driver()
    prepare_dagster_home(home)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def prepare_dagster_home(home: Path) -> None:
    """dagster.yaml from the settings (unless the user owns it), the instance's storage and the
    pools' slots, made before any run worker starts: Dagster's SQLite storage races when two
    processes create it at once, and a pool takes a changed default limit here (see
    r1_assets.pools)."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    try:
        wanted = dagster_yaml()
    except ValueError as error:  # a setting that is not a value
        raise InstanceError(str(error)) from error
    current = config.read_text() if config.exists() else None
    ours = current is None or current.startswith(MANAGED) or current == LEGACY_DAGSTER_YAML
    if ours and current != wanted:  # replaced whole: another process never reads half a file
        written = config.with_name(f".dagster.yaml.{os.getpid()}.tmp")
        written.write_text(wanted)
        os.replace(written, config)
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            check_instance(instance, config)
            create_pool_slots(instance)
    except InstanceError:
        raise
    except Exception as error:  # the storage's own error names the server and the reason
        raise InstanceError(f"the Dagster instance in {home} cannot be opened: {error}") from error


def check_instance(instance: dg.DagsterInstance, config: Path) -> None:
    """A dagster.yaml the user owns must still give what the settings ask for: a PostgreSQL URL
    set while runs go to SQLite would split the history between two instances."""
    storage = type(instance.run_storage).__name__
    launcher = type(instance.run_launcher).__name__
    if settings.postgres_url() and not storage.startswith("Postgres"):
        raise InstanceError(
            f"{settings.POSTGRES_URL_ENV} is set but {config} (yours: it has no r1-assets "
            f"header) stores runs in {storage}: add its `storage: postgres:` block or delete it"
        )
    if settings.ray_address() and not launcher.endswith("RayRunLauncher"):
        raise InstanceError(
            f"{settings.RAY_ADDRESS_ENV} is set but {config} (yours: it has no r1-assets header) "
            f"launches runs with {launcher}: add its RayRunLauncher block or delete it"
        )


def run_tags() -> dict[str, str]:
    """The tags of a run this process starts: the host, and the process (pid + start time)."""
    pid = os.getpid()
    return {HOST_TAG: socket.gethostname(), PROCESS_TAG: _process_token(pid) or f"{pid}:?"}


def reap_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail the runs this machine's `r1-assets materialize` started whose process is gone.

    A run killed with SIGKILL never reports its end: it stays STARTED and keeps its slot in the
    `llm` pool, so every later run would wait for that slot forever. The UI's daemon has run
    monitoring for its own runs; headless runs have this.
    """
    mine = run_tags()
    runs = instance.get_runs(
        filters=dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
            tags={HOST_TAG: mine[HOST_TAG]},
        )
    )
    reaped = []
    for run in runs:
        token = run.tags.get(PROCESS_TAG, "")
        # a re-execution copies its parent's tags: it was not started by that process
        if not token or "dagster/parent_run_id" in run.tags or token == mine[PROCESS_TAG]:
            continue
        pid = int(token.split(":")[0])
        if token.endswith(":?") and _alive(pid):
            continue
        if _process_token(pid) == token:
            continue
        instance.report_run_failed(run, "the r1-assets process running it is gone (killed?)")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        reaped.append(run.run_id)
    return reaped


def _process_token(pid: int) -> str | None:
    """pid + its start time: a pid reused by a later process does not match."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return f"{pid}:{stat.rsplit(')', 1)[1].split()[19]}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
