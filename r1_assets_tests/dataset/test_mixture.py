from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from r1_assets.dataset.card import dataset_card, hub_license
from r1_assets.dataset.export import ExportWriter, TokenLengths, content_hash
from r1_assets.dataset.mixture import MixturePolicy, build_mixture, mixture_counts
from r1_assets.storage.objects import ObjectStore
from r1_assets.verify.verdicts import VERIFIED_SCHEMA, am_messages


def verified(n: int = 40) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows, labels = [], []
    for i in range(n):
        source = "alpha" if i % 2 else "beta"
        problem = {
            "source": source,
            "problem": f"What is {i} + {i}?",
            "reference_answer": str(2 * i),
            "test_cases": [],
            "think": f"{i} plus {i} is {2 * i}.",
            "answer": f"$\\boxed{{{2 * i}}}$",
        }
        rows.append(
            {
                "response_uid": f"r{i}",
                "problem_uid": f"p{i // 2}",
                "source": source,
                "source_row_id": str(i),
                "source_revision": "rev",
                "domain": "math",
                "origin": "teacher",
                "teacher": "t",
                "messages": am_messages(problem),
                "passed_verifiers": ["length", "math_verify"],
            }
        )
        labels.append(
            {
                "problem_uid": f"p{i // 2}",
                "source_row_id": str(i),
                "difficulty": 1 + i % 5,
                "category": "math",
            }
        )
    return pl.DataFrame(rows, schema=VERIFIED_SCHEMA), pl.DataFrame(labels)


def test_mixture_weights_and_downsampling_are_deterministic_under_the_seed():
    accepted, labels = verified()
    plain = build_mixture(accepted, labels, MixturePolicy())
    assert plain.height == 40 and set(plain["copy"]) == {0}
    policy = MixturePolicy(
        source_weights={"alpha": 2.0, "beta": 0.5}, difficulty_keep={1: 0.0}, seed=7
    )
    mixed = build_mixture(accepted, labels, policy)
    assert mixed.equals(build_mixture(accepted, labels, policy))  # same seed, same rows
    assert mixed.filter(pl.col("difficulty") == 1).is_empty()
    alpha = mixed.filter(pl.col("source") == "alpha")
    assert alpha.height == 2 * alpha["response_uid"].n_unique()  # every row twice
    beta = mixed.filter(pl.col("source") == "beta")
    assert 0 < beta.height < accepted.filter(pl.col("source") == "beta").height
    other = build_mixture(accepted, labels, MixturePolicy(source_weights={"beta": 0.5}, seed=8))
    assert (
        set(other.filter(pl.col("source") == "beta")["response_uid"]) != set(beta["response_uid"])
        or beta.height == 0
    )
    # adding rows of another source changes no decision about these
    more = pl.concat([accepted, accepted.head(4).with_columns(source=pl.lit("gamma"),
                      response_uid=pl.col("response_uid") + "g")])  # fmt: skip
    assert build_mixture(more, labels, policy).filter(pl.col("source") != "gamma").equals(mixed)
    counts = mixture_counts(accepted, mixed)
    assert counts.filter(pl.col("source") == "alpha")["rows"].item() == alpha.height
    capped = build_mixture(accepted, labels, MixturePolicy(max_responses_per_problem=1))
    assert capped["problem_uid"].n_unique() == capped.height == 20
    with pytest.raises(ValueError, match="weights"):
        build_mixture(accepted, labels, MixturePolicy(source_weights={"alpha": -1}))


def _mixture_row_by_row(verified, labels, policy):
    """build_mixture as it was written before it went columnar: a dict per row."""
    from r1_assets.labels.selection import keep_draw

    rated = verified.join(
        labels.select("problem_uid", "source_row_id", "difficulty", "category"),
        on=["problem_uid", "source_row_id"],
        how="left",
    )
    rows = []
    for row in rated.iter_rows(named=True):
        uid, level = row["response_uid"], row["difficulty"]
        keep = policy.difficulty_keep.get(int(level), 1.0) if level is not None else 1.0
        if keep_draw(f"difficulty:{uid}", policy.seed) >= keep:
            continue
        weight = policy.source_weights.get(row["source"], 1.0)
        copies = int(weight) + (keep_draw(f"weight:{uid}", policy.seed) < weight - int(weight))
        rows += [{**row, "copy": i} for i in range(copies)]
    schema = {**rated.schema, "copy": pl.Int32}
    return pl.DataFrame(rows, schema=schema).sort("source", "response_uid", "copy")


@pytest.mark.parametrize(
    "policy",
    [
        MixturePolicy(),
        MixturePolicy(source_weights={"alpha": 2.5, "beta": 0.4}, seed=3),
        MixturePolicy(source_weights={"alpha": 0.0}, difficulty_keep={1: 0.2, 4: 0.0}, seed=1),
    ],
)
def test_the_columnar_mixture_draws_what_the_row_by_row_one_drew(policy):
    rows, labels = verified(200)
    labels = labels.filter(pl.col("difficulty") != 3)  # unlabeled rows: difficulty unknown
    expected = _mixture_row_by_row(rows, labels, policy)
    assert build_mixture(rows, labels, policy).equals(expected)
    assert build_mixture(rows.clear(), labels, policy).is_empty()


