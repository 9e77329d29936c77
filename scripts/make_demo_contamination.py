#!/usr/bin/env python3
"""Write the demo's contaminated source: a scraped "forum" dump in the AM-DeepSeek-R1-Distilled
row shape that, like real web scrapes, contains copies of benchmark items.

Planted: demo benchmark items copied verbatim, reformatted (spacing, LaTeX spelling), reworded,
and embedded in a longer post; one number-only variant (a different problem: reported as a
number_variant, never counted); and unrelated problems (the negative control). Every planted row
is listed in ``data/sources/forum_scrape_demo/planted.json`` with the benchmark item it copies.

Usage: ``python scripts/make_demo_contamination.py`` (deterministic; rerun after changing it).
"""

from __future__ import annotations

import json
from pathlib import Path

from r1_assets.catalog.am_rows import am_row

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "sources" / "forum_scrape_demo"
BENCHMARKS = ROOT / "data" / "benchmarks"

MATH, SCIENCE, CODE = "NuminaMath", "natural_reasoning", "codeio"


def benchmark_item(benchmark: str, field: str, value: object) -> dict:
    for line in (BENCHMARKS / benchmark / "test.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row.get(field) == value:
            return row
    raise SystemExit(f"{benchmark}: no item with {field} = {value!r}")


def math_row(problem: str, think: str, answer: str) -> dict:
    return am_row(
        MATH, problem, think, f"The answer is $\\boxed{{{answer}}}$.", reference_answer=answer
    )


REVERSE = "s = input().strip()\nprint(s[::-1])"


def rows() -> tuple[list[dict], list[dict]]:
    """(source rows, planted entries with the 1-based line of each planted row)."""
    seven = benchmark_item("demo_math", "unique_id", "demo/prealgebra/1.json")
    half = benchmark_item("demo_math", "unique_id", "demo/prealgebra/2.json")
    rectangle = benchmark_item("demo_math", "unique_id", "demo/geometry/1.json")
    books = benchmark_item("demo_math", "unique_id", "demo/counting_probability/1.json")
    divisors = benchmark_item("demo_aime", "id", 4)
    planet = benchmark_item("demo_gpqa", "Record ID", "demo-gpqa-2")
    reverse = benchmark_item("demo_livecodebench", "question_id", "demo_lcb_002")
    out: list[tuple[dict, dict | None]] = [
        (
            math_row(
                seven["problem"],
                "Seven plus five: seven plus three is ten, and two more makes twelve.",
                "12",
            ),
            {"kind": "verbatim", "benchmark": "demo_math", "item_id": seven["unique_id"]},
        ),
        (
            math_row(
                "Write  $\\dfrac{2}{4}$  as a fraction in lowest terms .",
                "Both 2 and 4 are divisible by 2; dividing top and bottom by 2 leaves one half.",
                "\\frac{1}{2}",
            ),
            {"kind": "reformatted", "benchmark": "demo_math", "item_id": half["unique_id"]},
        ),
        (
            math_row(
                "A rectangle measures $6$ units long and $4$ units wide. Find its area in square "
                "units.",
                "The area of a rectangle is length times width, and six times four is 24.",
                "24",
            ),
            {"kind": "reworded", "benchmark": "demo_math", "item_id": rectangle["unique_id"]},
        ),
        (
            math_row(
                "In how many different ways can $2$ books be chosen from $4$ different books if "
                "the order does not matter?",
                "Choosing 2 of 4 without order is the binomial coefficient 4 choose 2, which is 6.",
                "6",
            ),
            {"kind": "reworded", "benchmark": "demo_math", "item_id": books["unique_id"]},
        ),
        (
            math_row(
                "Posted in the homework forum: " + divisors["problem"] + " I tried listing them "
                "but lost count, can someone check my work?",
                "100 is 2 squared times 5 squared, so it has (2+1)(2+1) = 9 positive divisors.",
                "9",
            ),
            {"kind": "embedded", "benchmark": "demo_aime", "item_id": str(divisors["id"])},
        ),
        (
            am_row(
                SCIENCE,
                planet["Question"],
                "Mercury has the smallest orbit of the eight planets, so it is closest to the Sun.",
                "The planet that orbits closest to the Sun is Mercury.",
                reference_answer="Mercury",
            ),
            {"kind": "verbatim", "benchmark": "demo_gpqa", "item_id": planet["Record ID"]},
        ),
        (
            am_row(
                CODE,
                reverse["question_content"],
                "Read the string, strip the newline, and print it reversed with a slice.",
                f"Here is the program.\n\n```python\n{REVERSE}\n```",
                test_case={"inputs": ["abc\n", "racecar\n"], "outputs": ["cba\n", "racecar\n"]},
            ),
            {
                "kind": "verbatim",
                "benchmark": "demo_livecodebench",
                "item_id": reverse["question_id"],
            },
        ),
        (
            math_row(
                "What is $7 + 6$?",
                "Seven plus six: seven plus three is ten, and three more makes thirteen.",
                "13",
            ),
            {"kind": "number_variant", "benchmark": "demo_math", "item_id": seven["unique_id"]},
        ),
    ]
    unrelated = [
        (
            "A bakery sells muffins in boxes of 6. How many boxes are needed for 45 muffins?",
            "45 divided by 6 is 7 with remainder 3, so 7 full boxes are not enough; 8 are needed.",
            "8",
        ),
        (
            "Find the greatest common divisor of 84 and 126.",
            "84 is 2^2 * 3 * 7 and 126 is 2 * 3^2 * 7, so the common part is 2 * 3 * 7 = 42.",
            "42",
        ),
        (
            "A car uses 7 liters of fuel per 100 km. How many liters does it use on a 350 km trip?",
            "350 km is 3.5 times 100 km, and 3.5 times 7 liters is 24.5 liters.",
            "24.5",
        ),
        (
            "What is the sum of the interior angles of a hexagon, in degrees?",
            "An n-gon has interior angles summing to (n-2) times 180; for n = 6 that is 720.",
            "720",
        ),
        (
            "Solve for $y$: $3y - 4 = 11$.",
            "Adding 4 to both sides gives 3y = 15, and dividing by 3 gives y = 5.",
            "5",
        ),
        (
            "How many minutes are there in 2.5 hours?",
            "One hour is 60 minutes, so 2.5 hours is 2.5 times 60, which is 150 minutes.",
            "150",
        ),
        (
            "The mean of four numbers is 9. Three of them are 5, 8 and 12. What is the fourth?",
            "The four numbers sum to 4 times 9 = 36; 36 minus 25 leaves 11 for the fourth.",
            "11",
        ),
        (
            "What is $15\\%$ of $240$?",
            "Ten percent of 240 is 24 and five percent is 12, so fifteen percent is 36.",
            "36",
        ),
    ]
    out += [(math_row(problem, think, answer), None) for problem, think, answer in unrelated]
    source_rows = [row for row, _ in out]
    planted = [
        {"row": f"forum.jsonl:{line}", **entry}
        for line, (_, entry) in enumerate(out, start=1)
        if entry is not None
    ]
    return source_rows, planted


def main() -> None:
    source_rows, planted = rows()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "forum.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in source_rows)
    )
    (OUT / "planted.json").write_text(json.dumps(planted, indent=2) + "\n")
    print(f"wrote {len(source_rows)} rows ({len(planted)} planted) to {OUT}")


if __name__ == "__main__":
    main()
