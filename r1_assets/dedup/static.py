"""A static embedding model distilled from the sentence-transformers model dedup uses, offline.

What model2vec's ``distill`` does, written out so it runs with what the project installs
(``model2vec[distill]`` pulls ``kernels``, which breaks ``import transformers``, and downgrades
transformers; plain ``model2vec`` cannot distill): every vocabulary token is sent through the
transformer as ``[CLS] token [SEP]`` and mean-pooled, the token vectors are reduced by PCA, and
each is weighted by a Zipf estimate of its frequency (SIF: frequent tokens count less). A text's
vector is then the normalized mean of its tokens' vectors: no transformer at encode time, ~100x
faster than MiniLM on CPU. Its cosines run higher than MiniLM's and it is blind to word order, so
it proposes candidate pairs; the configured model decides (see ``fast``).

The model is built once per source model (keyed by the source folder's fingerprint and the
distillation parameters) under ``<models>/static-<key>/`` (about a minute on 2 cores), then loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from r1_assets.dedup.embedder import DEFAULT_MODEL, EmbeddingModelError, resolve_model
from r1_assets.storage.fingerprint import folder_fingerprint

# bump when the distillation or the encoding changes what the vectors are
STATIC_VERSION = 1
DIMS = 256  # model2vec's default; the PCA keeps ~all of MiniLM's token variance
SIF_COEFFICIENT = 1e-4  # model2vec's default
_REMOVED = re.compile(r"\[unused\d+\]")  # never produced by the tokenizer
_BATCH = 512


@dataclass(frozen=True)
class StaticModel:
    folder: Path
    key: str
    table: np.ndarray  # (vocabulary, dims) float32, SIF weights applied; unused/special rows zero
    max_tokens: int  # the tokens the source model reads (its max_seq_length minus [CLS], [SEP])
    tokenizer_path: Path

    @property
    def dim(self) -> int:
        return int(self.table.shape[1])

    def encode(self, texts: Sequence[str], batch_size: int = 8_192) -> np.ndarray:
        """(n, dims) float32, L2-normalized; a text without known tokens gets a zero vector."""
        import torch
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self.tokenizer_path))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        table = torch.from_numpy(self.table)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # batches bound what the tokenizer holds at once: a whole pool's encodings cost GBs
        for start in range(0, len(texts), batch_size):
            batch = list(texts[start : start + batch_size])
            ids = [e.ids[: self.max_tokens] for e in tokenizer.encode_batch_fast(batch, False)]
            lengths = np.fromiter((len(i) for i in ids), dtype=np.int64, count=len(ids))
            flat = torch.from_numpy(np.fromiter((t for i in ids for t in i), dtype=np.int64))
            offsets = torch.from_numpy(np.concatenate([[0], np.cumsum(lengths)[:-1]]))
            with torch.inference_mode():
                summed = torch.nn.functional.embedding_bag(flat, table, offsets, mode="sum")
            vectors = summed.numpy()
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out[start : start + len(batch)] = np.divide(
                vectors, norms, out=np.zeros_like(vectors), where=norms > 0
            )
        return out


def static_key(location: Path, dims: int = DIMS, sif: float = SIF_COEFFICIENT) -> str:
    """The built model's folder name: the source model's files and the distillation's settings."""
    setting = f"{folder_fingerprint(location)}|{dims}|{sif}|v{STATIC_VERSION}"
    return f"static-{hashlib.sha256(setting.encode()).hexdigest()[:12]}"


def static_model(
    models_root: Path,
    source: str = DEFAULT_MODEL,
    dims: int = DIMS,
    log: Callable[[str], None] | None = None,
) -> StaticModel:
    """The static model distilled from ``source`` (a sentence-transformers model name or folder),
    built under ``models_root`` the first time and loaded from there afterwards."""
    location = Path(resolve_model(source))
    if not location.is_dir():
        raise EmbeddingModelError(
            f"a static model is distilled from a local model folder; {source!r} is not one"
        )
    folder = models_root / static_key(location, dims)
    if not (folder / "static.json").exists():
        started = time.perf_counter()
        _build(location, folder, dims)
        if log:
            log(f"distilled {folder.name} from {source} in {time.perf_counter() - started:.1f} s")
    meta = json.loads((folder / "static.json").read_text())
    return StaticModel(
        folder=folder,
        key=folder.name,
        table=np.load(folder / "table.npy"),
        max_tokens=int(meta["max_tokens"]),
        tokenizer_path=folder / "tokenizer.json",
    )


def distill(location: Path, dims: int = DIMS, sif: float = SIF_COEFFICIENT) -> np.ndarray:
    """(vocabulary, dims) float32: each kept token through the model, mean-pooled over
    ``[CLS] token [SEP]``, PCA to ``dims``, times its SIF weight; removed tokens are zero."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(location), local_files_only=True)
    model = AutoModel.from_pretrained(str(location), local_files_only=True).eval()
    vocabulary = tokenizer.get_vocab()
    special = set(tokenizer.all_special_ids)
    kept = sorted(
        i for token, i in vocabulary.items() if i not in special and not _REMOVED.fullmatch(token)
    )
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    pooled = np.zeros((len(kept), model.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(kept), _BATCH):
            ids = torch.tensor([[cls, i, sep] for i in kept[start : start + _BATCH]])
            hidden = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
            pooled[start : start + len(ids)] = hidden.mean(dim=1).float().numpy()
    reduced = _pca(pooled.astype(np.float64), min(dims, pooled.shape[1]))
    # Zipf: a token's frequency estimated from its rank in the vocabulary (WordPiece ids run
    # roughly from frequent to rare), then SIF weight a / (a + p)
    inverse_rank = 1.0 / np.arange(2, len(kept) + 2)
    weights = sif / (sif + inverse_rank / inverse_rank.sum())
    table = np.zeros((len(vocabulary), reduced.shape[1]), dtype=np.float32)
    table[kept] = (reduced * weights[:, None]).astype(np.float32)
    return table


def _pca(matrix: np.ndarray, dims: int) -> np.ndarray:
    """Scores on the top ``dims`` components, each component's sign fixed (largest score
    positive) so a rebuild gives the same table."""
    centered = matrix - matrix.mean(axis=0)
    values, vectors = np.linalg.eigh(centered.T @ centered / (len(matrix) - 1))
    components = vectors[:, np.argsort(values)[::-1][:dims]]
    scores = centered @ components
    largest = np.argmax(np.abs(scores), axis=0)
    return scores * np.sign(scores[largest, np.arange(scores.shape[1])])


def _build(location: Path, folder: Path, dims: int) -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    table = distill(location, dims)
    config_path = location / "sentence_bert_config.json"
    config = json.loads(config_path.read_text()) if config_path.exists() else {}
    max_seq = int(config.get("max_seq_length") or 512)
    tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    np.save(tmp / "table.npy", table)
    shutil.copyfile(location / "tokenizer.json", tmp / "tokenizer.json")
    meta = {
        "source": str(location),
        "source_fingerprint": folder_fingerprint(location),
        "dims": int(table.shape[1]),
        "sif_coefficient": SIF_COEFFICIENT,
        "version": STATIC_VERSION,
        "max_tokens": max_seq - 2,
        "vocabulary": int(table.shape[0]),
    }
    (tmp / "static.json").write_text(json.dumps(meta, indent=2))
    try:
        tmp.rename(folder)
    except OSError:  # another process built it first: theirs is the same model
        shutil.rmtree(tmp, ignore_errors=True)
