"""The template filter counts over the corpus, not one partition: boilerplate stamped on 12
responses in each of two sources is no template of either alone (a template recurs in at least
20 responses), and is one once both are verified — through Dagster, partition by partition."""

from __future__ import annotations

import random
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from r1_assets.catalog.am_rows import am_row
from r1_assets.definitions import build_definitions
from r1_assets.storage.warehouse import Warehouse
from r1_assets.verify.templates import COUNTS_TABLE
from r1_assets_tests.assets.test_llm_stage import materialize, prepare
from r1_assets_tests.conftest import write_jsonl

BOILERPLATE = (
    "As an assistant built for careful reasoning I will first restate the task in my own words "
    "then list what is known and finally check every step before I write the final answer down"
)
WORDS = [
    "leaves",
    "wind",
    "river",
    "stone",
    "light",
    "morning",
    "quiet",
    "green",
    "path",
    "cold",
    "bright",
    "slow",
]
STAMPED = 12  # per source: fewer than the 20 responses a template needs, more than half of it


def rows(source: str, seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(STAMPED + 2):
        own = " ".join(rng.choice(WORDS) for _ in range(12))
        think = f"{BOILERPLATE} {own}" if i < STAMPED else f"{own} {own[::-1]}"
        out.append(
            am_row(
                "InfinityInstruct",
                f"Task {seed * 100 + i} of {source}: write one sentence about {WORDS[i % 12]}.",
                think,
                f"The {WORDS[i % 12]} is {rng.choice(WORDS)} today.",
            )
        )
    return out


@pytest.fixture
def catalog(make_catalog, tmp_path: Path) -> Path:
    for seed, name in enumerate(("alpha", "beta"), start=1):
        write_jsonl(tmp_path / f"{name}.jsonl", rows(name, seed))
    return make_catalog(
        *(
            {"name": name, "format": "am_distilled", "location": f"{name}.jsonl", "domain": "chat"}
            for name in ("alpha", "beta")
        )
    )


@pytest.mark.timeout(900)
def test_templates_are_counted_over_every_verified_partition(catalog: Path, tmp_path: Path):
    defs = build_definitions(catalog, tmp_path / "data")
    instance = dg.DagsterInstance.ephemeral()
    prepare(defs, instance)
    store = Warehouse(tmp_path / "data")
    only_sources = {"ops": {"distilled_responses": {"config": {"n_samples": 0}}}}
    keep_all = {"ops": {"problem_labels": {"config": {"keep_rate": {}}}}}
    verify = {"ops": {"response_verdicts": {"config": {"use_judge": False}}}}

    def verdicts(source: str) -> dict:
        materialize(defs, instance, ["problem_labels"], source, keep_all)
        materialize(defs, instance, ["distilled_responses"], source, only_sources)
        meta = materialize(defs, instance, ["response_verdicts"], source, verify)
        return meta["response_verdicts"]

    def failed_templates(source: str) -> int:
        rows = store.read("response_verdicts", [f"{source}.0000"])
        templates = rows.filter(pl.col("verifier") == "templates")
        assert templates.height == STAMPED + 2  # every response judged
        return int((~templates["passed"]).sum())

    verdicts("alpha")
    assert failed_templates("alpha") == 0  # 12 stamped responses: no template yet
    verdicts("beta")
    assert failed_templates("beta") == STAMPED  # 12 here + the 12 alpha stored
    assert len(store.partitions(COUNTS_TABLE)) == 2
    # alpha again: only the verdicts whose template count changed are judged again
    again = materialize(defs, instance, ["response_verdicts"], "alpha", verify)
    assert failed_templates("alpha") == STAMPED
    assert again["response_verdicts"]["verdicts_computed"] == STAMPED
