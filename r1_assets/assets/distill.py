"""``distilled_responses`` (per source): n teacher samples per selected problem with the
DeepSeek-R1 recipe, beside the reasoning chains the source shipped."""

import contextlib

import dagster as dg
import numpy as np
import polars as pl
from pydantic import Field

from r1_assets.assets.keys import DISTILLED_RESPONSES, PROBLEM_LABELS, RAW_PROBLEMS
from r1_assets.assets.metadata import column_lineage, column_schema, same_columns
from r1_assets.assets.plots import histograms_plot
from r1_assets.assets.verification import VerifierResources, VerifyConfig, verification
from r1_assets.distill.responses import RESPONSE_SCHEMA, distill_requests, source_rows
from r1_assets.distill.sampling import SamplingReport, draw_samples
from r1_assets.distill.teachers import Teacher, check_teachers, teacher_comparison
from r1_assets.llm.generate import GenerationStats
from r1_assets.llm.types import Sampling
from r1_assets.partitions import file_name_of
from r1_assets.pools import LLM_POOL
from r1_assets.resources import (
    ClassifierResource,
    LLMResource,
    ReferenceModelResource,
    SandboxResource,
    WarehouseResource,
    reconfigured,
)
from r1_assets.resources.llm import PlannedCall
from r1_assets.text.markdown import counts_table, markdown_table
from r1_assets.verify.verdicts import decide, responses_with_problems

_S = Sampling()
DEFAULT_TEACHER = "teacher"


class TeacherConfig(dg.Config):
    """One teacher of several: a field left empty takes the llm resource's (model, backend,
    base_url) or the distillation config's (sampling, n_samples) value."""

    name: str = Field(description="what every response row calls this teacher (teacher_name)")
    model: str = Field(default="", description="empty: the llm resource's model")
    backend: str = Field(default="", description="empty: the llm resource's backend")
    base_url: str = Field(default="", description="empty: the llm resource's base_url")
    provider: str = Field(
        default="", description="empty: the llm resource's provider (vllm, deepseek, openai)"
    )
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    n_samples: int | None = Field(
        default=None, description="samples per problem (the most, when adaptive)"
    )


class DistillConfig(dg.Config):
    n_samples: int = Field(default=1, description="teacher samples per selected problem")
    temperature: float = Field(default=_S.temperature, description="R1 recipe: 0.6")
    top_p: float = Field(default=_S.top_p, description="R1 recipe: 0.95")
    max_tokens: int = Field(
        default=48,
        description="new tokens per sample: 32768 in production (R1's reasoning is long); the "
        "small default keeps the embedded CPU teacher to minutes (~100 tok/s per batch here)",
    )
    prefill_think: bool = Field(
        default=True, description='open every response with "<think>\\n" (DeepSeek\'s advice)'
    )
    include_source_responses: bool = Field(
        default=True, description="add the reasoning chains the source shipped"
    )
    teachers: list[TeacherConfig] = Field(
        default=[],
        description="several teachers, each named, all sampled on every selected problem; "
        f"empty: one, the llm resource, named {DEFAULT_TEACHER!r}",
    )
    adaptive: bool = Field(
        default=False,
        description="sample each (problem, teacher) until it has wanted_verified accepted "
        "responses or n_samples attempts, verifying between rounds (response_verdicts' "
        "verifiers with the verification settings below; its verdicts are cached for it)",
    )
    wanted_verified: int = Field(
        default=1, description="accepted responses per problem and teacher that stop sampling"
    )
    verification: VerifyConfig = Field(
        default=VerifyConfig(),
        description="adaptive only: how a round's samples are verified (as response_verdicts' "
        "config; the same settings reuse its verdict cache)",
    )

    def sampling(self) -> Sampling:
        return Sampling(self.temperature, self.top_p, self.max_tokens)


