from __future__ import annotations

import pytest

from r1_assets.llm.types import Completion
from r1_assets.verify.judge import ATTRIBUTES, JudgeSettings, judge_requests, judge_verdict
from r1_assets.verify.rules import (
    RuleSettings,
    format_check,
    language_mixing,
    length,
    ngram_repetition,
    safety,
)

S = RuleSettings()
REASONING = (
    "We need the remainder of 3^100 modulo 7. The powers of three cycle with period six, "
    "because 3^6 is congruent to 1 by Fermat's little theorem. Since 100 leaves remainder "
    "four after division by six, the answer is 3^4 = 81, which is 4 modulo 7."
)


def response(**changes) -> dict:
    row = {
        "content": f"<think>\n{REASONING}\n</think>\nThe remainder is $\\boxed{{4}}$.",
        "think": REASONING,
        "answer": "The remainder is $\\boxed{4}$.",
        "finish_reason": "stop",
        "completion_tokens": 80,
        "error": None,
        "domain": "math",
        "problem": "What is the remainder when $3^{100}$ is divided by $7$?",
        "has_tests": False,
    }
    return row | changes


def test_a_clean_response_passes_every_rule():
    row = response()
    for rule in (ngram_repetition, length, format_check, language_mixing, safety):
        check = rule(row, S)
        assert check.passed, (rule.__name__, check.detail)


def test_ngram_repetition_rejects_a_degenerate_loop_and_names_it():
    loop = "Let me check the sum again. " * 30
    check = ngram_repetition(response(think=REASONING + " " + loop), S)
    assert not check.passed
    assert "let me check the sum again" in check.detail
    assert check.score > 0.5
    # the thresholds are the user's: a lenient setting lets it through
    lenient = RuleSettings(max_repeated_fraction=0.99)
    assert ngram_repetition(response(think=REASONING + " " + loop), lenient).passed


def test_ngram_repetition_lets_long_reasoning_repeat_its_formulas():
    steps = " ".join(
        f"Step {i}: substitute x = {i} into f(x) = \\frac{{1}}{{2}} x^2 + {i}, so f({i}) = "
        f"\\frac{{1}}{{2}} \\cdot {i * i} + {i} = {i * i / 2 + i}. Let me check that again."
        for i in range(40)
    )
    check = ngram_repetition(response(think=steps), S)
    assert check.passed, check.detail


def test_ngram_repetition_counts_characters_of_unspaced_scripts():
    loop = "我们需要再检查一遍答案" * 20
    check = ngram_repetition(response(think=loop, answer="答案是4"), S)
    assert not check.passed


def test_length_rejects_truncated_failed_and_oversized_responses():
    truncated = length(response(finish_reason="length", completion_tokens=256), S)
    assert not truncated.passed and "truncated" in truncated.detail
    failed = length(response(finish_reason="error", error="HTTP 500"), S)
    assert not failed.passed and "HTTP 500" in failed.detail
    capped = length(response(completion_tokens=5000), RuleSettings(max_completion_tokens=4096))
    assert not capped.passed and "5000 tokens" in capped.detail
    assert not length(response(answer="  "), S).passed


def test_format_needs_a_closed_think_block_an_answer_and_a_boxed_math_answer():
    unclosed = format_check(response(content="<think>\nstill thinking", answer=None), S)
    assert not unclosed.passed and "no closed <think>" in unclosed.detail
    unboxed = format_check(response(answer="The remainder is 4."), S)
    assert not unboxed.passed and "\\boxed" in unboxed.detail
    twice = format_check(response(content="<think>a</think> b </think> c"), S)
    assert not twice.passed and "2 </think>" in twice.detail
    code = response(domain="code", has_tests=True, answer="Use a loop.")
    assert not format_check(code, S).passed
    fenced = code | {"answer": "```python\nprint(input())\n```"}
    assert format_check(fenced, S).passed


