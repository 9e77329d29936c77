"""LLM-as-a-judge: the five HelpSteer attributes (correctness, helpfulness, coherence, complexity,
verbosity), each asked as its own greedy, few-token question through the LLM resource (so every
judgement is cached like any LLM call and reproducible). Used where no reference answer or test
cases exist."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, model_validator

from r1_assets.llm.types import Completion, Request, Sampling, user
from r1_assets.text.rating import parse_level
from r1_assets.verify.rules import Check

ATTRIBUTES = ("correctness", "helpfulness", "coherence", "complexity", "verbosity")
_MEANING = {
    "correctness": "1 = wrong or misleading, 5 = fully correct and accurate",
    "helpfulness": "1 = does not address the request, 5 = answers it completely",
    "coherence": "1 = confused or self-contradictory, 5 = clear and logically consistent",
    "complexity": "1 = needs no expertise, 5 = needs deep domain expertise",
    "verbosity": "1 = terse, 5 = very long relative to what was asked",
}
JUDGE_PROMPT = (
    "You are grading an assistant's response to a user's request. Rate its {attribute} on a "
    "scale from 1 to 5 ({meaning}). Answer with the digit only.\n\n"
    "Request:\n{problem}\n\n{reference}Response:\n{response}\n\n{title} (1-5):"
)
# a reference answer the response should agree with (science rows often have one)
REFERENCE = "Reference answer (correct):\n{answer}\n\n"
JUDGE_SAMPLING = Sampling(temperature=0.0, top_p=1.0, max_tokens=8)


class JudgeSettings(BaseModel):
    """What the LLM judge sees and which ratings pass."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_rating: dict[str, int] = Field(
        default={"correctness": 3, "helpfulness": 3, "coherence": 3},
        description="attributes that gate acceptance -> lowest passing rating (1-5); the "
        "other attributes are recorded",
    )
    max_problem_chars: int = Field(
        default=4000, description="the judge sees the problem's first characters, up to this"
    )
    max_response_chars: int = Field(
        default=6000,
        description="the judge sees the answer and the end of the reasoning, up to this",
    )

    @model_validator(mode="after")
    def _known_attributes(self) -> JudgeSettings:
        unknown = sorted(set(self.min_rating) - set(ATTRIBUTES))
        if unknown:
            raise ValueError(f"judge_min_rating: unknown attribute(s) {unknown}; use {ATTRIBUTES}")
        bad = {a: r for a, r in self.min_rating.items() if not 1 <= r <= 5}
        if bad:
            raise ValueError(f"judge_min_rating: ratings are 1-5, got {bad}")
        return self


def judged_text(response: dict, settings: JudgeSettings) -> tuple[str, bool]:
    """What the judge reads: the final answer (the reasoning when there is none), clipped."""
    text = (response.get("answer") or "").strip() or (response.get("think") or "")
    clipped = len(text) > settings.max_response_chars
    return (text[-settings.max_response_chars :] if clipped else text), clipped


def judge_requests(responses: Sequence[dict], settings: JudgeSettings) -> list[Request]:
    """len(ATTRIBUTES) requests per response, in ATTRIBUTES order."""
    requests = []
    for response in responses:
        text, _ = judged_text(response, settings)
        problem = (response.get("problem") or "")[: settings.max_problem_chars]
        reference = response.get("reference_answer")
        for attribute in ATTRIBUTES:
            prompt = JUDGE_PROMPT.format(
                attribute=attribute,
                meaning=_MEANING[attribute],
                problem=problem,
                reference=REFERENCE.format(answer=reference) if reference else "",
                response=text,
                title=attribute.capitalize(),
            )
            requests.append(Request(user(prompt), JUDGE_SAMPLING))
    return requests


def judge_verdict(completions: Sequence[Completion], settings: JudgeSettings) -> Check:
    """One verdict from the len(ATTRIBUTES) answers about one response. An unreadable rating on
    a gating attribute rejects (with the reason); it is never guessed. A failed call on a gating
    attribute rejects too, but is not cached: the next run asks again."""
    ratings: dict[str, int | None] = {}
    problems = []
    failed_call = False
    for attribute, completion in zip(ATTRIBUTES, completions, strict=True):
        if not completion.ok:
            ratings[attribute] = None
            if attribute in settings.min_rating:
                failed_call = True
                problems.append(f"{attribute}: judge call failed ({completion.error})")
            continue
        ratings[attribute] = parse_level(completion.text)
        if ratings[attribute] is None and attribute in settings.min_rating:
            problems.append(f"{attribute}: unreadable rating {completion.text.strip()[:30]!r}")
    for attribute, floor in settings.min_rating.items():
        rating = ratings.get(attribute)
        if rating is not None and rating < floor:
            problems.append(f"{attribute} {rating} < {floor}")
    gating = [ratings[a] for a in settings.min_rating if ratings.get(a) is not None]
    score = round(sum(gating) / (5 * len(gating)), 4) if gating else None
    summary = ", ".join(f"{a} {r if r is not None else '?'}" for a, r in ratings.items())
    if problems:
        return Check(False, score, f"{'; '.join(problems)} ({summary})", not failed_call)
    return Check(True, score, summary)
