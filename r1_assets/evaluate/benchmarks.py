"""The benchmark catalog (``benchmarks.yaml``) and one loader per real benchmark format.

Mirrors the source catalog (``r1_assets/catalog/spec.py``): one YAML entry per benchmark, validated
with pydantic; a file that cannot be parsed at all stops with one error naming the file, entry and
field, while an entry with a usable name but broken fields becomes an :class:`InvalidBenchmark`
that loads as a single ``invalid_catalog_entry`` quarantine row, so one typo does not take every
other benchmark down.

Every format maps its real rows onto one item schema, :data:`ITEM_SCHEMA`: the exact user prompt to
send, the reference (an answer string, or the correct letter for multiple choice), the options,
runnable test cases and the scorer. A row that cannot be scored is quarantined with a reason code
(:data:`QUARANTINE_REASONS`), never dropped: an item without a reference answer would otherwise
count as a wrong answer, a silent zero. A benchmark whose file is missing loads as one
``source_missing`` row and :attr:`BenchmarkLoad.skip_reason` says why it was skipped.
"""

from __future__ import annotations

import base64
import binascii
import csv
import difflib
import hashlib
import json
import os
import random
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from r1_assets.catalog.formats import Row, RowError
from r1_assets.catalog.readers import (
    PREVIEW_CHARS,
    Record,
    SourceFiles,
    SourceReadError,
    iter_file_records,
)
from r1_assets.catalog.readers import resolve_files as resolve_location
from r1_assets.catalog.schema import TEST_CASE_DTYPE, clean_text, problem_uid
from r1_assets.catalog.spec import SOURCE_NAME

DEFAULT_BENCHMARKS_PATH = Path(__file__).resolve().with_name("benchmarks.yaml")
FILE_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".json", ".parquet", ".csv")
MAX_ROW_BYTES = 64_000_000  # LiveCodeBench rows carry every private test: some are tens of MB

Scorer = Literal["math_verify", "sandbox", "choice"]
SCORERS: tuple[str, ...] = ("math_verify", "sandbox", "choice")
CHOICE_LETTERS = "ABCD"

ITEM_SCHEMA = pl.Schema(
    {
        "benchmark": pl.String,
        "item_id": pl.String,
        "problem": pl.String,  # the question as the benchmark states it (contamination checks)
        "prompt": pl.String,  # the full user prompt to send to the model
        "reference": pl.String,  # answer string; the correct letter for choice; null for code
        "choices": pl.List(pl.String),  # options in the order shown as A-D (choice only)
        "test_cases": pl.List(TEST_CASE_DTYPE),  # public then private (sandbox only)
        "starter_code": pl.String,
        "scorer": pl.String,  # math_verify | sandbox | choice
        "metadata": pl.String,  # JSON: location and the benchmark's other fields of interest
    }
)

QUARANTINE_SCHEMA = pl.Schema(
    {
        "benchmark": pl.String,
        "item_id": pl.String,
        "location": pl.String,  # file:line (file:row for CSV and Parquet)
        "reason": pl.String,  # one of QUARANTINE_REASONS
        "field": pl.String,
        "detail": pl.String,
        "raw": pl.String,  # the start of the raw row
    }
)

QUARANTINE_REASONS = {
    "missing_answer": "no reference answer (or no correct option): the item cannot be scored",
    "missing_field": "a required field is absent or null",
    "wrong_type": "a field has the wrong type",
    "malformed_json": "the line is not valid JSON, or not a JSON object",
    "malformed_field": "a field's content cannot be parsed",
    "unsupported_encoding": "a field is encoded in a form we refuse to decode (LiveCodeBench's "
    "base64+zlib+pickle private tests: unpickling untrusted data can run code)",
    "no_tests": "a code item without any runnable test case",
    "duplicate_item_id": "an earlier item of the benchmark has the same item id",
    "oversized": "the row exceeds the size limit",
    "source_missing": "the catalog location matches no file",
    "source_unreadable": "a benchmark file could not be read",
    "invalid_catalog_entry": "the catalog entry for this benchmark is invalid",
}
BENCHMARK_FAILURES = ("source_missing", "source_unreadable", "invalid_catalog_entry")
"""Quarantine reasons that concern the whole benchmark rather than one item."""

