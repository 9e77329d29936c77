"""Rows of ``distilled_responses``: teacher samples and the sources' own reasoning chains."""

from __future__ import annotations

import hashlib
import json

import polars as pl

from r1_assets.catalog.schema import split_think
from r1_assets.distill.recipe import THINK_PREFILL, user_prompt
from r1_assets.llm.types import Completion, Request, Sampling, user

RESPONSE_SCHEMA = pl.Schema(
    {
        "response_uid": pl.String,  # hash of (problem_uid, teacher, request key, sample_index)
        "problem_uid": pl.String,
        "source": pl.String,
        "source_row_id": pl.String,
        "source_revision": pl.String,
        "domain": pl.String,
        "origin": pl.String,  # teacher | source:<where in the source row>
        "teacher": pl.String,  # model id (teacher) or the model the source names
        "teacher_name": pl.String,  # the configured teacher's name, or the origin (source:…)
        "sample_index": pl.Int32,
        "prompt": pl.String,  # the user turn (null for source responses)
        "content": pl.String,  # the whole response, <think> block included
        "think": pl.String,
        "answer": pl.String,
        "finish_reason": pl.String,  # stop | length | error | source
        "prompt_tokens": pl.Int64,
        "completion_tokens": pl.Int64,
        "latency_s": pl.Float64,
        "sampling": pl.String,  # JSON of the sampling parameters
        "request_hash": pl.String,  # the LLM cache key
        "error": pl.String,
    }
)


def response_uid(problem_uid: str, teacher: str, sampling: str, sample_index: int) -> str:
    payload = json.dumps([problem_uid, teacher, sampling, sample_index])
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def distill_requests(
    problems: pl.DataFrame,
    n_samples: int,
    sampling: Sampling,
    prefill_think: bool = True,
    first_index: int = 0,
) -> tuple[list[Request], list[dict]]:
    """n_samples requests per problem row (problem, domain, test_cases), sample indices from
    ``first_index`` on, and for each request the problem row it belongs to."""
    requests, owners = [], []
    for row in problems.iter_rows(named=True):
        tests = row["test_cases"] or []
        fn_name = next((t["fn_name"] for t in tests if t.get("fn_name")), None)
        prompt = user_prompt(row["problem"], row["domain"], [t["kind"] for t in tests], fn_name)
        messages = user(prompt, THINK_PREFILL if prefill_think else "")
        for index in range(first_index, first_index + n_samples):
            requests.append(Request(messages, sampling, index))
            owners.append(row)
    return requests, owners


def teacher_rows(
    requests: list[Request],
    owners: list[dict],
    completions: list[Completion],
    teacher: str,
    teacher_name: str,
) -> pl.DataFrame:
    """``teacher`` is the model id, ``teacher_name`` the configured teacher's name."""
    rows = []
    for request, owner, completion in zip(requests, owners, completions, strict=True):
        sampling = json.dumps(request.sampling.fields(), sort_keys=True)
        think, answer = split_think(completion.text) if completion.ok else (None, None)
        rows.append(
            {
                # the request key covers the prompt too: another instruction, another uid
                "response_uid": response_uid(
                    owner["problem_uid"], teacher, request.key(teacher), request.sample_index
                ),
                "problem_uid": owner["problem_uid"],
                "source": owner["source"],
                "source_row_id": owner["source_row_id"],
                "source_revision": owner["source_revision"],
                "domain": owner["domain"],
                "origin": "teacher",
                "teacher": teacher,
                "teacher_name": teacher_name,
                "sample_index": request.sample_index,
                "prompt": request.messages[0]["content"],
                "content": completion.text if completion.ok else None,
                "think": think,
                "answer": answer,
                "finish_reason": completion.finish_reason,
                "prompt_tokens": completion.prompt_tokens,
                "completion_tokens": completion.completion_tokens,
                "latency_s": completion.latency_s,
                "sampling": sampling,
                "request_hash": request.key(teacher),
                "error": completion.error,
            }
        )
    return pl.DataFrame(rows, schema=RESPONSE_SCHEMA)


def source_rows(problems: pl.DataFrame) -> pl.DataFrame:
    """The reasoning chains the sources shipped, as rows of the same table (they meet the same
    verification as teacher samples)."""
    rows = []
    for row in problems.iter_rows(named=True):
        for index, response in enumerate(row["responses"] or []):
            content = response["content"] or ""
            think, answer = response["think"], response["answer"]
            if think is None and answer is None:
                think, answer = split_think(content)
            origin = f"source:{response['origin'] or index}"
            teacher = response["model"] or f"{row['source']} (unnamed)"
            rows.append(
                {
                    "response_uid": response_uid(row["problem_uid"], origin, teacher, index),
                    "problem_uid": row["problem_uid"],
                    "source": row["source"],
                    "source_row_id": row["source_row_id"],
                    "source_revision": row["source_revision"],
                    "domain": row["domain"],
                    "origin": origin,
                    "teacher": teacher,
                    "teacher_name": origin,
                    "sample_index": index,
                    "prompt": None,
                    "content": content,
                    "think": think,
                    "answer": answer,
                    "finish_reason": "source",
                    "prompt_tokens": None,
                    "completion_tokens": None,
                    "latency_s": None,
                    "sampling": None,
                    "request_hash": None,
                    "error": None,
                }
            )
    return pl.DataFrame(rows, schema=RESPONSE_SCHEMA)
