"""The benchmark catalog and loaders on real rows (fixtures/real) and on the shipped demo
benchmarks, and scoring through the real math-verify pool and the real bubblewrap sandbox."""

from __future__ import annotations

import base64
import csv
import json
import pickle
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from r1_assets import settings
from r1_assets.catalog.kernel import CatalogError, InvalidEntry
from r1_assets.evaluate.benchmarks import (
    CHOICE_LETTERS,
    ITEM_SCHEMA,
    QUARANTINE_REASONS,
    QUARANTINE_SCHEMA,
    BenchmarkCatalog,
    BenchmarkSpec,
    gpqa_order,
    load_benchmark,
    load_benchmark_catalog,
    map_rows,
)
from r1_assets.evaluate.codeforces import item_ratings
from r1_assets.evaluate.metrics import summarize_samples
from r1_assets.evaluate.report import contest_window
from r1_assets.evaluate.scoring import (
    equivalent_for,
    extract_choice,
    extract_math_answer,
    score_samples,
)
from r1_assets.sandbox import Sandbox, SandboxLimits
from r1_assets.verify.math_answer import MathVerifier
from r1_assets_tests.conftest import REAL_ROWS, write_jsonl

DEMOS = {
    "demo_math": 8,
    "demo_aime": 4,
    "demo_gpqa": 4,
    "demo_livecodebench": 3,
    "demo_codeforces": 10,
}
SHIPPED = {"math500": 500, "aime24": 30, "gsm8k": 1319, "humaneval": 164, "mbpp": 500}
LIMITS = SandboxLimits(wall_s=5.0, cpu_s=2, memory_mb=256, nproc=32, output_kb=64)


@pytest.fixture(scope="module")
def catalog() -> BenchmarkCatalog:
    return load_benchmark_catalog(settings.DEFAULT_BENCHMARKS_PATH, strict=True)


@pytest.fixture(scope="module")
def verifier() -> Iterator[MathVerifier]:
    with MathVerifier(workers=2, timeout_s=10.0) as pool:
        yield pool


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(LIMITS, workers=2) as box:
        yield box


def demo_items(catalog: BenchmarkCatalog, name: str) -> pl.DataFrame:
    load = load_benchmark(catalog.get(name), catalog)
    assert load.quarantine.is_empty(), load.quarantine.to_dicts()
    return load.items


def spec(fmt: str, scorer: str, **extra: Any) -> BenchmarkSpec:
    return BenchmarkSpec(
        name="t", format=fmt, location="x.jsonl", scorer=scorer, license="test", **extra
    )


def write_catalog(tmp_path: Path, *entries: dict[str, Any]) -> BenchmarkCatalog:
    path = tmp_path / "benchmarks.yaml"
    benchmarks = [{"license": "test", **e} for e in entries]
    path.write_text(yaml.safe_dump({"base_dir": str(tmp_path), "benchmarks": benchmarks}))
    return load_benchmark_catalog(path)


# --- the catalog -------------------------------------------------------------------------------


def test_shipped_catalog(catalog: BenchmarkCatalog) -> None:
    provided = {"gpqa_diamond", "livecodebench", "codeforces"}
    assert set(DEMOS) | set(SHIPPED) | provided == set(catalog.names)
    aime = catalog.get("aime24")
    assert isinstance(aime, BenchmarkSpec) and aime.published is not None
    qwen7 = aime.published.scores["DeepSeek-R1-Distill-Qwen-7B"]
    assert qwen7 == {"pass@1": 55.5, "cons@64": 83.3}
    # the shipped files resolve inside the package, wherever it is installed
    data = settings.BENCHMARK_DATA_DIR
    assert catalog.resolve(aime.location).resolve() == data / "aime24" / "test.jsonl"


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_shipped_real_benchmark_loads_whole(catalog: BenchmarkCatalog, name: str) -> None:
    load = load_benchmark(catalog.get(name), catalog)
    assert load.skip_reason is None and load.quarantine.is_empty(), load.quarantine.to_dicts()
    assert load.items.height == SHIPPED[name]
    assert load.items["item_id"].n_unique() == SHIPPED[name]
    assert load.items["scorer"].to_list() == [catalog.get(name).scorer] * SHIPPED[name]
    if name == "gsm8k":  # the number after '####', separators dropped
        first = load.items.row(0, named=True)
        assert first["problem"].startswith("Janet’s ducks") and first["reference"] == "18"
        assert "1,000" not in "".join(load.items["reference"])


