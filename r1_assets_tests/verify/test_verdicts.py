from __future__ import annotations

import dataclasses
import json

import dagster as dg
import polars as pl
import pytest

from r1_assets.assets.verify import build_response_verdicts
from r1_assets.verify.rules import RuleSettings
from r1_assets.verify.verdicts import (
    VERIFIERS,
    VerdictCache,
    Verifier,
    decide,
    rejected_rows,
    route,
    verified_rows,
    verify_responses,
)
from r1_assets.verify.verifiers import VerifySettings, build_verifiers
from r1_assets_tests.verify.test_rules import REASONING, response

RULE_NAMES = ["ngram_repetition", "length", "format", "language_mixing", "safety"]


def responses() -> list[dict]:
    base = {
        "problem_uid": "p1",
        "source": "demo",
        "source_row_id": "r1",
        "source_revision": "rev",
        "origin": "teacher",
        "teacher": "smollm2",
        "teacher_name": "teacher",
        "reference_answer": "4",
        "test_cases": [],
    }
    good = response() | base | {"response_uid": "good"}
    looping = response(think="Let me check again. " * 40) | base | {"response_uid": "loop"}
    cut = REASONING[:90]
    truncated = (
        response(finish_reason="length", content=f"<think>\n{cut}", think=cut, answer=None)
        | base
        | {"response_uid": "cut"}
    )
    return [good, looping, truncated]


def test_routing_sends_each_domain_to_its_verifier():
    every = list(VERIFIERS)
    ok = {"content": "<think>x</think>y", "problem": "p", "finish_reason": "stop"}
    math = route(ok | {"domain": "math", "reference_answer": "4"}, every)
    filters = ["perplexity", "templates"]  # the quality filters judge every usable response
    assert math == [*RULE_NAMES, "math_verify", *filters]
    code = route(ok | {"domain": "code", "has_tests": True}, every)
    assert code == [*RULE_NAMES, "code_tests", *filters]
    chat = route(ok | {"domain": "chat"}, every)
    assert chat == [*RULE_NAMES, "reward_model", "llm_judge", *filters]
    # math without a reference falls back to the models; missing verifiers are skipped
    no_ref = route(ok | {"domain": "math"}, [*RULE_NAMES, "llm_judge"])
    assert no_ref == [*RULE_NAMES, "llm_judge"]
    # nothing to pay for beyond the rules: truncated, failed, or an unknown problem
    for broken in ({"finish_reason": "length"}, {"finish_reason": "error"}, {"problem": None}):
        assert route(ok | {"domain": "math", "reference_answer": "4"} | broken, every) == (
            RULE_NAMES
        )


def test_verdicts_are_cached_and_a_changed_setting_recomputes_only_its_verifier(tmp_path):
    cache = VerdictCache(tmp_path)
    rows = responses()
    first, stats = verify_responses(rows, build_verifiers(VerifySettings()), cache)
    assert first.height == 3 * len(RULE_NAMES)
    assert sum(stats.computed.values()) == 15 and sum(stats.cached.values()) == 0
    failed = first.filter(~pl.col("passed"))
    assert set(zip(failed["response_uid"], failed["verifier"], strict=True)) == {
        ("loop", "ngram_repetition"),
        ("cut", "length"),
        ("cut", "format"),
    }

    again, stats = verify_responses(rows, build_verifiers(VerifySettings()), cache)
    assert sum(stats.computed.values()) == 0
    assert again.drop("verdict_key").equals(first.drop("verdict_key"))

    lenient = VerifySettings(rules=RuleSettings(max_repeated_fraction=0.99, max_ngram_count=999))
    changed, stats = verify_responses(rows, build_verifiers(lenient), cache)
    assert stats.computed == {"ngram_repetition": 3, **{n: 0 for n in RULE_NAMES[1:]}}
    loop_verdict = changed.filter(
        (pl.col("response_uid") == "loop") & (pl.col("verifier") == "ngram_repetition")
    )
    assert loop_verdict["passed"].item()


