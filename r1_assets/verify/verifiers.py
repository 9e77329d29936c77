"""The verifiers of one ``response_verdicts`` run, built from its settings and resources.

Engines (math-verify worker pool, sandbox, models, judge LLM) start only when a verdict is not in
the cache: a rerun with everything cached starts none of them.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from r1_assets.verify.judge import ATTRIBUTES, JudgeSettings, judge_requests, judge_verdict
from r1_assets.verify.math_judge import (
    math_judge_requests,
    math_judge_verdict,
    not_one_expression,
)
from r1_assets.verify.rules import Check, RuleSettings, safety
from r1_assets.verify.templates import TemplateCorpus
from r1_assets.verify.verdicts import RULE_SPECS, VERIFIERS, Verifier, rule_verifier


class EngineSettings(BaseModel):
    """How the verifiers beyond the rules run (math-verify, sandbox, reward model, safety
    classifier, LLM judge) and when they pass."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    safety_threshold: float = Field(
        default=0.5, description="probability of the unsafe labels that rejects"
    )
    safety_unsafe_labels: list[str] = Field(
        default=["unsafe", "toxic", "harmful"],
        description="the safety classifier's labels that count as unsafe",
    )
    math_timeout_s: float = Field(
        default=5.0,
        description="hard bound per math verification (the worker is killed past it)",
    )
    math_workers: int = Field(default=2, description="math-verify worker processes")
    max_tests: int | None = Field(
        default=20, description="run the first N test cases of a problem (null: all)"
    )
    reward_threshold: float | None = Field(
        default=None,
        description="a reward model's score must reach this to pass; null: 0.0 for a one-logit "
        "reward model, 0.5 for a classifier (its score is the probability of its last label)",
    )
    use_judge: bool = Field(
        default=True, description="LLM judge for responses without ground truth"
    )
    math_judge: bool = Field(
        default=True,
        description="LLM judge (with the reference) for math answers math-verify cannot decide: "
        "unparsable, timed out, or a reference that is not one expression",
    )
    max_perplexity: float | None = Field(
        default=None,
        description="the perplexity filter rejects a response above this perplexity under the "
        "reference_model (null: scored and kept, for lowest-perplexity choice and inspection)",
    )
    template_min_responses: int | None = Field(
        default=20,
        description="the template filter: a 20-word n-gram found in at least this many of a "
        "partition's responses is boilerplate (null: the filter is off)",
    )
    template_max_share: float = Field(
        default=0.3, description="the template filter rejects above this share of such n-grams"
    )
    cascade: bool = Field(
        default=True,
        description="rules first; math-verify, sandbox, reward model and judge only on responses "
        "every rule passed (false: every verifier on every response, to calibrate the rules)",
    )


class VerifySettings(EngineSettings):
    """Everything one ``response_verdicts`` run is configured with."""

    rules: RuleSettings = RuleSettings()
    judge: JudgeSettings = JudgeSettings()


def build_verifiers(
    settings: VerifySettings,
    *,
    math_verifier: Callable[[], object] | None = None,
    sandbox: Callable[[], object] | None = None,
    sandbox_settings: dict | None = None,
    judge: object | None = None,
    reward_model: object | None = None,
    safety_classifier: object | None = None,
    perplexity_scorer: object | None = None,
    corpus: TemplateCorpus | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, Verifier]:
    """``math_verifier`` and ``sandbox`` are factories, started on first use; ``sandbox_settings``
    are its limits (part of every code verdict's key). ``judge`` is an LLMResource,
    ``reward_model`` and ``safety_classifier`` are SequenceScorers. A verifier whose engine is
    missing is not built, and routing skips it."""
    verifiers = {spec.name: rule_verifier(spec, settings.rules) for spec in RULE_SPECS}
    if safety_classifier is not None:
        verifiers["safety"] = _safety_with_classifier(settings, safety_classifier)
    if math_verifier is not None:
        verifiers["math_verify"] = _math(settings, math_verifier)
    if sandbox is not None:
        verifiers["code_tests"] = _code(settings, sandbox, sandbox_settings or {})
    if reward_model is not None:
        verifiers["reward_model"] = _reward(settings, reward_model)
    if judge is not None and settings.use_judge:
        verifiers["llm_judge"] = _judge(settings, judge, log)
    if judge is not None and math_verifier is not None and settings.math_judge:
        verifiers["math_judge"] = _math_judge(judge, log)
    if perplexity_scorer is not None:
        verifiers["perplexity"] = _perplexity(settings, perplexity_scorer)
    if corpus is not None and settings.template_min_responses is not None:
        verifiers["templates"] = _templates(settings, corpus)
    return verifiers