def test_a_user_provided_benchmark_says_how_to_get_its_files(
    catalog: BenchmarkCatalog, tmp_path: Path
) -> None:
    gpqa = catalog.get("gpqa_diamond")
    load = load_benchmark(gpqa.model_copy(update={"location": str(tmp_path / "*.csv")}), catalog)
    assert load.quarantine["reason"].to_list() == ["source_missing"]
    assert "huggingface.co/datasets/Idavidrein/gpqa" in (load.skip_reason or "")
    assert "data/benchmarks/gpqa_diamond/" in (load.skip_reason or "")


def test_humaneval_and_mbpp_canonical_solutions_pass_their_own_asserts(
    catalog: BenchmarkCatalog, sandbox: Sandbox
) -> None:
    """The shipped code benchmarks scored as a model's answer would be: the canonical solution in
    a code block passes; the signature alone (a function returning None) fails."""
    rows = {
        "humaneval": [json.loads(line) for line in (settings.BENCHMARK_DATA_DIR / "humaneval" /
                                                     "HumanEval.jsonl").open()][:6],
        "mbpp": [json.loads(line) for line in (settings.BENCHMARK_DATA_DIR / "mbpp" /
                                                "test.jsonl").open()][:6],
    }  # fmt: skip
    mbpp_367 = next(
        json.loads(line)
        for line in (settings.BENCHMARK_DATA_DIR / "mbpp" / "test.jsonl").open()
        if json.loads(line)["task_id"] == 367
    )
    rows["mbpp"].append(mbpp_367)  # its asserts need the tree its setup code builds
    for name, chosen in rows.items():
        items = load_benchmark(catalog.get(name), catalog).items
        ids = [str(r["task_id"]) for r in chosen]
        items = items.filter(pl.col("item_id").is_in(ids))
        assert items.height == len(ids)
        assert all(t["kind"] == "assert" for ts in items["test_cases"] for t in ts)
        solutions = {
            str(r["task_id"]): r["prompt"] + r["canonical_solution"] if name == "humaneval"
            else r["code"]
            for r in chosen
        }  # fmt: skip
        samples = [
            {"item_id": i, "sample_index": 0, "text": f"```python\n{code}\n```"}
            for i, code in solutions.items()
        ]
        if name == "humaneval":
            samples += [
                {
                    "item_id": r["task_id"],
                    "sample_index": 1,
                    "text": f"```python\n{r['prompt']}\n```",
                }
                for r in chosen
            ]
        scored = score_samples(items, samples, sandbox=sandbox)
        right = scored.filter(pl.col("sample_index") == 0)
        assert right["correct"].all(), right.filter(~pl.col("correct")).to_dicts()
        assert not scored.filter(pl.col("sample_index") == 1)["correct"].any()


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_every_demo_benchmark_loads_cleanly(catalog: BenchmarkCatalog, name: str) -> None:
    load = load_benchmark(catalog.get(name), catalog)
    assert load.skip_reason is None and load.quarantine.is_empty()
    assert load.items.schema == ITEM_SCHEMA and load.items.height == DEMOS[name]
    assert load.items["item_id"].n_unique() == DEMOS[name]
    assert load.files == [f"data/benchmarks/{name}/test.jsonl"] and load.revision
    spec_ = catalog.get(name)
    assert isinstance(spec_, BenchmarkSpec)
    assert set(load.items["scorer"]) == {spec_.scorer}
    for item in load.items.iter_rows(named=True):
        assert item["problem"] in item["prompt"]
        if spec_.scorer == "sandbox":
            assert item["reference"] is None and item["test_cases"]
        else:
            assert item["reference"]