def test_bumping_a_verifier_version_recomputes_exactly_its_verdicts(tmp_path, monkeypatch):
    cache = VerdictCache(tmp_path)
    rows = responses()
    verify_responses(rows, build_verifiers(VerifySettings()), cache)
    before = build_response_verdicts(dg.StaticPartitionsDefinition(["demo"]))
    bumped = dataclasses.replace(VERIFIERS["format"], version="2")
    monkeypatch.setitem(VERIFIERS, "format", bumped)
    after = build_response_verdicts(dg.StaticPartitionsDefinition(["demo"]))
    key = dg.AssetKey("response_verdicts")
    # Dagster sees a new code version: the asset is stale, its upstream (the responses) is not
    assert before.code_versions_by_key[key] != after.code_versions_by_key[key]
    assert "format@2" in after.code_versions_by_key[key]

    verifiers = build_verifiers(VerifySettings())
    verifiers["format"] = dataclasses.replace(verifiers["format"], spec=bumped)
    verdicts, stats = verify_responses(rows, verifiers, cache)
    assert stats.computed == {"format": 3, **{n: 0 for n in RULE_NAMES if n != "format"}}
    assert set(verdicts.filter(pl.col("verifier") == "format")["version"]) == {"2"}


def test_a_crash_mid_verification_keeps_the_finished_chunks(tmp_path):
    cache = VerdictCache(tmp_path)
    rows = [
        r | {"response_uid": f"{r['response_uid']}{i}", "answer": f"{r['answer']} ({i})"}
        for i in range(4)
        for r in responses()
    ]
    calls: list[int] = []

    def judge_then_crash(batch: list[dict]):
        calls.append(len(batch))
        if len(calls) == 3:
            raise RuntimeError("worker died")
        return [dataclasses.replace(verifiers["length"].run([r])[0]) for r in batch]

    verifiers = build_verifiers(VerifySettings())
    spec = VERIFIERS["length"]
    flaky = Verifier(spec, {}, verifiers["length"].inputs, judge_then_crash, chunk=5)
    with pytest.raises(RuntimeError, match="worker died"):
        verify_responses(rows, {"length": flaky}, cache)
    assert cache.count() == 10  # two chunks of five were stored before the crash

    calls.clear()
    healthy = Verifier(spec, {}, verifiers["length"].inputs, verifiers["length"].run, chunk=5)
    verdicts, stats = verify_responses(rows, {"length": healthy}, cache)
    assert stats.computed == {"length": 2} and stats.cached == {"length": 10}
    assert verdicts.height == 12
    stored = cache.read_all()
    assert stored.height == 12 and stored["writes"].max() == 1  # no verdict computed twice


def test_acceptance_needs_every_verdict_and_a_domain_verifier(tmp_path):
    rows = responses()
    verdicts, _ = verify_responses(rows, build_verifiers(VerifySettings()), VerdictCache(tmp_path))
    frame = pl.DataFrame(rows)
    # rules alone never accept: no verifier of the domain ran
    decided = decide(frame, verdicts)
    assert not decided["accepted"].any()
    good = decided.filter(pl.col("response_uid") == "good")
    assert "no verifier for its domain" in good["rejection_reason"].item()

    math_pass = verdicts.filter(pl.col("verifier") == "length").with_columns(
        verifier=pl.lit("math_verify"), kind=pl.lit("verifier"), passed=pl.lit(True)
    )
    decided = decide(frame, pl.concat([verdicts, math_pass]))
    assert decided.filter(pl.col("accepted"))["response_uid"].to_list() == ["good"]
    rejected = rejected_rows(decided)
    reasons = dict(zip(rejected["response_uid"], rejected["rejection_reason"], strict=True))
    assert reasons["cut"].startswith("length: truncated")
    assert "ngram_repetition" in reasons["loop"]

    accepted = verified_rows(decided, pl.concat([verdicts, math_pass]))
    messages = accepted["messages"].item()
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assistant = messages[1]
    assert (
        assistant["content"].startswith("<think>\n")
        and "</think>\n<answer>" in (assistant["content"])
    )
    assert assistant["info"]["reference_answer"] == "4"
    assert assistant["info"]["answer_content"] == "The remainder is $\\boxed{4}$."
    assert accepted["passed_verifiers"].item()[-1] == "math_verify"


