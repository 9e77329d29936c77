"""What each speed-up of the transformers engine buys, as ratios against the same engine without it,
in the same process on the same prompts (the embedded SmolLM2 on this CPU):

- shared-prefix KV cache: the labeler's three questions after each demo problem, with each
  problem's KV cache (and the chat template's) computed once per batch vs every prompt in full;
- nucleus cut: sampled generation (T 0.6, top-p 0.95) with ``TopP`` vs transformers' sorting
  ``TopPLogitsWarper`` — same seed, so the same tokens must come out;
- batch size: 32 (split evenly) vs 16 on the same sampled requests.

    python benchmarks/transformers_engine.py [--problems 40] [--repeats 2]

Each variant runs ``--repeats`` times, alternating, and the best time counts (the machine is
shared). Prints a table, writes benchmarks/results/transformers_engine.json.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from r1_assets import settings
from r1_assets.catalog.loader import load_source
from r1_assets.catalog.spec import load_catalog
from r1_assets.distill.recipe import MATH_INSTRUCTION
from r1_assets.labels.labeling import label_requests
from r1_assets.llm import batching
from r1_assets.llm.backends import transformers as hf_backend
from r1_assets.llm.types import Request, Sampling, user
from r1_assets.resources import LLMResource

RESULTS = Path(__file__).parent / "results"


def demo_problems(n: int) -> list[str]:
    """The first problems of the demo sources, round-robin, so short and long statements mix."""
    catalog = load_catalog(settings.DEFAULT_CATALOG_PATH)
    columns = [
        load_source(entry, catalog).problems["problem"].to_list()
        for entry in catalog.entries.values()
    ]
    mixed = [text for row in zip(*columns, strict=False) for text in row if text]
    return mixed[:n]


def best_of(repeats: int, variants: dict[str, Callable[[], list]]) -> dict[str, tuple]:
    """name -> (best seconds, the outputs of its last run); variants alternate per repeat."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    outputs: dict[str, list] = {}
    for _ in range(repeats):
        for name, run in variants.items():
            started = time.perf_counter()
            outputs[name] = run()
            times[name].append(time.perf_counter() - started)
    return {name: (min(times[name]), outputs[name]) for name in variants}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    engine = LLMResource(
        backend="transformers",
        models_dir=str(settings.models_dir()),
        cache_dir=str(settings.data_dir() / "cache" / "llm"),  # unused: the engine is called bare
    ).engine()
    assert isinstance(engine, hf_backend.TransformersEngine)
    problems = demo_problems(args.problems)
    engine.generate([Request(user("Hi"), Sampling(0.0, 1.0, 2))])  # warm-up
    rows = []

    def texts(requests: list[Request]) -> list[str]:
        return [c.text for c in engine.generate(requests)]

    labels = label_requests(problems)

    def prefix(shared: int) -> Callable[[], list]:
        def run() -> list:
            batching.MIN_SHARED_PREFIX = shared
            return texts(labels)

        return run

    measured = best_of(args.repeats, {"full": prefix(10**9), "prefix": prefix(16)})
    batching.MIN_SHARED_PREFIX = 16
    rows.append(row("labeler: shared-prefix KV caches", len(labels), measured, "full", "prefix"))

    sampled = [
        Request(user(f"{text}\n\n{MATH_INSTRUCTION}", "<think>\n"), Sampling(0.6, 0.95, 64))
        for text in problems[:32]
    ]

    def nucleus(ours: bool) -> Callable[[], list]:
        real = hf_backend.TopP

        def run() -> list:
            if not ours:  # the same generate call with transformers' own top-p warper
                from transformers.generation.logits_process import TopPLogitsWarper

                hf_backend.TopP = lambda p: TopPLogitsWarper(p)  # type: ignore[assignment]
            try:
                return texts(sampled)
            finally:
                hf_backend.TopP = real

        return run

    measured = best_of(args.repeats, {"sort": nucleus(False), "cut": nucleus(True)})
    rows.append(row("sampling: nucleus cut vs sort", len(sampled), measured, "sort", "cut"))

    def batch(size: int) -> Callable[[], list]:
        def run() -> list:
            engine.batch_size = size
            return texts(sampled)

        return run

    measured = best_of(args.repeats, {"16": batch(16), "32": batch(32)})
    engine.batch_size = 32
    rows.append(row("sampling: batch 32 vs 16", len(sampled), measured, "16", "32", same=False))

    print(f"{'what':34} {'requests':>8} {'baseline s':>10} {'new s':>8} {'ratio':>6}  same")
    for r in rows:
        print(
            f"{r['what']:34} {r['requests']:>8} {r['baseline_s']:>10.1f} {r['new_s']:>8.1f} "
            f"{r['speedup']:>6.2f}  {r['same_outputs']}"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "transformers_engine.json").write_text(json.dumps(rows, indent=2))


def row(what: str, n: int, measured: dict, base: str, new: str, same: bool = True) -> dict:
    (base_s, base_out), (new_s, new_out) = measured[base], measured[new]
    identical = sum(a == b for a, b in zip(base_out, new_out, strict=True))
    return {
        "what": what,
        "requests": n,
        "baseline_s": round(base_s, 2),
        "new_s": round(new_s, 2),
        "speedup": round(base_s / new_s, 2),
        # batches of another size draw other random numbers: only the first two must agree
        "same_outputs": f"{identical}/{n}" if same else "n/a (other batches, other draws)",
    }


if __name__ == "__main__":
    main()