def test_invalid_entry_quarantines_instead_of_failing(tmp_path: Path) -> None:
    catalog = write_catalog(
        tmp_path,
        {"name": "ok", "format": "aime", "location": "a.jsonl", "scorer": "math_verify"},
        {"name": "bad", "format": "aime", "location": "a.jsonl", "scorer": "choice"},
        {"name": "typo", "format": "math-500", "location": "a.jsonl", "scorer": "math_verify"},
    )
    assert isinstance(catalog.get("ok"), BenchmarkSpec)
    bad = catalog.get("bad")
    assert isinstance(bad, InvalidEntry) and "scored by 'math_verify'" in bad.errors[0][1]
    typo = catalog.get("typo")
    assert isinstance(typo, InvalidEntry) and "did you mean 'math500'" in typo.errors[0][1]
    load = load_benchmark(bad, catalog)
    assert load.quarantine["reason"].to_list() == ["invalid_catalog_entry"]
    assert load.items.is_empty() and "invalid_catalog_entry" in (load.skip_reason or "")
    with pytest.raises(CatalogError, match="benchmark 'bad'"):
        load_benchmark_catalog(catalog.path, strict=True)


def test_published_scores_are_validated(tmp_path: Path) -> None:
    catalog = write_catalog(
        tmp_path,
        {
            "name": "p",
            "format": "aime",
            "location": "a.jsonl",
            "scorer": "math_verify",
            "published": {"source": "s", "scores": {"m": {"pass@1": 0.5, "accuracy": 3}}},
        },
    )
    entry = catalog.get("p")
    assert isinstance(entry, InvalidEntry) and "accuracy" in entry.errors[0][1]


def test_missing_file_is_a_recorded_skip(tmp_path: Path) -> None:
    catalog = write_catalog(
        tmp_path,
        {
            "name": "gone",
            "format": "math500",
            "location": "nowhere/*.jsonl",
            "scorer": "math_verify",
        },
    )
    load = load_benchmark(catalog.get("gone"), catalog)
    assert load.items.is_empty() and load.quarantine.schema == QUARANTINE_SCHEMA
    assert load.quarantine["reason"].to_list() == ["source_missing"]
    assert (load.skip_reason or "").startswith("source_missing: no benchmark file matches")


# --- real rows ---------------------------------------------------------------------------------


def test_math500_real_rows(tmp_path: Path) -> None:
    source = REAL_ROWS / "math500_test_first5.jsonl"
    catalog = write_catalog(
        tmp_path,
        {"name": "m", "format": "math500", "location": str(source), "scorer": "math_verify"},
    )
    load = load_benchmark(catalog.get("m"), catalog)
    assert load.quarantine.is_empty() and load.items.height == 5
    first = load.items.row(0, named=True)
    assert first["item_id"] == "test/precalculus/807.json"
    assert first["reference"] == r"\left( 3, \frac{\pi}{2} \right)"
    assert first["prompt"].startswith("Convert the point $(0,3)$ in rectangular coordinates")
    assert first["prompt"].endswith("put your final answer within \\boxed{}.")
    assert json.loads(first["metadata"])["subject"] == "Precalculus"
    assert load.items["reference"].to_list()[1:] == [
        "p - q",
        r"\frac{14}{3}",
        "9",
        r"\text{Evelyn}",
    ]


