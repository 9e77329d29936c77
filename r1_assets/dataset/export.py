"""The released SFT dataset: JSONL and Parquet in the AM-DeepSeek-R1-Distilled row shape, with a
dataset card, in a folder named by the content hash (same rows, same folder; nothing rewritten)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from r1_assets.text.markdown import markdown_table

LINEAGE = ("response_uid", "problem_uid", "source", "source_row_id", "source_revision")


@dataclass(frozen=True)
class Export:
    folder: Path
    content_hash: str
    rows: int

    @property
    def jsonl(self) -> Path:
        return self.folder / "train.jsonl"

    @property
    def parquet(self) -> Path:
        return self.folder / "train.parquet"

    @property
    def card(self) -> Path:
        return self.folder / "README.md"


def jsonl_lines(mixture: pl.DataFrame) -> list[str]:
    """One AM row per line: ``messages`` first (what trainers read), then the lineage ids."""
    lines = []
    for row in mixture.iter_rows(named=True):
        record = {"messages": row["messages"], **{k: row[k] for k in LINEAGE}}
        lines.append(json.dumps(record, ensure_ascii=False, sort_keys=False))
    return lines


def jsonl_payload(mixture: pl.DataFrame) -> bytes:
    lines = jsonl_lines(mixture)
    return ("\n".join(lines) + "\n").encode() if lines else b""


def content_hash(mixture: pl.DataFrame) -> str:
    """sha256 of the JSONL export: the dataset's identity in the card and in trained models."""
    return hashlib.sha256(jsonl_payload(mixture)).hexdigest()


def token_counter(tokenizer_path: str) -> Callable[[Sequence[str]], list[int]]:
    """Token counts of texts with a Hugging Face tokenizer (no special tokens), for
    :func:`token_stats`."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_path)

    def count(texts: Sequence[str]) -> list[int]:
        return [len(ids) for ids in tokenizer(list(texts), add_special_tokens=False)["input_ids"]]

    return count


def token_stats(mixture: pl.DataFrame, count: Callable[[Sequence[str]], list[int]]) -> pl.DataFrame:
    """Token lengths (the student's tokenizer) of the reasoning, the answer and the whole turn."""
    assistant = mixture["messages"].list.get(1).struct.field("info")
    parts = {
        "think": assistant.struct.field("think_content").fill_null("").to_list(),
        "answer": assistant.struct.field("answer_content").fill_null("").to_list(),
        "assistant turn": mixture["messages"].list.get(1).struct.field("content").to_list(),
    }
    rows = []
    for name, texts in parts.items():
        lengths = np.array(count(texts) if texts else [0])
        rows.append(
            {
                "part": name,
                "mean": round(float(lengths.mean()), 1),
                "p50": int(np.percentile(lengths, 50)),
                "p90": int(np.percentile(lengths, 90)),
                "max": int(lengths.max()),
                "total": int(lengths.sum()),
            }
        )
    return pl.DataFrame(rows)


def write_export(mixture: pl.DataFrame, root: Path, card: Callable[[str], str]) -> Export:
    """Write train.jsonl, train.parquet and README.md (``card(content_hash)``) under
    ``root/<hash>/``. Written to a temp folder and renamed: a crash never leaves half an export."""
    payload = jsonl_payload(mixture)
    content_hash = hashlib.sha256(payload).hexdigest()
    folder = root / content_hash[:16]
    if not (folder / "README.md").exists():
        tmp = root / f".{content_hash[:16]}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        (tmp / "train.jsonl").write_bytes(payload)
        mixture.select("messages", *LINEAGE).write_parquet(tmp / "train.parquet")
        (tmp / "README.md").write_text(card(content_hash))
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    else:
        # same rows, maybe another card (tokenizer, licenses, a policy that selects the same rows)
        tmp_card = folder / f".README.md.{os.getpid()}.tmp"
        tmp_card.write_text(card(content_hash))
        os.replace(tmp_card, folder / "README.md")
    return Export(folder, content_hash, mixture.height)


def dataset_card(
    mixture: pl.DataFrame,
    counts: pl.DataFrame,
    licenses: dict[str, str],
    tokens: pl.DataFrame,
    policy: dict,
    content_hash: str,
    tokenizer: str,
) -> str:
    """The README of an export: what is in it, where it came from, how it was checked."""
    verifiers = (
        mixture.select(pl.col("passed_verifiers").explode().alias("verifier"))
        .group_by("verifier")
        .len()
        .sort("verifier")
    )
    by_domain = mixture.group_by("domain").len().sort("domain")
    by_difficulty = (
        mixture.with_columns(pl.col("difficulty").cast(pl.String).fill_null("unknown"))
        .group_by("difficulty")
        .len()
        .sort("difficulty")
    )
    sources = counts.with_columns(
        license=pl.col("source").replace_strict(licenses, default="unknown")
    )
    return "\n".join(
        [
            "# r1-assets SFT dataset",
            "",
            "DeepSeek-R1-style reasoning traces in the AM-DeepSeek-R1-Distilled row shape: "
            "`messages` = user turn + assistant turn `<think>…</think>\\n<answer>…</answer>`, "
            "each with `info{source, reference_answer, test_case, think_content, "
            "answer_content}`; lineage ids beside (`response_uid`, `problem_uid`, `source`, "
            "`source_row_id`, `source_revision`).",
            "",
            f"- rows: {mixture.height}",
            f"- content hash (sha256 of train.jsonl): `{content_hash}`",
            f"- token counts with: `{tokenizer}`",
            f"- mixture policy: `{json.dumps(policy, sort_keys=True)}`",
            "",
            "## Sources and licenses",
            "",
            markdown_table(sources, sources.height, max_chars=120),
            "",
            "## Domains",
            "",
            markdown_table(by_domain, by_domain.height),
            "",
            "## Difficulty (LLM labeler, 1-5)",
            "",
            markdown_table(by_difficulty, by_difficulty.height),
            "",
            "## Token lengths",
            "",
            markdown_table(tokens, tokens.height),
            "",
            "## Verifiers that accepted the rows",
            "",
            "Every row passed every verifier routed to it (rules: n-gram repetition, length, "
            "format, language mixing, safety; plus math-verify, the code sandbox, or the reward "
            "model / LLM judge); the counts say how many rows each passing verifier covers.",
            "",
            markdown_table(verifiers, verifiers.height),
            "",
        ]
    )
