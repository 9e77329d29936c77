"""``r1-assets materialize --dry-run``: the per-stage counts it prints before a run equal what
the run then generates (the cost ledger's count), for labeling, distillation (a new sample
index, a raised budget) and evaluation, and nothing is materialized by it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polars as pl
import pytest
import yaml

from r1_assets.llm.ledger import Ledger
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.assets.test_llm_stage import catalog  # noqa: F401 (the fixture)
from r1_assets_tests.conftest import VENV_BIN, subprocess_env

INGEST = "raw_problems,raw_problems_quarantine,problem_embeddings,deduped_pool,dedup_pairs"


def per_stage(stdout: str) -> dict[str, dict[str, str]]:
    """The "per stage" markdown table the dry run prints, by stage."""
    table = stdout.split("per stage:", 1)[1].strip().splitlines()
    header = [c.strip() for c in table[0].strip("|").split("|")]
    rows = [dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True))
            for line in table[2:] if line.startswith("|")]  # fmt: skip
    return {row["stage"]: row for row in rows}


@pytest.mark.slow  # five CLI runs: 40 s idle, ~3 min loaded; plan_cached runs by default
@pytest.mark.timeout(1800)
def test_the_dry_run_counts_what_the_run_generates(catalog: Path, tmp_path: Path) -> None:  # noqa: F811
    data, home = tmp_path / "data", tmp_path / "home"
    home.mkdir()
    env = subprocess_env(catalog, data, home)
    ledger = Ledger(data / "ledger" / "llm")

    def cli(*args: str, ops: dict | None = None) -> str:
        config = tmp_path / "run.yaml"
        config.write_text(
            yaml.safe_dump(
                {"ops": ops or {}, "resources": {"llm": {"config": {"backend": "transformers"}}}}
            )
        )
        done = subprocess.run(
            [str(VENV_BIN / "r1-assets"), "materialize", "--config", str(config), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done.stdout

    def generated_since(count: int) -> dict[str, int]:
        """What the runs after the ledger's first ``count`` rows generated, per stage."""
        rows = ledger.read_all().sort("created_at").slice(count)
        totals = rows.group_by("stage").agg((pl.col("generated") + pl.col("failed")).sum())
        return dict(totals.iter_rows())

    def planned_then_run(select: str, *args: str, ops: dict | None = None) -> dict:
        planned = per_stage(cli("--select", select, "--dry-run", *args, ops=ops))
        before = ledger.count()
        cli("--select", select, *args, ops=ops)
        generated = generated_since(before)
        assert {s: int(r["to_generate"]) for s, r in planned.items()} == {
            s: generated.get(s, 0) for s in planned
        }
        return planned

    cli("--select", INGEST)
    # labels are planned from the pool as it is now; distillation cannot be, before them
    tiny = {"distilled_responses": {"config": {"max_tokens": 8, "n_samples": 1}}}
    dry = cli("--select", "problem_labels,distilled_responses", "--dry-run", ops=tiny)
    assert "not planned" in dry.split("per stage:")[0]  # distilled_responses: no labels yet
    assert "problem_labels" not in Warehouse(data).assets()  # the dry run wrote nothing
    planned = per_stage(dry)
    assert set(planned) == {"labeling"} and int(planned["labeling"]["to_generate"]) > 0
    before = ledger.count()
    cli("--select", "problem_labels,distilled_responses", ops=tiny)
    generated = generated_since(before)
    assert generated["labeling"] == int(planned["labeling"]["to_generate"])

    # a second sample index, a raised budget and an evaluation, planned then run at once
    cut = Warehouse(data).read("distilled_responses").filter(pl.col("finish_reason") == "length")
    finished = Warehouse(data).read("distilled_responses").height - cut.height
    ops = {
        "distilled_responses": {"config": {"max_tokens": 12, "n_samples": 2}},
        "eval_scores": {"config": {"max_items": 2, "k": 2, "max_tokens": 8}},
    }
    planned = planned_then_run(
        "distilled_responses,eval_scores", "--benchmark", "demo_math", "--model", "base", ops=ops
    )
    distill = planned["distilling:teacher"]
    assert int(distill["budget_continued"]) == cut.height > 0
    assert int(distill["budget_reused"]) == finished
    new_index = int(distill["requests"]) // 2
    assert int(distill["to_generate"]) == cut.height + new_index
    assert int(planned["evaluating"]["requests"]) == int(planned["evaluating"]["to_generate"]) == 4