def test_aime_real_rows_keep_leading_zeros(tmp_path: Path) -> None:
    source = REAL_ROWS / "aime24_test_leading_zeros.jsonl"
    catalog = write_catalog(
        tmp_path, {"name": "a", "format": "aime", "location": str(source), "scorer": "math_verify"}
    )
    load = load_benchmark(catalog.get("a"), catalog)
    assert load.quarantine.is_empty()
    assert load.items["item_id"].to_list() == ["60", "67", "75", "78", "85"]
    assert load.items["reference"].to_list() == ["204", "025", "073", "023", "080"]
    url = json.loads(load.items["metadata"][0])["url"]
    assert url.endswith("2024_AIME_I_Problems/Problem_1")


def test_aime_025_verifies_against_a_models_25(tmp_path: Path, verifier: MathVerifier) -> None:
    rows = [json.loads(line) for line in (REAL_ROWS / "aime24_test_leading_zeros.jsonl").open()]
    items, _ = map_rows(spec("aime", "math_verify"), rows)
    item = items.filter(pl.col("reference") == "025").row(0, named=True)
    assert verifier.check(item["reference"], "So the answer is \\boxed{25}.").passed
    samples = [
        {"item_id": item["item_id"], "sample_index": 0, "text": "<think>3+22</think>\\boxed{25}"},
        {"item_id": item["item_id"], "sample_index": 1, "text": "The answer is $\\boxed{025}$."},
        {"item_id": item["item_id"], "sample_index": 2, "text": "\\boxed{52}"},
        # the boxed 25 is inside an unfinished thought: no final answer
        {"item_id": item["item_id"], "sample_index": 3, "text": "<think>maybe \\boxed{25}"},
    ]
    result = score_samples(items, samples, math_verifier=verifier)
    assert result["correct"].to_list() == [True, True, False, False]
    assert result["answer"].to_list() == ["25", "025", "52", None]
    assert result["status"].to_list()[3] == "no_answer"


def test_missing_answer_is_quarantined_not_scored_zero(tmp_path: Path) -> None:
    rows = [
        {"id": 1, "problem": "What is 1+1?", "answer": "2"},
        {"id": 2, "problem": "What is 2+2?", "answer": None},
        {"id": 3, "problem": "What is 3+3?", "answer": "  "},
        {"id": 4, "problem": "What is 4+4?"},
        {"id": 1, "problem": "Same id again?", "answer": "5"},
        {"id": 6, "answer": "6"},
    ]
    items, quarantine = map_rows(spec("aime", "math_verify"), rows, name="aime.jsonl")
    assert items["item_id"].to_list() == ["1"]
    got = [(q["item_id"], q["location"], q["reason"]) for q in quarantine.to_dicts()]
    assert got == [
        (None, "aime.jsonl:2", "missing_answer"),
        (None, "aime.jsonl:3", "missing_answer"),
        (None, "aime.jsonl:4", "missing_answer"),
        ("1", "aime.jsonl:5", "duplicate_item_id"),
        (None, "aime.jsonl:6", "missing_field"),
    ]
    assert set(quarantine["reason"]) <= set(QUARANTINE_REASONS)
    assert (
        quarantine.filter(pl.col("reason") == "missing_answer")["field"].to_list() == ["answer"] * 3
    )

    # a benchmark whose every item lacks an answer is skipped, with the reason on record
    write_jsonl(tmp_path / "none.jsonl", rows[1:4])
    catalog = write_catalog(
        tmp_path, {"name": "n", "format": "aime", "location": "none.jsonl", "scorer": "math_verify"}
    )
    load = load_benchmark(catalog.get("n"), catalog)
    assert load.skip_reason == "no scorable items (3 missing_answer)"


def test_bad_json_line_is_quarantined(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "m.jsonl", ['{"problem": "1+1?", "answer": "2", "unique_id": "a"}', "{"])
    catalog = write_catalog(
        tmp_path, {"name": "m", "format": "math500", "location": "m.jsonl", "scorer": "math_verify"}
    )
    load = load_benchmark(catalog.get("m"), catalog)
    assert load.items.height == 1 and load.rows_read == 2
    assert load.quarantine.select("location", "reason").rows() == [("m.jsonl:2", "malformed_json")]


