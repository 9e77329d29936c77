"""What verifying responses needs on the Dagster side, shared by ``response_verdicts`` and by
``distilled_responses``' adaptive rounds: the run config, the resources the verifiers run on,
and a context that builds the verifiers and closes every engine it started."""

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from pydantic import Field

from r1_assets.resources import (
    ClassifierResource,
    LLMResource,
    ReferenceModelResource,
    SandboxResource,
    WarehouseResource,
)
from r1_assets.verify.judge import JudgeSettings
from r1_assets.verify.rules import RuleSettings
from r1_assets.verify.templates import TemplateCorpus
from r1_assets.verify.verdicts import VerdictCache, verify_responses
from r1_assets.verify.verifiers import EngineSettings, VerifySettings, build_verifiers


class VerifyConfig(EngineSettings, RuleSettings, dg.Config):
    """The run config of ``response_verdicts``: one flat mapping of the rule thresholds
    (``RuleSettings``), the engine settings (``EngineSettings``) and ``judge_min_rating`` (the
    judge's ``min_rating``), e.g. ``ops: {response_verdicts: {config: {max_chars: 100000,
    use_judge: false, judge_min_rating: {correctness: 4}}}}``."""

    judge_min_rating: dict[str, int] = Field(
        default=JudgeSettings().min_rating,
        description=JudgeSettings.model_fields["min_rating"].description,
    )

    def settings(self) -> VerifySettings:
        return VerifySettings(
            **self.model_dump(include=set(EngineSettings.model_fields)),
            rules=RuleSettings(**self.model_dump(include=set(RuleSettings.model_fields))),
            judge=JudgeSettings(min_rating=self.judge_min_rating),
        )


@dataclass(frozen=True)
class VerifierResources:
    """The resources verification runs on (the engines start only when a verdict is missing)."""

    sandbox: SandboxResource
    judge: LLMResource
    reward_model: ClassifierResource
    safety_classifier: ClassifierResource
    reference_model: ReferenceModelResource
    warehouse: WarehouseResource


@contextlib.contextmanager
def verification(
    context: dg.AssetExecutionContext,
    settings: VerifySettings,
    resources: VerifierResources,
    corpus: TemplateCorpus | None = None,
) -> Iterator[tuple[Callable, dict]]:
    """``verify(rows) -> (verdicts, stats)`` with the verifiers these settings and resources
    build, through the verdict cache, and the verifiers by name. Every engine it starts is closed
    on exit, whatever fails; the judge's calls are in the ledger under ``context``'s asset.
    ``corpus`` is what the template filter counts its n-grams over (none: no filter)."""
    from r1_assets.verify.math_answer import MathVerifier

    engines = contextlib.ExitStack()

    def started(engine):
        engines.callback(engine.close)
        return engine

    r = resources
    verifiers = build_verifiers(
        settings,
        math_verifier=lambda: started(
            MathVerifier(workers=settings.math_workers, timeout_s=settings.math_timeout_s)
        ),
        sandbox=lambda: started(r.sandbox.sandbox()),
        sandbox_settings=r.sandbox.limits(),
        judge=r.judge,
        # a configured model is loaded (and its path checked) before any work
        reward_model=r.reward_model.scorer() if r.reward_model.configured else None,
        safety_classifier=(
            r.safety_classifier.scorer() if r.safety_classifier.configured else None
        ),
        perplexity_scorer=r.reference_model.scorer() if r.reference_model.configured else None,
        corpus=corpus,
        log=context.log.info,
    )
    cache = VerdictCache(Path(r.warehouse.root) / "cache" / "verdicts")

    def verify(rows: list[dict]):
        return verify_responses(
            rows, verifiers, cache, log=context.log.info, cascade=settings.cascade
        )

    with engines, r.judge.scope(context):
        yield verify, verifiers