def _lazy(factory: Callable[[], object]) -> Callable[[], object]:
    made: list[object] = []

    def get():
        if not made:
            made.append(factory())
        return made[0]

    return get


def _math(settings: VerifySettings, factory: Callable[[], object]) -> Verifier:
    from r1_assets.verify.math_answer import MATH_VERIFIER_VERSION

    engine = VERIFIERS["math_verify"].version.split(".")[0]
    assert engine == MATH_VERIFIER_VERSION, "bump both together"
    pool = _lazy(factory)

    def run(rows: list[dict]) -> list[Check]:
        pairs = [(r["reference_answer"], r.get("answer") or "") for r in rows]
        results = pool().check_many(pairs, progress=False)
        checks = []
        for row, m in zip(rows, results, strict=True):
            detail = m.detail if m.status in ("ok", "no_answer") else f"{m.status}: {m.detail}"
            # a worker killed from outside says nothing about the answer: ask again next run
            died = m.detail.startswith("verification worker died")
            shape = None
            if m.status == "ok" and not m.passed:
                shape = not_one_expression(row["reference_answer"])
            if shape:
                detail = f"{detail} ({shape}: its differs is not trusted)"
            if shape or (m.status in ("unparsable", "timeout") and not died):
                # undecided: the math judge decides (verdicts.FALLBACKS), or nothing accepts it
                checks.append(Check(None, None, detail))
            else:
                checks.append(Check(m.passed, float(m.passed), detail, cacheable=not died))
        return checks

    return Verifier(
        VERIFIERS["math_verify"],
        settings={"timeout_s": settings.math_timeout_s},
        inputs=lambda r: {"reference": r.get("reference_answer"), "answer": r.get("answer")},
        run=run,
        chunk=64,
    )


def _code(settings: VerifySettings, factory: Callable[[], object], limits: dict) -> Verifier:
    from r1_assets.sandbox import extract_program

    sandbox = _lazy(factory)

    def run(rows: list[dict]) -> list[Check]:
        programs = [extract_program(r.get("answer") or "") for r in rows]
        jobs = [(p, r["test_cases"]) for p, r in zip(programs, rows, strict=True) if p]
        reports = iter(sandbox().run_many(jobs, max_tests=settings.max_tests, progress=False))
        checks = []
        for program in programs:
            if program is None:
                checks.append(Check(False, 0.0, "no fenced program in the answer: nothing to run"))
                continue
            report = next(reports)
            score = report.n_passed / report.n_run if report.n_run else 0.0
            # a sandbox that did not start, or a job that failed on the host, judged nothing: not
            # cached, retried next run
            cacheable = report.status not in ("sandbox_error", "judge_error")
            checks.append(Check(report.passed, round(score, 4), report.detail, cacheable))
        return checks

    def inputs(r: dict) -> dict:
        return {"program": extract_program(r.get("answer") or ""), "tests": r.get("test_cases")}

    return Verifier(
        VERIFIERS["code_tests"],
        # the limits are part of a verdict: a program can pass in 10 s and fail in 1 s
        settings={"max_tests": settings.max_tests, "sandbox": limits},
        inputs=inputs,
        run=run,
        chunk=32,
    )


def _reward(settings: VerifySettings, scorer) -> Verifier:
    from r1_assets.verify.models import reward_scores

    threshold = settings.reward_threshold
    if threshold is None:
        threshold = 0.0 if scorer.num_labels == 1 else 0.5

    def run(rows: list[dict]) -> list[Check]:
        scores, truncated = reward_scores(
            scorer, [(r["problem"], r.get("content") or "") for r in rows]
        )
        return [
            Check(
                bool(s >= threshold),
                round(float(s), 4),
                f"reward {s:.3f} (min {threshold:g})"
                + (" on the response's last tokens (truncated)" if cut else ""),
            )
            for s, cut in zip(scores, truncated, strict=True)
        ]

    return Verifier(
        VERIFIERS["reward_model"],
        settings={
            "model": scorer.model_id,
            "threshold": threshold,
            "max_length": scorer.max_length,
        },
        inputs=lambda r: {"problem": r.get("problem"), "content": r.get("content")},
        run=run,
        chunk=32,
    )


