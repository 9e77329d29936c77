"""One verdict per (response, verifier): routing by domain, a content-addressed verdict cache, and
the acceptance decision that builds ``verified_set``.

A verdict's cache key covers the verifier's name, version and settings and exactly the inputs it
reads (the answer and the reference for math-verify, the program and tests for the sandbox, ...):
bumping one verifier's version, or changing one threshold, recomputes that verifier's verdicts
and reuses every other one; responses are never regenerated.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from tqdm import tqdm

from r1_assets.catalog import am_rows
from r1_assets.storage.cache import KeyValueCache
from r1_assets.verify.rules import RULE_INPUTS, RULE_SETTINGS, RULES, Check, RuleSettings


@dataclass(frozen=True)
class VerifierSpec:
    name: str
    version: str  # bump on any change that can change a verdict
    kind: str  # rule | verifier (checks against ground truth) | model | filter
    description: str


RULE_SPECS = (
    # 2: the reasoning only (1 counted reasoning + answer, which restates it by design)
    VerifierSpec("ngram_repetition", "2", "rule", "repeated word n-grams in the reasoning"),
    VerifierSpec("length", "1", "rule", "truncated (finish_reason length), failed or too long"),
    VerifierSpec("format", "1", "rule", "closed <think> block, answer; \\boxed{} for math"),
    VerifierSpec("language_mixing", "1", "rule", "response in another script/language"),
    VerifierSpec("safety", "1", "rule", "safety rule set (+ classifier when configured)"),
)
GROUND_TRUTH_SPECS = (
    # 1.2: math_answer's engine 1; verdict 2: undecided (passed null) where it cannot decide
    VerifierSpec("math_verify", "1.2", "verifier", "math-verify of the last \\boxed{} answer"),
    # 2: the judge outside the program's process, integers compared exactly (issue 16)
    VerifierSpec("code_tests", "2", "verifier", "the answer's program against the test cases"),
)
MODEL_SPECS = (
    VerifierSpec("reward_model", "1", "model", "sequence-classification reward model"),
    VerifierSpec("llm_judge", "1", "model", "LLM judge: correctness, helpfulness, coherence"),
    VerifierSpec("math_judge", "1", "model", "LLM judge of a math answer math-verify left open"),
)
# quality filters: can reject a response, never make it correct (the AM data work's filters)
FILTER_SPECS = (
    VerifierSpec("perplexity", "1", "filter", "perplexity under a reference language model"),
    VerifierSpec("templates", "1", "filter", "long n-grams recurring across many responses"),
)
# verifiers that decide a response another verifier left undecided (passed null), and which
FALLBACKS = {"math_judge": "math_verify"}
VERIFIERS: dict[str, VerifierSpec] = {
    spec.name: spec for spec in (*RULE_SPECS, *GROUND_TRUTH_SPECS, *MODEL_SPECS, *FILTER_SPECS)
}
# the kinds whose pass makes a response correct (a rule or a filter only rejects)
DECIDING_KINDS = ("verifier", "model")


def verifiers_version() -> str:
    """The code version of ``response_verdicts``: every verifier's name and version. Bumping one
    marks the asset stale in the UI; rematerializing recomputes only that verifier's verdicts."""
    return ",".join(f"{s.name}@{s.version}" for s in VERIFIERS.values())


# the ids every verdict and rejection carries back to its response and problem
LINEAGE_COLUMNS = ("response_uid", "problem_uid", "source", "source_row_id", "domain", "origin")
_LINEAGE_SCHEMA = {column: pl.String for column in LINEAGE_COLUMNS}

VERDICT_SCHEMA = pl.Schema(
    {
        **_LINEAGE_SCHEMA,
        "verifier": pl.String,
        "version": pl.String,
        "kind": pl.String,  # rule | verifier | model | filter
        "passed": pl.Boolean,
        "score": pl.Float64,
        "detail": pl.String,
        "verdict_key": pl.String,  # cache key: verifier, version, settings, inputs
    }
)
VERDICT_CACHE_SCHEMA = {
    "verdict_key": pl.String,
    "verifier": pl.String,
    "version": pl.String,
    "passed": pl.Boolean,
    "score": pl.Float64,
    "detail": pl.String,
    "created_at": pl.Float64,
}