# --- GPQA --------------------------------------------------------------------------------------


def gpqa_row(record_id: str, question: str = "Which is a noble gas?") -> dict[str, Any]:
    return {
        "Record ID": record_id,
        "Question": question,
        "Correct Answer": "Argon",
        "Incorrect Answer 1": "Oxygen",
        "Incorrect Answer 2": "Nitrogen",
        "Incorrect Answer 3": "Hydrogen",
        "Subdomain": "Chemistry (general)",
    }


def test_gpqa_shuffle_is_deterministic_and_the_letter_points_at_the_correct_text() -> None:
    rows = [gpqa_row(f"rec{i:03d}") for i in range(24)]
    items, quarantine = map_rows(spec("gpqa", "choice"), rows)
    again, _ = map_rows(spec("gpqa", "choice"), list(reversed(rows)))
    assert quarantine.is_empty()
    # the same letters whatever the row order (only the location in metadata differs)
    assert items.drop("metadata").sort("item_id").equals(again.drop("metadata").sort("item_id"))
    for item in items.iter_rows(named=True):
        assert item["choices"][CHOICE_LETTERS.index(item["reference"])] == "Argon"
        assert sorted(item["choices"]) == ["Argon", "Hydrogen", "Nitrogen", "Oxygen"]
        assert f"{item['reference']}) Argon" in item["prompt"]
        assert json.loads(item["metadata"])["option_order"] == gpqa_order(item["item_id"])
    # the correct answer is not always under the same letter
    assert set(items["reference"]) == set(CHOICE_LETTERS)
    # pinned: a change of the shuffle changes every GPQA score, so it must be deliberate
    assert gpqa_order("rec000") == [0, 3, 2, 1]


def test_gpqa_real_csv_columns(tmp_path: Path) -> None:
    path = tmp_path / "gpqa_diamond.csv"
    row = gpqa_row("recABC", 'A question\nover two lines, with "quotes", and commas?')
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*row, "Explanation"])
        writer.writeheader()
        writer.writerow({**row, "Explanation": "Argon is in group 18."})
        writer.writerow({**gpqa_row("recDEF"), "Correct Answer": ""})  # empty cell: no answer
    catalog = write_catalog(
        tmp_path, {"name": "g", "format": "gpqa", "location": "*.csv", "scorer": "choice"}
    )
    load = load_benchmark(catalog.get("g"), catalog)
    assert load.items["item_id"].to_list() == ["recABC"]
    assert load.items["problem"][0].startswith("A question\nover two lines")
    assert load.quarantine.select("location", "reason", "field").rows() == [
        ("gpqa_diamond.csv:2", "missing_answer", "Correct Answer")
    ]


def test_extract_choice() -> None:
    assert extract_choice("I think \\boxed{B}") == "B"
    assert extract_choice("\\boxed{A} at first, but finally \\boxed{\\text{(C)}}") == "C"
    assert extract_choice("\\boxed{D) 12 meters}") == "D"
    assert extract_choice("\\boxed{\\textbf{A}}") == "A"
    assert extract_choice("Answer: B") == "B"
    assert extract_choice("so the answer is (D).") == "D"
    assert extract_choice("The final answer is **C**") == "C"
    assert extract_choice("\\boxed{42}. Answer: A") == "A"  # a box without a letter
    assert extract_choice("Both answers are fine") is None
    assert extract_choice("answer: a") is None
    assert extract_choice("\\boxed{E}") is None
    assert extract_choice("") is None