def _judge(settings: VerifySettings, llm, log) -> Verifier:
    def run(rows: list[dict]) -> list[Check]:
        requests = judge_requests(rows, settings.judge)
        completions, _ = llm.generate(requests, log=log, desc="judging")
        n = len(ATTRIBUTES)
        return [
            judge_verdict(completions[i * n : (i + 1) * n], settings.judge)
            for i in range(len(rows))
        ]

    return Verifier(
        VERIFIERS["llm_judge"],
        settings={"judge": llm.model_id, **settings.judge.model_dump()},
        inputs=lambda r: {k: r.get(k) for k in ("problem", "think", "answer", "reference_answer")},
        run=run,
        chunk=64,
    )


def _math_judge(llm, log) -> Verifier:
    def run(rows: list[dict]) -> list[Check]:
        completions, _ = llm.generate(math_judge_requests(rows), log=log, desc="math judge")
        return [math_judge_verdict(c) for c in completions]

    return Verifier(
        VERIFIERS["math_judge"],
        settings={"judge": llm.model_id},  # its prompt is the spec's version
        inputs=lambda r: {k: r.get(k) for k in ("problem", "answer", "reference_answer")},
        run=run,
        chunk=64,
    )


def _perplexity(settings: VerifySettings, scorer) -> Verifier:
    ceiling = settings.max_perplexity

    def run(rows: list[dict]) -> list[Check]:
        scored = scorer.perplexities([(r["problem"], r.get("content") or "") for r in rows])
        checks = []
        for value, cut in scored:
            passed = ceiling is None or value <= ceiling
            detail = f"perplexity {value:.3f}" + (f" (max {ceiling:g})" if ceiling else "")
            if cut:
                detail += f" on the first {scorer.max_tokens} tokens"
            checks.append(Check(passed, round(value, 4) if math.isfinite(value) else None, detail))
        return checks

    return Verifier(
        VERIFIERS["perplexity"],
        settings={"model": scorer.model_id, "max_tokens": scorer.max_tokens, "max": ceiling},
        inputs=lambda r: {"problem": r.get("problem"), "content": r.get("content")},
        run=run,
        chunk=32,
    )


def _templates(settings: VerifySettings, corpus: TemplateCorpus) -> Verifier:
    from r1_assets.verify.templates import TemplateSettings, template_share

    chosen = TemplateSettings(
        min_responses=settings.template_min_responses, max_share=settings.template_max_share
    )
    table = _lazy(lambda: corpus.frequent(chosen))

    @functools.lru_cache(maxsize=4096)  # the key and the verdict both need it
    def shared(content: str) -> tuple[int, int]:
        return template_share(content, table(), chosen)

    def share(row: dict) -> tuple[int, int]:
        return shared(row.get("content") or "")

    def run(rows: list[dict]) -> list[Check]:
        checks = []
        for hits, sampled in map(share, rows):
            ratio = hits / sampled if sampled else 0.0
            detail = (
                f"{hits} of {sampled} sampled {chosen.n}-grams recur in >= "
                f"{chosen.min_responses} responses (max share {chosen.max_share:g})"
            )
            checks.append(Check(ratio <= chosen.max_share, round(ratio, 4), detail))
        return checks

    return Verifier(
        VERIFIERS["templates"],
        settings=dataclasses.asdict(chosen),
        # what the verdict depends on: the response, and how many of its n-grams this corpus
        # makes templates (a rerun on the same partition recomputes nothing)
        inputs=lambda r: {"content": r.get("content"), "template_ngrams": share(r)},
        run=run,
        chunk=512,
    )


def _safety_with_classifier(settings: VerifySettings, scorer) -> Verifier:
    from r1_assets.verify.models import unsafe_probability

    rules = rule_verifier(VERIFIERS["safety"], settings.rules)

    def run(rows: list[dict]) -> list[Check]:
        probabilities = unsafe_probability(
            scorer, [r.get("content") or "" for r in rows], settings.safety_unsafe_labels
        )
        checks = []
        for row, p in zip(rows, probabilities, strict=True):
            by_rule = safety(row, settings.rules)
            flagged = p >= settings.safety_threshold
            detail = (
                f"{by_rule.detail}; classifier p(unsafe) {p:.3f} (max {settings.safety_threshold})"
            )
            checks.append(Check(by_rule.passed and not flagged, round(float(p), 4), detail))
        return checks

    return Verifier(
        VERIFIERS["safety"],
        settings={
            **rules.settings,
            "classifier": scorer.model_id,
            "max_length": scorer.max_length,
            "threshold": settings.safety_threshold,
            "labels": list(settings.safety_unsafe_labels),
        },
        inputs=rules.inputs,
        run=run,
        chunk=32,
    )