def teachers_of(config: DistillConfig, llm: LLMResource) -> dict[str, tuple[Teacher, LLMResource]]:
    """The configured teachers by name, each with the LLM resource it generates with."""
    chosen = [(DEFAULT_TEACHER, config.sampling(), config.n_samples, llm)]
    if config.teachers:
        chosen = []
        for t in config.teachers:
            named = ("model", "backend", "base_url", "provider")
            overrides = {k: v for k in named if (v := getattr(t, k))}
            sampling = Sampling(
                config.temperature if t.temperature is None else t.temperature,
                config.top_p if t.top_p is None else t.top_p,
                config.max_tokens if t.max_tokens is None else t.max_tokens,
            )
            n = config.n_samples if t.n_samples is None else t.n_samples
            resource = reconfigured(llm, **overrides) if overrides else llm
            chosen.append((t.name, sampling, n, resource))
    teachers = [
        (Teacher(name, resource.model_id, sampling, n), resource)
        for name, sampling, n, resource in chosen
    ]
    try:
        check_teachers([teacher for teacher, _ in teachers])
    except ValueError as error:
        raise dg.Failure(description=f"distilled_responses teachers: {error}") from error
    return {teacher.name: (teacher, resource) for teacher, resource in teachers}


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
        code_version="2",
        metadata={"dagster/column_schema": column_schema(RESPONSE_SCHEMA)},
        description="One row per response to a selected problem: teacher samples (think / "
        "answer split, finish reason, tokens, latency, model and teacher name, request hash), "
        "from one teacher or several, a fixed number per problem or adaptively until verified, "
        "and the source's own reasoning chains (origin source:…). Generation is cached per "
        "sample: a rerun or a resumed crash pays only for missing samples.",
    )
    def distilled_responses(
        context: dg.AssetExecutionContext,
        config: DistillConfig,
        problem_labels: pl.DataFrame,
        raw_problems: pl.DataFrame,
        llm: LLMResource,
        sandbox: SandboxResource,
        judge: LLMResource,
        reward_model: ClassifierResource,
        safety_classifier: ClassifierResource,
        reference_model: ReferenceModelResource,
        warehouse: WarehouseResource,
    ) -> dg.Output:
        selected = selected_problems(raw_problems, problem_labels)
        teachers = teachers_of(config, llm)
        for teacher, _ in teachers.values():
            context.log.info(
                f"{selected.height} selected problems x {teacher.n_samples} samples "
                f"(max {teacher.sampling.max_tokens} tokens) from {teacher.name} "
                f"({teacher.model_id})" + (", adaptive" if config.adaptive else "")
            )
        stats = GenerationStats()

        def generate(teacher: Teacher, requests: list) -> list:
            nonlocal stats
            resource = teachers[teacher.name][1]
            with resource.scope(context):
                completions, called = resource.generate(
                    requests, log=context.log.info, desc=f"distilling:{teacher.name}"
                )
            stats += called
            return completions

        resources = VerifierResources(
            sandbox, judge, reward_model, safety_classifier, reference_model, warehouse
        )
        with contextlib.ExitStack() as stack:
            accept = None
            if config.adaptive and selected.height:
                verify, _ = stack.enter_context(
                    verification(context, config.verification.settings(), resources)
                )
                accept = _acceptance(verify, raw_problems)
            teacher_frame, report = draw_samples(
                selected,
                [teacher for teacher, _ in teachers.values()],
                generate,
                config.prefill_think,
                accept=accept,
                wanted=config.wanted_verified,
                log=context.log.info,
            )
        frames = [teacher_frame]
        if config.include_source_responses:
            frames.append(source_rows(selected))
        responses = pl.concat(frames)
        if stats.failed:
            context.log.warning(
                f"{stats.failed} samples failed (finish_reason error, not cached): a rerun "
                "retries exactly those"
            )
        described = {name: resource.describe() for name, (_, resource) in teachers.items()}
        metadata = _metadata(responses, stats.as_metadata(), described)
        if config.adaptive:
            metadata |= _adaptive_metadata(report)
        return dg.Output(responses, metadata=metadata)

    return distilled_responses


def selected_problems(raw_problems: pl.DataFrame, problem_labels: pl.DataFrame) -> pl.DataFrame:
    return raw_problems.join(
        problem_labels.filter(pl.col("selected")).select("problem_uid", "source_row_id"),
        on=["problem_uid", "source_row_id"],
        how="semi",
    )


def planned_calls(keys: dict[str, str], config: dict, resources: dict) -> list[PlannedCall]:
    """The teacher calls of one (source, shard) run, from the labels materialized now; under
    adaptive sampling, its first round (later rounds depend on the verdicts)."""
    store = resources["warehouse"].get()
    name = file_name_of(keys)
    # the shard without its shipped responses (the bulk of an AM row): requests never read them
    raw = store.scan(RAW_PROBLEMS.path[-1], [name]).drop("responses").collect()
    selected = selected_problems(raw, store.read(PROBLEM_LABELS.path[-1], [name]))
    distill = DistillConfig(**config)
    calls = []
    for teacher, resource in teachers_of(distill, resources["llm"]).values():
        n, note = teacher.n_samples, ""
        if distill.adaptive:
            n = min(distill.wanted_verified, teacher.n_samples)
            extra = selected.height * (teacher.n_samples - n)
            note = f"adaptive: the first round; up to {extra:,} more as verdicts require"
        requests, _ = distill_requests(selected, n, teacher.sampling, distill.prefill_think)
        calls.append(PlannedCall(f"distilling:{teacher.name}", resource, requests, note))
    return calls


def _acceptance(verify, raw_problems: pl.DataFrame):
    """A round's samples -> accepted, as verified_set would decide them."""

    def accept(rows: pl.DataFrame) -> pl.Series:
        joined = responses_with_problems(rows, raw_problems.drop("responses"))
        verdicts, _ = verify(joined.to_dicts())
        decided = decide(joined, verdicts).select("response_uid", "accepted")
        return (
            rows.select("response_uid")
            .join(decided, on="response_uid", how="left")["accepted"]
            .fill_null(False)
        )

    return accept


def _adaptive_metadata(report: SamplingReport) -> dict:
    return {
        "adaptive_samples_drawn": report.drawn,
        "adaptive_fixed_k_samples": report.fixed_k_samples,
        "adaptive_samples_saved": report.saved,
        "adaptive_rounds": dg.MetadataValue.md(
            markdown_table(report.rounds_table(), len(report.rounds))
        ),
    }


def _metadata(responses: pl.DataFrame, llm_stats: dict, teachers: dict) -> dict:
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
        "teachers": dg.MetadataValue.json(teachers),
        "teacher_comparison": dg.MetadataValue.md(
            markdown_table(teacher_comparison(responses), 50)
        ),
        "finish_reasons": dg.MetadataValue.md(counts_table(responses, "finish_reason")),
        "origins": dg.MetadataValue.md(counts_table(responses, "origin")),
        "completion_tokens_plot": histograms_plot(
            {
                name: rows["completion_tokens"].drop_nulls().to_list()
                for (name,), rows in teacher.group_by("teacher_name", maintain_order=True)
            },
            np.linspace(0, max(int(tokens.max()) if tokens.size else 1, 1), 21),
            "completion length per teacher",
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