def test_verdicts_older_than_the_responses_are_not_trusted(tmp_path):
    rows = responses()[:1]
    judged = pl.DataFrame(rows).with_columns(reference_answer=pl.lit(None, pl.String))
    verdicts, _ = verify_responses(
        judged.to_dicts(), build_verifiers(VerifySettings()), VerdictCache(tmp_path)
    )
    judge_pass = verdicts.filter(pl.col("verifier") == "length").with_columns(
        verifier=pl.lit("llm_judge"), kind=pl.lit("model"), passed=pl.lit(True)
    )
    other = judge_pass.with_columns(response_uid=pl.lit("other"), verifier=pl.lit("math_verify"))
    stale = pl.concat([verdicts, judge_pass, other])
    # judged while the problem had no reference answer: accepted on the judge's word
    assert decide(judged, stale)["accepted"].item()
    # the problem gained a reference answer since: math-verify must judge it first
    decided = decide(pl.DataFrame(rows), stale)
    assert not decided["accepted"].item()
    assert decided["missing_verifiers"].item().to_list() == ["math_verify"]
    assert "no verdict from math_verify" in decided["rejection_reason"].item()
    # a response whose problem vanished from raw_problems is never accepted
    orphan = decide(judged.with_columns(problem=pl.lit(None, pl.String)), stale)
    assert not orphan["accepted"].item()
    assert "not in raw_problems" in orphan["rejection_reason"].item()


def test_exported_test_cases_read_back_as_the_same_tests():
    from r1_assets.catalog.am_rows import am_test_case
    from r1_assets.catalog.formats import io_tests

    def case(kind, input_, output=None, fn_name=None):
        return {"kind": kind, "input": input_, "output": output, "fn_name": fn_name}

    stdio = [case("stdio", "1 2\n", "3\n"), case("stdio", "5 7\n", "12\n")]
    call = [case("call", "[1, 2]", "3", "add"), case("call", '[[1], "a"]', '["a"]', "add")]
    mixed = [case("assert", "assert add(1, 2) == 3"), *call]
    for tests in (stdio, call, mixed):
        exported = am_test_case(tests)
        back = io_tests(json.loads(exported), "test_case", None)
        assert [case(t["kind"], t["input"], t["output"], t["fn_name"]) for t in back] == [
            case(t["kind"], t["input"], t["output"], t["fn_name"]) for t in tests
        ]
    assert json.loads(am_test_case(stdio)) == {
        "inputs": ["1 2\n", "5 7\n"],
        "outputs": ["3\n", "12\n"],
    }
    assert am_test_case([]) is None


def test_machinery_failures_are_not_cached(tmp_path):
    from r1_assets.verify.rules import Check

    cache = VerdictCache(tmp_path)
    rows = [r | {"domain": "chat", "answer": f"answer {i}"} for i, r in enumerate(responses()[:2])]
    calls = []

    def unreachable_judge(batch):
        calls.append(len(batch))
        return [Check(False, None, "judge call failed (HTTP 503)", False) for _ in batch]

    judge = Verifier(
        VERIFIERS["llm_judge"], {}, lambda r: {"a": r.get("answer")}, unreachable_judge
    )
    for _ in range(2):
        verdicts, stats = verify_responses(rows, {"llm_judge": judge}, cache)
        assert stats.computed == {"llm_judge": 2} and stats.uncached == {"llm_judge": 2}
    assert calls == [2, 2] and cache.read_all().is_empty()
    assert not verdicts["passed"].any()


def test_the_cascade_pays_math_verify_only_for_responses_every_rule_passed(tmp_path):
    from r1_assets.verify.math_answer import MathVerifier

    rows = responses()  # good, loop (fails ngram_repetition), cut (truncated: rules only)
    with MathVerifier(workers=1, timeout_s=5.0) as math:
        verifiers = build_verifiers(VerifySettings(), math_verifier=lambda: math)
        cascaded, stats = verify_responses(rows, verifiers, VerdictCache(tmp_path / "a"))
        full, full_stats = verify_responses(
            rows, verifiers, VerdictCache(tmp_path / "b"), cascade=False
        )
    judged = cascaded.filter(pl.col("verifier") == "math_verify")
    assert judged["response_uid"].to_list() == ["good"] and judged["passed"].all()
    assert stats.computed["math_verify"] == 1 and stats.skipped == {"math_verify": 1}
    assert "skipped" in stats.table(cascaded).columns
    # without the cascade the looping response is verified too (its answer is right)
    everything = full.filter(pl.col("verifier") == "math_verify")
    assert sorted(everything["response_uid"]) == ["good", "loop"] and not full_stats.skipped

    frame = pl.DataFrame(rows)
    for verdicts in (cascaded, full):
        decided = {r["response_uid"]: r for r in decide(frame, verdicts).iter_rows(named=True)}
        assert decided["good"]["accepted"]
        # rejected for the rule, and not reported as missing a math_verify verdict
        assert not decided["loop"]["accepted"] and decided["loop"]["missing_verifiers"] == []
        assert decided["loop"]["rejection_reason"].startswith("ngram_repetition")


