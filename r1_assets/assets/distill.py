"""``distilled_responses`` (per source): n teacher samples per selected problem with the
DeepSeek-R1 recipe, beside the reasoning chains the source shipped."""

import dagster as dg
import numpy as np
import polars as pl
from pydantic import Field

from r1_assets.assets.keys import DISTILLED_RESPONSES, PROBLEM_LABELS, RAW_PROBLEMS
from r1_assets.assets.metadata import column_lineage, column_schema, same_columns
from r1_assets.assets.plots import histogram_plot
from r1_assets.distill.responses import (
    RESPONSE_SCHEMA,
    distill_requests,
    source_rows,
    teacher_rows,
)
from r1_assets.llm.types import Sampling
from r1_assets.pools import LLM_POOL
from r1_assets.resources import LLMResource
from r1_assets.text.markdown import counts_table, markdown_table

_S = Sampling()


class DistillConfig(dg.Config):
    n_samples: int = Field(default=1, description="teacher samples per selected problem")
    temperature: float = Field(default=_S.temperature, description="R1 recipe: 0.6")
    top_p: float = Field(default=_S.top_p, description="R1 recipe: 0.95")
    max_tokens: int = Field(
        default=128,
        description="new tokens per sample: 32768 in production (R1's reasoning is long); the "
        "small default keeps the embedded CPU teacher to minutes (~100 tok/s per batch here)",
    )
    prefill_think: bool = Field(
        default=True, description='open every response with "<think>\\n" (DeepSeek\'s advice)'
    )
    include_source_responses: bool = Field(
        default=True, description="add the reasoning chains the source shipped"
    )

    def sampling(self) -> Sampling:
        return Sampling(self.temperature, self.top_p, self.max_tokens)


def build_distilled_responses(source_partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=DISTILLED_RESPONSES,
        partitions_def=source_partitions,
        ins={
            "problem_labels": dg.AssetIn(PROBLEM_LABELS),
            "raw_problems": dg.AssetIn(RAW_PROBLEMS),
        },
        group_name="distill",
        kinds={"parquet", "llm"},
        pool=LLM_POOL,
        code_version="1",
        metadata={"dagster/column_schema": column_schema(RESPONSE_SCHEMA)},
        description="One row per response to a selected problem: teacher samples (think / "
        "answer split, finish reason, tokens, latency, teacher, request hash) and the source's "
        "own reasoning chains (origin source:…). Generation is cached per sample: a rerun or a "
        "resumed crash pays only for missing samples.",
    )
    def distilled_responses(
        context: dg.AssetExecutionContext,
        config: DistillConfig,
        problem_labels: pl.DataFrame,
        raw_problems: pl.DataFrame,
        llm: LLMResource,
    ) -> dg.Output:
        selected = raw_problems.join(
            problem_labels.filter(pl.col("selected")).select("problem_uid", "source_row_id"),
            on=["problem_uid", "source_row_id"],
            how="semi",
        )
        context.log.info(
            f"{selected.height} selected problems x {config.n_samples} samples "
            f"(max {config.max_tokens} tokens) from {llm.model}"
        )
        requests, owners = distill_requests(
            selected, config.n_samples, config.sampling(), config.prefill_think
        )
        with llm.scope(context):
            completions, stats = llm.generate(requests, log=context.log.info, desc="distilling")
        frames = [teacher_rows(requests, owners, completions, llm.model_id)]
        if config.include_source_responses:
            frames.append(source_rows(selected))
        responses = pl.concat(frames)
        if stats.failed:
            context.log.warning(
                f"{stats.failed} samples failed (finish_reason error, not cached): a rerun "
                "retries exactly those"
            )
        return dg.Output(responses, metadata=_metadata(responses, stats.as_metadata(), llm))

    return distilled_responses


def _metadata(responses: pl.DataFrame, llm_stats: dict, llm: LLMResource) -> dict:
    teacher = responses.filter(pl.col("origin") == "teacher")
    tokens = teacher["completion_tokens"].drop_nulls().to_numpy()
    return {
        "dagster/row_count": responses.height,
        "dagster/column_lineage": column_lineage(
            same_columns(
                RAW_PROBLEMS, "problem_uid", "source", "source_row_id", "source_revision", "domain"
            )
        ),
        "teacher_samples": teacher.height,
        "source_responses": responses.height - teacher.height,
        "truncated": int((teacher["finish_reason"] == "length").sum()),
        "with_closed_think": int(teacher["answer"].is_not_null().sum()),
        **llm_stats,
        "teacher": dg.MetadataValue.json(llm.describe()),
        "finish_reasons": dg.MetadataValue.md(counts_table(responses, "finish_reason")),
        "origins": dg.MetadataValue.md(counts_table(responses, "origin")),
        "completion_tokens_plot": histogram_plot(
            tokens,
            np.linspace(0, max(int(tokens.max()) if tokens.size else 1, 1), 21),
            "teacher completion length",
            "tokens",
        ),
        "preview": dg.MetadataValue.md(
            markdown_table(
                responses.select("origin", "finish_reason", "think", "answer", "error"),
                5,
                max_chars=120,
            )
        ),
    }
