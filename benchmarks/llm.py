"""Generation throughput of the pipeline (request keys, cache lookups, incremental flushes)
against the bare engine on the same prompts in the same process, then the cache's effect on a
rerun.

    python benchmarks/llm.py                          # transformers (the default install)
    python benchmarks/llm.py --backend vllm           # in the vLLM venv (README: The vLLM tests)
    python benchmarks/llm.py --prompts 64 --max-tokens 128

Greedy decoding, so both runs generate the same tokens and tokens/s compare fairly. The baseline
is the engine's own batch call: ``LLM.chat`` for vLLM, batched ``generate`` for transformers.
The engine is loaded (and warmed up on one prompt) before either run is timed. Writes
benchmarks/results/llm_<backend>.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from r1_assets import settings
from r1_assets.distill.recipe import MATH_INSTRUCTION
from r1_assets.llm.generate import generate_cached
from r1_assets.llm.types import Completion, Request, Sampling, user
from r1_assets.resources import LLMResource

RESULTS = Path(__file__).parent / "results"


def prompts(n: int, max_tokens: int) -> list[Request]:
    sampling = Sampling(temperature=0.0, top_p=1.0, max_tokens=max_tokens)
    return [
        Request(
            user(f"What is {3 + i} times {7 + 2 * i}?\n\n{MATH_INSTRUCTION}", "<think>\n"), sampling
        )
        for i in range(n)
    ]


def bare_vllm(engine, requests: list[Request]) -> list[Completion]:
    """vLLM's own batch API on the same conversations: the baseline for the vLLM backend."""
    from vllm import SamplingParams

    params = [
        SamplingParams(temperature=0.0, top_p=1.0, max_tokens=r.sampling.max_tokens)
        for r in requests
    ]
    outputs = engine.llm.chat(
        [list(r.messages) for r in requests],
        sampling_params=params,
        use_tqdm=False,
        add_generation_prompt=False,
        continue_final_message=True,
    )
    return [
        Completion(
            text=r.prefill + o.outputs[0].text,
            finish_reason=o.outputs[0].finish_reason or "stop",
            completion_tokens=len(o.outputs[0].token_ids),
        )
        for r, o in zip(requests, outputs, strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="transformers", choices=["transformers", "vllm"])
    parser.add_argument("--prompts", type=int, default=32)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        llm = LLMResource(
            backend=args.backend,
            models_dir=str(settings.models_dir()),
            cache_dir=str(Path(tmp) / "cache"),
            threads=args.threads,
        )
        engine = llm.engine()
        engine.generate(prompts(1, 4))  # warm-up: first-call allocations are not throughput
        requests = prompts(args.prompts, args.max_tokens)

        started = time.perf_counter()
        bare = bare_vllm(engine, requests) if args.backend == "vllm" else engine.generate(requests)
        bare_s = time.perf_counter() - started
        bare_tokens = sum(c.completion_tokens for c in bare)

        started = time.perf_counter()
        piped, _ = generate_cached(
            lambda: engine, llm.cache(), llm.model_id, requests, llm.flush_every
        )
        pipeline_s = time.perf_counter() - started
        pipeline_tokens = sum(c.completion_tokens for c in piped)

        started = time.perf_counter()
        _, rerun = generate_cached(
            lambda: engine, llm.cache(), llm.model_id, requests, llm.flush_every
        )
        rerun_s = time.perf_counter() - started

    bare_tps, pipe_tps = bare_tokens / bare_s, pipeline_tokens / pipeline_s
    rows = [
        ("bare engine", bare_s, bare_tokens, bare_tps, 1.0),
        ("pipeline (cache miss)", pipeline_s, pipeline_tokens, pipe_tps, pipe_tps / bare_tps),
        ("pipeline rerun (cache hit)", rerun_s, 0, 0.0, bare_s / rerun_s),
    ]
    print(f"{args.backend}: {args.prompts} prompts x {args.max_tokens} new tokens, greedy")
    print(f"{'run':28} {'seconds':>8} {'tokens':>7} {'tok/s':>7} {'ratio':>8}")
    for name, seconds, tokens, tps, ratio in rows:
        print(f"{name:28} {seconds:8.2f} {tokens:7d} {tps:7.1f} {ratio:8.2f}")
    print(f"rerun: {rerun.cache_hits} cache hits, {rerun.generated} generated")
    print("ratio: pipeline tok/s over bare tok/s; for the rerun, bare seconds over rerun seconds")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"llm_{args.backend}.json"
    out.write_text(
        json.dumps(
            {
                "backend": args.backend,
                "prompts": args.prompts,
                "max_tokens": args.max_tokens,
                "same_tokens": [c.text for c in bare] == [c.text for c in piped],
                "bare": {"seconds": bare_s, "tokens": bare_tokens, "tok_s": bare_tps},
                "pipeline": {"seconds": pipeline_s, "tokens": pipeline_tokens, "tok_s": pipe_tps},
                "pipeline_over_bare": pipe_tps / bare_tps,
                "rerun": {"seconds": rerun_s, "cache_hits": rerun.cache_hits},
            },
            indent=2,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
