"""The Dagster instance written from the settings: embedded by default, rewritten as the settings
change while the file is r1-assets', never once the user owns it, and a user's file that
contradicts the settings is one clear error (PostgreSQL and Ray themselves: the cluster suite)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from r1_assets.cli import main
from r1_assets.runs.instance import (
    LEGACY_DAGSTER_YAML,
    MANAGED,
    InstanceError,
    prepare_dagster_home,
)


@pytest.fixture(autouse=True)
def no_cluster_settings(monkeypatch) -> None:
    for name in (
        "R1_ASSETS_POSTGRES_URL",
        "R1_ASSETS_RAY_ADDRESS",
        "R1_ASSETS_MAX_CONCURRENT_RUNS",
        "R1_ASSETS_RAY_RUN_CPUS",
        "R1_ASSETS_RAY_POOL_RESOURCES",
    ):
        monkeypatch.delenv(name, raising=False)


def test_the_default_instance_is_embedded(tmp_path: Path) -> None:
    prepare_dagster_home(tmp_path)
    assert (tmp_path / "dagster.yaml").read_text().startswith(MANAGED)
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert type(instance.run_storage).__name__.startswith("Sqlite")
        assert type(instance.run_launcher).__name__ == "DefaultRunLauncher"
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 2


def test_an_r1_assets_file_follows_the_settings(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "dagster.yaml").write_text(LEGACY_DAGSTER_YAML)  # an older r1-assets' file
    monkeypatch.setenv("R1_ASSETS_MAX_CONCURRENT_RUNS", "6")
    prepare_dagster_home(tmp_path)
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 6
    monkeypatch.setenv("R1_ASSETS_MAX_CONCURRENT_RUNS", "3")
    prepare_dagster_home(tmp_path)
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 3


def test_a_users_file_is_kept_and_checked_against_the_settings(tmp_path: Path, monkeypatch) -> None:
    mine = "concurrency:\n  runs:\n    max_concurrent_runs: 9\n"
    (tmp_path / "dagster.yaml").write_text(mine)
    monkeypatch.setenv("R1_ASSETS_MAX_CONCURRENT_RUNS", "3")
    prepare_dagster_home(tmp_path)
    assert (tmp_path / "dagster.yaml").read_text() == mine
    monkeypatch.setenv("R1_ASSETS_POSTGRES_URL", "postgresql://r1@127.0.0.1:1/dagster")
    with pytest.raises(
        InstanceError, match=r"R1_ASSETS_POSTGRES_URL is set but .* SqliteRunStorage"
    ):
        prepare_dagster_home(tmp_path)
    monkeypatch.delenv("R1_ASSETS_POSTGRES_URL")
    monkeypatch.setenv("R1_ASSETS_RAY_ADDRESS", "http://127.0.0.1:1")
    # runs on other machines cannot share a SQLite instance
    with pytest.raises(InstanceError, match="R1_ASSETS_RAY_ADDRESS needs R1_ASSETS_POSTGRES_URL"):
        prepare_dagster_home(tmp_path)
    assert (tmp_path / "dagster.yaml").read_text() == mine


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("R1_ASSETS_MAX_CONCURRENT_RUNS", "0", "must be a positive integer, not '0'"),
        ("R1_ASSETS_MAX_CONCURRENT_RUNS", "two", "must be a positive integer, not 'two'"),
        ("R1_ASSETS_RAY_POOL_RESOURCES", '{"llm": 1}', "must be JSON mapping each pool"),
        ("R1_ASSETS_RAY_POOL_RESOURCES", '{"llm": {"llm": 0}}', "with positive amounts"),
        ("R1_ASSETS_RAY_POOL_RESOURCES", "{llm", "not '{llm'"),
    ],
)
def test_a_bad_setting_is_one_line_from_the_command_line(
    tmp_path: Path, monkeypatch, capsys, name: str, value: str, says: str
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("R1_ASSETS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(name, value)
    if "RAY" in name:  # read only when runs go to Ray, which needs the shared instance
        monkeypatch.setenv("R1_ASSETS_RAY_ADDRESS", "http://127.0.0.1:1")
        monkeypatch.setenv("R1_ASSETS_POSTGRES_URL", "postgresql://r1@127.0.0.1:1/dagster")
    assert main(["materialize", "--select", "raw_problems"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {name} ") and says in err and "\n" not in err
