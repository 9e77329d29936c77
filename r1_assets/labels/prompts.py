"""The labeler's prompts and the parsers of its answers.

A label the model answers with garbage is recorded as unknown (null) beside the raw output — never
guessed. Labels are asked with greedy decoding and a few tokens: they are classifications, not
essays, and greedy makes them reproducible. Each question names its allowed answers
(``labeling``), which engines that can constrain decoding keep to; version 3 is the constrained
labeler.
"""

from __future__ import annotations

import re

LABELER_VERSION = "3"
CATEGORIES = ("math", "code", "science", "chat", "puzzle", "writing", "other")
PROBLEM_CHARS = 6000  # the labeler sees the start of very long statements

# The problem comes first, the question after it: the three prompts of one problem then share
# the problem as a prefix, which the engine computes once (labels 1.85x faster on 45 demo
# problems, 88.9 s -> 48.0 s). The category prompt keeps the words of version 1 ("the following
# problem", then a pointer back): worded for a problem above, SmolLM2 answered with prose and
# only 2 of 45 parsed (25 with this wording, 17 with version 1's problem-last prompt).
DIFFICULTY = (
    "Problem:\n{problem}\n\nRate the difficulty of the problem above for a strong high-school "
    "student on a scale from 1 to 5 (1 = very easy, 2 = easy, 3 = medium, 4 = hard, 5 = very "
    "hard, olympiad level). Answer with the digit only.\n\nDifficulty (1-5):"
)
CATEGORY = (
    "Problem:\n{problem}\n\nClassify the following problem into exactly one category: "
    + ", ".join(CATEGORIES)
    + ". Answer with the category name only.\n\nProblem: (see above)\n\nCategory:"
)
QUALITY = (
    "Problem:\n{problem}\n\nRate the quality of the problem statement above on a scale from 1 "
    "to 5 (1 = unclear, incomplete or ill-posed; 5 = clear, complete and well-posed). Answer "
    "with the digit only.\n\nQuality (1-5):"
)


def parse_category(output: str) -> str | None:
    """The first category name the answer uses as a word; None when there is none."""
    words = re.findall(r"[a-z]+", (output or "").lower()[:80])
    return next((w for w in words if w in CATEGORIES), None)
