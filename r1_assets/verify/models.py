"""Sequence-classification models as verifiers: a reward model (one scalar per response) and the
safety classifier hook (probability of the unsafe labels). Both are plain transformers
``AutoModelForSequenceClassification`` folders on local disk."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from r1_assets.storage.fingerprint import folder_fingerprint


class ModelNotFound(FileNotFoundError):
    pass


class SequenceScorer:
    """Scores (problem, response) pairs with a local sequence-classification model."""

    def __init__(self, path: str, max_length: int = 2048, batch_size: int = 4) -> None:
        folder = Path(path).expanduser()
        if not (folder / "config.json").is_file():
            # fail before any work: a typo in a path must not cost an hour of generation
            raise ModelNotFound(
                f"no sequence-classification model at {path!r} (expected a folder with "
                "config.json, e.g. one written by save_pretrained)"
            )
        self.path = folder
        self.max_length = max_length
        self.batch_size = batch_size
        self.model_id = f"{folder.name}@{folder_fingerprint(folder)[:12]}"
        self._model = None
        self._tokenizer = None

    def _load(self):
        if self._model is None:
            from transformers import AutoModelForSequenceClassification, AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(self.path)
            if self._tokenizer.pad_token is None:
                self._tokenizer.pad_token = self._tokenizer.eos_token
            self._model = AutoModelForSequenceClassification.from_pretrained(self.path).eval()
            if self._model.config.pad_token_id is None:
                self._model.config.pad_token_id = self._tokenizer.pad_token_id
        return self._model, self._tokenizer

    @property
    def labels(self) -> dict[int, str]:
        model, _ = self._load()
        return {int(k): v for k, v in model.config.id2label.items()}

    @property
    def num_labels(self) -> int:
        from transformers import AutoConfig

        return AutoConfig.from_pretrained(self.path).num_labels

    def pair_text(self, problem: str, response: str) -> tuple[str, bool]:
        """The model's input for (problem, response), and whether the response was cut: a too
        long response keeps its end (where the answer is), the problem is kept whole."""
        _, tokenizer = self._load()
        template = self._template(problem, "")
        room = self.max_length - len(tokenizer(template)["input_ids"]) - 8
        ids = tokenizer(response, add_special_tokens=False)["input_ids"]
        cut = len(ids) > room
        if cut:
            response = tokenizer.decode(ids[-max(room, 0) :]) if room > 0 else ""
        return self._template(problem, response), cut

    def _template(self, problem: str, response: str) -> str:
        _, tokenizer = self._load()
        if tokenizer.chat_template:
            return tokenizer.apply_chat_template(
                [{"role": "user", "content": problem}, {"role": "assistant", "content": response}],
                tokenize=False,
            )
        return f"{problem}\n\n{response}"

    def logits(
        self,
        texts: Sequence[str],
        progress: Callable[[int], None] | None = None,
    ) -> tuple[np.ndarray, list[bool]]:
        """Logits (n, num_labels) and, per text, whether it was truncated to max_length."""
        import torch

        model, tokenizer = self._load()
        # left truncation keeps the end of the response, where the answer is
        tokenizer.truncation_side = "left"
        out, truncated = [], []
        for start in range(0, len(texts), self.batch_size):
            chunk = list(texts[start : start + self.batch_size])
            lengths = [len(ids) for ids in tokenizer(chunk)["input_ids"]]
            truncated += [n > self.max_length for n in lengths]
            batch = tokenizer(
                chunk,
                return_tensors="pt",
                padding=True,
                truncation=True,
                max_length=self.max_length,
            )
            with torch.inference_mode():
                out.append(model(**batch).logits.float().numpy())
            if progress:
                progress(len(chunk))
        width = model.config.num_labels
        return (np.concatenate(out) if out else np.zeros((0, width))), truncated


def reward_scores(
    scorer: SequenceScorer, pairs: Sequence[tuple[str, str]], **kw
) -> tuple[np.ndarray, list[bool]]:
    """One scalar per pair — the logit of a one-label reward model, else the probability of the
    last label (the "good" class of a binary classifier) — and whether the response was cut."""
    texts, cut = (
        zip(*(scorer.pair_text(p, r) for p, r in pairs), strict=True) if pairs else ((), ())
    )
    logits, _ = scorer.logits(list(texts), **kw)
    scores = logits[:, 0] if logits.shape[1] == 1 else _softmax(logits)[:, -1]
    return scores, list(cut)


def unsafe_probability(
    scorer: SequenceScorer, texts: Sequence[str], unsafe_labels: Sequence[str], **kw
) -> np.ndarray:
    names = scorer.labels
    unsafe = [i for i, name in names.items() if name.lower() in {u.lower() for u in unsafe_labels}]
    if not unsafe:
        raise ValueError(
            f"the safety classifier's labels {sorted(names.values())} include none of "
            f"{list(unsafe_labels)}"
        )
    logits, _ = scorer.logits(texts, **kw)
    return _softmax(logits)[:, unsafe].sum(axis=1)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