# DeepSeek-R1's recommended instruction for math; GPQA asks for the letter the same way, so one
# extractor (the last \boxed{}) serves both.
MATH_PROMPT = (
    "{problem}\n\nPlease reason step by step, and put your final answer within \\boxed{{}}."
)
CHOICE_PROMPT = (
    "{question}\n\n{options}\n\nPlease reason step by step, and put the letter of the correct "
    "option (A, B, C or D) within \\boxed{{}}."
)
STDIN_PROMPT = (
    "{question}\n\nWrite a Python 3 program that reads the input from standard input and writes "
    "the answer to standard output. Put the complete program in one ```python code block."
)
STARTER_PROMPT = (
    "{question}\n\nComplete the following starter code in Python 3 and put the complete "
    "solution in one ```python code block.\n```python\n{starter_code}\n```"
)


class CatalogError(ValueError):
    """The benchmark catalog file, or one entry of it, is unusable."""


# ---------------------------------------------------------------------------------------------
# Formats: one parser per real benchmark row shape


@dataclass
class ParsedItem:
    """What a format extracts from one row, before the benchmark name and metadata are added."""

    problem: str
    prompt: str
    item_id: str | None = None
    reference: str | None = None
    choices: list[str] | None = None
    test_cases: list[dict[str, Any]] = field(default_factory=list)
    starter_code: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BenchmarkFormat:
    name: str
    description: str
    scorer: str
    fields: Mapping[str, str]  # role -> the dataset's column name
    parse: Callable[[Row], ParsedItem]
    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def read(self, data: Mapping[str, Any], overrides: Mapping[str, str]) -> ParsedItem:
        columns = {**self.fields, **overrides}
        fallbacks = {r: alts for r, alts in self.fallbacks.items() if r not in overrides}
        return self.parse(Row(data, columns, fallbacks))


def _answer(row: Row) -> str:
    """The reference answer as the benchmark writes it: "025" stays "025" (math-verify compares
    the numbers; the string is what the benchmark published)."""
    answer = row.scalar_text("answer")
    if answer is None or not answer.strip():
        raise RowError("missing_answer", row.column("answer"), "no reference answer")
    return answer.strip()


def _problem(row: Row, role: str = "problem") -> str:
    text = clean_text(row.text(role, required=True) or "")
    if not text:
        raise RowError("missing_field", row.column(role), "the problem text is empty")
    return text


def _math_item(row: Row, metadata: dict[str, Any]) -> ParsedItem:
    """A math item (MATH-500, AIME): the problem, its answer, the boxed-answer prompt."""
    problem = _problem(row)
    return ParsedItem(
        problem=problem,
        prompt=MATH_PROMPT.format(problem=problem),
        item_id=row.scalar_text("id"),
        reference=_answer(row),
        metadata=metadata,
    )


def parse_math500(row: Row) -> ParsedItem:
    return _math_item(row, {"subject": row.meta("subject"), "level": row.meta("level")})


def parse_aime(row: Row) -> ParsedItem:
    return _math_item(row, {"url": row.meta("url")})


def gpqa_order(item_id: str) -> list[int]:
    """The deterministic option order of one GPQA item: position -> original option (0 is the
    correct answer). Seeded by a hash of the item id, not Python's salted ``hash``, so every
    process, machine and rerun shows the same letters."""
    seed = int.from_bytes(hashlib.sha256(f"gpqa-options:{item_id}".encode()).digest()[:8], "big")
    order = list(range(4))
    random.Random(seed).shuffle(order)
    return order


