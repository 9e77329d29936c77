"""The released SFT dataset, in a folder named by the content hash (same rows, same folder; nothing
rewritten): JSONL and Parquet in the AM-DeepSeek-R1-Distilled row shape (the ``default`` config),
``messages/train.parquet`` in plain R1 chat form (the ``messages`` config), and the dataset card
(``card``) that names both for the Hub and ``datasets.load_dataset``."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
from tqdm import tqdm

from r1_assets.dataset.card import CONFIGS
from r1_assets.dataset.mixture import SFT_SCHEMA, mixture_with_messages
from r1_assets.storage.objects import ObjectStore
from r1_assets.storage.warehouse import Warehouse
from r1_assets.train.encode import training_conversation

EXPORTS_PREFIX = "exports/sft_dataset"
LINEAGE = ("response_uid", "problem_uid", "source", "source_row_id", "source_revision")


@dataclass(frozen=True)
class Export:
    folder: str  # a local path or an s3:// URL
    content_hash: str
    rows: int
    card: str  # the README's text

    @property
    def jsonl(self) -> str:
        return f"{self.folder}/train.jsonl"

    @property
    def parquet(self) -> str:
        return f"{self.folder}/{CONFIGS['default']}"

    @property
    def chat_parquet(self) -> str:
        return f"{self.folder}/{CONFIGS['messages']}"


def jsonl_lines(mixture: pl.DataFrame) -> list[str]:
    """One AM row per line: ``messages`` first (what trainers read), then the lineage ids."""
    lines = []
    for row in mixture.iter_rows(named=True):
        record = {"messages": row["messages"], **{k: row[k] for k in LINEAGE}}
        lines.append(json.dumps(record, ensure_ascii=False, sort_keys=False))
    return lines


CHAT_MESSAGES = pl.List(pl.Struct({"role": pl.String, "content": pl.String}))


def chat_rows(mixture: pl.DataFrame) -> pl.DataFrame:
    """The ``messages`` config's rows: plain R1 chat turns (role, content), the assistant turn as
    the student is trained on it (``train.encode``), and the lineage ids."""
    turns = [training_conversation(messages) or [] for messages in mixture["messages"].to_list()]
    return pl.DataFrame({"messages": turns}, schema={"messages": CHAT_MESSAGES}).hstack(
        mixture.select(LINEAGE)
    )


def content_hash(batches: Iterable[pl.DataFrame]) -> str:
    """sha256 of the JSONL export of these rows, read batch by batch: the dataset's identity in
    the card and in trained models."""
    digest = hashlib.sha256()
    for batch in batches:
        for line in jsonl_lines(batch):
            digest.update(f"{line}\n".encode())
    return digest.hexdigest()


def token_counter(tokenizer_path: str) -> Callable[[Sequence[str]], list[int]]:
    """Token counts of texts with a Hugging Face tokenizer (no special tokens), for
    :class:`TokenLengths`."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_path)

    def count(texts: Sequence[str]) -> list[int]:
        return [len(ids) for ids in tokenizer(list(texts), add_special_tokens=False)["input_ids"]]

    return count


class TokenLengths:
    """Token lengths (the student's tokenizer) of the reasoning, the answer and the whole turn,
    added batch by batch: memory grows by three integers per row, never by the texts."""

    PARTS = ("think", "answer", "assistant turn")

    def __init__(self, count: Callable[[Sequence[str]], list[int]], chunk: int = 256) -> None:
        self.count = count
        self.chunk = chunk  # texts tokenized at once: a tokenizer holds every token of a call
        self.lengths: dict[str, list[np.ndarray]] = {part: [] for part in self.PARTS}

    def add(self, mixture: pl.DataFrame) -> None:
        if mixture.is_empty():
            return
        assistant = mixture["messages"].list.get(1)
        info = assistant.struct.field("info")
        texts = {
            "think": info.struct.field("think_content").fill_null("").to_list(),
            "answer": info.struct.field("answer_content").fill_null("").to_list(),
            "assistant turn": assistant.struct.field("content").fill_null("").to_list(),
        }
        for part, values in texts.items():
            for start in range(0, len(values), self.chunk):
                counts = self.count(values[start : start + self.chunk])
                self.lengths[part].append(np.asarray(counts, dtype=np.int64))

    def table(self) -> pl.DataFrame:
        rows = []
        for part in self.PARTS:
            chunks = self.lengths[part]
            lengths = np.concatenate(chunks) if chunks else np.zeros(1, dtype=np.int64)
            rows.append(
                {
                    "part": part,
                    "mean": round(float(lengths.mean()), 1),
                    "p50": int(np.percentile(lengths, 50)),
                    "p90": int(np.percentile(lengths, 90)),
                    "max": int(lengths.max()),
                    "total": int(lengths.sum()),
                }
            )
        return pl.DataFrame(rows)