def test_token_lengths_tokenize_a_bounded_number_of_texts_at_once():
    """A tokenizer call holds every token of its texts: a whole verified_set shard (50k long
    responses) at once peaked at GBs, so a batch is counted ``chunk`` texts at a time."""
    accepted, labels = verified(25)
    mixture = build_mixture(accepted, labels, MixturePolicy())
    calls: list[int] = []

    def count(texts):
        calls.append(len(texts))
        return [len(t.split()) for t in texts]

    chunked = TokenLengths(count, chunk=4)
    chunked.add(mixture)
    assert max(calls) == 4 and sum(calls) == 3 * mixture.height
    whole = TokenLengths(lambda texts: [len(t.split()) for t in texts], chunk=1000)
    whole.add(mixture)
    assert chunked.table().equals(whole.table())


def test_the_export_is_content_addressed_am_jsonl_with_a_card(tmp_path):
    accepted, labels = verified(10)
    mixture = build_mixture(accepted, labels, MixturePolicy())
    counts = mixture_counts(accepted, mixture)
    lengths = TokenLengths(lambda texts: [len(t.split()) for t in texts])
    for batch in mixture.iter_slices(3):  # written as the asset does: a batch at a time
        lengths.add(batch)
    tokens = lengths.table()
    whole = TokenLengths(lambda texts: [len(t.split()) for t in texts])
    whole.add(mixture)
    assert tokens.equals(whole.table())

    def card(content_hash: str) -> str:
        return dataset_card(
            mixture, counts, {"alpha": "MIT", "beta": "CC-BY"}, tokens, {"seed": 0}, content_hash,
            "whitespace",
        )  # fmt: skip

    store = ObjectStore(tmp_path)

    def write_export(frame: pl.DataFrame, card) -> object:
        writer = ExportWriter(store, "exports")
        for batch in frame.iter_slices(4):
            writer.write(batch)
        return writer.finish(card)

    export = write_export(mixture, card)
    assert export.content_hash == content_hash([mixture])  # the hash of the JSONL, batched or not
    assert export.content_hash == content_hash(mixture.iter_slices(1))
    lines = Path(export.jsonl).read_text().splitlines()
    assert len(lines) == 10
    first = json.loads(lines[0])
    assert [m["role"] for m in first["messages"]] == ["user", "assistant"]
    assistant = first["messages"][1]
    assert assistant["content"] == (
        f"<think>\n{assistant['info']['think_content']}\n</think>\n"
        f"<answer>\n{assistant['info']['answer_content']}\n</answer>"
    )
    assert {"response_uid", "problem_uid", "source", "source_row_id"} <= set(first)
    text = Path(export.folder, "README.md").read_text()
    assert text == export.card
    assert export.content_hash in text and "MIT" in text and "math_verify" in text
    assert pl.read_parquet(export.parquet).height == 10
    assert pl.read_parquet(export.chat_parquet).height == 10
    again = write_export(mixture, card)
    assert again.folder == export.folder and again.content_hash == export.content_hash
    exports = tmp_path / "exports"
    assert len(list(exports.iterdir())) == 1  # no temp folders left behind
    failed = ExportWriter(store, "exports")
    failed.write(mixture.head(2))
    failed.abort()  # a crash mid-export leaves nothing behind either
    assert len(list(exports.iterdir())) == 1


def test_the_export_loads_with_datasets_in_both_configs_and_its_card_is_the_hubs(tmp_path):
    """``datasets.load_dataset`` on the export folder reads the card's configs: ``default`` in
    the AM shape, ``messages`` in plain R1 chat (what the student trains on); the front matter
    is valid Hub metadata, with ``other`` when the sources' licenses differ."""
    from datasets import load_dataset
    from huggingface_hub import DatasetCard

    from r1_assets.train.encode import assistant_text

    accepted, labels = verified(10)
    mixture = build_mixture(accepted, labels, MixturePolicy())
    counts = mixture_counts(accepted, mixture)
    tokens = TokenLengths(lambda texts: [len(t.split()) for t in texts])
    tokens.add(mixture)
    removed = accepted.head(2).with_columns(
        overlaps=pl.Series([["math500:7"], ["math500:9", "gsm8k:1"]])
    )

    def card(licenses: dict[str, str]):
        return lambda content_hash: dataset_card(
            mixture, counts, licenses, tokens.table(), {"seed": 0}, content_hash, "whitespace",
            audited=["gsm8k", "math500"], removed=removed,
        )  # fmt: skip

    writer = ExportWriter(ObjectStore(tmp_path), "exports")
    writer.write(mixture)
    export = writer.finish(card({"alpha": "MIT", "beta": "CC-BY-4.0 (rows by hand)"}))

    data = DatasetCard.load(Path(export.folder, "README.md")).data
    assert data.license == "other" and data.size_categories == ["n<1K"]
    assert data.task_categories == ["text-generation"] and data.language == ["en"]
    assert {c["config_name"] for c in data.configs} == {"default", "messages"}
    assert "| math500 | 2 |" in export.card and "| gsm8k | 1 |" in export.card
    assert "Audited against: `gsm8k`, `math500`" in export.card
    assert f"|  | t | teacher | {mixture.height} | 5 |" in export.card  # the Teachers table

    am = load_dataset(export.folder, split="train", cache_dir=str(tmp_path / "hf"))
    chat = load_dataset(export.folder, "messages", split="train", cache_dir=str(tmp_path / "hf"))
    assert am.num_rows == chat.num_rows == mixture.height
    assert am[0]["response_uid"] == chat[0]["response_uid"]
    assert am[0]["messages"][1]["info"]["think_content"]  # the AM shape keeps info
    turns = chat[0]["messages"]
    assert [t["role"] for t in turns] == ["user", "assistant"] and set(turns[1]) == {
        "role",
        "content",
    }
    assert turns[1]["content"] == assistant_text(am[0]["messages"][1])
    assert turns[1]["content"].startswith("<think>\n") and "<answer>" not in turns[1]["content"]

    same = ExportWriter(ObjectStore(tmp_path / "one"), "exports")
    same.write(mixture)
    one = same.finish(card({"alpha": "MIT", "beta": "mit"}))
    assert DatasetCard.load(Path(one.folder, "README.md")).data.license == "mit"
    assert hub_license("CC0-1.0 (demo rows written for r1-assets)") == "cc0-1.0"
    assert hub_license("see the authors' terms") == "other"


