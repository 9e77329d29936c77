"""contamination_report, decontamination of sft_dataset and its blocking check, through Dagster:
real MATH-500 items planted in a training source (verbatim, reformatted, reworded) beside real
unrelated problems, the real MiniLM embeddings, real math-verify verdicts on the source's own
responses."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import yaml

from r1_assets.audit.lineage import trace
from r1_assets.catalog.schema import problem_uid
from r1_assets.definitions import build_definitions
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.assets.test_llm_stage import materialize, resources
from r1_assets_tests.assets.test_verify_stage import am_row
from r1_assets_tests.audit.planted import (
    AIME_FILE,
    AIME_PLANTED,
    CLOSING_ONLY,
    ITEMS_FILE,
    PLANTED_ITEMS,
    aime_rows,
    items,
    planted_rows,
    unrelated_problems,
)
from r1_assets_tests.conftest import write_jsonl

BENCHMARK = "audit_math"
AIME = "audit_aime"
COPIES = ("verbatim", "reformatted", "reworded", "prompt_format", "figure_removed")
# the same wording as an item with other numbers: a different problem, never counted
NUMBER_VARIANTS = [
    (0, lambda text: text.replace("21 inches", "24 inches")),
    (11, lambda text: text.replace("+99-100", "+199-200")),
]


def forum_rows() -> tuple[list[dict], dict[str, tuple[str, str | None]]]:
    """AM-format rows (problem + the source's own reasoning and boxed answer) and, per row id,
    (kind, item_id) of what was planted: copies, number variants, unrelated problems."""
    all_items = items()
    rows_in = [
        (kind, text, item["answer"], item["unique_id"]) for kind, text, item in planted_rows()
    ]
    rows_in += [
        (
            "number_variant",
            change(all_items[i]["problem"]),
            all_items[i]["answer"],
            all_items[i]["unique_id"],
        )
        for i, change in NUMBER_VARIANTS
    ]
    rows_in += [("unrelated", text, answer, None) for text, answer in unrelated_problems()]
    rows_in += [(kind, text, item["answer"], str(item["id"])) for kind, text, item in aime_rows()]
    rows_in += [("closing_only", text, answer, None) for text, answer in CLOSING_ONLY]
    rows, planted = [], {}
    for line, (kind, text, answer, item_id) in enumerate(rows_in, start=1):
        rows.append(
            am_row(
                "NuminaMath",
                text,
                "I work through the problem carefully, step by step, and check the result.",
                f"The answer is $\\boxed{{{answer}}}$.",
                reference_answer=answer,
            )
        )
        planted[f"forum.jsonl:{line}"] = (kind, item_id)
    return rows, planted


@pytest.fixture
def setup(make_catalog, tmp_path: Path, monkeypatch) -> tuple[Path, dict]:
    rows, planted = forum_rows()
    write_jsonl(tmp_path / "forum.jsonl", rows)
    catalog = make_catalog(
        {
            "name": "forum",
            "format": "am_distilled",
            "location": "forum.jsonl",
            "domain_by_origin": {"NuminaMath": "math"},
        }
    )
    benchmarks = tmp_path / "benchmarks.yaml"
    benchmarks.write_text(
        yaml.safe_dump(
            {
                "benchmarks": [
                    {
                        "name": BENCHMARK,
                        "format": "math500",
                        "location": str(ITEMS_FILE),
                        "scorer": "math_verify",
                        "license": "MIT",
                        "description": "20 MATH-500 items, 16 of them planted in 'forum'",
                    },
                    {
                        "name": AIME,
                        "format": "aime",
                        "location": str(AIME_FILE),
                        "scorer": "math_verify",
                        "license": "MIT",
                        "description": "AIME 2024, 8 items planted in 'forum'",
                    },
                ]
            }
        )
    )
    monkeypatch.setenv("R1_ASSETS_BENCHMARKS", str(benchmarks))
    return catalog, planted


def evaluations(result) -> list:
    return [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]


def test_planted_contamination_is_found_traced_and_kept_out_of_sft(setup, tmp_path: Path) -> None:
    catalog, planted = setup
    defs = build_definitions(catalog, tmp_path / "data")
    instance = dg.DagsterInstance.ephemeral()
    materialize(
        defs, instance, ["raw_problems", "raw_problems_quarantine", "problem_embeddings"], "forum"
    )
    materialize(defs, instance, ["deduped_pool", "dedup_pairs"])
    keep_all = {"ops": {"problem_labels": {"config": {"keep_rate": {}}}}}
    source_only = {"ops": {"distilled_responses": {"config": {"n_samples": 0}}}}
    materialize(defs, instance, ["problem_labels"], "forum", keep_all)
    materialize(defs, instance, ["distilled_responses"], "forum", source_only)
    materialize(
        defs, instance, ["response_verdicts", "verified_set", "rejected_responses"], "forum"
    )

    meta = materialize(defs, instance, ["contamination_report"], BENCHMARK)["contamination_report"]
    aime_meta = materialize(defs, instance, ["contamination_report"], AIME)["contamination_report"]
    store = Warehouse(tmp_path / "data")
    both = store.read("contamination_report")
    report = both.filter(pl.col("benchmark") == BENCHMARK)

    # AIME: every planted copy (another prompt format, a figure removed) is counted; problems
    # that share only AIME's closing sentence are never counted, nor even reported
    aime = both.filter(pl.col("benchmark") == AIME)
    aime_copies = {row: item for row, (kind, item) in planted.items() if kind.startswith("aime")}
    aime_found = {
        (r["source_row_id"], r["item_id"])
        for r in aime.filter(pl.col("verdict") == "contaminated").iter_rows(named=True)
    }
    assert len(aime_copies) == len(AIME_PLANTED) and set(aime_copies.items()) <= aime_found
    assert {kind for kind, _ in planted.values()} >= {"aime_prompt_format", "aime_figure_removed"}
    closing = [row for row, (kind, _) in planted.items() if kind == "closing_only"]
    assert len(closing) == 4 and aime.filter(pl.col("source_row_id").is_in(closing)).is_empty()
    assert set(aime["source_row_id"]) <= set(aime_copies)
    assert aime_meta["contaminated_items"] == len(AIME_PLANTED)
    # the metadata separates counted hits, number variants and discarded weak matches
    verdicts = aime_meta["verdicts"]
    assert set(verdicts) == {"contaminated", "number_variant", "weak_discarded"}
    assert verdicts["contaminated"] == aime.filter(pl.col("verdict") == "contaminated").height
    # the closing sentence is AIME's own template (7 items): no evidence, not even weak
    assert verdicts["weak_discarded"] == 0
    assert "weak_matches_discarded" in aime_meta
    raw = store.read("raw_problems")
    assert raw.height == len(planted)  # nothing quarantined: every copy is training-bound

    # every planted copy found and counted, each against the item it copies — in another
    # prompt format, and without its figure (whose coordinates are not the problem's numbers)
    counted = report.filter(pl.col("verdict") == "contaminated")
    found = {(r["source_row_id"], r["item_id"]) for r in counted.iter_rows(named=True)}
    copies = {row: item for row, (kind, item) in planted.items() if kind in COPIES}
    by_kind = {
        kind: sum((row, item) in found for row, (k, item) in planted.items() if k == kind)
        for kind in COPIES
    }
    assert by_kind == {
        "verbatim": 16,
        "reformatted": 16,
        "reworded": 16,
        "prompt_format": 16,
        "figure_removed": 5,
    }
    assert len(copies) == 69
    # zero hits on unrelated rows (other MATH-500 and GSM8K problems) or unplanted items
    unrelated = [row for row, (kind, _) in planted.items() if kind == "unrelated"]
    assert len(unrelated) == 8
    assert report.filter(pl.col("source_row_id").is_in(unrelated)).is_empty()
    unplanted = {item["unique_id"] for item in items()[PLANTED_ITEMS:]}
    assert report.filter(pl.col("item_id").is_in(list(unplanted))).is_empty()
    assert set(counted["source_row_id"]) <= set(copies)
    # a number variant may be reported (for review), never counted
    variants = {row for row, (kind, _) in planted.items() if kind == "number_variant"}
    reported = set(report.filter(pl.col("verdict") == "number_variant")["source_row_id"])
    assert reported and reported <= variants

    # every hit carries its lineage, joined on ids
    assert report["source_revision"].null_count() == 0
    assert report["dedup_decision"].null_count() == 0
    # copies of one item are duplicates of each other: the kept one got the source's response,
    # which math-verify accepted; the others stop at the dedup decision
    kept = counted.filter(pl.col("dedup_decision") == "kept")
    assert kept["item_id"].n_unique() == PLANTED_ITEMS
    assert (kept["response_uids"].list.len() == 1).all()
    assert (kept["reached"] == "verified_set").all()
    duplicates = counted.filter(pl.col("dedup_decision") == "duplicate")
    assert duplicates.height and (duplicates["reached"] == "deduped_pool").all()
    raw_keys = set(raw.select("problem_uid", "source", "source_row_id").iter_rows())
    assert set(report.select("problem_uid", "source", "source_row_id").iter_rows()) <= raw_keys
    assert meta["contaminated_items"] == PLANTED_ITEMS
    assert meta["contaminated_rows"] == counted.height
    assert "| forum |" in meta["hits_per_source"]
    lineage = meta["dagster/column_lineage"]
    assert lineage.deps_by_column["dedup_decision"][0].asset_key == dg.AssetKey("deduped_pool")

    # SQL over the DuckDB catalog
    joined = store.query(
        "select r.item_id, p.source_row_id from contamination_report r "
        "join raw_problems p using (problem_uid, source, source_row_id) "
        f"where r.verdict = 'contaminated' and r.benchmark = '{BENCHMARK}'"
    )
    assert joined.height == counted.height

    # the blocking check stops SFT while an overlap remains...
    dirty = dg.materialize(
        [*defs.assets, *defs.asset_checks],
        instance=instance,
        resources=resources(defs),
        selection=["sft_dataset", "trained_model"],
        run_config={"ops": {"sft_dataset": {"config": {"decontaminate": False}}}},
        raise_on_error=False,
    )
    (check,) = evaluations(dirty)
    assert not check.passed
    named = check.metadata["overlapping_items"].value
    assert {name for name in named} == {
        f"{BENCHMARK}:{item['unique_id']}" for item in items()[:PLANTED_ITEMS]
    } | {f"{AIME}:{item}" for item in AIME_PLANTED}
    materialized = {e.asset_key.to_user_string() for e in dirty.get_asset_materialization_events()}
    assert materialized == {"sft_dataset"}  # trained_model did not start

    # ...and passes once the mixture leaves the hits out (the default)
    clean = dg.materialize(
        [*defs.assets, *defs.asset_checks],
        instance=instance,
        resources=resources(defs),
        selection=["sft_dataset"],
    )
    (check,) = evaluations(clean)
    assert check.passed
    mixture = store.read("sft_dataset")
    assert not set(mixture["problem_uid"]) & set(counted["problem_uid"])
    assert not set(mixture["source_row_id"]) & set(aime_copies)
    # the number variants, the unrelated problems and those sharing a closing sentence stay
    kept_rows = set(mixture["source_row_id"])
    assert set(unrelated) <= kept_rows and variants <= kept_rows and set(closing) <= kept_rows
    sft_meta = {
        k: v.value
        for e in clean.get_asset_materialization_events()
        for k, v in e.materialization.metadata.items()
    }
    aime_kept = aime.filter(
        (pl.col("verdict") == "contaminated") & (pl.col("dedup_decision") == "kept")
    )
    assert sft_meta["decontaminated_rows"] == kept.height + aime_kept.height

    # the lineage command: raw partition and row id, dedup, responses, verdicts, the item hit
    planted_row, item_id = kept.select("source_row_id", "item_id").row(0)
    text = raw.filter(pl.col("source_row_id") == planted_row)["problem"][0]
    chain = trace(store, problem_uid(text)).render(max_chars=200)
    for expected in (
        f"raw_problems[forum]  row {planted_row}",
        "deduped_pool: 1 row(s)",
        "decision=kept",
        "distilled_responses: 1 row(s)",
        "verifier=math_verify",
        "verified_set: 1 row(s)",
        "sft_dataset: not in the SFT mixture",
        f"benchmark={BENCHMARK}  item_id={item_id}  verdict=contaminated",
    ):
        assert expected in chain, (expected, chain)
    # from the benchmark side: the item names every training row that copies it
    by_item = trace(store, f"{BENCHMARK}:{item_id}").render()
    rows_of_item = counted.filter(pl.col("item_id") == item_id)["source_row_id"].to_list()
    copies_of_item = [row for row, (kind, item) in planted.items() if item == item_id]
    copies_of_item = [row for row in copies_of_item if planted[row][0] in COPIES]
    assert sorted(rows_of_item) == sorted(copies_of_item)  # 4 formats, 5 with a figure
    assert all(f"row {row}" in by_item for row in rows_of_item)
