"""GPQA: four options shown in a deterministic per-item order, scored by the correct letter;
the parser beside its column map."""

from __future__ import annotations

import hashlib
import random

from r1_assets.catalog.kernel import Row, RowError
from r1_assets.catalog.schema import clean_text, problem_uid
from r1_assets.evaluate.benchmarks.items import (
    CHOICE_LETTERS,
    BenchmarkFormat,
    ParsedItem,
    problem_text,
)

# GPQA asks for the letter the way math asks for the answer, so one extractor (the last \boxed{})
# serves both.
CHOICE_PROMPT = (
    "{question}\n\n{options}\n\nPlease reason step by step, and put the letter of the correct "
    "option (A, B, C or D) within \\boxed{{}}."
)


def gpqa_order(item_id: str) -> list[int]:
    """The deterministic option order of one GPQA item: position -> original option (0 is the
    correct answer). Seeded by a hash of the item id, not Python's salted ``hash``, so every
    process, machine and rerun shows the same letters."""
    seed = int.from_bytes(hashlib.sha256(f"gpqa-options:{item_id}".encode()).digest()[:8], "big")
    order = list(range(4))
    random.Random(seed).shuffle(order)
    return order


def parse_gpqa(row: Row) -> ParsedItem:
    question = problem_text(row, "question")
    options: list[str] = []
    for role in ("correct", "incorrect_1", "incorrect_2", "incorrect_3"):
        text = row.scalar_text(role)
        if text is None or not text.strip():
            reason = "missing_answer" if role == "correct" else "missing_field"
            raise RowError(reason, row.column(role), "the option is absent or empty")
        options.append(clean_text(text))
    if len(set(options)) < 4:  # two equal options make the letter ambiguous
        raise RowError(
            "malformed_field", row.column("correct"), "the four options are not distinct"
        )
    item_id = row.scalar_text("id") or problem_uid(question)
    order = gpqa_order(item_id)
    choices = [options[i] for i in order]
    listing = "\n".join(
        f"{letter}) {text}" for letter, text in zip(CHOICE_LETTERS, choices, strict=True)
    )
    return ParsedItem(
        problem=question,
        prompt=CHOICE_PROMPT.format(question=question, options=listing),
        item_id=item_id,
        reference=CHOICE_LETTERS[order.index(0)],
        choices=choices,
        metadata={
            "domain": row.meta("domain"),
            "subdomain": row.meta("subdomain"),
            "option_order": order,
        },
    )


GPQA = BenchmarkFormat(
    "gpqa",
    "GPQA (Idavidrein/gpqa CSV): Question, Correct Answer, Incorrect Answer 1-3; options "
    "shuffled deterministically per item, reference = the correct letter",
    {
        "id": "Record ID",
        "question": "Question",
        "correct": "Correct Answer",
        "incorrect_1": "Incorrect Answer 1",
        "incorrect_2": "Incorrect Answer 2",
        "incorrect_3": "Incorrect Answer 3",
        "domain": "High-level domain",
        "subdomain": "Subdomain",
    },
    parse_gpqa,
    fallbacks={
        "id": ("id", "record_id"),
        "question": ("question",),
        "correct": ("correct_answer",),
        "incorrect_1": ("incorrect_answer_1",),
        "incorrect_2": ("incorrect_answer_2",),
        "incorrect_3": ("incorrect_answer_3",),
        "domain": ("high_level_domain",),
        "subdomain": ("subdomain",),
    },
    scorer="choice",
)
