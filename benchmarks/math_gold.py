"""Verifier agreement on gold data: reference answers must verify against themselves.

    python benchmarks/math_gold.py                  # MATH-500, AIME 2024, GSM8K test
    python benchmarks/math_gold.py --workers 2 --limit 100

Rows (each pair goes through ``MathVerifier.check_many`` as a model's answer would):
- math500: the ``answer`` field against the solution text, whose LAST ``\\boxed{}`` is the answer.
- math500_respelled: MATH-500's answers are written exactly as its solutions box them, so the
  math500 row compares equal strings. Here the answer is spelled anew by sympy's LaTeX printer
  (``6+9i`` -> ``\\boxed{9 i + 6}``, ``\\left( 3, \\frac{\\pi}{2} \\right)`` -> ``\\left( 3, \\
  \\frac{\\pi}{2}\\right)``) from math-verify's own parse of it, on the rows where the spelling
  changes. It tests that the verdict does not depend on the spelling, not that the parse is right.
- math500_shifted (informational, the other way round): each ``answer`` against the NEXT
  problem's solution. These should mostly disagree; every agreement is printed, to be read for
  false positives (two problems with the same answer agree rightly).
- aime24: the ``answer`` field (with AIME's leading zeros, "073") against the AoPS solution's
  last ``\\boxed{}`` (often ``\\textbf{(073)}``); the solutions without a box are left out.
- gsm8k: the number after ``####`` against ``\\boxed{<that number>}``.
- gsm8k_no_commas: the same with the thousands separators dropped from the boxed copy
  (``#### 1,600`` against ``\\boxed{1600}``), as models often write it.
- gsm8k_last_calc (informational): the ``####`` number against the result of the solution's last
  ``<<a*b=N>>`` calculator annotation. That one measures the data, not the verifier: a miss where
  the two numbers are equal would be a verifier miss; unequal numbers are the data's (the last
  calculation is not always the final answer).

Every miss is printed with what math-verify parsed on each side. The pool is started (and warmed
up on one item) before anything is timed. Writes benchmarks/results/math_gold.json.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from r1_assets.settings import BENCHMARK_DATA_DIR
from r1_assets.text.answers import bare_reference, extract_final_answer
from r1_assets.verify.math_answer import MATH_VERIFIER_VERSION, MathCheck, MathVerifier

RESULTS = Path(__file__).parent / "results"
DATASETS = BENCHMARK_DATA_DIR
_CALC = re.compile(r"<<[^<>]*=\s*([^<>=]+?)\s*>>")


def read_jsonl(path: Path, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows[:limit] if limit else rows


def math500(limit: int | None) -> dict[str, list[tuple[str, str, str]]]:
    """(row id, reference, answer text) per dataset row."""
    rows = read_jsonl(DATASETS / "math500" / "test.jsonl", limit)
    gold = [(r["unique_id"], r["answer"], r["solution"]) for r in rows]
    shifted = [
        (f"{r['unique_id']} vs {nxt['unique_id']}", r["answer"], nxt["solution"])
        for r, nxt in zip(rows, rows[1:] + rows[:1], strict=True)
    ]
    return {"math500": gold, "math500_respelled": respelled(gold), "math500_shifted": shifted}


def respelled(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Each reference against ``\\boxed{}`` of sympy's LaTeX for it, where that reads otherwise."""
    import sympy
    from math_verify import parse

    out = []
    for row_id, reference, _ in rows:
        parsed = parse(f"${bare_reference(reference)}$")  # gold data: its own timeouts suffice
        if not parsed or not isinstance(parsed[0], sympy.Basic | sympy.MatrixBase):
            continue
        latex = sympy.latex(parsed[0])
        if "".join(latex.split()) != "".join(reference.split()):
            out.append((row_id, reference, f"\\boxed{{{latex}}}"))
    return out


def aime24(limit: int | None) -> dict[str, list[tuple[str, str, str]]]:
    rows = read_jsonl(DATASETS / "aime24" / "test.jsonl", limit)
    boxed = [r for r in rows if extract_final_answer(r["solution"]) is not None]
    return {"aime24": [(f"aime24/{r['id']}", r["answer"], r["solution"]) for r in boxed]}


def gsm8k_final(answer: str) -> str:
    return answer.split("####")[-1].strip()


def gsm8k(limit: int | None) -> dict[str, list[tuple[str, str, str]]]:
    rows = read_jsonl(DATASETS / "gsm8k" / "test.jsonl", limit)
    boxed, no_commas, last_calc = [], [], []
    for i, row in enumerate(rows):
        final = gsm8k_final(row["answer"])
        boxed.append((f"gsm8k/{i}", final, f"\\boxed{{{final}}}"))
        no_commas.append((f"gsm8k/{i}", final, f"\\boxed{{{final.replace(',', '')}}}"))
        calcs = _CALC.findall(row["answer"])
        if calcs:
            last_calc.append((f"gsm8k/{i}", final, f"\\boxed{{{calcs[-1]}}}"))
    return {"gsm8k": boxed, "gsm8k_no_commas": no_commas, "gsm8k_last_calc": last_calc}


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").replace("$", ""))
    except ValueError:
        return None