def test_choice_scoring_on_demo_gpqa(catalog: BenchmarkCatalog) -> None:
    items = demo_items(catalog, "demo_gpqa")
    first = items.row(0, named=True)
    wrong = next(x for x in CHOICE_LETTERS if x != first["reference"])
    texts = [f"\\boxed{{{first['reference']}}}", f"Answer: {wrong}", "no idea", "<think>B"]
    samples = [
        {"item_id": first["item_id"], "sample_index": i, "text": t} for i, t in enumerate(texts)
    ]
    result = score_samples(items, samples)  # no engine needed for letters
    assert result["correct"].to_list() == [True, False, False, False]
    assert result["answer"].to_list() == [first["reference"], wrong, None, None]
    _, summary = summarize_samples(result, equivalent_for("choice"))
    assert summary["pass@1"] == 0.25 and summary["cons@k"] == 1.0  # one letter each: first wins


# --- LiveCodeBench -----------------------------------------------------------------------------


def lcb_row(**overrides: Any) -> dict[str, Any]:
    tests = [{"input": "[1, 2]\n3", "output": "6", "testtype": "functional"}]
    row = {
        "question_title": "sum-all",
        "question_content": "Return the sum of nums plus k.",
        "platform": "leetcode",
        "question_id": "q1",
        "contest_id": "c1",
        "contest_date": "2024-09-01T00:00:00",
        "starter_code": "class Solution:\n    def total(self, nums: List[int], k: int) -> int:\n",
        "difficulty": "easy",
        "public_test_cases": json.dumps(tests),
        "private_test_cases": json.dumps(
            [{"input": "[]\n0", "output": "0", "testtype": "functional"}]
        ),
        "metadata": json.dumps({"func_name": "total"}),
    }
    return {**row, **overrides}


def test_livecodebench_functional_tests_become_call_tests() -> None:
    items, quarantine = map_rows(spec("livecodebench", "sandbox"), [lcb_row()])
    assert quarantine.is_empty()
    item = items.row(0, named=True)
    assert item["test_cases"] == [
        {
            "kind": "call",
            "input": "[[1, 2], 3]",
            "output": "6",
            "fn_name": "total",
            "split": "public",
        },
        {"kind": "call", "input": "[[], 0]", "output": "0", "fn_name": "total", "split": "private"},
    ]
    assert item["starter_code"].startswith("class Solution:")
    assert "```python\nclass Solution:" in item["prompt"]


def test_livecodebench_bad_rows_are_quarantined() -> None:
    packed = base64.b64encode(zlib.compress(pickle.dumps(json.dumps([])))).decode()
    rows = [
        lcb_row(question_id="compressed", private_test_cases=packed),
        lcb_row(question_id="nameless", metadata="{}"),
        lcb_row(question_id="garbled", public_test_cases="[{"),
        lcb_row(
            question_id="badarg",
            public_test_cases=json.dumps(
                [{"input": "[1,\n2]", "output": "3", "testtype": "functional"}]
            ),
        ),
        lcb_row(question_id="untested", public_test_cases="[]", private_test_cases=""),
    ]
    items, quarantine = map_rows(spec("livecodebench", "sandbox"), rows)
    assert items.is_empty()
    assert quarantine.select("reason", "field").rows() == [
        ("unsupported_encoding", "private_test_cases"),
        ("missing_field", "metadata.func_name"),
        ("malformed_field", "public_test_cases"),
        ("malformed_field", "public_test_cases[0]"),
        ("no_tests", "private_test_cases"),
    ]
    assert "pickle" in quarantine["detail"][0]