def test_what_math_verify_cannot_decide_goes_to_the_math_judge(tmp_path):
    from r1_assets.resources import LLMResource
    from r1_assets.verify.math_answer import MathVerifier
    from r1_assets_tests.conftest import MODELS_DIR

    def row(uid: str, reference: str, boxed: str) -> dict:
        answer = f"So the answer is $\\boxed{{{boxed}}}$."
        content = f"<think>\n{REASONING}\n</think>\n{answer}"
        base = responses()[0] | {"response_uid": uid, "reference_answer": reference}
        return base | {"answer": answer, "content": content}

    rows = [
        row("decided", "4", "4"),  # math-verify decides: equal
        row("wrong", "4", "5"),  # math-verify decides: one expression, different
        row("text", "\\text{Monday}", "\\text{Tuesday}"),  # a text reference: not trusted
        row("several", "2, 3", "2 \\text{ or } 4"),  # several answers: not trusted
        row("empty", "4", "\\text{}"),  # nothing math-verify can parse
        row("huge", "4", "+".join(["1"] * 10_001)),  # over its size bound: rejected, not judged
    ]
    judge = LLMResource(
        backend="transformers", models_dir=str(MODELS_DIR), cache_dir=str(tmp_path / "llm")
    )
    open_ = {"text", "several", "empty"}
    with MathVerifier(workers=1, timeout_s=5.0) as math:
        for with_judge in (True, False):
            verifiers = build_verifiers(
                VerifySettings(), math_verifier=lambda: math, judge=judge if with_judge else None
            )
            cache = VerdictCache(tmp_path / f"verdicts-{with_judge}")
            verdicts, stats = verify_responses(rows, verifiers, cache)
            by = {(r["response_uid"], r["verifier"]): r for r in verdicts.iter_rows(named=True)}
            undecided = {
                u for (u, v), r in by.items() if v == "math_verify" and r["passed"] is None
            }
            assert undecided == open_
            assert by[("decided", "math_verify")]["passed"] is True
            assert by[("wrong", "math_verify")]["passed"] is False
            assert "not trusted" in by[("several", "math_verify")]["detail"]
            judged = {u for u, v in by if v == "math_judge"}
            assert judged == (open_ if with_judge else set())
            assert stats.table(verdicts).filter(pl.col("verifier") == "math_verify")[
                "undecided"
            ].item() == len(open_)
            decided = {
                r["response_uid"]: r
                for r in decide(pl.DataFrame(rows), verdicts).iter_rows(named=True)
            }
            assert decided["decided"]["accepted"] and not decided["wrong"]["accepted"]
            assert by[("huge", "math_verify")]["passed"] is False
            for uid in open_:
                if with_judge:  # the judge decides, and its verdict row says so
                    verdict = by[(uid, "math_judge")]
                    assert decided[uid]["accepted"] is verdict["passed"]
                    assert ("math_judge" in decided[uid]["passed_verifiers"]) is verdict["passed"]
                    assert decided[uid]["missing_verifiers"] == []
                else:
                    assert not decided[uid]["accepted"]
                    reason = decided[uid]["rejection_reason"]
                    assert "math_verify could not decide" in reason and "no judge decided" in reason
    # a rerun asks the judge nothing: its verdicts are cached
    verifiers = build_verifiers(VerifySettings(), math_verifier=lambda: None, judge=judge)
    _, stats = verify_responses(rows, verifiers, VerdictCache(tmp_path / "verdicts-True"))
    assert stats.cached["math_judge"] == len(open_) and stats.computed["math_judge"] == 0
