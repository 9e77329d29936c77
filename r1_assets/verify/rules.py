"""Rule-based checks on one response: cheap, deterministic, applied to every domain.

Each rule is a plain function ``(response, settings) -> Check``. ``response`` is a row of
``distilled_responses`` joined with its problem text (keys content, think, answer, finish_reason,
completion_tokens, error, domain, problem). A rule that rejects says exactly why in ``detail``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from r1_assets.text.language import detect_language, prose


@dataclass(frozen=True)
class Check:
    passed: bool | None  # None: undecided, for a fallback verifier (verdicts.FALLBACKS) to decide
    score: float | None
    detail: str
    # False for a failure of the machinery, not of the response (a judge call that failed, a
    # sandbox that did not start): never cached, so a rerun tries again
    cacheable: bool = True


DEFAULT_SAFETY_PATTERNS: dict[str, str] = {
    # Deliberately narrow: a rule set catches the unambiguous cases, a classifier (the
    # safety_classifier resource) the rest. Users replace or extend these in the run config.
    "private_key": r"-----BEGIN (?:RSA |EC |DSA |OPENSSH )?PRIVATE KEY-----",
    "destructive_shell": r"\brm\s+-(?:rf|fr)\s+(?:--no-preserve-root\s+)?/(?:\s|$|\*)"
    r"|:\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:",
    "weapons": r"\b(?:how to|steps to|instructions (?:for|to))\s+(?:make|build|synthesi[sz]e)\s+"
    r"(?:a\s+)?(?:pipe bomb|nerve agent|sarin|bioweapon|explosive device)",
    "credentials": r"\b(?:AKIA[0-9A-Z]{16}|sk-[A-Za-z0-9]{32,}|ghp_[A-Za-z0-9]{36})\b",
}


class RuleSettings(BaseModel):
    """The thresholds of the rule checks (``VerifyConfig`` inherits them as run config)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Long n-grams: a looping generation repeats n-grams of every length (a loop of period p
    # repeats every n-gram once the text is n + p tokens long), while honest reasoning repeats
    # short phrases and formulas ("= \frac{1}{2}", "let me check") but rarely 20 tokens in a row.
    ngram_n: int = Field(
        default=20,
        description="n of the repetition check's n-grams (tokens: words, numbers, punctuation; "
        "a character of CJK/Thai script)",
    )
    max_repeated_fraction: float = Field(
        default=0.25, description="share of n-grams repeating an earlier one"
    )
    max_ngram_count: int | None = Field(
        default=None, description="most any single n-gram may occur (null: no cap)"
    )
    min_answer_chars: int = Field(default=1, description="shortest accepted answer, in characters")
    max_chars: int = Field(default=200_000, description="longest accepted response, in characters")
    max_completion_tokens: int | None = Field(
        default=None, description="most completion tokens a response may use (null: no cap)"
    )
    require_boxed_math: bool = Field(default=True, description="a math answer needs \\boxed{}")
    require_code_block: bool = Field(
        default=True, description="code problems with tests need a fenced program"
    )
    max_foreign_script: float = Field(
        default=0.05, description="share of letters in another script than the problem's"
    )
    language_min_probability: float = Field(
        default=0.95,
        description="how sure the language identifier must be of both texts to compare them",
    )
    language_min_letters: int = Field(
        default=80, description="letters of distinct words needed to identify a language"
    )
    safety_patterns: dict[str, str] = Field(
        default=DEFAULT_SAFETY_PATTERNS, description="category -> regex; a match rejects"
    )


# --- n-gram repetition --------------------------------------------------------------------------

_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "THAI")


def tokens(text: str) -> list[str]:
    """Words and punctuation; characters of scripts written without spaces count one each."""
    out = []
    for token in _WORD.findall(text.lower()):
        if len(token) > 1 and _script(token[0]) in _UNSPACED:
            out.extend(token)
        else:
            out.append(token)
    return out


