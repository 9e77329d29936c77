"""The cost ledger: one row per generation call that reached the LLM layer — which asset,
partition and stage asked, which model answered, how many requests the cache answered and how
many were generated, the prompt and completion tokens paid for, and their cost where the model's
resource has a price table. ``r1-assets costs`` sums it.

Rows live in a ``KeyValueCache`` (SQLite under the data root's ``ledger/llm``, or the cache
database's table when ``R1_ASSETS_CACHE_URL`` is set, so every worker of a cluster writes one
ledger); they are appended, never updated, and ``r1-assets cache prune`` does not touch them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from r1_assets.storage.cache import KeyValueCache

LEDGER_SCHEMA = {
    "key": pl.String,  # a fresh id per call
    "created_at": pl.Float64,
    "run_id": pl.String,
    "asset": pl.String,
    "partition": pl.String,
    "stage": pl.String,  # what the call was for: distilling, labeling, judging, ...
    "model_id": pl.String,
    "requests": pl.Int64,
    "cache_hits": pl.Int64,
    "generated": pl.Int64,
    "failed": pl.Int64,
    "prompt_tokens": pl.Int64,  # of the generated samples only: what was paid for
    "completion_tokens": pl.Int64,
    "cost_usd": pl.Float64,  # null without a price table
}
SUMS = ("requests", "cache_hits", "generated", "failed", "prompt_tokens", "completion_tokens")
GROUPINGS = ("asset", "partition", "stage", "model_id", "run_id")


def cost_usd(prices: dict[str, float], prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD for these tokens at ``prices`` (USD per million ``prompt`` and ``completion``
    tokens); None without a price table."""
    if not prices:
        return None
    unknown = sorted(set(prices) - {"prompt", "completion"})
    if unknown:
        raise ValueError(f"prices are per million 'prompt' and 'completion' tokens, not {unknown}")
    return (
        prompt_tokens * prices.get("prompt", 0.0)
        + completion_tokens * prices.get("completion", 0.0)
    ) / 1e6


class Ledger(KeyValueCache):
    def __init__(self, directory: Path | str) -> None:
        # no model_column: ``cache prune --model`` deletes samples, never what they cost
        super().__init__(Path(directory), LEDGER_SCHEMA, key="key", group_column="stage")

    def record(self, **row) -> None:
        self.add(
            pl.DataFrame(
                [{"key": uuid.uuid4().hex, "created_at": time.time(), **row}],
                schema=LEDGER_SCHEMA,
            )
        )

    def summary(self, by: Sequence[str]) -> pl.DataFrame:
        """Calls, requests, tokens and cost summed per ``by`` (columns of GROUPINGS), with a
        total row; the cost is null where some call had no price."""
        unknown = sorted(set(by) - set(GROUPINGS))
        if unknown:
            raise ValueError(f"group by {list(GROUPINGS)}, not {unknown}")
        rows = self.read_all().drop("writes")
        aggregations = [
            pl.len().alias("calls"),
            *[pl.col(c).sum() for c in SUMS],
            pl.when(pl.col("cost_usd").null_count() == 0)
            .then(pl.col("cost_usd").sum())
            .alias("cost_usd"),
        ]
        grouped = rows.group_by(list(by)).agg(aggregations).sort(list(by))
        total = rows.select(aggregations).with_columns(
            [pl.lit("total" if i == 0 else "").alias(c) for i, c in enumerate(by)]
        )
        return pl.concat([grouped, total.select(grouped.columns)], how="vertical_relaxed")
