"""`r1-assets export --push`: the latest export, both configs and its card, committed to a
dataset repo on a local Hub server (huggingface_hub's own client, the Hub's HTTP protocol), and
read back with `datasets` as a user of the repo would."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from r1_assets.cli import main
from r1_assets.dataset.card import dataset_card
from r1_assets.dataset.export import EXPORTS_PREFIX, ExportWriter, TokenLengths
from r1_assets.dataset.mixture import MixturePolicy, build_mixture, mixture_counts
from r1_assets.storage.objects import ObjectStore
from r1_assets_tests.dataset.hub_server import HubServer
from r1_assets_tests.dataset.test_mixture import verified


@pytest.fixture
def exported(tmp_path: Path, monkeypatch) -> Path:
    """An export under a data root, as sft_dataset writes it."""
    root = tmp_path / "data"
    monkeypatch.setenv("R1_ASSETS_DATA_DIR", str(root))
    accepted, labels = verified(6)
    mixture = build_mixture(accepted, labels, MixturePolicy())
    tokens = TokenLengths(lambda texts: [len(t.split()) for t in texts])
    tokens.add(mixture)
    writer = ExportWriter(ObjectStore(root), EXPORTS_PREFIX)
    writer.write(mixture)
    export = writer.finish(
        lambda content_hash: dataset_card(
            mixture,
            mixture_counts(accepted, mixture),
            {"alpha": "MIT", "beta": "MIT"},
            tokens.table(),
            {},
            content_hash,
            "whitespace",
        )
    )
    return Path(export.folder)


def test_push_commits_the_export_and_the_repo_loads_with_datasets(
    exported, tmp_path, monkeypatch, capsys
):
    from datasets import load_dataset

    with HubServer(token="hf_test") as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        monkeypatch.delenv("HF_TOKEN", raising=False)
        assert main(["export", "--push", "team/r1-sft"]) == 1
        assert "set HF_TOKEN" in capsys.readouterr().err
        monkeypatch.setenv("HF_TOKEN", "hf_wrong")
        assert main(["export", "--push", "team/r1-sft"]) == 1
        assert "failed" in capsys.readouterr().err

        monkeypatch.setenv("HF_TOKEN", "hf_test")
        assert main(["export", "--push", "team/r1-sft", "--private"]) == 0
        out = capsys.readouterr().out
        assert f"export: {exported}" in out and "pushed 4 files to team/r1-sft" in out
        files = hub.repos["team/r1-sft"]
        local = {
            str(p.relative_to(exported)): p.read_bytes() for p in exported.rglob("*") if p.is_file()
        }
        assert files == local  # every file, byte for byte
        assert hub.private["team/r1-sft"] and hub.yaml_checked[0] == local["README.md"].decode()
        # a second push to the existing repo is one more commit, not an error
        assert main(["export", "--push", "team/r1-sft"]) == 0
        assert len(hub.commits) == 2

    # the repo's files, as a user's snapshot of it: both configs load
    snapshot = tmp_path / "snapshot"
    for name, data in files.items():
        (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
        (snapshot / name).write_bytes(data)
    chat = load_dataset(str(snapshot), "messages", split="train", cache_dir=str(tmp_path / "hf"))
    assert chat.num_rows == pl.read_parquet(exported / "train.parquet").height
    assert chat[0]["messages"][-1]["content"].startswith("<think>\n")


def test_export_without_an_export_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("R1_ASSETS_DATA_DIR", str(tmp_path / "empty"))
    assert main(["export"]) == 1
    assert "materialize sft_dataset first" in capsys.readouterr().err