def test_demo_livecodebench_passes_the_sandbox_with_correct_programs(
    catalog: BenchmarkCatalog, sandbox: Sandbox
) -> None:
    items = demo_items(catalog, "demo_livecodebench")
    functional = items.filter(pl.col("starter_code").is_not_null()).row(0, named=True)
    assert {t["kind"] for t in functional["test_cases"]} == {"call"}
    assert functional["test_cases"][0]["input"] == "[[1, 5, 3], 2]"
    programs = {
        "demo_lcb_001": "a, b = map(int, input().split())\nprint(a + b)",
        "demo_lcb_002": "print(input().strip()[::-1])",
        # List comes from the prelude, as on the judge
        "demo_lcb_003": "class Solution:\n"
        "    def countGreater(self, nums: List[int], k: int) -> int:\n"
        "        return sum(x > k for x in nums)",
    }
    samples = [
        {"item_id": i, "sample_index": 0, "text": f"Here:\n```python\n{p}\n```"}
        for i, p in programs.items()
    ] + [
        {
            "item_id": "demo_lcb_003",
            "sample_index": 1,
            "text": "```python\n"
            "class Solution:\n    def countGreater(self, nums, k):\n        return len(nums)\n```",
        },
        {"item_id": "demo_lcb_001", "sample_index": 1, "text": "no code, sorry"},
    ]
    result = score_samples(items, samples, sandbox=sandbox)
    verdicts = {(r["item_id"], r["sample_index"]): r for r in result.to_dicts()}
    for item_id in programs:
        assert verdicts[item_id, 0]["correct"], verdicts[item_id, 0]["detail"]
        assert verdicts[item_id, 0]["detail"] == "all 4 tests passed"
    assert verdicts["demo_lcb_003", 1]["status"] == "wrong_answer"
    assert verdicts["demo_lcb_001", 1]["status"] == "no_answer"
    # only the first N tests run when asked: a program that prints the public answer passes one
    cheat = [{"item_id": "demo_lcb_002", "sample_index": 0, "text": "```python\nprint('cba')\n```"}]
    assert score_samples(items, cheat, sandbox=sandbox, max_tests=1)["correct"].to_list() == [True]
    assert score_samples(items, cheat, sandbox=sandbox)["correct"].to_list() == [False]
    _, summary = summarize_samples(result.filter(pl.col("item_id") == "demo_lcb_003"), None)
    assert summary["pass@1"] == 0.5 and summary["cons@k"] is None


CODEFORCES_SOLUTIONS = {
    "A": "print(sum(map(int, input().split())))",
    "B": "print('EVEN' if int(input()) % 2 == 0 else 'ODD')",
    "C": "input()\nprint(max(map(int, input().split())))",
    "D": "print(input().strip()[::-1])",
    "E": "print(sum(c in 'aeiou' for c in input().strip()))",
    "F": "print(sum(map(int, input().strip())))",
    "G": "import math\nn = int(input())\n"
    "print('YES' if n > 1 and all(n % d for d in range(2, math.isqrt(n) + 1)) else 'NO')",
    "H": "import math\nprint(math.gcd(*map(int, input().split())))",
    "I": "a, b = 0, 1\nfor _ in range(int(input())):\n    a, b = b, (a + b) % (10**9 + 7)\n"
    "print(a)",
    "J": "import bisect\ninput()\nt = []\nfor x in map(int, input().split()):\n"
    "    i = bisect.bisect_left(t, x)\n    t[i:i + 1] = [x]\nprint(len(t))",
}


def test_demo_codeforces_is_rated_and_its_solutions_pass(
    catalog: BenchmarkCatalog, sandbox: Sandbox
) -> None:
    items = demo_items(catalog, "demo_codeforces")
    ratings = item_ratings(items)
    assert ratings["rating"].to_list() == [800, 800, 900, 900, 1000, 1000, 1200, 1300, 1500, 1700]
    first = items.row(0, named=True)
    assert "Examples" in first["prompt"] and "standard input" in first["prompt"]
    assert [t["split"] for t in first["test_cases"]][:3] == ["example", "example", "official"]
    samples = [
        {
            "item_id": f"demo_cf/{letter}",
            "sample_index": 0,
            # half the answers come after a closed reasoning block, as a distilled student's do
            "text": ("Two cases.\n</think>\n" if letter in "ACEGI" else "")
            + f"```python\n{code}\n```",
        }
        for letter, code in CODEFORCES_SOLUTIONS.items()
    ] + [  # the quadratic longest increasing subsequence: right, and too slow for 20,000
        {
            "item_id": "demo_cf/J",
            "sample_index": 1,
            "text": "```python\ninput()\na = list(map(int, input().split()))\n"
            "best = [1] * len(a)\nfor i in range(len(a)):\n    for j in range(i):\n"
            "        if a[j] < a[i]:\n            best[i] = max(best[i], best[j] + 1)\n"
            "print(max(best))\n```",
        }
    ]
    scored = score_samples(items, samples, sandbox=sandbox)
    right = scored.filter(pl.col("sample_index") == 0)
    assert right["correct"].all(), right.filter(~pl.col("correct")).to_dicts()
    assert right["closed_think"].to_list() == [letter in "ACEGI" for letter in "ABCDEFGHIJ"]
    assert right["answer_found"].all()
    slow = scored.filter(pl.col("sample_index") == 1).row(0, named=True)
    assert not slow["correct"] and slow["status"] in ("cpu", "timeout"), slow