class VerdictCache(KeyValueCache):
    def __init__(self, root: Path | str) -> None:
        super().__init__(
            Path(root), VERDICT_CACHE_SCHEMA, key="verdict_key", group_column="verifier"
        )


@dataclass
class Verifier:
    """A verifier ready to run: ``inputs`` picks what of a response its verdict depends on (the
    cache key), ``run`` judges a batch of responses."""

    spec: VerifierSpec
    settings: dict
    inputs: Callable[[dict], dict]
    run: Callable[[list[dict]], list[Check]]
    chunk: int = 256  # verdicts are cached after every chunk: a crash loses at most one

    def key(self, response: dict) -> str:
        payload = [self.spec.name, self.spec.version, self.settings, self.inputs(response)]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def rule_verifier(spec: VerifierSpec, settings: RuleSettings) -> Verifier:
    rule = RULES[spec.name]
    return Verifier(
        spec,
        settings={name: getattr(settings, name) for name in RULE_SETTINGS[spec.name]},
        inputs=lambda r: {k: r.get(k) for k in RULE_INPUTS[spec.name]},
        run=lambda rows: [rule(row, settings) for row in rows],
    )


def route(response: dict, available: Sequence[str]) -> list[str]:
    """The verifiers that judge this response: every rule; then ground truth where it exists
    (math → math-verify against the reference, code → the sandbox against the tests); the models
    (reward model, judge) for the rest. A response the rules reject on their own (failed,
    truncated, empty) or whose problem is unknown gets only the rules: nothing else to pay for."""
    names = [s.name for s in RULE_SPECS]
    unusable = response.get("finish_reason") in ("error", "length") or not response.get("content")
    if unusable or response.get("problem") is None:
        return [name for name in names if name in available]
    domain = response.get("domain")
    if domain == "math" and response.get("reference_answer"):
        names.append("math_verify")
    elif domain == "code" and response.get("has_tests"):
        names.append("code_tests")
    else:
        names += [s.name for s in MODEL_SPECS if s.name not in FALLBACKS]
    names += [s.name for s in FILTER_SPECS]
    return [name for name in names if name in available]


@dataclass
class VerifyStats:
    computed: dict[str, int] = field(default_factory=dict)
    cached: dict[str, int] = field(default_factory=dict)
    uncached: dict[str, int] = field(default_factory=dict)  # machinery failures, retried next run
    skipped: dict[str, int] = field(default_factory=dict)  # a rule had already rejected them
    seconds: dict[str, float] = field(default_factory=dict)

    def table(self, verdicts: pl.DataFrame) -> pl.DataFrame:
        summary = verdicts.group_by("verifier").agg(
            pl.len().alias("verdicts"),
            pl.col("passed").sum().alias("passed"),
            pl.col("passed").is_null().sum().alias("undecided"),
            pl.col("passed").mean().round(3).alias("pass_rate"),  # of the decided
        )
        work = pl.DataFrame(
            {
                "verifier": list(VERIFIERS),
                "version": [s.version for s in VERIFIERS.values()],
                "kind": [s.kind for s in VERIFIERS.values()],
                "computed": [self.computed.get(n, 0) for n in VERIFIERS],
                "cached": [self.cached.get(n, 0) for n in VERIFIERS],
                "skipped": [self.skipped.get(n, 0) for n in VERIFIERS],
                "seconds": [round(self.seconds.get(n, 0.0), 2) for n in VERIFIERS],
            }
        )
        # in verifier order; a verifier the cascade skipped entirely still shows, with 0 verdicts
        return (
            work.join(summary, on="verifier", how="left", maintain_order="left")
            .filter(pl.col("verdicts").is_not_null() | (pl.col("skipped") > 0))
            .with_columns(pl.col("verdicts", "passed", "undecided").fill_null(0))
            .select("verifier", "version", "kind", "verdicts", "passed", "undecided", "pass_rate",
                    "computed", "cached", "skipped", "seconds")
        )  # fmt: skip


