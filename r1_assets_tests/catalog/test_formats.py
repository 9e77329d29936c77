"""Each loader on rows in its dataset's real format. The five benchmark files are real rows
(fixtures/real); the others follow the datasets' published schemas field for field."""

from __future__ import annotations

import json

import polars as pl
import pytest

from r1_assets.catalog.am_rows import am_row
from r1_assets.catalog.schema import PROBLEM_SCHEMA
from r1_assets_tests.catalog.helpers import load_file, load_rows
from r1_assets_tests.conftest import REAL_ROWS


def only_row(result) -> dict:
    assert result.quarantine.is_empty(), result.quarantine.to_dicts()
    assert result.problems.height == 1
    assert result.problems.schema == PROBLEM_SCHEMA
    return result.problems.to_dicts()[0]


# --- real rows -------------------------------------------------------------------------------


def test_gsm8k_real_rows(make_catalog) -> None:
    result = load_file(make_catalog, REAL_ROWS / "gsm8k_train.jsonl", "gsm8k")
    first = result.problems.row(0, named=True)
    assert result.problems.height == 3 and result.quarantine.is_empty()
    assert first["problem"].startswith("Natalia sold clips to 48 of her friends")
    assert first["reference_answer"] == "72"
    assert "<<" not in first["reference_solution"]  # calculator annotations removed
    assert first["source_row_id"] == "gsm8k_train.jsonl:1"  # GSM8K has no id: file:line


def test_gsm8k_thousands_separator(make_catalog, tmp_path) -> None:
    row = {
        "question": "A car costs $1,200 and a bike $200. Total?",
        "answer": "1,200+200=<<1200+200=1400>>1,400\n#### 1,400",
    }
    assert only_row(load_rows(make_catalog, tmp_path, "gsm8k", [row]))["reference_answer"] == (
        "1400"
    )


def test_math500_real_rows(make_catalog) -> None:
    result = load_file(make_catalog, REAL_ROWS / "math500_test.jsonl", "math")
    first = result.problems.row(0, named=True)
    assert first["source_row_id"] == "test/precalculus/807.json"
    assert first["reference_answer"] == r"\left( 3, \frac{\pi}{2} \right)"
    metadata = json.loads(first["metadata"])
    assert metadata["subject"] == "Precalculus" and metadata["level"] == 2


def test_aime24_real_rows_through_field_mapping(make_catalog) -> None:
    # AIME files have the MATH shape but an integer `id`: one `fields:` rename in the catalog
    result = load_file(make_catalog, REAL_ROWS / "aime24_test.jsonl", "math", fields={"id": "id"})
    rows = result.problems.to_dicts()
    assert [r["source_row_id"] for r in rows] == ["60", "61"]
    assert rows[0]["reference_answer"] == "204"


def test_humaneval_real_rows(make_catalog) -> None:
    result = load_file(make_catalog, REAL_ROWS / "humaneval.jsonl", "humaneval", domain="code")
    first = result.problems.row(0, named=True)
    assert first["source_row_id"] == "HumanEval/0"
    [test] = first["test_cases"]
    assert test["kind"] == "assert" and test["fn_name"] == "has_close_elements"
    assert test["input"].rstrip().endswith("check(has_close_elements)")
    # the stored program + test really runs and passes
    namespace: dict = {}
    exec(first["reference_solution"] + "\n" + test["input"], namespace)


def test_mbpp_real_rows_both_layouts(make_catalog) -> None:
    full = load_file(make_catalog, REAL_ROWS / "mbpp.jsonl", "mbpp", domain="code")
    sanitized = load_file(
        make_catalog, REAL_ROWS / "mbpp_sanitized_test.jsonl", "mbpp", domain="code"
    )
    assert full.quarantine.is_empty() and sanitized.quarantine.is_empty()
    first = full.problems.row(0, named=True)
    assert first["source_row_id"] == "1" and len(first["test_cases"]) == 3
    assert "\r" not in first["reference_solution"]
    # the sanitized file names its columns prompt/test instead of text/test_list
    assert sanitized.problems.row(0, named=True)["problem"].startswith("Write a python function")
    assert len(sanitized.problems.row(0, named=True)["test_cases"]) == 3
    # rows with test_setup_code carry it into every assert so each test runs on its own
    setup_row = full.problems.filter(pl.col("test_cases").list.len() > 0).row(-1, named=True)
    assert all(t["input"].startswith("root = Node(1)") for t in setup_row["test_cases"])
    for row in (first, setup_row):
        namespace: dict = {}
        exec(row["reference_solution"], namespace)
        for test in row["test_cases"]:
            exec(test["input"], namespace)


