"""The demo's planted contamination (data/sources/forum_scrape_demo, see planted.json) is what the
audit finds on the demo: every copy of a demo benchmark item, nothing else."""

from __future__ import annotations

import json

import polars as pl

from r1_assets import settings
from r1_assets.audit.report import AuditSettings, distinct_problems, match_items
from r1_assets.catalog.loader import load_source
from r1_assets.catalog.schema import normalize_problem_text
from r1_assets.catalog.spec import load_catalog
from r1_assets.dedup.embedder import DEFAULT_MODEL, SentenceEmbedder
from r1_assets.evaluate.benchmarks import load_benchmark, load_benchmark_catalog
from r1_assets_tests.conftest import DEMO_SOURCES

PLANTED = json.loads((DEMO_SOURCES / "forum_scrape_demo" / "planted.json").read_text())


def test_the_demo_forum_copies_are_found_and_nothing_else() -> None:
    catalog = load_catalog(settings.DEFAULT_CATALOG_PATH, strict=True)
    raw = load_source(catalog.get("forum_scrape_demo"), catalog).problems
    problems = distinct_problems(raw)
    embedder = SentenceEmbedder(DEFAULT_MODEL, threads=2)

    def embed(texts: list[str]):
        return embedder.embed([normalize_problem_text(t) for t in texts], 16).vectors

    benchmarks = load_benchmark_catalog(settings.DEFAULT_BENCHMARKS_PATH)
    found = set()
    for name in [b for b in benchmarks.names if b.startswith("demo_")]:
        items = load_benchmark(benchmarks.get(name), benchmarks).items
        vectors = (embed(items["problem"].to_list()), embed(problems["problem"].to_list()))
        hits = match_items(items, problems, AuditSettings(), vectors)
        hits = hits.filter(pl.col("verdict") == "contaminated").join(
            raw.select("problem_uid", "source_row_id"), on="problem_uid"
        )
        found |= {(name, item, row) for item, row in hits.select("item_id", "source_row_id").rows()}
    copies = {
        (p["benchmark"], p["item_id"], p["row"]) for p in PLANTED if p["kind"] != "number_variant"
    }
    assert {p["kind"] for p in PLANTED} >= {"verbatim", "reformatted", "reworded", "embedded"}
    assert found == copies  # all of them, and no unrelated row nor the number variant
