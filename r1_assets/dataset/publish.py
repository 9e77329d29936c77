"""Publishing an export to the Hugging Face Hub (or any server speaking its API): the export
folder as it is — both configs, the JSONL and the card — in one commit to a dataset repo."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from r1_assets import settings


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
    with the token in ``HF_TOKEN`` (never a command-line argument) and the Hub at ``endpoint``
    (default: ``settings.hf_endpoint``)."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    if not (folder / "README.md").is_file():
        raise PublishError(f"{folder} is not an export (no README.md)")
    token = settings.hf_token()
    if not token:
        raise PublishError(f"set {settings.HF_TOKEN_ENV} to a write token to push to the Hub")
    api = HfApi(endpoint=endpoint or settings.hf_endpoint(), token=token)
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