# --- published schemas -----------------------------------------------------------------------


def test_numina_math(make_catalog, tmp_path) -> None:
    problem = "What is $3 \\times 4$?"
    solution = "Multiply: $3 \\times 4 = 12$. The answer is $\\boxed{12}$."
    row = only_row(
        load_rows(
            make_catalog,
            tmp_path,
            "numina_math",
            [
                {
                    "problem": problem,
                    "solution": solution,
                    "source": "synthetic_math",
                    "messages": [
                        {"role": "user", "content": problem},
                        {"role": "assistant", "content": solution},
                    ],
                }
            ],
        )
    )
    assert row["reference_answer"] == "12" and row["reference_solution"] == solution
    assert json.loads(row["metadata"])["origin"] == "synthetic_math"
    assert row["responses"] == []


def test_numina_15_answer_field_and_proofs(make_catalog, tmp_path) -> None:
    rows = [
        {
            "problem": "Find 2+2.",
            "solution": "It is 4.",
            "answer": "4",
            "source": "olympiads",
            "problem_type": "Algebra",
            "question_type": "math-word-problem",
        },
        {
            "problem": "Prove that 2 is prime.",
            "solution": "Its divisors are 1 and 2.",
            "answer": "proof",
            "source": "olympiads",
            "question_type": "proof",
        },
    ]
    result = load_rows(make_catalog, tmp_path, "numina_math", rows)
    assert result.problems["reference_answer"].to_list() == ["4", None]


def test_openr1_math_keeps_generations_with_verdicts(make_catalog, tmp_path) -> None:
    generations = [
        "<think>\n5*6 is 30\n</think>\n\nSo \\boxed{30}",
        "<think>\nguess\n</think>\n\n\\boxed{31}",
    ]
    row = only_row(
        load_rows(
            make_catalog,
            tmp_path,
            "openr1_math",
            [
                {
                    "problem": "Compute $5 \\cdot 6$.",
                    "solution": "$5 \\cdot 6 = 30$",
                    "answer": "30",
                    "problem_type": "Algebra",
                    "question_type": "math-word-problem",
                    "source": "olympiads",
                    "uuid": "0b0f6c53-4f6a-5e3c-9a5e-0d1a6b1c2d3e",
                    "is_reasoning_complete": [True, True],
                    "generations": generations,
                    "correctness_math_verify": [True, False],
                    "correctness_llama": None,
                    "finish_reasons": None,
                    "correctness_count": 1,
                    "messages": [{"role": "user", "content": "Compute $5 \\cdot 6$."}],
                }
            ],
        )
    )
    assert row["source_row_id"] == "0b0f6c53-4f6a-5e3c-9a5e-0d1a6b1c2d3e"
    assert row["reference_answer"] == "30"
    first, second = row["responses"]
    assert (first["origin"], first["think"], first["verified"]) == (
        "generations[0]",
        "5*6 is 30",
        True,
    )
    assert second["answer"] == "\\boxed{31}" and second["verified"] is False


def test_am_distilled_rows_by_domain(make_catalog, tmp_path) -> None:
    rows = [
        am_row("NuminaMath", "What is 6*7?", "hmm", "ok", reference_answer="42"),
        am_row(
            "codeio",
            "Read a and b, print a+b.",
            "hmm",
            "ok",
            test_case=json.dumps({"inputs": ["1 2\n"], "outputs": ["3\n"]}),
        ),
        am_row("InfinityInstruct", "Write a haiku about rain.", "hmm", "ok"),
    ]
    result = load_rows(
        make_catalog,
        tmp_path,
        "am_distilled",
        rows,
        domain="mixed",
        domain_by_origin={"NuminaMath": "math", "InfinityInstruct": "chat"},
    )
    assert result.quarantine.is_empty()
    math, code, chat = result.problems.to_dicts()
    assert (math["domain"], math["reference_answer"]) == ("math", "42")
    assert code["domain"] == "code"  # rows with tests are code whatever their origin
    assert code["test_cases"] == [
        {"kind": "stdio", "input": "1 2\n", "output": "3\n", "fn_name": None, "split": "official"}
    ]
    assert chat["domain"] == "chat"
    assert math["responses"][0]["think"] == "hmm" and math["responses"][0]["answer"] == "ok"
    assert math["responses"][0]["model"] == "DeepSeek-R1"


