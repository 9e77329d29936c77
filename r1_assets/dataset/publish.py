"""Publishing an export to the Hugging Face Hub (or any server speaking its API): the export
folder as it is — both configs, the JSONL and the card — in one commit to a dataset repo."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TOKEN_VARIABLE = "HF_TOKEN"  # huggingface_hub's own: the token is never a command-line argument
ENDPOINT_VARIABLE = "HF_ENDPOINT"  # a Hub other than huggingface.co (a mirror, a local server)


class PublishError(RuntimeError):
    """The export cannot be found or published."""


@dataclass(frozen=True)
class Published:
    repo_id: str
    commit_url: str
    files: int


def latest_export(exports: Path) -> Path:
    """The most recently written complete export under ``exports`` (a folder with a card)."""
    folders = [p.parent for p in exports.glob("*/README.md")]
    if not folders:
        raise PublishError(f"no export under {exports}: materialize sft_dataset first")
    return max(folders, key=lambda p: (p / "README.md").stat().st_mtime)


def push_export(
    folder: Path, repo_id: str, private: bool = False, endpoint: str | None = None
) -> Published:
    """Create ``repo_id`` as a dataset repo if it does not exist and commit ``folder`` to it,
    with the token in ``HF_TOKEN`` and the Hub at ``endpoint`` (default: ``HF_ENDPOINT``, else
    huggingface.co)."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    if not (folder / "README.md").is_file():
        raise PublishError(f"{folder} is not an export (no README.md)")
    token = os.environ.get(TOKEN_VARIABLE)
    if not token:
        raise PublishError(f"set {TOKEN_VARIABLE} to a write token to push to the Hub")
    api = HfApi(endpoint=endpoint or os.environ.get(ENDPOINT_VARIABLE), token=token)
    files = [p for p in folder.rglob("*") if p.is_file()]
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        commit = api.upload_folder(
            folder_path=folder,
            repo_id=repo_id,
            repo_type="dataset",
            commit_message=f"r1-assets export {folder.name}",
        )
    except (HfHubHTTPError, OSError, ValueError) as exc:
        raise PublishError(f"pushing {folder} to {repo_id} failed: {exc}") from exc
    return Published(repo_id, commit.commit_url, len(files))
