"""How often the math judge (the fallback where math-verify cannot decide) agrees with math-verify
where both apply, on gold pairs of MATH-500 and GSM8K (the files shipped in the package).

    python benchmarks/math_judge_agreement.py                 # embedded SmolLM2 as the judge
    python benchmarks/math_judge_agreement.py --limit 50
    python benchmarks/math_judge_agreement.py --model /path/to/a/local/model
    python benchmarks/math_judge_agreement.py --backend openai \\
        --base-url http://127.0.0.1:8000/v1 --model served-name

Pairs per dataset, each (problem, reference, response text) going through math-verify and the
judge as a distilled response would (``math_judge_requests``, ``math_judge_verdict``):
- **same**: the problem's own solution (MATH-500: its solution text, last ``\\boxed{}``; GSM8K:
  ``\\boxed{<the #### number>}``) against its reference: math-verify says equal on nearly all.
- **next**: the next problem's solution against this reference: math-verify says different on
  nearly all (two problems with the same answer agree rightly).

Only pairs math-verify decides count (its undecided ones are what the judge exists for, and
have no math-verify verdict to agree with). Reported per dataset and overall: agreement, Cohen's
kappa, the judge's yes / no / unreadable answers against math-verify's equal / different, and
the judge's time per pair. Judgements are cached in the data root's LLM cache (a rerun is free).
Writes benchmarks/results/math_judge_agreement.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from r1_assets import settings
from r1_assets.resources import LLMResource
from r1_assets.settings import BENCHMARK_DATA_DIR
from r1_assets.verify.math_answer import MathVerifier
from r1_assets.verify.math_judge import math_judge_requests, math_judge_verdict

RESULTS = Path(__file__).parent / "results"


def read_jsonl(path: Path, limit: int) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows[:limit]


def pairs(limit: int) -> dict[str, list[dict]]:
    """(dataset -> rows of problem, reference_answer, answer, kind)."""
    math = read_jsonl(BENCHMARK_DATA_DIR / "math500" / "test.jsonl", limit)
    gsm = read_jsonl(BENCHMARK_DATA_DIR / "gsm8k" / "test.jsonl", limit)
    gsm_ref = [r["answer"].split("####")[-1].strip() for r in gsm]
    out: dict[str, list[dict]] = {"math500": [], "gsm8k": []}
    for i, row in enumerate(math):
        nxt = math[(i + 1) % len(math)]
        for kind, text in (("same", row["solution"]), ("next", nxt["solution"])):
            out["math500"].append(
                {
                    "problem": row["problem"],
                    "reference_answer": row["answer"],
                    "answer": text,
                    "kind": kind,
                }
            )
    for i, row in enumerate(gsm):
        nxt = gsm_ref[(i + 1) % len(gsm)]
        for kind, number in (("same", gsm_ref[i]), ("next", nxt)):
            out["gsm8k"].append(
                {
                    "problem": row["question"],
                    "reference_answer": gsm_ref[i],
                    "answer": f"The answer is $\\boxed{{{number}}}$.",
                    "kind": kind,
                }
            )
    return out


def kappa(both: list[tuple[bool, bool]]) -> float | None:
    """Cohen's kappa of two yes/no raters (None when chance agreement is total)."""
    n = len(both)
    if not n:
        return None
    observed = sum(a == b for a, b in both) / n
    p_a, p_b = sum(a for a, _ in both) / n, sum(b for _, b in both) / n
    chance = p_a * p_b + (1 - p_a) * (1 - p_b)
    return None if chance == 1 else round((observed - chance) / (1 - chance), 3)


def summarize(name: str, rows: list[dict]) -> dict:
    decided = [r for r in rows if r["math_verify"] is not None]
    readable = [r for r in decided if r["judge"] is not None]
    table = {
        f"{'equal' if mv else 'different'} / {said}": sum(
            r["math_verify"] is mv and r["judge_said"] == said for r in decided
        )
        for mv in (True, False)
        for said in ("yes", "no", "unreadable")
    }
    agreed = sum(r["judge"] is r["math_verify"] for r in readable)
    return {
        "dataset": name,
        "pairs": len(rows),
        "decided_by_math_verify": len(decided),
        "judge_readable": len(readable),
        "agreement": round(agreed / len(decided), 3) if decided else None,
        "agreement_of_readable": round(agreed / len(readable), 3) if readable else None,
        "kappa": kappa([(r["judge"], r["math_verify"]) for r in readable]),
        **table,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=100, help="problems per dataset")
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--backend", default="transformers")
    parser.add_argument("--base-url", default="")
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    judge = LLMResource(
        model=args.model,
        backend=args.backend,
        base_url=args.base_url,
        threads=args.threads,
        models_dir=str(settings.models_dir()),
        cache_dir=str(settings.data_dir() / "cache" / "llm"),
    )
    results, every = [], []
    with MathVerifier(workers=2) as verifier:
        for name, rows in pairs(args.limit).items():
            checks = verifier.check_many(
                [(r["reference_answer"], r["answer"]) for r in rows], progress=False
            )
            started = time.perf_counter()
            completions, stats = judge.generate(math_judge_requests(rows), desc=f"judging {name}")
            seconds = time.perf_counter() - started
            for row, check, completion in zip(rows, checks, completions, strict=True):
                verdict = math_judge_verdict(completion)  # score None: unreadable
                row["math_verify"] = check.passed if check.status == "ok" else None
                row["judge"] = verdict.passed if verdict.score is not None else None
                row["judge_said"] = {True: "yes", False: "no", None: "unreadable"}[row["judge"]]
            summary = summarize(name, rows)
            summary["judge_seconds"] = round(seconds, 1)
            summary["judge_generated"] = stats.generated
            results.append(summary)
            every += rows
    results.append(summarize("all", every) | {"judge_seconds": None, "judge_generated": None})
    columns = list(results[0])
    print(f"math judge {judge.model_id} against math-verify (pairs math-verify decides)")
    print(" | ".join(columns))
    for r in results:
        print(" | ".join(str(r[c]) for c in columns))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "math_judge_agreement.json"
    out.write_text(
        json.dumps({"judge": judge.describe(), "limit": args.limit, "results": results}, indent=2)
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
