"""What counts as benchmark overlap, as a resource: the contamination report, the exclusion in
sft_dataset and the blocking check on it must agree, so they read one configuration."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from r1_assets.audit.report import AuditSettings

_A = AuditSettings()  # the defaults live in the plain settings of the audit logic


class ContaminationAuditResource(dg.ConfigurableResource):
    ngram_sizes: list[int] = Field(
        default=list(_A.ngram_sizes),
        description="word n-gram sizes; the smallest needs min_coverage of the item's n-grams, "
        "any larger one counts with a single shared n-gram (the GPT-3 13-gram rule)",
    )
    min_coverage: float = Field(
        default=_A.min_coverage, description="share of the item's smallest n-grams in the row"
    )
    threshold: float = Field(
        default=_A.threshold, description="embedding cosine at or above which a pair is a hit"
    )
    k: int = Field(default=_A.k, description="nearest training problems searched per item")
    max_ngram_rows: int | None = Field(
        default=_A.max_ngram_rows,
        description="an n-gram held by more training rows than this is boilerplate and ignored",
    )
    judge_borderline: bool = Field(
        default=_A.judge_borderline,
        description="ask the judge LLM about pairs between judge_floor and threshold",
    )
    judge_floor: float = Field(default=_A.judge_floor)
    exclude_number_variants: bool = Field(
        default=_A.exclude_number_variants,
        description="also count rows that copy an item's wording with other numbers",
    )

    def settings(self) -> AuditSettings:
        return AuditSettings(**{**self.model_dump(), "ngram_sizes": tuple(self.ngram_sizes)})
