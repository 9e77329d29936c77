"""Row-level lineage: from a problem (its uid, a response uid, or a piece of its text) through
every asset that holds it — raw row, dedup decision, labels and selection, responses, verdicts,
the verified set, the SFT mixture, benchmark hits. Every step is a join on ids, not a guess."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from r1_assets.catalog.schema import problem_uid as uid_of_text
from r1_assets.storage.warehouse import Warehouse

_HEX = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class Lineage:
    """Everything the warehouse knows about the problems a query names."""

    query: str
    problems: pl.DataFrame  # raw_problems rows
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)  # asset -> rows of them

    def render(self, max_chars: int = 100) -> str:
        if self.problems.is_empty():
            return f"no problem matches {self.query!r}"
        lines = []
        for raw in self.problems.iter_rows(named=True):
            uid, row_id = raw["problem_uid"], raw["source_row_id"]
            lines.append(f"problem {uid}  ({raw['domain']})")
            lines.append(f"  text: {_clip(raw['problem'], max_chars)}")
            lines.append(
                f"  raw_problems[{raw['source']}]  row {row_id}  revision {raw['source_revision']}"
            )
            for name, frame in self.tables.items():
                mine = frame.filter(pl.col("problem_uid") == uid)
                if "source_row_id" in frame.columns:
                    mine = mine.filter(pl.col("source_row_id") == row_id)
                lines += _section(name, mine, max_chars)
            lines.append("")
        return "\n".join(lines).rstrip()


_SHOWN = {
    "deduped_pool": ("decision", "duplicate_of", "similarity", "method"),
    "problem_labels": ("selected", "selection_reason", "difficulty", "category", "language"),
    "distilled_responses": ("response_uid", "origin", "teacher", "finish_reason"),
    "response_verdicts": ("response_uid", "verifier", "version", "passed", "detail"),
    "verified_set": ("response_uid", "origin", "passed_verifiers"),
    "rejected_responses": ("response_uid", "rejection_reason"),
    "sft_dataset": ("response_uid", "copy"),
    "contamination_report": ("benchmark", "item_id", "verdict", "methods", "similarity"),
}


def _section(name: str, rows: pl.DataFrame, max_chars: int) -> list[str]:
    if rows.is_empty():
        absent = {"sft_dataset": "not in the SFT mixture", "verified_set": "none accepted"}
        return [f"  {name}: {absent.get(name, 'none')}"]
    columns = [c for c in _SHOWN.get(name, rows.columns) if c in rows.columns]
    out = [f"  {name}: {rows.height} row(s)"]
    for row in rows.select(columns).iter_rows(named=True):
        out.append("    " + "  ".join(f"{k}={_clip(v, max_chars)}" for k, v in row.items()))
    return out


def _clip(value: object, max_chars: int) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def _scan(store: Warehouse, asset: str) -> pl.LazyFrame | None:
    """The asset as a lazy scan: each lookup below reads only the rows it filters for."""
    return store.scan(asset) if store.partitions(asset) else None


def trace(store: Warehouse, query: str, limit: int = 5) -> Lineage:
    """Problems named by ``query``: a problem_uid, a response_uid, a benchmark item (its item_id,
    or benchmark:item_id, found in contamination_report), or text (its exact normalized form
    first, else a case-insensitive substring of the problem)."""
    raw = _scan(store, "raw_problems")
    if raw is None:
        return Lineage(query, pl.DataFrame())
    raw = raw.drop("responses")  # the reasoning chains are not shown

    def uids_where(frame: pl.LazyFrame, condition: pl.Expr, limit: int | None = None) -> set[str]:
        return set(frame.filter(condition).select("problem_uid").head(limit).collect().to_series())

    uids: set[str] = set()
    query = query.strip()
    if _HEX.match(query):
        uids = uids_where(raw, pl.col("problem_uid") == query)
        for asset in ("distilled_responses", "response_verdicts"):
            frame = _scan(store, asset)
            if not uids and frame is not None:
                uids = uids_where(frame, pl.col("response_uid") == query)
    if not uids:  # a benchmark item ("item_id" or "benchmark:item_id"): the problems it hit
        report = _scan(store, "contamination_report")
        if report is not None:
            benchmark, _, item = query.rpartition(":")  # no ":": benchmark "" matches nothing
            uids = uids_where(
                report,
                (pl.col("item_id") == query)
                | ((pl.col("benchmark") == benchmark) & (pl.col("item_id") == item)),
            )
    if not uids:
        uids = uids_where(raw, pl.col("problem_uid") == uid_of_text(query))
    if not uids:
        uids = uids_where(
            raw,
            pl.col("problem").str.to_lowercase().str.contains(query.lower(), literal=True),
            limit,
        )
    wanted = pl.col("problem_uid").is_in(sorted(uids))
    problems = raw.filter(wanted).collect().sort("problem_uid", "source")
    tables = {}
    for asset in _SHOWN:
        frame = _scan(store, asset)
        if frame is not None and "problem_uid" in frame.collect_schema().names():
            tables[asset] = frame.filter(wanted).collect()
    return Lineage(query, problems, tables)
