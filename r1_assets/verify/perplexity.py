"""Perplexity of a response under a reference language model, given its problem: the AM data
work's fluency filter (AM-Thinking-v1 drops responses a reference model finds unlikely) and what
"lowest perplexity" chooses by among several teachers' correct responses.

exp(mean negative log-likelihood) of the response's tokens after the problem's user turn (the
reference model's chat template). A response longer than ``max_tokens`` is scored on its first
``max_tokens`` tokens: the opening of a reasoning chain is where a model's style shows, and the
cost stays bounded per response.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from r1_assets.llm.models import model_id


class PerplexityScorer:
    def __init__(self, location: str, max_tokens: int = 1024, batch_size: int = 4) -> None:
        folder = Path(location)
        if not (folder / "config.json").is_file():
            raise FileNotFoundError(f"no causal language model at {location!r} (no config file)")
        self.location = str(folder)
        self.model_id = model_id(location, location)
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self._model = None
        self._tokenizer = None

    def _load(self):
        if self._model is None:
            from transformers import AutoModelForCausalLM, AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(self.location)
            self._model = AutoModelForCausalLM.from_pretrained(self.location).eval()
        return self._model, self._tokenizer

    def _ids(self, problem: str, response: str) -> tuple[list[int], int, bool]:
        """Token ids of (user turn, response) and where the response starts; whether it was
        cut to max_tokens."""
        _, tokenizer = self._load()
        if tokenizer.chat_template:
            head = tokenizer.apply_chat_template(
                [{"role": "user", "content": problem}], tokenize=False, add_generation_prompt=True
            )
        else:
            head = f"{problem}\n\n"
        prompt = tokenizer(head, add_special_tokens=False)["input_ids"]
        answer = tokenizer(response, add_special_tokens=False)["input_ids"]
        cut = len(answer) > self.max_tokens
        return prompt + answer[: self.max_tokens], len(prompt), cut

    def perplexities(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[float, bool]]:
        """(perplexity, cut) per (problem, response); an empty response scores inf."""
        import torch

        model, tokenizer = self._load()
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        out: list[tuple[float, bool]] = []
        for start in range(0, len(pairs), self.batch_size):
            encoded = [self._ids(p, r) for p, r in pairs[start : start + self.batch_size]]
            width = max(len(ids) for ids, _, _ in encoded)
            inputs = torch.full((len(encoded), width), pad, dtype=torch.long)
            labels = torch.full((len(encoded), width), -100, dtype=torch.long)
            mask = torch.zeros((len(encoded), width), dtype=torch.long)
            for row, (ids, begin, _) in enumerate(encoded):
                inputs[row, : len(ids)] = torch.tensor(ids)
                labels[row, begin : len(ids)] = torch.tensor(ids[begin:])
                mask[row, : len(ids)] = 1
            with torch.inference_mode():
                logits = model(input_ids=inputs, attention_mask=mask).logits.float()
            # token t is predicted from position t - 1
            loss = torch.nn.functional.cross_entropy(
                logits[:, :-1].transpose(1, 2), labels[:, 1:], reduction="none"
            )
            counted = (labels[:, 1:] != -100).sum(dim=1)
            for row, (_, _, cut) in enumerate(encoded):
                n = int(counted[row])
                nll = float(loss[row].sum()) / n if n else math.inf
                out.append((math.exp(nll) if math.isfinite(nll) else math.inf, cut))
        return out
