"""Samples adaptive sampling saves against a fixed-k run on the same problems.

    python benchmarks/adaptive_sampling.py                      # the demo catalog's sources
    python benchmarks/adaptive_sampling.py --source openr1_math_demo --wanted 1,2
    python benchmarks/adaptive_sampling.py --data-root data     # materialized teacher samples

Adaptive sampling draws a problem's samples in index order and stops at ``wanted`` accepted
ones; sample i is the same request (the same cache key) as a fixed-k run's sample i. So, given
the fixed-k run's samples and their verdicts in order, what adaptive sampling would have drawn
is exact, not a simulation: per (problem, teacher), the index of the ``wanted``-th accepted
sample + 1, or k.

Two kinds of fixed-k runs are read:
- ``--source``: a catalog source's shipped responses (OpenR1-Math ships 2-4 R1 generations per
  problem), in the source's order, loaded and verified as ``raw_problems`` ->
  ``distilled_responses`` -> ``response_verdicts`` -> ``verified_set`` would (rules and
  math-verify; code and chat sources need the sandbox or a judge and are skipped);
- ``--data-root``: teacher samples in a materialized ``distilled_responses``, decided from the
  stored ``response_verdicts``.

Prints one row per (source, teacher, wanted): problems, fixed-k samples, adaptive samples, saved
(and %), problems with no accepted sample (they spend every attempt either way). Writes
benchmarks/results/adaptive_sampling.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import polars as pl

from r1_assets import settings

RESULTS = Path(__file__).parent / "results"


def adaptive_draws(decided: pl.DataFrame, wanted: int) -> pl.DataFrame:
    """Per (source, teacher_name, problem): samples a fixed run drew (k) and an adaptive one
    would have, from ``decided`` rows (sample_index, accepted)."""
    ordered = decided.sort("source", "teacher_name", "problem_uid", "sample_index")
    return ordered.group_by("source", "teacher_name", "problem_uid", maintain_order=True).agg(
        pl.len().alias("fixed"),
        pl.col("accepted").any().alias("solved"),
        # position of the wanted-th accepted sample, or every sample
        pl.when(pl.col("accepted").cum_sum() >= wanted)
        .then(pl.int_range(1, pl.len() + 1))
        .otherwise(None)
        .min()
        .fill_null(pl.len())
        .alias("adaptive"),
    )


def summary(draws: pl.DataFrame, wanted: int) -> pl.DataFrame:
    return (
        draws.group_by("source", "teacher_name", maintain_order=True)
        .agg(
            pl.len().alias("problems"),
            pl.col("fixed").sum().alias("fixed_k_samples"),
            pl.col("adaptive").sum().alias("adaptive_samples"),
            (~pl.col("solved")).sum().alias("unsolved"),
        )
        .with_columns(
            wanted=pl.lit(wanted),
            saved=pl.col("fixed_k_samples") - pl.col("adaptive_samples"),
        )
        .with_columns((100 * pl.col("saved") / pl.col("fixed_k_samples")).round(1).alias("saved_%"))
    )


def decided_source(name: str) -> pl.DataFrame:
    """A source's shipped responses, verified as the pipeline would (rules, math-verify)."""
    from r1_assets.catalog.loader import load_source
    from r1_assets.catalog.spec import load_catalog
    from r1_assets.distill.responses import source_rows
    from r1_assets.verify.math_answer import MathVerifier
    from r1_assets.verify.verdicts import (
        VerdictCache,
        decide,
        responses_with_problems,
        verify_responses,
    )
    from r1_assets.verify.verifiers import VerifySettings, build_verifiers

    catalog = load_catalog(settings.catalog_path())
    problems = load_source(catalog.get(name), catalog).problems
    responses = source_rows(problems)
    joined = responses_with_problems(responses, problems.drop("responses"))
    verifier = MathVerifier(workers=2, timeout_s=5.0)
    try:
        verifiers = build_verifiers(
            VerifySettings(math_judge=False), math_verifier=lambda: verifier
        )
        cache = VerdictCache(settings.data_dir() / "cache" / "verdicts")
        verdicts, _ = verify_responses(joined.to_dicts(), verifiers, cache)
    finally:
        verifier.close()
    # a source's generations are one teacher's samples (its origin names the list position)
    return decide(joined, verdicts).with_columns(teacher_name=pl.lit("shipped generations"))


def decided_data_root(root: Path) -> pl.DataFrame:
    from r1_assets.storage.warehouse import Warehouse
    from r1_assets.verify.verdicts import decide, responses_with_problems

    store = Warehouse(root)
    responses = store.read("distilled_responses").filter(pl.col("origin") == "teacher")
    problems = store.read("raw_problems").drop("responses")
    joined = responses_with_problems(responses, problems)
    return decide(joined, store.read("response_verdicts"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", action="append", help="catalog source (repeatable)")
    parser.add_argument("--data-root", help="a data root with distilled_responses and verdicts")
    parser.add_argument("--wanted", default="1,2", help="accepted responses that stop sampling")
    args = parser.parse_args()
    frames = []
    if args.data_root:
        frames.append(decided_data_root(Path(args.data_root)))
    for name in args.source or ([] if args.data_root else ["openr1_math_demo"]):
        frames.append(decided_source(name))
    decided = pl.concat([f.select("source", "teacher_name", "problem_uid", "sample_index",
                                  "accepted") for f in frames])  # fmt: skip
    tables = [summary(adaptive_draws(decided, w), w) for w in map(int, args.wanted.split(","))]
    table = pl.concat(tables)
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, tbl_hide_dataframe_shape=True):
        print(table)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "adaptive_sampling.json"
    out.write_text(json.dumps(table.to_dicts(), indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