class ExportWriter:
    """An export written batch by batch: train.jsonl and train.parquet go to a local temp folder
    (beside the export in a local store, in ``spool`` for object storage) while the JSONL is
    hashed; ``finish``
    publishes them under ``<prefix>/<hash[:16]>/`` in ``store``, each file atomically, the README
    last: a folder with a README is complete (same rows, same folder: only its card is rewritten).
    Nothing half-written is ever visible under a real name."""

    def __init__(self, store: ObjectStore, prefix: str, spool: Path | None = None) -> None:
        self.store = store
        self.prefix = prefix
        if store.local:
            spool = store.local_path(prefix)  # same disk: publishing is a rename
        elif spool is None:
            raise ValueError(f"{store.url}: an export to object storage needs a local spool")
        self.tmp = spool / f".export.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
        self.tmp.mkdir(parents=True)
        self.jsonl = (self.tmp / "train.jsonl").open("wb")
        self.parquet: pq.ParquetWriter | None = None
        self.chat: pq.ParquetWriter | None = None
        self.digest = hashlib.sha256()
        self.rows = 0

    def write(self, batch: pl.DataFrame) -> None:
        for line in jsonl_lines(batch):
            data = f"{line}\n".encode()
            self.digest.update(data)
            self.jsonl.write(data)
        table = batch.select("messages", *LINEAGE).to_arrow()
        if self.parquet is None:
            self.parquet = pq.ParquetWriter(self.tmp / CONFIGS["default"], table.schema)
        self.parquet.write_table(table.cast(self.parquet.schema))
        chat = chat_rows(batch).to_arrow()
        if self.chat is None:
            (self.tmp / CONFIGS["messages"]).parent.mkdir(parents=True, exist_ok=True)
            self.chat = pq.ParquetWriter(self.tmp / CONFIGS["messages"], chat.schema)
        self.chat.write_table(chat.cast(self.chat.schema))
        self.rows += batch.height

    def finish(self, card: Callable[[str], str]) -> Export:
        """Close the files and publish the folder; ``card(content_hash)`` is its README. A local
        folder appears whole (one rename); in object storage its files are published one by one,
        the README last, so a folder with a README is complete."""
        self._close()
        content_hash = self.digest.hexdigest()
        folder = f"{self.prefix}/{content_hash[:16]}"
        text = card(content_hash)
        try:
            if self.store.exists(f"{folder}/README.md"):
                # same rows, maybe another card (tokenizer, licenses, a policy selecting the
                # same rows): only the card is rewritten
                self.store.write_bytes(f"{folder}/README.md", text.encode())
            elif self.store.local:
                (self.tmp / "README.md").write_text(text)
                target = self.store.local_path(folder)
                shutil.rmtree(target, ignore_errors=True)  # an incomplete folder of a crash
                os.replace(self.tmp, target)
            else:
                for name in ("train.jsonl", *CONFIGS.values()):  # no rows: no Parquet files
                    if (self.tmp / name).exists():
                        self.store.publish(self.tmp / name, f"{folder}/{name}")
                self.store.write_bytes(f"{folder}/README.md", text.encode())
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return Export(self.store.uri(folder), content_hash, self.rows, text)

    def abort(self) -> None:
        self._close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _close(self) -> None:
        self.jsonl.close()
        for writer in (self.parquet, self.chat):
            if writer is not None:
                writer.close()


def write_sft_dataset(
    store: Warehouse,
    mixture: pl.DataFrame,
    spool: Path,
    count: Callable[[Sequence[str]], list[int]],
    card: Callable[[str, pl.DataFrame], str],
) -> tuple[Export, pl.DataFrame]:
    """The mixture's rows with their messages, one verified_set file at a time, into the
    warehouse's ``sft_dataset`` and an export under the warehouse's ``exports/sft_dataset``
    (written locally in ``spool`` first) whose README is ``card(content_hash, token_lengths)``;
    the export and the token lengths table."""
    tokens = TokenLengths(count)
    exporter = ExportWriter(store.store, EXPORTS_PREFIX, spool)
    try:
        with store.writer("sft_dataset", SFT_SCHEMA) as write:
            for batch in tqdm(
                mixture_with_messages(store, mixture),
                desc="sft_dataset",
                unit=" shards",
                disable=None,
            ):
                write(batch)
                exporter.write(batch)
                tokens.add(batch)
        table = tokens.table()
        return exporter.finish(lambda content_hash: card(content_hash, table)), table
    except BaseException:
        exporter.abort()
        raise