def parse_gpqa(row: Row) -> ParsedItem:
    question = _problem(row, "question")
    options: list[str] = []
    for role in ("correct", "incorrect_1", "incorrect_2", "incorrect_3"):
        text = row.scalar_text(role)
        if text is None or not text.strip():
            reason = "missing_answer" if role == "correct" else "missing_field"
            raise RowError(reason, row.column(role), "the option is absent or empty")
        options.append(clean_text(text))
    if len(set(options)) < 4:  # two equal options make the letter ambiguous
        raise RowError(
            "malformed_field", row.column("correct"), "the four options are not distinct"
        )
    item_id = row.scalar_text("id") or problem_uid(question)
    order = gpqa_order(item_id)
    choices = [options[i] for i in order]
    listing = "\n".join(
        f"{letter}) {text}" for letter, text in zip(CHOICE_LETTERS, choices, strict=True)
    )
    return ParsedItem(
        problem=question,
        prompt=CHOICE_PROMPT.format(question=question, options=listing),
        item_id=item_id,
        reference=CHOICE_LETTERS[order.index(0)],
        choices=choices,
        metadata={
            "domain": row.meta("domain"),
            "subdomain": row.meta("subdomain"),
            "option_order": order,
        },
    )


_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]+")


def _json_field(row: Row, role: str) -> Any:
    """A field holding JSON, encoded as a string (the LiveCodeBench release) or decoded."""
    column = row.column(role)
    value = row.get(role, (str, list, dict))
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        if _BASE64.fullmatch(text) and _is_base64(text):
            raise RowError(
                "unsupported_encoding",
                column,
                "base64 data, not JSON: LiveCodeBench's code_generation_lite ships private tests "
                "as base64(zlib(pickle(json))) and unpickling untrusted data can run code; "
                "convert them to plain JSON in a trusted step first",
            ) from None
        raise RowError("malformed_field", column, f"not valid JSON: {exc}") from None


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=False)
        return True
    except (binascii.Error, ValueError):
        return False


def _call_arguments(text: str, where: str) -> str:
    """LiveCodeBench functional input (one JSON value per line, one line per argument) as our
    ``call`` input: a JSON argument list. JSON never has a raw newline inside a value, so
    splitting on newlines is exact."""
    try:
        return json.dumps([json.loads(line) for line in text.split("\n") if line.strip()])
    except ValueError as exc:
        raise RowError(
            "malformed_field", where, f"functional input is not JSON per line: {exc}"
        ) from None


def _lcb_tests(row: Row, role: str, split: str, func_name: str | None) -> list[dict[str, Any]]:
    cases = _json_field(row, role)
    if cases is None:
        return []
    column = row.column(role)
    if not isinstance(cases, list):
        raise RowError(
            "malformed_field", column, f"expected a list of tests, got {type(cases).__name__}"
        )
    tests = []
    for i, case in enumerate(cases):
        where = f"{column}[{i}]"
        if not (
            isinstance(case, dict)
            and isinstance(case.get("input"), str)
            and isinstance(case.get("output"), str)
        ):
            raise RowError("malformed_field", where, "expected {input, output, testtype} strings")
        testtype = case.get("testtype", "stdin")
        if testtype == "stdin":
            test = {
                "kind": "stdio",
                "input": case["input"],
                "output": case["output"],
                "fn_name": None,
            }
        elif testtype == "functional":
            if not func_name:
                raise RowError(
                    "missing_field", "metadata.func_name", "functional test, no function name"
                )
            try:
                expected = json.dumps(json.loads(case["output"]))
            except ValueError as exc:
                raise RowError(
                    "malformed_field", where, f"functional output is not JSON: {exc}"
                ) from None
            test = {
                "kind": "call",
                "input": _call_arguments(case["input"], where),
                "output": expected,
                "fn_name": func_name,
            }
        else:
            raise RowError("malformed_field", where, f"unknown testtype {testtype!r}")
        tests.append({**test, "split": split})
    return tests