def test_am_distilled_unknown_origin_is_quarantined_not_guessed(make_catalog, tmp_path) -> None:
    row = {"messages": [{"role": "user", "content": "Hi?", "info": {"source": "mystery"}}]}
    result = load_rows(make_catalog, tmp_path, "am_distilled", [row], domain="mixed")
    assert result.problems.is_empty()
    assert result.quarantine["reason"].to_list() == ["unknown_domain"]


def test_apps_stdio_and_call_based(make_catalog, tmp_path) -> None:
    rows = [
        {
            "problem_id": 4001,
            "question": "Print the sum of two integers.\n\n-----Input-----\n"
            "a b\n\n-----Output-----\nThe sum.",
            "solutions": json.dumps(["print(sum(map(int, input().split())))"]),
            "input_output": json.dumps({"inputs": ["1 2\n"], "outputs": ["3\n"]}),
            "difficulty": "introductory",
            "url": "https://codeforces.com/problemset/problem/1/A",
            "starter_code": "",
        },
        {
            "problem_id": 4002,
            "question": "Return the square of n.",
            "solutions": json.dumps(["def square(n):\n    return n * n"]),
            "input_output": json.dumps(
                {"fn_name": "square", "inputs": [[3], [5]], "outputs": [[9], [25]]}
            ),
            "difficulty": "interview",
            "url": "https://www.codewars.com/kata/square",
            "starter_code": "def square(n):\n\t",
        },
    ]
    result = load_rows(make_catalog, tmp_path, "apps", rows, domain="code")
    stdio, call = result.problems.to_dicts()
    assert stdio["source_row_id"] == "4001" and stdio["test_cases"][0]["kind"] == "stdio"
    assert call["test_cases"][0] == {
        "kind": "call",
        "input": "[3]",
        "output": "[9]",
        "fn_name": "square",
        "split": "official",
    }
    assert json.loads(call["metadata"])["starter_code"].startswith("def square")
    assert json.loads(stdio["metadata"])["difficulty"] == "introductory"


def test_code_contests_test_splits_and_python_solution(make_catalog, tmp_path) -> None:
    row = {
        "name": "1_A. Sum",
        "description": "Given a and b, print a+b.",
        "public_tests": {"input": ["1 2\n"], "output": ["3\n"]},
        "private_tests": {"input": ["5 5\n"], "output": ["10\n"]},
        "generated_tests": {"input": [], "output": []},
        "source": 2,
        "difficulty": 7,
        "solutions": {
            "language": [2, 3],
            "solution": ["int main(){}", "print(sum(map(int,input().split())))"],
        },
        "incorrect_solutions": {"language": [], "solution": []},
        "cf_contest_id": 1,
        "cf_index": "A",
        "cf_points": 500.0,
        "cf_rating": 800,
        "cf_tags": ["math"],
        "is_description_translated": False,
        "untranslated_description": "",
        "time_limit": {"seconds": 2, "nanos": 0},
        "memory_limit_bytes": 256000000,
        "input_file": "",
        "output_file": "",
    }
    parsed = only_row(load_rows(make_catalog, tmp_path, "code_contests", [row], domain="code"))
    assert [t["split"] for t in parsed["test_cases"]] == ["public", "private"]
    assert parsed["reference_solution"].startswith("print(")  # PYTHON3 preferred over C++
    assert json.loads(parsed["metadata"])["time_limit_s"] == 2


