"""Code benchmarks beside LiveCodeBench: HumanEval and MBPP (the model writes a Python function, the
sandbox runs the benchmark's own assertions against it) and rated Codeforces problems (stdin
programs; the ratings give ``eval_report`` its Codeforces rating); each parser beside its column
map."""

from __future__ import annotations

from r1_assets.catalog.formats import code as source_formats
from r1_assets.catalog.kernel import Row, RowError
from r1_assets.evaluate.benchmarks.items import BenchmarkFormat, ParsedItem, problem_text
from r1_assets.evaluate.benchmarks.livecodebench import STDIN_PROMPT

HUMANEVAL_PROMPT = (
    "Complete the following Python 3 function. Put the complete function (its signature "
    "included) in one ```python code block.\n```python\n{prompt}\n```"
)
MBPP_PROMPT = (
    "{text}\n\nWrite a Python 3 function for this. Your code should pass these tests:\n\n"
    "{tests}\n\nPut the complete solution in one ```python code block."
)


def assert_test(code: str) -> dict:
    return {"kind": "assert", "input": code, "output": None, "fn_name": None, "split": "private"}


def parse_humaneval(row: Row) -> ParsedItem:
    prompt = row.text("prompt", required=True) or ""
    if not prompt.strip():
        raise RowError("missing_field", row.column("prompt"), "the prompt is empty")
    test = row.text("test")
    entry_point = row.text("entry_point")
    if not (test and test.strip() and entry_point and entry_point.strip()):
        raise RowError("no_tests", row.column("test"), "no test code or no entry point")
    return ParsedItem(
        problem=prompt.strip(),
        prompt=HUMANEVAL_PROMPT.format(prompt=prompt.rstrip()),
        item_id=row.scalar_text("id"),
        # HumanEval's harness: its test defines check(candidate), then calls it on the function
        test_cases=[assert_test(f"{test}\ncheck({entry_point.strip()})\n")],
        starter_code=prompt.rstrip(),
        metadata={"entry_point": entry_point.strip()},
    )


HUMANEVAL = BenchmarkFormat(
    "humaneval",
    "HumanEval (openai/human-eval): task_id, prompt (signature + docstring), "
    "canonical_solution, test (defines check(candidate)), entry_point",
    {"id": "task_id", "prompt": "prompt", "test": "test", "entry_point": "entry_point"},
    parse_humaneval,
    scorer="sandbox",
)


def parse_mbpp(row: Row) -> ParsedItem:
    text = problem_text(row)
    tests = row.get("tests", (list,))
    if not tests or not all(isinstance(t, str) and t.strip() for t in tests):
        raise RowError("no_tests", row.column("tests"), "no assertion in the test list")
    setup = (row.text("setup") or "").strip()
    return ParsedItem(
        problem=text,
        prompt=MBPP_PROMPT.format(text=text, tests="\n".join(tests)),
        item_id=row.scalar_text("id"),
        test_cases=[assert_test(t) for t in tests],
        # builds the fixtures the assertions use (e.g. a tree of Node), after the solution
        setup_code=setup or None,
    )


MBPP = BenchmarkFormat(
    "mbpp",
    "MBPP (google-research, as in DeepSeek-Coder's evaluation): task_id, text, code, "
    "test_list (assert statements), test_setup_code",
    {"id": "task_id", "problem": "text", "tests": "test_list", "setup": "test_setup_code"},
    parse_mbpp,
    fallbacks={"problem": ("prompt",), "tests": ("test",)},
    scorer="sandbox",
)


def parse_codeforces(row: Row) -> ParsedItem:
    """A rated Codeforces problem: the statement as the source format builds it (sections,
    examples, note), stdin programs, the examples then the official tests; the rating is in
    the metadata, where ``eval_report`` reads it for the rating estimate."""
    parsed = source_formats.parse_codeforces(row)
    if not parsed.problem or not parsed.problem.strip():
        raise RowError("missing_field", row.column("problem"), "the statement is empty")
    if not parsed.test_cases:
        raise RowError("no_tests", row.column("tests"), "no example or official test")
    return ParsedItem(
        problem=parsed.problem,
        prompt=STDIN_PROMPT.format(question=parsed.problem),
        item_id=parsed.row_id,
        test_cases=parsed.test_cases,
        metadata=parsed.metadata,
    )


CODEFORCES = BenchmarkFormat(
    "codeforces",
    "open-r1/codeforces: description, input_format, output_format, examples and "
    "official_tests as {input, output}, rating (the problem's Codeforces rating)",
    source_formats.CODEFORCES.fields,
    parse_codeforces,
    scorer="sandbox",
)