def parse_livecodebench(row: Row) -> ParsedItem:
    question = _problem(row, "question")
    metadata = _json_field(row, "metadata") or {}
    if not isinstance(metadata, dict):
        raise RowError("malformed_field", row.column("metadata"), "expected a JSON object")
    func_name = metadata.get("func_name")
    func_name = func_name if isinstance(func_name, str) and func_name else None
    tests = _lcb_tests(row, "public_tests", "public", func_name) + _lcb_tests(
        row, "private_tests", "private", func_name
    )
    if not tests:
        raise RowError("no_tests", row.column("private_tests"), "no public or private test case")
    starter = row.text("starter_code")
    starter = starter.rstrip() if starter and starter.strip() else None
    prompt = (
        STARTER_PROMPT.format(question=question, starter_code=starter)
        if starter
        else STDIN_PROMPT.format(question=question)
    )
    return ParsedItem(
        problem=question,
        prompt=prompt,
        item_id=row.scalar_text("id"),
        test_cases=tests,
        starter_code=starter,
        metadata={
            "title": row.meta("title"),
            "platform": row.meta("platform"),
            "contest_id": row.meta("contest_id"),
            "contest_date": row.meta("contest_date"),
            "difficulty": row.meta("difficulty"),
            "func_name": func_name,
        },
    )


FORMATS: dict[str, BenchmarkFormat] = {
    f.name: f
    for f in (
        BenchmarkFormat(
            "math500",
            "MATH-500 (openai/prm800k math_splits/test.jsonl): problem, solution, answer, "
            "subject, level, unique_id",
            "math_verify",
            {
                "id": "unique_id",
                "problem": "problem",
                "answer": "answer",
                "subject": "subject",
                "level": "level",
            },
            parse_math500,
        ),
        BenchmarkFormat(
            "aime",
            "AIME (Qwen2.5-Math evaluation/data/aime24): id, problem, solution, answer (a string, "
            "leading zeros kept), url",
            "math_verify",
            {"id": "id", "problem": "problem", "answer": "answer", "url": "url"},
            parse_aime,
            fallbacks={"problem": ("question", "Problem"), "answer": ("Answer",), "id": ("ID",)},
        ),
        BenchmarkFormat(
            "gpqa",
            "GPQA (Idavidrein/gpqa CSV): Question, Correct Answer, Incorrect Answer 1-3; options "
            "shuffled deterministically per item, reference = the correct letter",
            "choice",
            {
                "id": "Record ID",
                "question": "Question",
                "correct": "Correct Answer",
                "incorrect_1": "Incorrect Answer 1",
                "incorrect_2": "Incorrect Answer 2",
                "incorrect_3": "Incorrect Answer 3",
                "domain": "High-level domain",
                "subdomain": "Subdomain",
            },
            parse_gpqa,
            fallbacks={
                "id": ("id", "record_id"),
                "question": ("question",),
                "correct": ("correct_answer",),
                "incorrect_1": ("incorrect_answer_1",),
                "incorrect_2": ("incorrect_answer_2",),
                "incorrect_3": ("incorrect_answer_3",),
                "domain": ("high_level_domain",),
                "subdomain": ("subdomain",),
            },
        ),
        BenchmarkFormat(
            "livecodebench",
            "LiveCodeBench code_generation (lite): question_content, starter_code, "
            "public/private_test_cases as JSON strings of {input, output, testtype}, metadata "
            "with func_name for functional tests",
            "sandbox",
            {
                "id": "question_id",
                "title": "question_title",
                "question": "question_content",
                "starter_code": "starter_code",
                "public_tests": "public_test_cases",
                "private_tests": "private_test_cases",
                "metadata": "metadata",
                "platform": "platform",
                "contest_id": "contest_id",
                "contest_date": "contest_date",
                "difficulty": "difficulty",
            },
            parse_livecodebench,
        ),
    )
}


# ---------------------------------------------------------------------------------------------
# The catalog


