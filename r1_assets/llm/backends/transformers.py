"""The transformers backend: local ``generate``, batched, for machines without vLLM."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from r1_assets.llm.batching import plan_batches, prefix_plan
from r1_assets.llm.engines import CollectingEngine, chat_template_flags
from r1_assets.llm.types import Completion, Request


def cache_argument() -> str:
    """The name ``generate`` and ``forward`` take a KV cache by: transformers 5.24 renamed
    ``past_key_values`` to ``cache`` (the old name warns, and goes in 5.40 / 6.0)."""
    import transformers

    major, minor = (int(part) for part in transformers.__version__.split(".")[:2])
    return "cache" if (major, minor) >= (5, 24) else "past_key_values"


class TransformersEngine(CollectingEngine):
    def __init__(
        self, path: str, device: str = "cpu", threads: int = 0, batch_size: int = 32
    ) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if threads:
            torch.set_num_threads(threads)  # oversubscribed threads were 10-40x slower here
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.tokenizer.padding_side = "left"  # decoder-only batches pad on the left
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        # fp32: this CPU has no bf16 units (bf16 matmul measured ~50x slower)
        self.model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).to(device)
        self.model.eval()
        self.device = device
        self.batch_size = batch_size

    def prompt(self, request: Request) -> str:
        return self.tokenizer.apply_chat_template(
            list(request.messages), tokenize=False, **chat_template_flags(request)
        )

    def stream(self, requests: Sequence[Request]) -> Iterator[tuple[int, Completion]]:
        tokens = [
            self.tokenizer(self.prompt(r), add_special_tokens=False)["input_ids"] for r in requests
        ]
        # one batch shares its sampling; its rows may each allow other answers (choices)
        samplings = [repr(replace(r.sampling, choices=None)) for r in requests]
        for batch in plan_batches(tokens, samplings, self.batch_size):
            completions = self._batch([requests[i] for i in batch], [tokens[i] for i in batch])
            yield from zip(batch, completions, strict=True)

    def _inputs(self, tokens: list[list[int]]) -> dict:
        """The batch's model inputs. Each prefix ``prefix_plan`` finds (the template every prompt
        opens with, or what a run of consecutive prompts shares: one problem under several label
        questions, the k samples of one prompt) is run once and its KV cache given to its rows;
        their own tokens follow, padded on the left of that remainder (the mask hides all
        padding, positions continue after the prefix). Without one it is plain left padding."""
        torch = self.torch
        prefixes, owner = prefix_plan(tokens)
        cut = [len(prefixes[g]) if g >= 0 else 0 for g in owner]
        cached = max(cut)
        width = max(len(ids) - n for ids, n in zip(tokens, cut, strict=True))
        input_ids = torch.full((len(tokens), cached + width), self.tokenizer.pad_token_id)
        mask = torch.zeros((len(tokens), cached + width), dtype=torch.long)
        for row, (ids, n) in enumerate(zip(tokens, cut, strict=True)):
            own = ids[n:]
            input_ids[row, cached - n : cached] = torch.tensor(ids[:n], dtype=torch.long)
            input_ids[row, cached + width - len(own) :] = torch.tensor(own, dtype=torch.long)
            mask[row, cached - n : cached] = 1
            mask[row, cached + width - len(own) :] = 1
        inputs = {"input_ids": input_ids.to(self.device), "attention_mask": mask.to(self.device)}
        if cached:
            inputs[cache_argument()] = self._prefix_cache(prefixes, owner, cached)
        return inputs

    def _prefix_cache(self, prefixes: list[list[int]], owner: list[int], width: int):
        """One KV cache row per prompt: each prefix computed alone (no padding to compute), left-
        padded with zeros to ``width`` (the mask gives them no weight); a prompt without a prefix
        (owner -1) gets zeros only."""
        from transformers import DynamicCache

        torch = self.torch
        computed = []
        for prefix in prefixes:
            cache = DynamicCache(config=self.model.config)
            with torch.inference_mode():
                ids = torch.tensor([prefix], dtype=torch.long, device=self.device)
                self.model(ids, **{cache_argument(): cache}, logits_to_keep=1)
            computed.append(cache)
        rows = torch.tensor([g if g >= 0 else len(prefixes) for g in owner], device=self.device)
        combined = DynamicCache(config=self.model.config)
        for layer in range(len(computed[0].layers)):
            states = []
            for part in ("keys", "values"):
                tensors = [getattr(c.layers[layer], part) for c in computed]
                padded = [
                    torch.nn.functional.pad(t, (0, 0, width - t.shape[-2], 0)) for t in tensors
                ]
                padded.append(torch.zeros_like(padded[0]))  # the rows without a prefix
                states.append(torch.cat(padded).index_select(0, rows))
            combined.update(*states, layer_idx=layer)
        return combined

    def choice_tokens(self, choices: tuple[str, ...] | None) -> list[list[int]] | None:
        """Each choice as the token ids an answer spelling it exactly would have."""
        if not choices:
            return None
        return [self.tokenizer(c, add_special_tokens=False)["input_ids"] for c in choices]

    def _batch(self, batch: list[Request], tokens: list[list[int]]) -> list[Completion]:
        from transformers import LogitsProcessorList

        torch, tokenizer = self.torch, self.tokenizer
        sampling = batch[0].sampling
        started = time.perf_counter()
        encoded = self._inputs(tokens)
        sample = sampling.temperature > 0
        nucleus = sample and sampling.top_p < 1.0
        processors = [TopP(sampling.top_p)] if nucleus else []
        width = encoded["input_ids"].shape[1]
        if any(r.sampling.choices for r in batch):
            allowed = [self.choice_tokens(r.sampling.choices) for r in batch]
            processors.append(Choices(allowed, width, self.tokenizer.eos_token_id))
        torch.manual_seed(batch[0].seed())
        with torch.inference_mode():
            output = self.model.generate(
                **encoded,
                max_new_tokens=sampling.max_tokens,
                do_sample=sample,
                temperature=sampling.temperature if sample else None,
                top_p=None,  # the same nucleus, cut without sorting the vocabulary every step
                top_k=None,
                logits_processor=LogitsProcessorList(processors),
                pad_token_id=tokenizer.pad_token_id,
            )
        latency = time.perf_counter() - started
        configured = self.model.generation_config.eos_token_id  # an id, a list of ids, or None
        eos = {tokenizer.eos_token_id}
        eos |= set(configured) if isinstance(configured, list) else {configured}
        eos.discard(None)
        completions = []
        for row, request in enumerate(batch):
            new = output[row, width:].tolist()
            stop = next((k for k, token in enumerate(new) if token in eos), None)
            kept = new if stop is None else new[:stop]
            completions.append(
                Completion(
                    text=request.prefill + tokenizer.decode(kept, skip_special_tokens=True),
                    finish_reason="stop" if stop is not None else "length",
                    prompt_tokens=len(tokens[row]),
                    completion_tokens=len(kept) + (stop is not None),
                    latency_s=latency,
                )
            )
        return completions


class TopP:
    """Nucleus (top-p) filtering with the cut of transformers' ``TopPLogitsWarper`` — keep the
    most probable tokens until their mass reaches ``top_p`` — without sorting the whole
    vocabulary every step (~25% of a sampled step of a small model here): the nucleus lies
    within the ``k`` most probable tokens whenever they hold ``top_p`` of the mass, which at
    R1's temperature is nearly always; the other rows take the full sort."""

    def __init__(self, top_p: float, k: int = 64) -> None:
        self.top_p, self.k = top_p, k

    def __call__(self, input_ids, scores):
        import torch
        from transformers.generation.logits_process import TopPLogitsWarper

        probs = scores.softmax(dim=-1)
        top, index = probs.topk(min(self.k, scores.shape[-1]), dim=-1)
        keep = (top.cumsum(dim=-1) - top) < self.top_p  # the mass before a token is short of p
        keep[:, 0] = True
        filtered = torch.full_like(scores, float("-inf"))
        kept = torch.where(keep, scores.gather(-1, index), float("-inf"))
        filtered.scatter_(-1, index, kept)
        wide = (top.sum(dim=-1) < self.top_p).nonzero().flatten()
        if len(wide):
            filtered[wide] = TopPLogitsWarper(self.top_p)(input_ids[wide], scores[wide])
        return filtered


class Choices:
    """Constrained choice: a row with choices (token id sequences) may only continue one of them
    and ends when it has spelled one out, so its answer is always exactly one of them (greedy
    picks among the choices' first tokens, then their next ones); a row without (None) is free.
    ``width`` is where the generated tokens start in ``input_ids``."""

    def __init__(self, choices: list[list[list[int]] | None], width: int, eos: int) -> None:
        self.choices = [None if c is None else [ids for ids in c if ids] for c in choices]
        self.width, self.eos = width, eos

    def __call__(self, input_ids, scores):
        import torch

        allowed = torch.ones_like(scores, dtype=torch.bool)
        for row, ids in enumerate(input_ids[:, self.width :].tolist()):
            if self.choices[row] is None:
                continue
            done, keep = len(ids), torch.zeros_like(allowed[row])
            for choice in self.choices[row]:
                if choice[:done] == ids:
                    keep[choice[done] if done < len(choice) else self.eos] = True
            if keep.any():  # else finished: the padding after its end, anything goes
                allowed[row] = keep
        return scores.masked_fill(~allowed, float("-inf"))
