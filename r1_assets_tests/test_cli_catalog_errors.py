"""One error path for every catalog: an unreadable source catalog and an unreadable benchmark
catalog give the same one-line error (no traceback) and a non-zero exit from the CLI."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from r1_assets import settings
from r1_assets_tests.conftest import VENV_BIN, subprocess_env

NOT_A_CATALOG = "just a string\n"  # valid YAML, no entry list


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "r1-assets"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=settings.PROJECT_ROOT,
    )


@pytest.mark.parametrize("command", [["prune"], ["catalog", "check"]])
@pytest.mark.parametrize("broken", ["sources", "benchmarks"])
def test_a_broken_catalog_is_one_line_from_every_command(
    tmp_path: Path, command: list[str], broken: str
) -> None:
    path = tmp_path / f"{broken}.yaml"
    path.write_text(NOT_A_CATALOG)
    sources = path if broken == "sources" else settings.DEFAULT_CATALOG_PATH
    env = subprocess_env(sources, tmp_path / "data", tmp_path / "home")
    env["R1_ASSETS_BENCHMARKS"] = str(
        path if broken == "benchmarks" else settings.DEFAULT_BENCHMARKS_PATH
    )
    (tmp_path / "home").mkdir()
    result = run(command, env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [f"error: {broken}.yaml: expected a mapping with a '{broken}' list"]