def test_language_mixing_catches_a_drift_into_another_script():
    mixed = REASONING + " 所以我们需要计算三的一百次方除以七的余数，答案是四。" * 3
    check = language_mixing(response(think=mixed), S)
    assert not check.passed
    assert "CJK" in check.detail and "LATIN" in check.detail
    # greek letters are math, not a language
    greek = REASONING + " Let α = 3 and β = 7, then α^6 ≡ 1 (mod β), π and θ are unused."
    assert language_mixing(response(think=greek), S).passed


def test_language_mixing_accepts_japanese_and_chinese_with_latin_variables():
    japanese = "次の方程式を解きなさい。二つの数の和は十で、差は四です。それぞれの数を求めなさい。"
    reasoning = "二つの数を大きい数と小さい数とします。和は十、差は四なので、大きい数は七です。"
    check = language_mixing(
        response(problem=japanese, think=reasoning, answer="答えは七と三です。"), S
    )
    assert check.passed, check.detail
    chinese = "已知函数 f(x) = x^2 + 2x，求函数在区间上的最小值。"
    steps = "我们先对函数求导，得到 f'(x) = 2x + 2，令导数为零，得到 x = -1，所以最小值为 -1。"
    check = language_mixing(response(problem=chinese, think=steps, answer="最小值是 -1。"), S)
    assert check.passed, check.detail


def test_language_mixing_catches_another_language_in_the_same_script():
    german = (
        "Wir müssen den Rest von drei hoch hundert bei der Division durch sieben bestimmen. "
        "Die Potenzen wiederholen sich mit der Periode sechs, also ist der Rest gleich vier."
    )
    check = language_mixing(response(think=german, answer="Der Rest ist vier."), S)
    assert not check.passed
    assert "response in de" in check.detail


def test_safety_rules_are_configurable():
    key = "-----BEGIN RSA PRIVATE KEY-----\nMIIE..."
    check = safety(response(answer=key, content=key), S)
    assert not check.passed and "private_key" in check.detail
    custom = RuleSettings(safety_patterns={"forbidden_word": r"\bremainder\b"})
    assert not safety(response(), custom).passed
    assert safety(response(answer=key, content=key), custom).passed


def _completions(*texts: str) -> list[Completion]:
    return [Completion(text, "stop") for text in texts]


def test_the_judge_asks_one_question_per_attribute_and_gates_on_its_floors():
    settings = JudgeSettings()
    requests = judge_requests([response(domain="chat")], settings)
    assert len(requests) == len(ATTRIBUTES)
    assert all(r.sampling.temperature == 0.0 for r in requests)
    for attribute, request in zip(ATTRIBUTES, requests, strict=True):
        assert attribute in request.messages[0]["content"]
    good = judge_verdict(_completions("4", "5", "4/5", "2", "3"), settings)
    assert good.passed and good.score == round((4 + 5 + 4) / 15, 4)
    low = judge_verdict(_completions("2", "5", "4", "2", "3"), settings)
    assert not low.passed and "correctness 2 < 3" in low.detail
    garbage = judge_verdict(_completions("The response", "5", "4", "2", "3"), settings)
    assert not garbage.passed and "unreadable rating" in garbage.detail
    failed = [Completion("", "error", error="timeout"), *_completions("5", "4", "2", "3")]
    verdict = judge_verdict(failed, settings)
    assert "judge call failed" in verdict.detail and not verdict.cacheable  # retried next run
    # a failed call on an attribute that does not gate is recorded, not a rejection
    recorded = [*_completions("4", "4", "4"), Completion("", "error", error="503"), _c("3")]
    verdict = judge_verdict(recorded, settings)
    assert verdict.passed and "complexity ?" in verdict.detail
    with pytest.raises(ValueError, match="unknown attribute"):
        JudgeSettings(min_rating={"correctnes": 3})


def _c(text: str) -> Completion:
    return Completion(text, "stop")


def test_the_judge_sees_the_end_of_a_long_answer():
    settings = JudgeSettings(max_response_chars=100)
    long_answer = "x" * 500 + " FINAL ANSWER 42"
    request = judge_requests([response(answer=long_answer)], settings)[0]
    assert "FINAL ANSWER 42" in request.messages[0]["content"]
    assert "x" * 200 not in request.messages[0]["content"]