def verify_responses(
    responses: Sequence[dict],
    verifiers: dict[str, Verifier],
    cache: VerdictCache,
    log: Callable[[str], None] | None = None,
    cascade: bool = True,
) -> tuple[pl.DataFrame, VerifyStats]:
    """Verdicts of every applicable verifier on every response (rows of ``distilled_responses``
    with problem, reference_answer, test_cases and has_tests), cached verdicts reused.

    ``cascade``: the rules run first, and the costly verifiers (math-verify, the sandbox, reward
    model, LLM judge) only on the responses every rule passed; a response a rule rejected is
    rejected whatever they would say. Off, every verifier judges every response (to calibrate
    the rules against the models)."""
    stats = VerifyStats()
    jobs: dict[str, list[tuple[int, str]]] = {name: [] for name in verifiers}
    for i, response in enumerate(responses):
        for name in route(response, list(verifiers)):
            jobs[name].append((i, verifiers[name].key(response)))
    # the same content under two response_uids (a source shipping a chain twice) is judged once
    found = {
        row["verdict_key"]: row
        for row in cache.lookup([k for todo in jobs.values() for _, k in todo]).iter_rows(
            named=True
        )
    }
    results: dict[str, dict] = dict(found)
    rules = [name for name in jobs if verifiers[name].spec.kind == "rule"]
    costly = [name for name in jobs if name not in rules and name not in FALLBACKS]
    for name in rules:
        _compute(name, jobs[name], responses, verifiers[name], cache, found, results, stats, log)
    if cascade:
        rejected = {i for name in rules for i, key in jobs[name] if not results[key]["passed"]}
        for name in costly:
            kept = [(i, key) for i, key in jobs[name] if i not in rejected]
            if len(kept) < len(jobs[name]):
                stats.skipped[name] = len(jobs[name]) - len(kept)
            jobs[name] = kept
    for name in costly:
        _compute(name, jobs[name], responses, verifiers[name], cache, found, results, stats, log)
    for name in [n for n in jobs if n in FALLBACKS]:  # on what their verifier left undecided
        undecided = [
            i for i, key in jobs.get(FALLBACKS[name], []) if results[key]["passed"] is None
        ]
        jobs[name] = [(i, verifiers[name].key(responses[i])) for i in undecided]
        cached = cache.lookup([key for _, key in jobs[name]])
        fresh = {row["verdict_key"]: row for row in cached.iter_rows(named=True)}
        found.update(fresh)
        results.update(fresh)
        _compute(name, jobs[name], responses, verifiers[name], cache, found, results, stats, log)
    rows = []
    for name, todo in jobs.items():
        spec = verifiers[name].spec
        for i, key in todo:
            response, verdict = responses[i], results[key]
            rows.append(
                {
                    **{c: response.get(c) for c in LINEAGE_COLUMNS},
                    "verifier": name,
                    "version": spec.version,
                    "kind": spec.kind,
                    "passed": verdict["passed"],
                    "score": verdict["score"],
                    "detail": verdict["detail"],
                    "verdict_key": key,
                }
            )
    frame = pl.DataFrame(rows, schema=VERDICT_SCHEMA)
    order = {name: i for i, name in enumerate(VERIFIERS)}
    frame = frame.sort("response_uid", pl.col("verifier").replace_strict(order, default=len(order)))
    return frame, stats


def _compute(
    name: str,
    todo: list[tuple[int, str]],
    responses: Sequence[dict],
    verifier: Verifier,
    cache: VerdictCache,
    found: dict[str, dict],
    results: dict[str, dict],
    stats: VerifyStats,
    log: Callable[[str], None] | None,
) -> None:
    """One verifier's verdicts on ``todo`` ((response index, verdict key)): cached ones taken
    from ``found``, the rest computed chunk by chunk and cached as they finish."""
    if not todo:
        return
    missing = list({k: i for i, k in todo if k not in found}.items())
    stats.cached[name] = len(todo) - len(missing)
    stats.computed[name] = len(missing)
    if not missing:
        return
    if log:
        log(f"{name}: {len(missing)} verdicts to compute, {stats.cached[name]} cached")
    started = time.monotonic()
    with tqdm(total=len(missing), desc=name, unit="verdict", leave=False) as bar:
        for start in range(0, len(missing), verifier.chunk):
            chunk = missing[start : start + verifier.chunk]
            checks = verifier.run([responses[i] for _, i in chunk])
            rows = [
                {
                    "verdict_key": key,
                    "verifier": name,
                    "version": verifier.spec.version,
                    "passed": check.passed,
                    "score": check.score,
                    "detail": check.detail,
                    "created_at": time.time(),
                }
                for (key, _), check in zip(chunk, checks, strict=True)
            ]
            keep = [row for row, c in zip(rows, checks, strict=True) if c.cacheable]
            stats.uncached[name] = stats.uncached.get(name, 0) + len(rows) - len(keep)
            cache.add(pl.DataFrame(keep, schema=VERDICT_CACHE_SCHEMA))
            results.update({row["verdict_key"]: row for row in rows})
            bar.update(len(chunk))
    stats.seconds[name] = time.monotonic() - started
    if log:
        rate = len(missing) / max(stats.seconds[name], 1e-9)
        log(f"{name}: {len(missing)} verdicts in {stats.seconds[name]:.1f} s ({rate:.1f}/s)")


