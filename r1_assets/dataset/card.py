"""The dataset card of an export, as the Hugging Face Hub reads it: YAML front matter made with
``huggingface_hub``'s card classes (license, languages, task categories, size, the two configs)
and sections for sources, teachers, verifiers, decontamination and token lengths."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import polars as pl
from huggingface_hub import DatasetCard, DatasetCardData

from r1_assets.text.markdown import markdown_table

# the files of each config, relative to the export folder
CONFIGS = {
    "default": "train.parquet",  # the AM-DeepSeek-R1-Distilled row shape, with info
    "messages": "messages/train.parquet",  # plain R1 chat: what the student is trained on
}
# license ids the Hub knows, as a catalog entry's license starts (case-insensitive)
HUB_LICENSES = (
    "apache-2.0", "mit", "cc0-1.0", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0",
    "cc-by-nc-sa-4.0", "cc-by-3.0", "odc-by", "odbl", "pddl", "bsd-3-clause", "bsd-2-clause",
    "gpl-3.0", "lgpl-3.0", "agpl-3.0", "llama3", "llama3.1", "openrail", "unknown",
)  # fmt: skip
SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
         (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"))  # fmt: skip


def hub_license(license_text: str) -> str:
    """A catalog license ("CC0-1.0 (demo rows …)", "MIT") as the Hub's id, or "other"."""
    match = re.match(r"\s*([A-Za-z0-9.\-]+)", license_text or "")
    name = match.group(1).lower() if match else ""
    return name if name in HUB_LICENSES else "other"


def size_category(rows: int) -> str:
    return next((label for limit, label in SIZES if rows < limit), "n>10M")


def card_data(rows: int, licenses: Sequence[str]) -> DatasetCardData:
    """The front matter: one Hub license when every source has the same one, else ``other``
    (the sources' own licenses are listed in the card)."""
    ids = {hub_license(text) for text in licenses} or {"unknown"}
    license_id = ids.pop() if len(ids) == 1 else "other"
    extra = {"license_name": "mixed-see-sources"} if license_id == "other" else {}
    return DatasetCardData(
        license=license_id,
        language=["en"],
        task_categories=["text-generation"],
        size_categories=[size_category(rows)],
        tags=["reasoning", "distillation", "deepseek-r1", "synthetic"],
        pretty_name="r1-assets SFT dataset",
        configs=[
            {"config_name": name, "data_files": [{"split": "train", "path": path}]}
            | ({"default": True} if name == "default" else {})
            for name, path in CONFIGS.items()
        ],
        **extra,
    )


def dataset_card(
    mixture: pl.DataFrame,  # without messages is enough: the card reads the other columns
    counts: pl.DataFrame,
    licenses: dict[str, str],
    tokens: pl.DataFrame,
    policy: dict,
    content_hash: str,
    tokenizer: str,
    audited: Sequence[str] = (),
    removed: pl.DataFrame | None = None,
) -> str:
    """The README of an export: front matter for the Hub, then what is in it, where it came
    from, how it was checked. ``audited`` are the benchmarks the mixture was decontaminated
    against, ``removed`` the rows that left it (with their ``overlaps``)."""
    used = counts["source"].to_list() if "source" in counts.columns else sorted(licenses)
    data = card_data(mixture.height, [licenses.get(s, "unknown") for s in used])
    sources = counts.with_columns(
        license=pl.col("source").replace_strict(licenses, default="unknown")
    ).with_columns(hub_license=pl.col("license").map_elements(hub_license, return_dtype=pl.String))
    teachers = (
        mixture.group_by("teacher_name", "teacher", "origin")
        .agg(pl.len().alias("rows"), pl.col("problem_uid").n_unique().alias("problems"))
        .sort("rows", descending=True)
    )
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
    body = [
        "# r1-assets SFT dataset",
        "",
        "DeepSeek-R1-style reasoning traces, verified, in two configs:",
        "",
        "- `default` (`train.parquet`, and `train.jsonl` beside it): the "
        "AM-DeepSeek-R1-Distilled row shape — `messages` = user turn + assistant turn "
        "`<think>…</think>\\n<answer>…</answer>`, each with `info{source, reference_answer, "
        "test_case, think_content, answer_content}`;",
        "- `messages` (`messages/train.parquet`): plain R1 chat, `role`/`content` only, the "
        "assistant turn `<think>\\n…\\n</think>\\n\\n{answer}` — what r1-assets trains its "
        "student on, ready for TRL's `SFTTrainer`.",
        "",
        "Both carry the lineage ids (`response_uid`, `problem_uid`, `source`, `source_row_id`, "
        "`source_revision`): `r1-assets lineage <response_uid>` traces a row to its source.",
        "",
        "```python",
        "from datasets import load_dataset",
        'chat = load_dataset("path/or/repo", "messages", split="train")',
        "```",
        "",
        f"- rows: {mixture.height}",
        f"- content hash (sha256 of train.jsonl): `{content_hash}`",
        f"- token counts with: `{tokenizer}`",
        f"- mixture policy: `{json.dumps(policy, sort_keys=True)}`",
        "",
        "## Sources and licenses",
        "",
        "Each row keeps its source's license; the front matter says `other` when they differ.",
        "",
        markdown_table(sources, sources.height, max_chars=120),
        "",
        "## Teachers",
        "",
        "Who wrote the responses (`teacher_name` in the rows' lineage; `source:` names the "
        "reasoning a source shipped).",
        "",
        markdown_table(teachers, teachers.height, max_chars=120),
        "",
        "## Domains",
        "",
        markdown_table(by_domain, by_domain.height),
        "",
        "## Difficulty (1-5)",
        "",
        markdown_table(by_difficulty, by_difficulty.height),
        "",
        "## Verifiers that accepted the rows",
        "",
        "Every row passed every verifier routed to it (rules: n-gram repetition, length, "
        "format, language mixing, safety; plus math-verify, the code sandbox, or the reward "
        "model / LLM judge; and the quality filters); the counts say how many rows each "
        "passing verifier covers.",
        "",
        markdown_table(verifiers, verifiers.height),
        "",
        "## Decontamination",
        "",
        *_decontamination(audited, removed),
        "",
        "## Token lengths",
        "",
        markdown_table(tokens, tokens.height),
        "",
    ]
    template = "---\n{{ card_data }}\n---\n\n{{ body }}"
    return str(DatasetCard.from_template(data, template_str=template, body="\n".join(body)))


def _decontamination(audited: Sequence[str], removed: pl.DataFrame | None) -> list[str]:
    if not audited:
        return ["Not decontaminated: no benchmark was audited for this mixture."]
    lines = [
        f"Audited against: {', '.join(f'`{b}`' for b in audited)}. Rows whose problem overlaps a "
        "benchmark item (exact, n-gram or embedding match; see `contamination_report`) were "
        f"removed: {0 if removed is None else removed.height}."
    ]
    if removed is not None and removed.height and "overlaps" in removed.columns:
        per = (
            removed.select(pl.col("overlaps").explode().alias("benchmark item"))
            .with_columns(pl.col("benchmark item").str.split(":").list.first().alias("benchmark"))
            .group_by("benchmark")
            .len()
            .sort("benchmark")
        )
        lines += ["", markdown_table(per.rename({"len": "rows removed"}), per.height)]
    return lines