def test_per_problem_choice_by_length_perplexity_and_teacher():
    """Two teachers answered every problem twice; each rule keeps what it says."""
    accepted, labels = verified(8)
    rows = []
    for i, row in enumerate(accepted.head(4).iter_rows(named=True)):  # problems p0, p1
        for teacher in ("fast", "careful"):
            for k in range(2):
                chars = 100 + 37 * ((i * 7 + k * 3 + len(teacher)) % 5)
                rows.append(
                    row
                    | {
                        "response_uid": f"{row['response_uid']}-{teacher}-{k}",
                        "teacher_name": teacher,
                        "response_chars": chars,
                        "perplexity": 1.0 + ((i * 5 + k * 11 + len(teacher)) % 7) / 3,
                    }
                )
    pool = pl.DataFrame(rows, schema=VERIFIED_SCHEMA)

    def kept(**policy) -> pl.DataFrame:
        return build_mixture(pool, labels, MixturePolicy(**policy))

    shortest = kept(max_responses_per_problem=1, prefer="shortest")
    want = pool.group_by("problem_uid").agg(pl.col("response_chars").min())
    assert shortest.height == pool["problem_uid"].n_unique()
    assert dict(shortest.select("problem_uid", "response_chars").iter_rows()) == dict(
        want.iter_rows()
    )
    fluent = kept(max_responses_per_problem=1, prefer="lowest_perplexity")
    want = pool.group_by("problem_uid").agg(pl.col("perplexity").min())
    assert dict(fluent.select("problem_uid", "perplexity").iter_rows()) == dict(want.iter_rows())
    each = kept(max_responses_per_teacher=1, prefer="shortest")
    assert each.group_by("problem_uid", "teacher_name").len()["len"].to_list() == [1] * 4
    want = pool.group_by("problem_uid", "teacher_name").agg(pl.col("response_chars").min())
    got = each.select("problem_uid", "teacher_name", "response_chars")
    assert got.sort("problem_uid", "teacher_name").equals(
        want.sort("problem_uid", "teacher_name").select(got.columns)
    )
    drawn = kept(max_responses_per_teacher=1)  # random: a seeded draw, the same every time
    assert drawn.equals(kept(max_responses_per_teacher=1)) and drawn.height == 4
    with pytest.raises(ValueError, match="perplexity verifier is off"):
        build_mixture(
            pool.with_columns(perplexity=None),
            labels,
            MixturePolicy(max_responses_per_problem=1, prefer="lowest_perplexity"),
        )
    with pytest.raises(ValueError, match="prefer is one of"):
        kept(max_responses_per_problem=1, prefer="longest")


def test_a_verified_set_partition_older_than_a_column_reads_it_as_null(tmp_path: Path):
    """verified_set files written before teacher_name, response_chars and perplexity existed
    still feed the mixture, whichever partition is read first."""
    from r1_assets.dataset.mixture import accepted_rows
    from r1_assets.storage.warehouse import Warehouse

    accepted, _ = verified(4)
    store = Warehouse(tmp_path)
    store.write(
        "verified_set", accepted.drop("teacher_name", "response_chars", "perplexity"), "a.0000"
    )
    store.write("verified_set", accepted.with_columns(response_chars=pl.lit(9, pl.Int64)), "b.0000")
    rows = accepted_rows(store, ["a.0000", "b.0000"])
    assert rows.height == 8
    by_file = dict(rows.group_by("_shard_file").agg(pl.col("response_chars").max()).iter_rows())
    assert by_file == {"a.0000": None, "b.0000": 9}
