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
    with pytest.raises(
        InstanceError, match=r"R1_ASSETS_RAY_ADDRESS is set but .* DefaultRunLauncher"
    ):
        prepare_dagster_home(tmp_path)
    assert (tmp_path / "dagster.yaml").read_text() == mine


@pytest.mark.parametrize("value", ["0", "two"])
def test_a_bad_setting_is_one_line_from_the_command_line(
    tmp_path: Path, monkeypatch, capsys, value: str
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("R1_ASSETS_MAX_CONCURRENT_RUNS", value)
    monkeypatch.setenv("R1_ASSETS_DATA_DIR", str(tmp_path / "data"))
    assert main(["materialize", "--select", "raw_problems"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"error: R1_ASSETS_MAX_CONCURRENT_RUNS must be a positive integer, not {value!r}"