# --- acceptance ---------------------------------------------------------------------------------


def decide(responses: pl.DataFrame, verdicts: pl.DataFrame) -> pl.DataFrame:
    """Per response (rows with problem, reference_answer, has_tests): ``accepted`` when its
    problem is known, every verifier routing expects has a verdict on it, every verdict passed,
    and at least one verifier of its domain (ground truth or model, not only rules) passed; else
    the reasons. Routing is recomputed here, so verdicts older than the responses (a new sample,
    a problem that gained a reference answer) are caught, not trusted.

    Adds accepted, passed_verifiers, failed_verifiers, missing_verifiers (lists),
    rejection_reason."""
    strings = pl.List(pl.String)
    available = {s.name for s in RULE_SPECS} | set(verdicts["verifier"].unique().to_list())
    expected = pl.Series(
        "_expected", [route(r, list(available)) for r in responses.iter_rows(named=True)], strings
    )
    per_response = verdicts.group_by("response_uid").agg(
        pl.col("verifier").filter(pl.col("passed")).alias("passed_verifiers"),
        pl.col("verifier").filter(~pl.col("passed")).alias("failed_verifiers"),
        (pl.col("verifier") + ": " + pl.col("detail")).filter(~pl.col("passed")).alias("_failures"),
        pl.col("verifier").filter(pl.col("passed").is_null()).alias("_undecided"),
        (pl.col("verifier") + " could not decide: " + pl.col("detail"))
        .filter(pl.col("passed").is_null())
        .alias("_undecided_details"),
        (pl.col("passed") & pl.col("kind").is_in(DECIDING_KINDS)).any().alias("_domain_passed"),
        (~pl.col("passed") & (pl.col("kind") == "rule")).any().alias("_rule_failed"),
    )
    empty = pl.lit([], dtype=strings)
    joined = (
        responses.with_columns(expected)
        .join(per_response, on="response_uid", how="left")
        .with_columns(
            pl.col("passed_verifiers").fill_null(empty),
            pl.col("failed_verifiers").fill_null(empty),
            pl.col("_failures").fill_null(empty),
            pl.col("_undecided").fill_null(empty),
            pl.col("_undecided_details").fill_null(empty),
            pl.col("_domain_passed").fill_null(False),
            pl.col("_rule_failed").fill_null(False),
        )
    )
    for fallback, decided_by in FALLBACKS.items():  # expected where its verifier left one open
        if fallback in available:
            joined = joined.with_columns(
                _expected=pl.when(pl.col("_undecided").list.contains(decided_by))
                .then(pl.concat_list("_expected", pl.lit([fallback], dtype=strings)))
                .otherwise(pl.col("_expected"))
            )
    joined = joined.with_columns(
        # a response a rule rejected needs no other verdict (the cascade skips them)
        missing_verifiers=pl.when(pl.col("_rule_failed"))
        .then(pl.col("_expected").list.set_intersection(pl.lit([s.name for s in RULE_SPECS])))
        .otherwise(pl.col("_expected"))
        .list.set_difference(pl.concat_list("passed_verifiers", "failed_verifiers", "_undecided"))
    )
    no_problem = pl.lit("its problem is not in raw_problems (rematerialize the source's assets)")
    stale = (
        pl.lit("no verdict from ")
        + pl.col("missing_verifiers").list.join(", ")
        + pl.lit(": response_verdicts is older than the responses or problems (rematerialize it)")
    )
    no_domain = pl.lit(
        "no verifier for its domain ran (no reference answer, no tests, and no reward model "
        "or judge enabled)"
    )
    return joined.with_columns(
        accepted=pl.col("problem").is_not_null()
        & (pl.col("failed_verifiers").list.len() == 0)
        & (pl.col("missing_verifiers").list.len() == 0)
        & pl.col("_domain_passed"),
        rejection_reason=pl.when(pl.col("problem").is_null())
        .then(no_problem)
        .when(pl.col("_failures").list.len() > 0)
        .then(pl.col("_failures").list.join(" | "))
        .when(pl.col("missing_verifiers").list.len() > 0)
        .then(stale)
        .when(~pl.col("_domain_passed") & (pl.col("_undecided_details").list.len() > 0))
        .then(pl.col("_undecided_details").list.join(" | ") + pl.lit(", and no judge decided"))
        .when(~pl.col("_domain_passed"))
        .then(no_domain),
    ).drop(
        "_failures",
        "_undecided",
        "_undecided_details",
        "_domain_passed",
        "_rule_failed",
        "_expected",
    )


