"""The content-addressed LLM request cache, shared by every asset that calls an LLM.

Key: model, messages, sampling parameters and sample index (``Request.key``). Finished samples are
flushed in small batches as they come (one transaction each, see storage.cache), so a killed run
keeps them and a rerun generates only the rest; raising the number of samples generates only the
new indices; raising ``max_tokens`` reuses what the smaller budget finished and continues what it
cut (``llm.budgets``, from the budgets registered in ``budgets/`` beside the samples). Errors are
never cached. Each row names its model (``model_id``): ``r1-assets cache prune --model`` deletes
one model's samples and budgets.
"""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl

from r1_assets.llm.types import Completion
from r1_assets.storage.cache import KeyValueCache

LLM_CACHE_SCHEMA = {
    "key": pl.String,
    "model_id": pl.String,
    "text": pl.String,
    "finish_reason": pl.String,
    "prompt_tokens": pl.Int64,
    "completion_tokens": pl.Int64,
    "latency_s": pl.Float64,
    "created_at": pl.Float64,
}


BUDGET_SCHEMA = {
    "key": pl.String,  # model, setting and budget
    "model_id": pl.String,
    "setting": pl.String,  # llm.budgets.sampling_setting
    "max_tokens": pl.Int64,
}


class LLMCache(KeyValueCache):
    def __init__(self, root: Path | str) -> None:
        super().__init__(Path(root), LLM_CACHE_SCHEMA, key="key", model_column="model_id")
        self.budgets = KeyValueCache(
            Path(root) / "budgets", BUDGET_SCHEMA, key="key", model_column="model_id"
        )

    def budgets_by_setting(self, model_id: str) -> dict[str, list[int]]:
        """The budgets this model generated under, per sampling setting (a handful of rows)."""
        found: dict[str, list[int]] = {}
        for frame in self.budgets.scan():
            for row in frame.filter(pl.col("model_id") == model_id).iter_rows(named=True):
                found.setdefault(row["setting"], []).append(row["max_tokens"])
        return found

    def close(self) -> None:
        super().close()
        self.budgets.close()

    def register_budgets(self, model_id: str, budgets: set[tuple[str, int]]) -> None:
        """Record (setting, max_tokens) pairs not recorded yet (before generating under them, so
        a crashed run's flushed samples are found too)."""
        keys = {f"{model_id}|{setting}|{tokens}": (setting, tokens) for setting, tokens in budgets}
        new = [key for key in keys if key not in set(self.budgets.lookup(list(keys))["key"])]
        if new:
            self.budgets.add(
                pl.DataFrame(
                    {
                        "key": new,
                        "model_id": [model_id] * len(new),
                        "setting": [keys[k][0] for k in new],
                        "max_tokens": [keys[k][1] for k in new],
                    },
                    schema=BUDGET_SCHEMA,
                )
            )

    def get(self, keys: list[str]) -> dict[str, Completion]:
        return {
            row["key"]: Completion(
                text=row["text"],
                finish_reason=row["finish_reason"],
                prompt_tokens=row["prompt_tokens"],
                completion_tokens=row["completion_tokens"],
                latency_s=row["latency_s"],
            )
            for row in self.lookup(keys).iter_rows(named=True)
        }

    def put(self, model_id: str, finished: list[tuple[str, Completion]]) -> None:
        rows = [(key, c) for key, c in finished if c.ok]
        if not rows:
            return
        now = time.time()
        self.add(
            pl.DataFrame(
                {
                    "key": [k for k, _ in rows],
                    "model_id": [model_id] * len(rows),
                    "text": [c.text for _, c in rows],
                    "finish_reason": [c.finish_reason for _, c in rows],
                    "prompt_tokens": [c.prompt_tokens for _, c in rows],
                    "completion_tokens": [c.completion_tokens for _, c in rows],
                    "latency_s": [c.latency_s for _, c in rows],
                    "created_at": [now] * len(rows),
                },
                schema=LLM_CACHE_SCHEMA,
            )
        )