# --- math scoring end to end -------------------------------------------------------------------


def test_demo_math_end_to_end(catalog: BenchmarkCatalog, verifier: MathVerifier) -> None:
    items = demo_items(catalog, "demo_math")
    half = items.filter(pl.col("reference") == r"\frac{1}{2}").row(0, named=True)
    texts = [
        "<think>2/4 is one half</think>The answer is $\\boxed{0.5}$.",
        "\\boxed{1/2}",
        "\\boxed{2}",
        "\\frac{1}{2}",  # short and unboxed: parsed as it is
    ]
    samples = [
        {"item_id": half["item_id"], "sample_index": i, "text": t} for i, t in enumerate(texts)
    ]
    with pytest.raises(ValueError, match="math_verifier"):
        score_samples(items, samples)
    with pytest.raises(ValueError, match="unknown item"):
        score_samples(items, [{"item_id": "nope", "sample_index": 0, "text": ""}], verifier)
    result = score_samples(items, samples, math_verifier=verifier)
    assert result["correct"].to_list() == [True, True, False, True]
    assert result["answer"].to_list() == ["0.5", "1/2", "2", "\\frac{1}{2}"]
    table, summary = summarize_samples(result, equivalent_for("math_verify", verifier))
    assert summary["pass@1"] == 0.75 and summary["cons@k"] == 1.0
    assert table["majority_size"].to_list() == [3]


def test_extract_math_answer() -> None:
    assert extract_math_answer("so \\boxed{\\frac{1}{2}}.") == "\\frac{1}{2}"
    assert extract_math_answer("  42 ") == "42"
    assert extract_math_answer("x" * 500) is None
    assert extract_math_answer("\\boxed{}") is None


def test_livecodebench_scores_only_its_contest_window(catalog: BenchmarkCatalog) -> None:
    entry = catalog.get("livecodebench")
    assert isinstance(entry, BenchmarkSpec)
    assert entry.contest_window == (date(2024, 8, 1), date(2025, 1, 31))  # DeepSeek-R1's
    demo = catalog.get("demo_livecodebench")
    narrow = demo.model_copy(update={"contest_window": (date(2025, 1, 5), date(2025, 1, 18))})
    load = load_benchmark(narrow, catalog)
    # 2025-01-04 is out; 2025-01-18T00:00:00 is in (the last day counts whole)
    assert load.items["item_id"].to_list() == ["demo_lcb_002", "demo_lcb_003"]
    assert load.outside_window == 1 and load.skip_reason is None
    assert contest_window(narrow) == "2025-01-05 to 2025-01-18"
    empty = demo.model_copy(update={"contest_window": (date(2020, 1, 1), date(2020, 12, 31))})
    skipped = load_benchmark(empty, catalog)
    assert skipped.items.is_empty()
    assert "3 outside the contest window" in (skipped.skip_reason or "")
    with pytest.raises(ValueError, match="ends before it starts"):
        spec("livecodebench", "sandbox", contest_window=(date(2025, 2, 1), date(2025, 1, 1)))
