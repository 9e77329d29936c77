"""The LLM judge where math-verify cannot decide a math response.

math-verify decides most answers, but not all: an answer or a reference it cannot parse
(prose, an unusual notation, a truncated expression), a comparison past its time bound, and
references that are not one expression — a text answer ("Monday"), several answers ("2, 3",
"x = 1 or x = 2"), an interval against an inequality — where a "differs" says more about the
notation than about the answer. Rejecting those outright throws away correct responses (open-r1
saw the same and added a judge). Here math-verify's verdict on them is *undecided* (``passed``
null), and this judge decides instead: one greedy yes/no question comparing the response's final
answer with the reference, cached like every LLM call. Its verdict row names it (``math_judge``),
so a training row says which verifier accepted it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from r1_assets.llm.types import Completion, Request, Sampling, user
from r1_assets.text.answers import bare_reference, extract_final_answer
from r1_assets.verify.rules import Check

# a change here changes verdicts: bump math_judge's version in verdicts.MODEL_SPECS
MATH_JUDGE_PROMPT = (
    "You are checking a student's final answer to a math problem against the reference answer. "
    "Decide whether they are mathematically equivalent: the same value, set, interval or "
    "expression, possibly written differently. Answer with yes or no only.\n\n"
    "Problem:\n{problem}\n\nReference answer:\n{reference}\n\n"
    "Student's final answer:\n{answer}\n\nEquivalent (yes/no):"
)
MATH_JUDGE_SAMPLING = Sampling(temperature=0.0, top_p=1.0, max_tokens=4)
PROBLEM_CHARS = 3000
ANSWER_CHARS = 1000  # the final answer's end (an unboxed answer ends with its result); the
# reference's start

# what math-verify cannot be trusted to call different (it may call them equal, rightly)
_WORDS = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]{3,}")  # a word, not a \command or a variable
_LATEX_WORDS = re.compile(r"\\(?:text|textbf|mathrm|mbox|operatorname)\s*\{([^{}]*)\}")
_SEVERAL = re.compile(r"\\text\s*\{\s*(?:or|and)\s*\}|\b(?:or|and)\b|;")
_RELATION = re.compile(r"<|>|\\[lg]eq?\b|\\leqslant|\\geqslant|\\ne(?:q)?\b|\\cup|\\cap|\\infty")
# LaTeX commands' names, functions and units: words a formula or a number may carry
_MATH_WORDS = re.compile(
    r"(?:[dt]?frac|sqrt|pi|cdot|times|left|right|a?(?:sin|cos|tan|cot|sec|csc)|log|ln|exp|infty"
    r"|circ|deg|degrees|units|[cmk]?m|inch(?:es)?|feet|foot|meters?|begin|end|[pbv]?matrix|array"
    r"|cases)",
    re.IGNORECASE,
)
_INTERVAL = re.compile(
    r"^\s*(?:\\left\s*)?(?:\[.*,.*[\])]|\(.*,.*\])\s*$"
)  # [a, b], [a, b), (a, b]


def _top_level_commas(text: str) -> int:
    """Commas outside brackets that are not thousands separators (1,000)."""
    depth, count = 0, 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            thousands = (
                i > 0 and text[i - 1].isdigit() and re.match(r"\d{3}(?!\d)", text[i + 1 : i + 5])
            )
            count += not thousands
    return count


def not_one_expression(reference: str) -> str | None:
    """Why math-verify's "differs" is not trusted for this reference, or None when it is one
    expression (a number, a fraction, a formula, a tuple, a matrix)."""
    bare = bare_reference(reference or "")
    texts = " ".join(_LATEX_WORDS.findall(bare))
    words = [w for w in _WORDS.findall(_LATEX_WORDS.sub(" ", bare)) + _WORDS.findall(texts)]
    if any(not _MATH_WORDS.fullmatch(w) for w in words):
        return "the reference is text"
    if _SEVERAL.search(bare) or _top_level_commas(bare):
        return "the reference holds several answers"
    if _RELATION.search(bare) or _INTERVAL.match(bare):
        return "the reference is an interval or an inequality"
    return None


def final_answer(answer: str) -> str:
    """What the judge compares: the last boxed answer, else the end of the answer text."""
    boxed = extract_final_answer(answer or "")
    return (boxed if boxed is not None else (answer or "").strip())[-ANSWER_CHARS:]


def math_judge_requests(rows: Sequence[dict]) -> list[Request]:
    """One request per response (problem, reference_answer, answer)."""
    return [
        Request(
            user(
                MATH_JUDGE_PROMPT.format(
                    problem=(r.get("problem") or "")[:PROBLEM_CHARS],
                    # a reference math-verify found too long to parse is clipped, not sent whole
                    reference=bare_reference(r.get("reference_answer") or "")[:ANSWER_CHARS],
                    answer=final_answer(r.get("answer") or ""),
                )
            ),
            MATH_JUDGE_SAMPLING,
        )
        for r in rows
    ]


def math_judge_verdict(completion: Completion) -> Check:
    """yes passes, no fails; anything else is an unreadable answer, which rejects (never
    guessed); a failed call rejects without being cached, so the next run asks again."""
    if not completion.ok:
        return Check(False, None, f"judge call failed ({completion.error})", cacheable=False)
    words = re.findall(r"[a-z]+", completion.text.lower())
    said = words[0] if words else ""
    if said == "yes":
        return Check(True, 1.0, "the judge found the answer equivalent to the reference")
    if said == "no":
        return Check(False, 0.0, "the judge found the answer different from the reference")
    return Check(False, None, f"unreadable judge answer {completion.text.strip()[:30]!r}")