def record(row_id: str, reference: str, answer_text: str, check: MathCheck) -> dict:
    answer = extract_final_answer(answer_text)
    return {
        "id": row_id,
        "reference": reference,
        "answer": answer if answer is not None else answer_text[-200:],
        "status": check.status,
        "detail": check.detail,
        "parsed_reference": check.parsed_reference,
        "parsed_answer": check.parsed_answer,
    }


def run(verifier: MathVerifier, name: str, rows: list[tuple[str, str, str]]) -> dict:
    started = time.perf_counter()
    checks = verifier.check_many([(ref, text) for _, ref, text in rows], progress=False)
    seconds = time.perf_counter() - started
    records = [
        record(row_id, ref, text, check)
        for (row_id, ref, text), check in zip(rows, checks, strict=True)
    ]
    misses = [r for r, check in zip(records, checks, strict=True) if not check.passed]
    statuses: dict[str, int] = {}
    for check in checks:
        statuses[check.status] = statuses.get(check.status, 0) + 1
    result = {
        "dataset": name,
        "n": len(rows),
        "agreed": len(rows) - len(misses),
        "rate": (len(rows) - len(misses)) / max(len(rows), 1),
        "seconds": seconds,
        "per_s": len(rows) / seconds if seconds else 0.0,
        "statuses": statuses,
        "misses": misses,
    }
    if name == "math500_shifted":
        result["agreements"] = [r for r, check in zip(records, checks, strict=True) if check.passed]
        del result["misses"]
    if name == "gsm8k_last_calc":
        # misses between equal numbers are the verifier's; the others are the data's
        result["verifier_misses"] = [
            m
            for m in misses
            if (a := _number(m["answer"])) is not None and a == _number(m["reference"])
        ]
    return result


def print_report(results: list[dict]) -> None:
    print(f"{'dataset':18} {'n':>5} {'agreed':>6} {'rate':>7} {'verif/s':>8}  statuses")
    for r in results:
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(r["statuses"].items()))
        print(
            f"{r['dataset']:18} {r['n']:5d} {r['agreed']:6d} {r['rate']:7.2%} "
            f"{r['per_s']:8.1f}  {statuses}"
        )
    for r in results:
        if r["dataset"] == "math500_shifted":
            print(
                f"\nmath500_shifted: {len(r['agreements'])} agreements between different problems:"
            )
            for m in r["agreements"]:
                print(f"  {m['id']}: {m['reference']!r} vs {m['answer']!r}")
            continue
        if r["dataset"] == "gsm8k_last_calc":
            print(
                f"\ngsm8k_last_calc: {len(r['misses'])} misses, of which "
                f"{len(r['verifier_misses'])} between equal numbers (verifier misses):"
            )
            shown = r["verifier_misses"]
            for m in r["misses"][:3]:
                print(
                    f"  e.g. (data) {m['id']}: #### {m['reference']!r}, "
                    f"last calculation {m['answer']!r}"
                )
        else:
            print(f"\n{r['dataset']}: {len(r['misses'])} misses")
            shown = r["misses"]
        for m in shown:
            print(f"  {m['id']}: reference {m['reference']!r} vs answer {m['answer']!r}")
            print(
                f"    {m['status']}: {m['detail']} | parsed reference {m['parsed_reference']!r}"
                f", parsed answer {m['parsed_answer']!r}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per item")
    parser.add_argument("--limit", type=int, default=None, help="first N rows of each dataset")
    args = parser.parse_args()

    datasets = {**math500(args.limit), **aime24(args.limit), **gsm8k(args.limit)}
    with MathVerifier(workers=args.workers, timeout_s=args.timeout) as verifier:
        started = time.perf_counter()
        verifier.check_many([("1", "\\boxed{1}")] * args.workers, progress=False)  # start the pool
        startup_s = time.perf_counter() - started
        results = [run(verifier, name, rows) for name, rows in datasets.items()]

    print(
        f"math-verify agreement on gold answers: verifier {MATH_VERIFIER_VERSION}, "
        f"{args.workers} workers, {args.timeout:g} s bound, pool start {startup_s:.2f} s"
    )
    print_report(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "math_gold.json"
    summary = {
        "verifier_version": MATH_VERIFIER_VERSION,
        "workers": args.workers,
        "timeout_s": args.timeout,
        "limit": args.limit,
        "pool_start_s": startup_s,
        "datasets": results,
    }
    out.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