class PublishedScores(BaseModel):
    """Reference models' published scores, for the comparison table next to ours."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(description="Where the numbers come from (paper, table, file).")
    scores: dict[str, dict[str, float]] = Field(
        description="model -> metric (pass@1, cons@64, ...) -> score in percent, as published."
    )

    @field_validator("scores")
    @classmethod
    def _scores(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for model, metrics in value.items():
            for metric, score in metrics.items():
                if not re.fullmatch(r"(pass|cons)@\d+", metric):
                    raise ValueError(f"{model}: metric {metric!r} is not pass@<k> or cons@<k>")
                if not 0 <= score <= 100:
                    raise ValueError(f"{model}: {metric} = {score} is not a percentage")
        return value


class BenchmarkSpec(BaseModel):
    """One catalog entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    format: str = Field(description="Which real benchmark's row shape the file uses.")
    location: str = Field(
        description="A file, directory or glob of JSONL/JSON/Parquet/CSV files, relative to the "
        "catalog's base_dir."
    )
    scorer: Scorer
    license: str
    description: str = ""
    fields: dict[str, str] = Field(
        default_factory=dict, description="Overrides of the format's column names: role -> column."
    )
    published: PublishedScores | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not SOURCE_NAME.match(value):
            raise ValueError("use lowercase letters, digits, '_' or '-' (at most 64)")
        return value

    @field_validator("format")
    @classmethod
    def _format(cls, value: str) -> str:
        if value not in FORMATS:
            close = difflib.get_close_matches(value, FORMATS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"unknown format {value!r}{hint}; known formats: {', '.join(sorted(FORMATS))}"
            )
        return value

    @field_validator("location")
    @classmethod
    def _location(cls, value: str) -> str:
        if "://" in value:
            raise ValueError("benchmarks are read from local files; download remote ones first")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> BenchmarkSpec:
        fmt = FORMATS[self.format]
        if self.scorer != fmt.scorer:
            raise ValueError(
                f"format {fmt.name!r} is scored by {fmt.scorer!r}, not {self.scorer!r}"
            )
        unknown = sorted(set(self.fields) - set(fmt.fields))
        if unknown:
            raise ValueError(
                f"unknown role(s) {unknown} in fields for format {fmt.name!r}; "
                f"roles: {', '.join(fmt.fields)}"
            )
        return self


@dataclass(frozen=True)
class InvalidBenchmark:
    """A catalog entry with a usable name whose other fields are broken."""

    name: str
    errors: tuple[tuple[str, str], ...]  # (field, message)

    def message(self, catalog_file: Path) -> str:
        return "; ".join(
            f"{catalog_file.name}: benchmark {self.name!r}, field {fld!r}: {msg}"
            for fld, msg in self.errors
        )


@dataclass(frozen=True)
class BenchmarkCatalog:
    path: Path
    base_dir: Path
    benchmarks: dict[str, BenchmarkSpec | InvalidBenchmark] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.benchmarks)

    @property
    def invalid(self) -> list[InvalidBenchmark]:
        return [b for b in self.benchmarks.values() if isinstance(b, InvalidBenchmark)]

    def get(self, name: str) -> BenchmarkSpec | InvalidBenchmark:
        try:
            return self.benchmarks[name]
        except KeyError:
            raise CatalogError(f"{self.path.name}: no benchmark named {name!r}") from None

    def resolve(self, location: str) -> Path:
        path = Path(location).expanduser()
        return path if path.is_absolute() else self.base_dir / path


def benchmarks_path() -> Path:
    """The benchmark catalog in use: ``R1_ASSETS_BENCHMARKS`` or the shipped benchmarks.yaml."""
    return Path(os.environ.get("R1_ASSETS_BENCHMARKS", DEFAULT_BENCHMARKS_PATH)).resolve()


def load_benchmark_catalog(
    path: Path | str | None = None, strict: bool = False
) -> BenchmarkCatalog:
    """Read and validate a benchmark catalog (default: :func:`benchmarks_path`).

    With ``strict=True`` any invalid entry raises one CatalogError listing every broken field.
    """
    path = Path(path) if path is not None else benchmarks_path()
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"benchmark catalog not found: {path}") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("benchmarks"), list):
        raise CatalogError(f"{path.name}: expected a mapping with a 'benchmarks' list")
    base_dir = (path.parent / str(document.get("base_dir", "."))).resolve()
    catalog = BenchmarkCatalog(path=path, base_dir=base_dir)
    for index, entry in enumerate(document["benchmarks"]):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not SOURCE_NAME.match(name):
            raise CatalogError(
                f"{path.name}: benchmarks[{index}], field 'name': every entry needs a name of "
                f"lowercase letters, digits, '_' or '-' (got {name!r})"
            )
        if name in catalog.benchmarks:
            raise CatalogError(f"{path.name}: benchmark {name!r}, field 'name': defined twice")
        try:
            catalog.benchmarks[name] = BenchmarkSpec.model_validate(entry)
        except ValidationError as exc:
            errors = tuple(
                (
                    ".".join(str(p) for p in err["loc"]) or "entry",
                    err["msg"].removeprefix("Value error, "),
                )
                for err in exc.errors()
            )
            catalog.benchmarks[name] = InvalidBenchmark(name=name, errors=errors)
    if strict and catalog.invalid:
        raise CatalogError("\n".join(b.message(path) for b in catalog.invalid))
    return catalog