def ngram_repetition(response: dict, settings: RuleSettings) -> Check:
    """Repetition inside the reasoning. Not across reasoning and answer: R1's answer restates
    the reasoning's conclusion by design (an AM row's answer often repeats whole derivation
    lines of its think block)."""
    text = response.get("think") or response.get("answer") or response.get("content") or ""
    words = tokens(text)
    n = settings.ngram_n
    if len(words) < n:
        return Check(True, 0.0, f"fewer than {n} tokens")
    grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
    counts = Counter(grams)
    repeated = 1 - len(counts) / len(grams)
    top, top_count = counts.most_common(1)[0]
    cap = settings.max_ngram_count
    passed = repeated <= settings.max_repeated_fraction and (cap is None or top_count <= cap)
    shown = " ".join(top)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    detail = (
        f"{repeated:.0%} of {n}-grams repeat an earlier one (max "
        f"{settings.max_repeated_fraction:.0%}); most frequent {shown!r} x{top_count}"
        + (f" (max {cap})" if cap is not None else "")
    )
    return Check(passed, round(repeated, 4), detail)


# --- length -------------------------------------------------------------------------------------


def length(response: dict, settings: RuleSettings) -> Check:
    finish = response.get("finish_reason")
    content = response.get("content") or ""
    tokens_used = response.get("completion_tokens")
    score = float(tokens_used if tokens_used is not None else len(content))
    if finish == "error":
        return Check(False, None, f"generation failed: {(response.get('error') or '')[:200]}")
    if finish == "length":
        return Check(False, score, f"truncated: hit max_tokens after {tokens_used} tokens")
    if len(content) > settings.max_chars:
        return Check(False, score, f"{len(content):,} chars > max {settings.max_chars:,}")
    limit = settings.max_completion_tokens
    if limit is not None and tokens_used is not None and tokens_used > limit:
        return Check(False, score, f"{tokens_used} tokens > max {limit}")
    answer = (response.get("answer") or "").strip()
    if len(answer) < settings.min_answer_chars:
        return Check(False, score, f"answer has {len(answer)} chars < {settings.min_answer_chars}")
    return Check(True, score, f"{int(score)} {'tokens' if tokens_used is not None else 'chars'}")


# --- format -------------------------------------------------------------------------------------

_FENCE = re.compile(r"```[^\n`]*\n.*?```", re.S)


def format_check(response: dict, settings: RuleSettings) -> Check:
    content = response.get("content") or ""
    think, answer = response.get("think"), (response.get("answer") or "").strip()
    problems = []
    closes = len(re.findall(r"</think>", content, re.I))
    if closes == 0:
        problems.append("no closed <think> block")
    elif closes > 1:
        problems.append(f"{closes} </think> tags")
    elif not (think or "").strip():
        problems.append("empty <think> block")
    if closes and not answer:
        problems.append("nothing after </think>")
    if answer and "<think>" in answer.lower():
        problems.append("<think> inside the answer")
    domain = response.get("domain")
    if answer and domain == "math" and settings.require_boxed_math and "\\boxed" not in answer:
        problems.append("math answer without \\boxed{}")
    if (
        answer
        and domain == "code"
        and settings.require_code_block
        and response.get("has_tests")
        and not _FENCE.search(answer)
    ):
        problems.append("code answer without a fenced program")
    if problems:
        return Check(False, 0.0, "; ".join(problems))
    return Check(True, 1.0, "closed <think> block, then an answer")


# --- language mixing ----------------------------------------------------------------------------

# Greek letters are math symbols far more often than Greek prose, and MATHEMATICAL letters
# (𝑥, 𝔽) are symbols: neither counts as a script.
_IGNORED_SCRIPTS = {"GREEK", "MATHEMATICAL"}
# Written Japanese mixes Han and kana in every sentence: one script group for the mixing check
_SCRIPT_GROUPS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "FULLWIDTH": "LATIN"}
_LETTERS = re.compile(r"[^\W\d_]+")
HOME_SHARE = 0.2  # a script with this share of the problem's letters is one of its scripts


@cache
def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith("CJK"):
        return "CJK"
    first = name.split(" ", 1)[0]
    return _SCRIPT_GROUPS.get(first, first)


