"""The benchmark catalog (``benchmarks.yaml``): the format registry and one validated entry per
benchmark, read by the catalog kernel like the source catalog."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from r1_assets.catalog.kernel import (
    Catalog,
    CatalogError,
    EntryName,
    known_format,
    known_roles,
    registry,
)
from r1_assets.evaluate.benchmarks.code import CODEFORCES, HUMANEVAL, MBPP
from r1_assets.evaluate.benchmarks.gpqa import GPQA
from r1_assets.evaluate.benchmarks.items import BenchmarkFormat, Scorer
from r1_assets.evaluate.benchmarks.livecodebench import LIVECODEBENCH
from r1_assets.evaluate.benchmarks.math import AIME, GSM8K, MATH500

# the columns of the DeepSeek-R1 results table (the seed's): what each is measured by
SEED_COLUMNS = {
    "AIME 2024": ("pass@1", "cons@k"),
    "MATH-500": ("pass@1",),
    "GPQA Diamond": ("pass@1",),
    "LiveCodeBench": ("pass@1",),
    "CodeForces": ("rating",),
}

FORMATS: dict[str, BenchmarkFormat] = registry(
    MATH500, AIME, GSM8K, GPQA, LIVECODEBENCH, HUMANEVAL, MBPP, CODEFORCES
)


class PublishedScores(BaseModel):
    """Reference models' published scores, for the comparison table next to ours."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(description="Where the numbers come from (paper, table, file).")
    scores: dict[str, dict[str, float]] = Field(
        description="model -> metric -> score as published: pass@<k> and cons@<k> in percent, "
        "rating a Codeforces rating."
    )

    @field_validator("scores")
    @classmethod
    def _scores(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for model, metrics in value.items():
            for metric, score in metrics.items():
                if metric == "rating":
                    if not 0 <= score <= 5000:
                        raise ValueError(f"{model}: rating {score} is not a Codeforces rating")
                    continue
                if not re.fullmatch(r"(pass|cons)@\d+", metric):
                    raise ValueError(
                        f"{model}: metric {metric!r} is not pass@<k>, cons@<k> or rating"
                    )
                if not 0 <= score <= 100:
                    raise ValueError(f"{model}: {metric} = {score} is not a percentage")
        return value


class BenchmarkSpec(BaseModel):
    """One catalog entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: EntryName
    format: Annotated[str, known_format(FORMATS)] = Field(
        description="Which real benchmark's row shape the file uses."
    )
    location: str = Field(
        description="A file, directory or glob of JSONL/JSON/Parquet/CSV files, relative to the "
        "catalog's base_dir."
    )
    scorer: Scorer
    license: str
    description: str = ""
    fields: Annotated[dict[str, str], known_roles(FORMATS)] = Field(
        default_factory=dict, description="Overrides of the format's column names: role -> column."
    )
    published: PublishedScores | None = None
    reports_as: Literal[tuple(SEED_COLUMNS)] | None = Field(  # type: ignore[valid-type]
        default=None,
        description="The column of the DeepSeek-R1 results table this benchmark fills in the "
        "report (a demo set stands in for the real one until that is evaluated).",
    )
    contest_window: tuple[date, date] | None = Field(
        default=None,
        description="Only problems whose contest_date falls in [first, last] (inclusive), as "
        "LiveCodeBench's leaderboard scores a model on problems released after its training "
        "data; the others are counted, not scored.",
    )
    obtain: str = Field(
        default="",
        description="How to get the files, for a benchmark users provide themselves: shown "
        "when the location matches nothing.",
    )

    @field_validator("location")
    @classmethod
    def _location(cls, value: str) -> str:
        if "://" in value:
            raise ValueError("benchmarks are read from local files; download remote ones first")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> BenchmarkSpec:
        if self.contest_window is not None and self.contest_window[0] > self.contest_window[1]:
            raise ValueError(f"contest_window {self.contest_window} ends before it starts")
        fmt = FORMATS[self.format]
        if self.scorer != fmt.scorer:
            raise ValueError(
                f"format {fmt.name!r} is scored by {fmt.scorer!r}, not {self.scorer!r}"
            )
        return self


# the models every catalog evaluates: the student before SFT and the latest trained checkpoint
BUILTIN_MODELS = ("base", "trained")


class EvalModel(BaseModel):
    """A model to evaluate beside ``base`` and ``trained``: a published distilled model, a teacher
    behind a server, another training run's checkpoint."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: EntryName
    model: str = Field(
        description="A local model folder (relative to base_dir) or, with base_url, the model "
        "name the server knows."
    )
    base_url: str = Field(
        default="", description="An OpenAI-compatible endpoint, e.g. http://host:8000/v1."
    )
    api_key_env: str = Field(default="", description="The variable holding the endpoint's key.")
    description: str = ""

    @field_validator("name")
    @classmethod
    def _not_builtin(cls, value: str) -> str:
        if value in BUILTIN_MODELS:
            raise ValueError(f"{value!r} is one of the built-in models {list(BUILTIN_MODELS)}")
        return value


class BenchmarkCatalog(Catalog[BenchmarkSpec]):
    noun: ClassVar[str] = "benchmark"
    key: ClassVar[str] = "benchmarks"
    spec: ClassVar[type[BaseModel]] = BenchmarkSpec

    @property
    def models(self) -> dict[str, EvalModel]:
        """The catalog's ``models:`` list by name (validated on load)."""
        return _models(self.path, self.base_dir)

    @property
    def model_names(self) -> list[str]:
        """Every evaluable model: base, trained, then the catalog's."""
        return [*BUILTIN_MODELS, *self.models]

    def model_location(self, model: EvalModel) -> str:
        """A local folder resolved against base_dir; a served model's name as it is."""
        if model.base_url:
            return model.model
        return str(self.resolve(model.model))


def _models(path: Path, base_dir: Path) -> dict[str, EvalModel]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    listed = document.get("models") or []
    if not isinstance(listed, list):
        raise CatalogError(f"{path.name}: 'models' must be a list")
    found: dict[str, EvalModel] = {}
    for index, entry in enumerate(listed):
        try:
            model = EvalModel.model_validate(entry)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: "
                f"{e['msg'].removeprefix('Value error, ')}"
                for e in exc.errors()
            )
            raise CatalogError(f"{path.name}: models[{index}]: {problems}") from None
        if model.name in found:
            raise CatalogError(f"{path.name}: model {model.name!r} defined twice")
        found[model.name] = model
    return found


def load_benchmark_catalog(path: Path | str, strict: bool = False) -> BenchmarkCatalog:
    """Read and validate a benchmark catalog file (``settings.benchmarks_path()`` is the one in
    use), its ``models:`` list included (a broken model entry is one CatalogError: models are
    partitions, not rows to quarantine).

    With ``strict=True`` any invalid entry raises one CatalogError listing every broken field.
    """
    catalog = BenchmarkCatalog.load(path, strict)
    _ = catalog.models  # validated now, not at the first evaluation
    return catalog