def test_codeforces_statement_and_tests(make_catalog, tmp_path) -> None:
    row = {
        "id": "1A",
        "contest_id": 1,
        "contest_name": "Codeforces Beta Round 1",
        "contest_type": "CF",
        "contest_start": 1266580800,
        "contest_start_year": 2010,
        "index": "A",
        "time_limit": 1.0,
        "memory_limit": 256.0,
        "title": "Theatre Square",
        "description": "Cover an n by m square with a by a flagstones.",
        "input_format": "Three integers n, m, a.",
        "output_format": "The number of stones.",
        "interaction_format": None,
        "note": None,
        "examples": [{"input": "6 6 4\n", "output": "4\n"}],
        "editorial": None,
        "rating": 1000,
        "tags": ["math"],
        "testset_size": 2,
        "official_tests": [
            {"input": "6 6 4\n", "output": "4\n"},
            {"input": "1 1 1\n", "output": "1\n"},
        ],
        "official_tests_complete": True,
        "input_mode": "stdio",
        "generated_checker": None,
        "executable": True,
    }
    parsed = only_row(load_rows(make_catalog, tmp_path, "codeforces", [row], domain="code"))
    assert parsed["source_row_id"] == "1A"
    assert parsed["problem"].startswith("Cover an n by m square")
    assert "Input\n\nThree integers n, m, a." in parsed["problem"]
    assert "Examples" in parsed["problem"]
    assert [t["split"] for t in parsed["test_cases"]] == ["example", "official", "official"]


def test_openorca(make_catalog, tmp_path) -> None:
    row = {
        "id": "flan.2000",
        "system_prompt": "You are a helpful assistant.",
        "question": "Summarize: The cat sat on the mat.",
        "response": "A cat sat on a mat.",
    }
    parsed = only_row(load_rows(make_catalog, tmp_path, "openorca", [row], domain="chat"))
    assert parsed["source_row_id"] == "flan.2000"
    assert parsed["responses"][0]["answer"] == "A cat sat on a mat."
    assert json.loads(parsed["metadata"])["system_prompt"] == "You are a helpful assistant."


def test_natural_reasoning(make_catalog, tmp_path) -> None:
    row = {
        "question": "Why is the sky blue?",
        "reference_answer": "Rayleigh scattering",
        "responses": [
            {
                "response_model": "Llama-3.3-70B-Instruct",
                "response": "<think>short wavelengths scatter</think>Rayleigh.",
            }
        ],
    }
    parsed = only_row(
        load_rows(make_catalog, tmp_path, "natural_reasoning", [row], domain="science")
    )
    assert parsed["reference_answer"] == "Rayleigh scattering"
    [response] = parsed["responses"]
    assert response["model"] == "Llama-3.3-70B-Instruct"
    assert response["think"] == "short wavelengths scatter" and response["answer"] == "Rayleigh."


def test_parquet_and_json_files(make_catalog, tmp_path) -> None:
    frame = pl.DataFrame({"problem": ["a?", "b?"], "answer": ["1", "2"], "id": [1, 2]})
    frame.write_parquet(tmp_path / "part-0.parquet")
    (tmp_path / "rows.json").write_text(json.dumps([{"problem": "c?", "answer": 3}]))
    parquet = load_file(make_catalog, tmp_path / "*.parquet", "generic")
    array = load_file(make_catalog, tmp_path / "rows.json", "generic")
    assert parquet.problems["source_row_id"].to_list() == ["1", "2"]
    assert array.problems.row(0, named=True)["reference_answer"] == "3"
    assert array.problems.row(0, named=True)["source_row_id"] == "rows.json:1"


@pytest.mark.parametrize("fmt", ["gsm8k", "math", "humaneval", "mbpp"])
def test_field_mapping_renames_roles(make_catalog, tmp_path, fmt) -> None:
    problem_column = {
        "gsm8k": "question",
        "math": "problem",
        "humaneval": "prompt",
        "mbpp": "text",
    }[fmt]
    rows = [
        {
            "body": "Q?",
            "answer": "x #### 1",
            "solution": "s",
            "entry_point": "f",
            "test": "def check(c): pass",
            "test_list": [],
        }
    ]
    result = load_rows(make_catalog, tmp_path, fmt, rows, fields={"problem": "body"})
    assert result.problems["problem"].to_list() == ["Q?"], result.quarantine.to_dicts()
    # without the rename the format's own column is required
    plain = load_rows(make_catalog, tmp_path, fmt, rows, name="plain")
    assert plain.quarantine.row(0, named=True)["field"] == problem_column