def scripts(text: str) -> Counter:
    """Letters per script. One- and two-letter Latin runs are variables and units (x, dx, cm)
    in any language, not words: they are not counted."""
    counts: Counter = Counter()
    for run in _LETTERS.findall(prose(text)):
        if run.isascii():  # the common case, decided without looking at each letter
            if len(run) > 2:
                counts["LATIN"] += len(run)
            continue
        for char in run:
            script = _script(char)
            if script in _IGNORED_SCRIPTS or (script == "LATIN" and len(run) <= 2):
                continue
            counts[script] += 1
    return counts


def language_mixing(response: dict, settings: RuleSettings) -> Check:
    """The R1-Zero failure: reasoning that drifts into another language or script than the
    problem's. Two signals: letters of a script the problem does not use, and (for long enough,
    confidently identified texts) a different language."""
    problem = response.get("problem") or ""
    text = " ".join(part for part in (response.get("think"), response.get("answer")) if part)
    problem_scripts, text_scripts = scripts(problem), scripts(text)
    letters = sum(text_scripts.values())
    if not letters:
        return Check(True, 0.0, "no prose to compare")
    total = sum(problem_scripts.values())
    home = {s for s, n in problem_scripts.items() if n >= HOME_SHARE * total} or {"LATIN"}
    shown = "/".join(sorted(home))
    foreign = {s: n for s, n in text_scripts.items() if s not in home}
    share = sum(foreign.values()) / letters
    if share > settings.max_foreign_script:
        top = ", ".join(f"{s} {n}" for s, n in Counter(foreign).most_common(3))
        return Check(
            False,
            round(share, 4),
            f"{share:.0%} of letters not {shown} ({top}); the problem is in {shown}",
        )
    # langid is confidently wrong on repetitive text ("Let me check again." x40 is Italian):
    # identify only texts with enough distinct words
    distinct = set(re.findall(r"[^\W\d_]+", prose(text).lower()))
    if sum(map(len, distinct)) >= settings.language_min_letters:
        p_lang, p_prob = detect_language(problem)
        t_lang, t_prob = detect_language(text)
        confident = min(p_prob, t_prob) >= settings.language_min_probability
        if confident and "und" not in (p_lang, t_lang) and p_lang != t_lang:
            return Check(
                False,
                round(share, 4),
                f"problem in {p_lang} ({p_prob:.2f}), response in {t_lang} ({t_prob:.2f})",
            )
    return Check(True, round(share, 4), f"{share:.1%} of letters outside {shown}")


# --- safety -------------------------------------------------------------------------------------


def safety(response: dict, settings: RuleSettings) -> Check:
    content = response.get("content") or ""
    hits = [
        category
        for category, pattern in settings.safety_patterns.items()
        if re.search(pattern, content, re.I)
    ]
    if hits:
        return Check(False, 1.0, f"matched safety rule(s): {', '.join(hits)}")
    return Check(True, 0.0, f"no match among {len(settings.safety_patterns)} rules")


# what each rule reads of a response, and of the settings: its verdicts are recomputed only
# when one of these changes
_TEXT = ("content", "think", "answer")
RULE_INPUTS: dict[str, tuple[str, ...]] = {
    "ngram_repetition": _TEXT,
    "length": (*_TEXT, "finish_reason", "completion_tokens", "error"),
    "format": (*_TEXT, "domain", "has_tests"),
    "language_mixing": (*_TEXT, "problem"),
    "safety": _TEXT,
}
RULE_SETTINGS: dict[str, tuple[str, ...]] = {
    "ngram_repetition": ("ngram_n", "max_repeated_fraction", "max_ngram_count"),
    "length": ("min_answer_chars", "max_chars", "max_completion_tokens"),
    "format": ("require_boxed_math", "require_code_block"),
    "language_mixing": ("max_foreign_script", "language_min_probability", "language_min_letters"),
    "safety": ("safety_patterns",),
}

RULES = {
    "ngram_repetition": ngram_repetition,
    "length": length,
    "format": format_check,
    "language_mixing": language_mixing,
    "safety": safety,
}
