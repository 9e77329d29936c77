"""What SFT settings do to the demo student: train on a materialized ``sft_dataset`` with the
given settings, then sample the demo benchmarks from the base and the trained model and print the
format measures (closed ``<think>``, a boxed answer, length) with the time each part took.

    r1-assets materialize --select sft_dataset   # once, into the data root
    python benchmarks/demo_student.py --steps 40 --learning-rate 1e-4 --max-length 256

It uses what ``trained_model`` and ``eval_scores`` use (``train()``, the transformers engine,
the ``<think>`` prefill, T 0.6 / top-p 0.95, k samples) without Dagster, so settings can be
compared in minutes. Writes benchmarks/results/demo_student.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from r1_assets import settings as project
from r1_assets.catalog.schema import think_closed
from r1_assets.distill.recipe import THINK_PREFILL
from r1_assets.evaluate.benchmarks.catalog import load_benchmark_catalog
from r1_assets.evaluate.benchmarks.loading import load_benchmark
from r1_assets.llm.backends.transformers import TransformersEngine
from r1_assets.llm.models import DEFAULT_LLM, resolve_llm
from r1_assets.storage.warehouse import Warehouse
from r1_assets.text.answers import extract_final_answer
from r1_assets.train.settings import SFTSettings
from r1_assets.train.trainer import train

RESULTS = Path(__file__).parent / "results"


def sample(model: str, benchmarks: list[str], k: int, max_tokens: int) -> list[dict]:
    from r1_assets.llm.types import Request, Sampling, user

    catalog = load_benchmark_catalog(project.benchmarks_path())
    engine = TransformersEngine(model, threads=2)
    rows = []
    for name in benchmarks:
        items = load_benchmark(catalog.get(name), catalog).items
        requests = [
            Request(user(prompt, THINK_PREFILL), Sampling(0.6, 0.95, max_tokens), i)
            for prompt in items["prompt"]
            for i in range(k)
        ]
        started = time.perf_counter()
        done = [c for _, c in sorted(engine.stream(requests), key=lambda pair: pair[0])]
        rows.append(
            {
                "benchmark": name,
                "samples": len(done),
                "closed_think": round(sum(think_closed(c.text) for c in done) / len(done), 2),
                "boxed_answer": round(
                    sum(extract_final_answer(c.text) is not None for c in done) / len(done), 2
                ),
                "mean_tokens": round(sum(c.completion_tokens for c in done) / len(done)),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=None, help="data root (default: settings)")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--overlong", choices=["drop", "truncate"], default="drop")
    parser.add_argument("--max-tokens", type=int, default=160, help="new tokens per sample")
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--benchmarks", nargs="*", default=["demo_math", "demo_aime", "demo_gpqa"])
    args = parser.parse_args()

    data = args.data or project.data_dir()
    rows = Warehouse(data).read("sft_dataset").to_dicts()
    base = resolve_llm(DEFAULT_LLM, project.models_dir())
    settings = SFTSettings(
        learning_rate=args.learning_rate,
        max_steps=args.steps,
        max_length=args.max_length,
        overlong=args.overlong,
        threads=2,
    )
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        trained = train(base, rows, settings, Path(folder) / "student")
        train_s = round(time.perf_counter() - started, 1)
        results = {
            "settings": settings.model_dump(),
            "mixture_rows": len(rows),
            "trained_examples": trained.trained_examples,
            "skipped": trained.skipped,
            "train_seconds": train_s,
            "final_losses": [round(x, 3) for x in trained.losses[-5:]],
            "base": sample(base, args.benchmarks, args.k, args.max_tokens),
            "trained": sample(str(trained.output_dir), args.benchmarks, args.k, args.max_tokens),
        }
    print(
        f"{trained.trained_examples} of {len(rows)} rows trained on, {args.steps} steps in "
        f"{train_s} s; skipped {trained.skipped}"
    )
    print(f"\n{'model':8} {'benchmark':12} closed_think boxed_answer mean_tokens seconds")
    for model in ("base", "trained"):
        for row in results[model]:
            print(
                f"{model:8} {row['benchmark']:12} {row['closed_think']:12} "
                f"{row['boxed_answer']:12} {row['mean_tokens']:11} {row['seconds']}"
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "demo_student.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