# ---------------------------------------------------------------------------------------------
# Loading


@dataclass
class BenchmarkLoad:
    benchmark: str
    scorer: str | None
    revision: str | None  # content hash of the files read
    files: list[str]
    rows_read: int
    items: pl.DataFrame  # ITEM_SCHEMA
    quarantine: pl.DataFrame  # QUARANTINE_SCHEMA

    @property
    def failures(self) -> pl.DataFrame:
        """Quarantine rows about the benchmark as a whole (missing file, broken entry)."""
        return self.quarantine.filter(pl.col("reason").is_in(BENCHMARK_FAILURES))

    @property
    def skip_reason(self) -> str | None:
        """Why this benchmark cannot be evaluated at all, or None when it has items to score.
        Record it: a skipped benchmark is reported as skipped, never as a score of 0."""
        failures = self.failures
        if not failures.is_empty():
            return "; ".join(
                f"{r}: {d}" for r, d in failures.select("reason", "detail").iter_rows()
            )
        if self.items.is_empty():
            reasons = self.quarantine["reason"].value_counts(sort=True).iter_rows()
            counted = ", ".join(f"{n} {r}" for r, n in reasons) or "the file has no rows"
            return f"no scorable items ({counted})"
        return None


class _Builder:
    def __init__(self, spec: BenchmarkSpec) -> None:
        self.spec = spec
        self.format = FORMATS[spec.format]
        self.items: list[dict[str, Any]] = []
        self.quarantine: list[dict[str, Any]] = []
        self.seen: dict[str, str] = {}  # item id -> location of its first row

    def reject(
        self,
        location: str,
        reason: str,
        field_: str | None,
        detail: str,
        raw: str = "",
        item_id: str | None = None,
    ) -> None:
        self.quarantine.append(
            {
                "benchmark": self.spec.name,
                "item_id": item_id,
                "location": location,
                "reason": reason,
                "field": field_,
                "detail": detail,
                "raw": raw,
            }
        )

    def add(self, record: Record) -> None:
        """Map one record onto an item, or quarantine it. Never raises for bad input."""
        if record.error is not None:
            err = record.error
            return self.reject(record.location, err.reason, err.field, err.detail, record.raw)
        item_id = None
        try:
            parsed = self.format.read(record.data or {}, self.spec.fields)
            item_id = parsed.item_id or problem_uid(parsed.problem)
            if item_id in self.seen:
                raise RowError(
                    "duplicate_item_id", None, f"item {item_id!r} first at {self.seen[item_id]}"
                )
        except RowError as exc:
            return self.reject(
                record.location, exc.reason, exc.field, exc.detail, record.raw, item_id
            )
        except Exception as exc:  # a row shape no parser anticipated: quarantine, don't crash
            detail = f"{type(exc).__name__}: {exc}"
            return self.reject(
                record.location, "malformed_field", None, detail, record.raw, item_id
            )
        self.seen[item_id] = record.location
        self.items.append(
            {
                "benchmark": self.spec.name,
                "item_id": item_id,
                "problem": parsed.problem,
                "prompt": parsed.prompt,
                "reference": parsed.reference,
                "choices": parsed.choices,
                "test_cases": parsed.test_cases,
                "starter_code": parsed.starter_code,
                "scorer": self.spec.scorer,
                "metadata": json.dumps(
                    {"location": record.location, **parsed.metadata},
                    ensure_ascii=False,
                    default=str,
                ),
            }
        )

    def frames(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        items = pl.DataFrame(self.items, schema=ITEM_SCHEMA, orient="row")
        return items, pl.DataFrame(self.quarantine, schema=QUARANTINE_SCHEMA, orient="row")


def map_rows(
    spec: BenchmarkSpec, rows: Iterable[Mapping[str, Any]], name: str = "rows"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(items, quarantine) from rows already in memory (locations are ``name:<n>``)."""
    builder = _Builder(spec)
    for number, row in enumerate(rows, start=1):
        raw = json.dumps(row, ensure_ascii=False, default=str)[:PREVIEW_CHARS]
        builder.add(Record(f"{name}:{number}", dict(row), len(raw), raw))
    return builder.frames()


def load_benchmark(
    entry: BenchmarkSpec | InvalidBenchmark, catalog: BenchmarkCatalog
) -> BenchmarkLoad:
    """Read, map and validate every item of one benchmark. Never raises for bad input: a broken
    entry, a missing file or a bad row each become quarantine rows."""
    if isinstance(entry, InvalidBenchmark):
        quarantine = pl.DataFrame(
            [
                {
                    "benchmark": entry.name,
                    "item_id": None,
                    "location": catalog.path.name,
                    "reason": "invalid_catalog_entry",
                    "field": fld,
                    "detail": f"benchmark {entry.name!r}, field {fld!r}: {message}",
                    "raw": "",
                }
                for fld, message in entry.errors
            ],
            schema=QUARANTINE_SCHEMA,
            orient="row",
        )
        return BenchmarkLoad(
            entry.name, None, None, [], 0, pl.DataFrame(schema=ITEM_SCHEMA), quarantine
        )

    builder = _Builder(entry)
    files: list[str] = []
    revision: str | None = None
    rows_read = 0
    try:
        found = resolve_files(entry, catalog)
        # locations relative to the project root say which file across all benchmarks
        names = {p: os.path.relpath(p, catalog.base_dir) for p in found.files}
        files = list(names.values())
        revision = found.revision()
        for path in found.files:
            for record in iter_records(path, names[path]):
                rows_read += 1
                builder.add(record)
    except SourceReadError as exc:  # items read before the failure are kept
        builder.reject(entry.location, exc.reason, "location", exc.detail)
    except OSError as exc:  # e.g. a file removed between listing and hashing
        builder.reject(entry.location, "source_unreadable", "location", str(exc))
    return BenchmarkLoad(entry.name, entry.scorer, revision, files, rows_read, *builder.frames())


def resolve_files(spec: BenchmarkSpec, catalog: BenchmarkCatalog) -> SourceFiles:
    """The files a location names, sorted; a directory means every data file in it."""
    return resolve_location(spec, catalog, FILE_SUFFIXES, "benchmark file")  # type: ignore[arg-type]


def iter_records(path: Path, name: str) -> Iterator[Record]:
    """Rows of one file: CSV here (GPQA's release format), the rest via the catalog's readers."""
    if not path.name.endswith(".csv"):
        yield from iter_file_records(path, name, MAX_ROW_BYTES)
        return
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=1):
                raw = json.dumps(row, ensure_ascii=False)
                # CSV has no null: an empty cell is a missing value
                data = {k: (v if v != "" else None) for k, v in row.items() if k is not None}
                yield Record(f"{name}:{number}", data, len(raw.encode()), raw[:PREVIEW_CHARS])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceReadError("source_unreadable", f"{name}: {exc}") from exc


__all__ = [
    "BENCHMARK_FAILURES",
    "CHOICE_LETTERS",
    "FORMATS",
    "ITEM_SCHEMA",
    "QUARANTINE_REASONS",
    "QUARANTINE_SCHEMA",
    "SCORERS",
    "BenchmarkCatalog",
    "BenchmarkFormat",
    "BenchmarkLoad",
    "BenchmarkSpec",
    "CatalogError",
    "InvalidBenchmark",
    "PublishedScores",
    "benchmarks_path",
    "gpqa_order",
    "load_benchmark",
    "load_benchmark_catalog",
    "map_rows",
]
