"""The canonical problem schema every source is mapped onto, and the quarantine schema.

Ids tie every later asset to these rows: ``problem_uid`` is a hash of the normalized problem text
(the same text in two sources gets the same uid), ``source``/``source_row_id``/``source_revision``
say where the row came from.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import polars as pl

DOMAINS = ("math", "code", "science", "chat")

TEST_CASE_KINDS = ("stdio", "call", "assert")
"""How a test case runs: ``stdio`` feeds ``input`` on stdin and compares stdout with
``output``; ``call`` calls ``fn_name`` with the JSON-encoded argument list ``input`` and compares
the result with the JSON-encoded ``output``; ``assert`` runs the Python code ``input`` after the
solution (it raises on failure)."""

TEST_CASE_DTYPE = pl.Struct(
    {
        "kind": pl.String,
        "input": pl.String,
        "output": pl.String,
        "fn_name": pl.String,
        "split": pl.String,  # public / private / generated / official / example
    }
)

RESPONSE_DTYPE = pl.Struct(
    {
        "origin": pl.String,  # where in the source row the response came from, e.g. generations[2]
        "model": pl.String,
        "content": pl.String,
        "think": pl.String,
        "answer": pl.String,
        "verified": pl.Boolean,  # the source's own verdict, when it has one
    }
)

PROBLEM_SCHEMA = pl.Schema(
    {
        "problem_uid": pl.String,
        "source": pl.String,
        "source_row_id": pl.String,
        "source_revision": pl.String,
        "domain": pl.String,
        "problem": pl.String,
        "reference_answer": pl.String,
        "reference_solution": pl.String,
        "test_cases": pl.List(TEST_CASE_DTYPE),
        "responses": pl.List(RESPONSE_DTYPE),
        "metadata": pl.String,  # JSON object with the source's remaining fields of interest
    }
)

COLUMN_DESCRIPTIONS = {
    "problem_uid": "sha256 (128 bits, hex) of the normalized problem text; same text, same uid",
    "source": "catalog source name (the partition key)",
    "source_row_id": "the row's own id in its source, else file:line",
    "source_revision": "content hash of the records of the shard this row was read in (the "
    "commit, for a Hugging Face repo)",
    "domain": "math, code, science or chat",
    "problem": "the problem statement, cleaned (NFC, LF, no invisible characters)",
    "reference_answer": "final answer to verify against, when the source has one",
    "reference_solution": "worked solution or reference program, when the source has one",
    "test_cases": "runnable tests: kind (stdio|call|assert), input, output, fn_name, split",
    "responses": "reasoning the source shipped: origin, model, content, think, answer, verified",
    "metadata": "JSON of the source's other fields of interest, with the row's location",
    "location": "file:line (or file:row) of the bad input",
    "reason": "quarantine reason code",
    "field": "the column or catalog field at fault",
    "detail": "what exactly is wrong",
    "raw": "the start of the raw input",
    "raw_bytes": "size of the raw row in bytes",
}

QUARANTINE_REASONS = {
    "malformed_json": "the line is not valid JSON, or not a JSON object",
    "missing_field": "a required field is absent or null",
    "empty_problem": "the problem text is empty after cleaning",
    "wrong_type": "a field has the wrong type",
    "malformed_field": "a field's content cannot be parsed",
    "oversized": "the row or its problem text exceeds the configured limit",
    "duplicate_in_source": "the same record (same row id, same normalized problem) appeared "
    "earlier in this shard",
    "unknown_domain": "a row of a mixed-domain source whose origin has no domain_by_origin entry",
    "source_missing": "the catalog location matches no file",
    "source_unreadable": "a source file or dataset could not be read",
    "invalid_catalog_entry": "the catalog entry for this source is invalid",
}

QUARANTINE_SCHEMA = pl.Schema(
    {
        "source": pl.String,
        "source_row_id": pl.String,
        "location": pl.String,  # file:line (or file:row) of the bad input
        "reason": pl.String,  # one of QUARANTINE_REASONS
        "field": pl.String,
        "detail": pl.String,
        "raw": pl.String,  # the start of the raw input, for a human to look at
        "raw_bytes": pl.Int64,
    }
)

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s+")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def clean_text(text: str) -> str:
    """Tidy text for storage without changing what it says: unicode NFC, LF line ends, no
    invisible or control characters, no trailing spaces, no surrounding blank space."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", _INVISIBLE.sub("", text))
    return _TRAILING_SPACE.sub("\n", text).strip()


def normalize_problem_text(text: str) -> str:
    """The key exact deduplication works on: NFKC, case-folded, whitespace collapsed.

    Two texts that differ only in spacing, line breaks, letter case or unicode compatibility forms
    (full-width digits, ligatures) normalize to the same string; a changed number does not.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", _INVISIBLE.sub("", text))
    return _WHITESPACE.sub(" ", text).strip().casefold()


def problem_uid(text: str) -> str:
    """128-bit hex id of the normalized problem text."""
    return hashlib.sha256(normalize_problem_text(text).encode("utf-8")).hexdigest()[:32]


_THINK_OPEN = re.compile(r"<think>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</think>", re.IGNORECASE)
_ANSWER_TAGS = re.compile(r"^\s*<answer>\s*(.*?)\s*</answer>\s*$", re.DOTALL | re.IGNORECASE)


def think_closed(text: str) -> bool:
    """Whether a response closed its reasoning (``</think>``): the first thing SFT on R1 traces
    teaches, and the first thing to check when a student's accuracy is low."""
    return _THINK_CLOSE.search(text) is not None


def split_think(text: str) -> tuple[str | None, str | None]:
    """Split an R1-style response into (reasoning, answer).

    ``<think>…</think>answer`` gives both parts; a response with only a closing ``</think>`` (R1's
    chat template puts the opening tag in the prompt) counts everything before it as reasoning.
    An ``<answer>…</answer>`` wrapper around the answer is removed. No tags: no reasoning. An
    opening tag that is never closed (the generation ran out of tokens) is all reasoning, no answer.
    """
    close = _THINK_CLOSE.search(text)
    if close is None:
        opening = _THINK_OPEN.search(text)
        if opening is not None:  # cut off mid-thought (finish_reason "length"): no answer yet
            return text[opening.end() :].strip(), None
        return None, _strip_answer_tags(text.strip())
    head = text[: close.start()]
    opening = _THINK_OPEN.search(head)
    think = head[opening.end() :] if opening else head
    return think.strip(), _strip_answer_tags(text[close.end() :].strip())


def _strip_answer_tags(answer: str) -> str:
    match = _ANSWER_TAGS.match(answer)
    return match.group(1) if match else answer