_INFO = pl.Struct(
    {
        "source": pl.String,
        "reference_answer": pl.String,
        "test_case": pl.String,
        "think_content": pl.String,
        "answer_content": pl.String,
    }
)
MESSAGE_DTYPE = pl.Struct({"role": pl.String, "content": pl.String, "info": _INFO})


def responses_with_problems(responses: pl.DataFrame, problems: pl.DataFrame) -> pl.DataFrame:
    """Each response beside the problem it answers (text, reference answer, tests)."""
    return responses.join(
        problems.select(
            "problem_uid", "source_row_id", "problem", "reference_answer", "test_cases"
        ),
        on=["problem_uid", "source_row_id"],
        how="left",
        validate="m:1",
    ).with_columns(has_tests=pl.col("test_cases").list.len().fill_null(0) > 0)


VERIFIED_SCHEMA = pl.Schema(
    {
        "response_uid": pl.String,
        "problem_uid": pl.String,
        "source": pl.String,
        "source_row_id": pl.String,
        "source_revision": pl.String,
        "domain": pl.String,
        "origin": pl.String,
        "teacher": pl.String,
        "teacher_name": pl.String,
        "messages": pl.List(MESSAGE_DTYPE),  # the AM-DeepSeek-R1-Distilled row shape
        "passed_verifiers": pl.List(pl.String),
        "response_chars": pl.Int64,  # of the whole response: what "shortest" compares
        "perplexity": pl.Float64,  # under the reference model, where the perplexity verifier ran
    }
)


def am_messages(row: dict) -> list[dict]:
    """A decided row's messages in the AM-DeepSeek-R1-Distilled-1.4M shape."""
    return am_rows.am_messages(
        row["source"],
        row["problem"],
        (row.get("think") or "").strip(),
        (row.get("answer") or "").strip(),
        reference_answer=row.get("reference_answer"),
        test_case=am_rows.am_test_case(row.get("test_cases") or []),
        uniform_info=True,
    )


def verified_rows(decided: pl.DataFrame, verdicts: pl.DataFrame) -> pl.DataFrame:
    """The accepted rows of ``decided`` in the AM shape, with their length and (where the
    perplexity verifier judged them) perplexity, from ``verdicts``."""
    perplexity = verdicts.filter(pl.col("verifier") == "perplexity").select(
        "response_uid", pl.col("score").alias("perplexity")
    )
    accepted = (
        decided.filter(pl.col("accepted"))
        .with_columns(response_chars=pl.col("content").str.len_chars().cast(pl.Int64))
        .join(perplexity.unique("response_uid"), on="response_uid", how="left")
    )
    rows = [
        {
            **{c: row[c] for c in VERIFIED_SCHEMA if c != "messages"},
            "messages": am_messages(row),
        }
        for row in accepted.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema=VERIFIED_SCHEMA)


REJECTED_SCHEMA = pl.Schema(
    {
        **_LINEAGE_SCHEMA,
        "failed_verifiers": pl.List(pl.String),
        "rejection_reason": pl.String,
    }
)


def rejected_rows(decided: pl.DataFrame) -> pl.DataFrame:
    return decided.filter(~pl.col("accepted")).select(list(REJECTED_SCHEMA)).cast(REJECTED_SCHEMA)
