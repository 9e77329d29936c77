"""The pipeline at growing sizes: AM-shaped synthetic sources through raw -> embeddings -> dedup ->
verification of the source responses -> sft_dataset (no LLM generation), with wall time, rows/s,
peak RSS and files written per stage, how each grows, and the extrapolation to AM's 1.4M rows.

    python benchmarks/scale.py [--rows 10000,100000,300000] [--stages raw,embed,dedup,verify,sft]
        [--first-pass static|none] [--embedder auto|minilm|hashed] [--minilm-max-rows 10000]
        [--minilm-sample 2000]
        [--sandbox-sample 200] [--jobs 1] [--shard-rows 50000] [--file-rows 40000] [--keep]
        [--merge]
        [--root DIR]

Data (deterministic, seeded): AM-DeepSeek-R1-Distilled rows (format ``am_distilled``) in two
sources (2/3 and 1/3 of the rows), each written as JSONL files of ``--file-rows`` rows, so a
shard of ``--shard-rows`` records straddles files. ~45% math (reference answers, ~12% of the
responses with a wrong final answer), ~30% code (stdin/stdout tests in AM's ``test_case`` shape,
a fenced Python solution, ~15% wrong), ~25% general (chat / science: no ground truth). Each
response's reasoning is 4-30 KB (median ~8 KB) of R1-style text ("Okay, let's see. ..."), ~3% of
them a repetition loop; ~2% of problems are exact copies of an earlier problem (another shard or
source, mostly) and ~2% reworded copies with the same numbers.

Stages, each run in a fresh subprocess (one per (source, shard) for the per-shard stages, as
Dagster runs one run per shard), calling the logic the assets call, reading and writing through
the Warehouse in a temp data root:

- ``raw``: counting the records (the plan), then ``load_source`` per shard -> raw_problems (+
  quarantine) with the asset's two checks.
- ``embed``: ``embed_problems`` per shard with the embedding cache. MiniLM (~200 texts/s here) is
  used up to ``--minilm-max-rows``; above, a hashed bag-of-words stand-in (384 dims, same cache,
  same frame) feeds dedup with real vectors, and MiniLM's time is extrapolated from
  ``--minilm-sample`` texts (rows marked "extrapolated").
- ``dedup``: what ``deduped_pool`` does (scan the pool columns, ``rank_rows``, ``decide``),
  without its UI metadata: by default with ``first_pass: static`` (the static model proposes,
  MiniLM embeds only the candidates' rows, through the cache: the million-row setting, real
  MiniLM at every size); ``--first-pass none`` decides on the embed stage's vectors.
- ``verify``: ``distilled_responses`` with the source responses only (no labels, no teacher:
  every kept problem counts as selected), then ``response_verdicts`` with the rules,
  math-verify and the bubblewrap sandbox (no judge, reward model or classifier). The sandbox
  runs ``--sandbox-sample`` code responses per shard (0: all); the others get the verdict of the
  same program's sampled run (not cached) and the sandbox time they would have taken is
  extrapolated from the shard's measured rate.
- ``sft``: ``verified_set`` per shard, then ``sft_dataset`` (mixture, streaming warehouse write,
  JSONL + Parquet export, token lengths with the student's tokenizer; no decontamination).

``--jobs N`` runs a per-shard stage's runs N at a time, as a run coordinator allowing N
concurrent runs would: the stage's seconds are then the batch's wall time.

Peak RSS is each stage process's own maximum (ru_maxrss); math-verify workers and sandboxes are
separate processes, not counted. Prints one table per size, a growth table and the 1.4M
extrapolation; writes benchmarks/results/scale.json (``--merge`` keeps the sizes of an earlier
run that this one did not measure).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import math
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results"
AM_ROWS = 1_400_000
SOURCES = {"am_synth_a": 80, "am_synth_b": 60}  # name -> priority; a row i goes to b when i%3==2
DOMAIN_BY_ORIGIN = {
    "NuminaMath": "math",
    "codeio": "code",
    "InfinityInstruct": "chat",
    "natural_reasoning": "science",
}
HASHED_KEY = "hashed-bow-384-v1"


# --- the data generator -------------------------------------------------------------------------

NAMES = ["Alice", "Bob", "Chen", "Dana", "Emeka", "Fatima", "Goran", "Hana", "Ivan", "Jun", "Kofi",
         "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq"]  # fmt: skip
PLACES = ["a bakery", "a library", "a school fair", "a farm", "a chess club", "a train station",
          "a garden", "a warehouse", "a science lab", "a bookstore"]  # fmt: skip
NOUNS = ["term", "factor", "remainder", "total", "product", "sum", "difference", "bound",
         "coefficient", "case", "count", "value"]  # fmt: skip
ADJS = ["plausible", "too large", "too small", "consistent", "odd", "suspicious", "fine", "right"]
OPENERS = ["", "Okay,", "Wait,", "Hmm,", "So", "Then", "Now", "Alternatively,", "But", "Actually,",
           "Let me think.", "Right,"]  # fmt: skip
SENTENCES = [
    "{o} if I take {a} and multiply it by {b}, that gives {p}.",
    "{o} {a} plus {b} is {s}, which is {cmp} than {c}.",
    "Let me check this again: {a} times {b} equals {p}, so dividing by {c} leaves {r}.",
    "{o} the difference between {a} and {c} is {d}, hmm, that seems {adj}.",
    "Maybe I should try another approach where the {noun} is {a} instead of {b}.",
    "{o} substituting $x = {a}$ gives ${b}x + {c} = {q}$, which looks {adj}.",
    "So far we have {a} of the first kind and {b} of the second, that is {s} in total.",
    "{o} I think the {noun} must be at least {a}, because {b} is too small for {c}.",
    "Wait, did I make a mistake with $\\frac{{{a}}}{{{b}}}$? Recomputing, it is about {f}.",
    "{o} the remainder of {p} modulo {c} is {m}, and {m} squared is {m2}.",
    "{o} for the case of {c} items the {noun} becomes {d}, and for {a} items it is {s}.",
    "Let me verify with small numbers first: {c} and {b} give {cb}, which matches.",
]


def sentence_pool(size: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pool = []
    for _ in range(size):
        a, b, c = rng.randint(2, 9999), rng.randint(2, 999), rng.randint(2, 97)
        pool.append(
            rng.choice(SENTENCES)
            .format(
                o=rng.choice(OPENERS),
                a=a,
                b=b,
                c=c,
                p=a * b,
                s=a + b,
                d=abs(a - c),
                q=b * a + c,
                r=(a * b) % c,
                m=(a * b) % c,
                m2=((a * b) % c) ** 2,
                cb=c * b,
                f=f"{a / b:.3f}",
                cmp="more" if a + b > c else "less",
                adj=rng.choice(ADJS),
                noun=rng.choice(NOUNS),
            )
            .strip()
        )
    return pool


def latex(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def math_problem(rng: random.Random) -> tuple[str, str]:
    """(problem text, reference answer)."""
    a, b, c = rng.randint(12, 999), rng.randint(12, 999), rng.randint(3, 97)
    name, place = rng.choice(NAMES), rng.choice(PLACES)
    kind = rng.randrange(8)
    if kind == 0:
        text = (f"At {place}, {name} sells {a} pencils on Monday and {b} pencils on Tuesday. "
                f"Each box holds {c} pencils. How many full boxes can be packed from all the "
                "pencils?")  # fmt: skip
        answer = Fraction((a + b) // c)
    elif kind == 1:
        text = f"Find the remainder when ${a}^{{{b}}}$ is divided by ${c}$."
        answer = Fraction(pow(a, b, c))
    elif kind == 2:
        text = f"What is the sum of all integers from {a} to {a + b}, inclusive?"
        answer = Fraction((b + 1) * (2 * a + b) // 2)
    elif kind == 3:
        text = (f"{name} measures a rectangular table at {place}: it is {a} cm long and {b} cm "
                "wide. What is its area in square centimeters?")  # fmt: skip
        answer = Fraction(a * b)
    elif kind == 4:
        text = f"Solve for $x$: ${c}x + {a} = {b}$."
        answer = Fraction(b - a, c)
    elif kind == 5:
        text = (f"An arithmetic sequence starts {a}, {a + c}, {a + 2 * c}, ... What is its "
                f"{b}th term?")  # fmt: skip
        answer = Fraction(a + (b - 1) * c)
    elif kind == 6:
        text = f"Compute $\\gcd({a * c}, {b * c})$ + $\\operatorname{{lcm}}({c}, {c + 1})$."
        answer = Fraction(math.gcd(a * c, b * c) + c * (c + 1))
    else:
        text = (f"A train leaves {place} and travels {a} km in {c} hours at a constant speed. "
                f"How many km does it travel in {b} hours?")  # fmt: skip
        answer = Fraction(a * b, c)
    return text, latex(answer)


CODE_TASKS = [  # (statement, input kind, solve, correct program, wrong program)
    (
        "print the sum of the integers on the line",
        "ints",
        lambda xs: str(sum(xs)),
        "import sys\nxs = list(map(int, sys.stdin.read().split()))\nprint(sum(xs))\n",
        "import sys\nxs = list(map(int, sys.stdin.read().split()))\nprint(sum(xs[1:]))\n",
    ),
    (
        "print how many of the integers are even",
        "ints",
        lambda xs: str(sum(x % 2 == 0 for x in xs)),
        "import sys\nxs = list(map(int, sys.stdin.read().split()))\n"
        "print(sum(1 for x in xs if x % 2 == 0))\n",
        "import sys\nxs = list(map(int, sys.stdin.read().split()))\n"
        "print(sum(1 for x in xs if x % 2 == 1))\n",
    ),
    (
        "print the number of distinct integers",
        "ints",
        lambda xs: str(len(set(xs))),
        "import sys\nxs = sys.stdin.read().split()\nprint(len(set(map(int, xs))))\n",
        "import sys\nxs = sys.stdin.read().split()\nprint(len(xs))\n",
    ),
    (
        "print the largest integer minus the smallest",
        "ints",
        lambda xs: str(max(xs) - min(xs)),
        "import sys\nxs = list(map(int, sys.stdin.read().split()))\nprint(max(xs) - min(xs))\n",
        "import sys\nxs = list(map(int, sys.stdin.read().split()))\nprint(xs[-1] - xs[0])\n",
    ),
    (
        "print the words in reverse order, separated by single spaces",
        "words",
        lambda ws: " ".join(reversed(ws)),
        "import sys\nprint(' '.join(reversed(sys.stdin.read().split())))\n",
        "import sys\nprint(sys.stdin.read().strip()[::-1])\n",
    ),
    (
        "print how many vowels (a, e, i, o, u, in either case) the words contain",
        "words",
        lambda ws: str(sum(ch in "aeiouAEIOU" for w in ws for ch in w)),
        "import sys\ns = sys.stdin.read()\nprint(sum(ch in 'aeiouAEIOU' for ch in s))\n",
        "import sys\ns = sys.stdin.read()\nprint(sum(ch in 'aeiou' for ch in s))\n",
    ),
]
WORDS = ["Apple", "blue", "Eagle", "river", "stone", "Orbit", "quiet", "under", "Ice", "yellow",
         "moon", "Ocean", "tiger", "umbrella", "sky", "Echo", "plain", "north"]  # fmt: skip


def code_problem(rng: random.Random) -> tuple[str, int, list[str], list[str]]:
    """(statement, task index, test inputs, test outputs)."""
    task = rng.randrange(len(CODE_TASKS))
    what, kind, solve, _, _ = CODE_TASKS[task]
    n_max, bound = rng.randint(5, 200_000), rng.randint(10, 10**9)
    name, place = rng.choice(NAMES), rng.choice(PLACES)
    unit = "integers" if kind == "ints" else "words"
    limits = (
        f"between -{bound} and {bound}"
        if kind == "ints"
        else f"of at most {bound % 97 + 3} letters"
    )
    text = (
        f"{name} keeps a log at {place}. Each line of the log holds up to {n_max} {unit}, each "
        f"{limits}. Given one such line on standard input, {what}.\n\nInput: a single line "
        f"with between 1 and {n_max} {unit} separated by spaces.\n\nOutput: one line.\n\n"
        "Write a Python program that reads standard input and writes standard output."
    )
    inputs, outputs = [], []
    for _ in range(rng.randint(3, 5)):
        if kind == "ints":
            values = [rng.randint(-999, 999) for _ in range(rng.randint(2, 9))]
            inputs.append(" ".join(map(str, values)) + "\n")
        else:
            values = [rng.choice(WORDS) for _ in range(rng.randint(2, 7))]
            inputs.append(" ".join(values) + "\n")
        outputs.append(solve(values) + "\n")
    return text, task, inputs, outputs


TOPICS = ["photosynthesis", "compound interest", "plate tectonics", "the water cycle",
          "supply and demand", "vaccination", "binary search", "inflation", "entropy",
          "the French Revolution", "neural networks", "tides", "recycling", "jet lag"]  # fmt: skip
ASPECTS = ["its main causes", "a historical example", "common misconceptions", "how to measure it",
           "why it matters today", "a simple experiment"]  # fmt: skip


def general_problem(rng: random.Random) -> str:
    return (
        f"Explain {rng.choice(TOPICS)} to a {rng.choice(['student', 'colleague', 'child'])} "
        f"aged {rng.randint(8, 80)}, focusing on {rng.choice(ASPECTS)}, in about "
        f"{rng.randint(5, 60) * 10} words, and give {rng.randint(2, 9)} examples from "
        f"{rng.choice(PLACES)}."
    )


def reword(text: str) -> str:
    """A near-duplicate: other framing and a few other words, the same numbers."""
    swaps = [("How many", "Determine how many"), ("What is", "Find"), ("Compute", "Calculate"),
             ("Given one such line", "Given a line"), ("Explain", "Describe"),
             ("Solve for", "Find the value of")]  # fmt: skip
    for old, new in swaps:
        text = text.replace(old, new, 1)
    return f"Please solve the following. {text} Show your reasoning."


def reasoning(rng: random.Random, pool: list[str], problem: str, target: int, loop: bool) -> str:
    """R1-style reasoning of about ``target`` characters; a loop repeats one paragraph."""
    parts = [f"Okay, let's see. {problem[:200]} Let me think about how to approach this."]
    size = len(parts[0])
    looped: str | None = None
    while size < target:
        if looped is not None:
            paragraph = looped
        else:
            sentences = rng.choices(pool, k=rng.randint(4, 8))
            paragraph = " ".join(sentences)
            if loop and len(parts) >= 3:
                looped = paragraph
        parts.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(parts)


def generate(folder: Path, rows: int, file_rows: int, seed: int = 0) -> dict[str, int]:
    """Write the sources' JSONL files under ``folder/<source>/``; returns bytes per source."""
    from r1_assets.catalog.am_rows import am_row, stdio_test_case

    rng = random.Random(seed)
    pool = sentence_pool(40_000, seed + 1)
    earlier: list[tuple] = []  # (origin, problem, reference, tests, task)
    handles: dict[str, tuple] = {}
    written = {name: 0 for name in SOURCES}
    counts = {name: 0 for name in SOURCES}
    names = list(SOURCES)
    try:
        for i in range(rows):
            source = names[1] if i % 3 == 2 else names[0]
            roll = rng.random()
            if earlier and roll < 0.04:  # an exact (< 0.02) or reworded copy of an earlier one
                origin, problem, reference, tests, task = rng.choice(earlier)
                if roll >= 0.02:
                    problem = reword(problem)
            else:
                kind = rng.random()
                reference, tests, task = None, None, None
                if kind < 0.45:
                    origin = "NuminaMath"
                    problem, reference = math_problem(rng)
                elif kind < 0.75:
                    origin = "codeio"
                    problem, task, inputs, outputs = code_problem(rng)
                    tests = stdio_test_case(inputs, outputs)
                else:
                    origin = rng.choice(["InfinityInstruct", "natural_reasoning"])
                    problem = general_problem(rng)
                earlier.append((origin, problem, reference, tests, task))
            target = int(min(30_000, max(4_000, rng.lognormvariate(math.log(8_000), 0.55))))
            think = reasoning(rng, pool, problem, target, loop=rng.random() < 0.03)
            wrong = rng.random()
            if origin == "NuminaMath":
                shown = reference if wrong >= 0.12 else f"{reference}+1"
                think += f"\n\nSo the answer should be {shown}."
                answer = (
                    f"We work through the problem step by step, as above.\n\n"
                    f"Therefore, the answer is $\\boxed{{{shown}}}$."
                )
            elif origin == "codeio":
                program = CODE_TASKS[task][4 if wrong < 0.15 else 3]
                think += "\n\nSo the program reads the line, computes the result and prints it."
                answer = f"Read the input and compute directly.\n\n```python\n{program}```\n"
            else:
                answer = " ".join(rng.choices(pool, k=rng.randint(5, 12)))
            row = am_row(
                origin, problem, think, answer, reference_answer=reference, test_case=tests
            )
            index = counts[source] // file_rows
            if source not in handles or handles[source][0] != index:
                if source in handles:
                    handles[source][1].close()
                path = folder / source / f"part-{index:05d}.jsonl"
                path.parent.mkdir(parents=True, exist_ok=True)
                handles[source] = (index, path.open("w"))
            line = json.dumps(row, ensure_ascii=False) + "\n"
            handles[source][1].write(line)
            written[source] += len(line.encode())
            counts[source] += 1
    finally:
        for _, handle in handles.values():
            handle.close()
    return written


def write_catalog(root: Path, shard_rows: int) -> Path:
    import yaml

    entries = [
        {
            "name": name,
            "domain": "mixed",
            "format": "am_distilled",
            "location": f"sources/{name}/*.jsonl",
            "domain_by_origin": DOMAIN_BY_ORIGIN,
            "priority": priority,
            "shard_rows": shard_rows,
            "license": "CC0 (synthetic)",
        }
        for name, priority in SOURCES.items()
    ]
    path = root / "sources.yaml"
    path.write_text(yaml.safe_dump({"base_dir": ".", "sources": entries}))
    return path


# --- the hashed stand-in embedder ---------------------------------------------------------------


class HashedEmbedder:
    """Bag of hashed word unigrams and bigrams, 384 dims, L2-normalized: a deterministic stand-in
    with the SentenceEmbedder interface, so dedup gets vectors where rewordings are close."""

    name = HASHED_KEY
    dim = 384
    max_seq_length = 256

    def __init__(self) -> None:
        self.slots: dict[str, tuple[int, float]] = {}

    def _slot(self, token: str) -> tuple[int, float]:
        if token not in self.slots:
            h = zlib.crc32(token.encode())
            self.slots[token] = (h % self.dim, 1.0 if h & (1 << 20) else -1.0)
        return self.slots[token]

    def embed(self, texts, batch_size: int = 32):
        import numpy as np

        from r1_assets.dedup.embedder import Embedded

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        counts = []
        for row, text in enumerate(texts):
            words = re.findall(r"\w+", text.lower())
            counts.append(len(words))
            for token in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
                slot, sign = self._slot(token)
                out[row, slot] += sign
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out /= np.where(norms > 0, norms, 1.0)
        return Embedded(out, counts, [c > self.max_seq_length for c in counts])


# --- the stages (each in its own process) -------------------------------------------------------


def _store(root: Path):
    from r1_assets.storage.warehouse import Warehouse

    return Warehouse(root / "data")


def stage_plan(root: Path) -> dict:
    from r1_assets.catalog.loader import source_shard_keys
    from r1_assets.catalog.shards import RecordCounts
    from r1_assets.catalog.spec import load_catalog

    catalog = load_catalog(root / "sources.yaml", strict=True)
    keys = source_shard_keys(catalog, RecordCounts(root / "data" / "cache" / "record_counts.json"))
    return {"partitions": [f"{s}.{k}" for s, shards in keys.items() for k in shards]}


def stage_raw(root: Path, partition: str) -> dict:
    from r1_assets.catalog.checks import duplicate_rows, schema_violations
    from r1_assets.catalog.loader import Limits, load_source
    from r1_assets.catalog.shards import RecordCounts, ShardWindow
    from r1_assets.catalog.spec import load_catalog

    source, shard = partition.split(".")
    catalog = load_catalog(root / "sources.yaml", strict=True)
    entry = catalog.get(source)
    result = load_source(
        entry,
        catalog,
        Limits(),
        window=ShardWindow.of(shard, entry.shard_rows),
        counts=RecordCounts(root / "data" / "cache" / "record_counts.json"),
    )
    store = _store(root)
    if not result.source_failed:
        store.write("raw_problems", result.problems, partition)
    store.write("raw_problems_quarantine", result.quarantine, partition)
    assert not schema_violations(result.problems), schema_violations(result.problems)
    assert duplicate_rows(result.problems).is_empty()
    return {"rows": result.problems.height, "quarantined": result.quarantine.height}


def _embedder(kind: str):
    from r1_assets.dedup.embedder import DEFAULT_MODEL, SentenceEmbedder, model_key

    if kind == "minilm":
        return model_key(DEFAULT_MODEL, None), DEFAULT_MODEL, lambda: SentenceEmbedder()
    return HASHED_KEY, HASHED_KEY, HashedEmbedder


def stage_embed(root: Path, partition: str, embedder: str) -> dict:
    from r1_assets.dedup.cache import EmbeddingCache
    from r1_assets.dedup.embeddings import embed_problems

    key, name, load = _embedder(embedder)
    store = _store(root)
    problems = store.read("raw_problems", [partition])  # as the IO manager loads the input
    cache = EmbeddingCache(root / "data" / "cache" / "embeddings", key)
    frame, stats = embed_problems(problems, cache, load, name, chunk_size=256, batch_size=32)
    store.write("problem_embeddings", frame, partition)
    return {"rows": frame.height, "embedded": stats.embedded, "texts_per_s": stats.texts_per_second}


def stage_minilm_sample(root: Path, partition: str, sample: int) -> dict:
    from r1_assets.catalog.schema import normalize_problem_text
    from r1_assets.dedup.embedder import SentenceEmbedder

    store = _store(root)
    problems = store.scan("raw_problems", [partition]).select("problem").head(sample).collect()
    texts = [normalize_problem_text(t) for t in problems["problem"]]
    embedder = SentenceEmbedder()
    started = time.perf_counter()
    for start in range(0, len(texts), 256):
        embedder.embed(texts[start : start + 256], 32)
    seconds = time.perf_counter() - started
    return {"texts": len(texts), "texts_per_s": len(texts) / seconds}


def _current_shards(root: Path, catalog) -> dict[str, list[str]]:
    from r1_assets.catalog.loader import source_shard_keys
    from r1_assets.catalog.shards import RecordCounts

    return source_shard_keys(catalog, RecordCounts(root / "cache" / "record_counts.json"))


def stage_dedup(root: Path, embedder: str, first_pass: str = "none") -> dict:
    import polars as pl

    from r1_assets.catalog.spec import load_catalog
    from r1_assets.dedup.embeddings import EMBEDDING_SCHEMA
    from r1_assets.dedup.pool import POOL_COLUMNS, decide, rank_rows
    from r1_assets.dedup.settings import DedupSettings

    key, _, _ = _embedder(embedder)
    store = _store(root)
    catalog = load_catalog(root / "sources.yaml", strict=True)
    current = _current_shards(root, catalog)
    shards = store.source_partitions("raw_problems", current)
    embedded = store.source_partitions("problem_embeddings", current)
    problems = (
        store.scan("raw_problems", shards, partition_column="shard")
        .select(*POOL_COLUMNS, pl.col("shard").str.split(".").list.last())
        .collect()
    )
    priorities = {n: s.priority for n, s in catalog.entries.items() if hasattr(s, "priority")}
    ranked = rank_rows(problems, priorities)
    if first_pass == "static":  # what deduped_pool does with first_pass: static
        from r1_assets.dedup.cache import EmbeddingCache
        from r1_assets.dedup.embeddings import embed_problems
        from r1_assets.dedup.static import static_model
        from r1_assets.settings import models_dir

        key, name, load = _embedder("minilm")
        cache = EmbeddingCache(Path(store.root) / "cache" / "embeddings", key)
        confirming: dict = {}

        def lookup(rows):
            frame, stats = embed_problems(rows, cache, load, name)
            confirming.update(confirmed_rows=stats.unique_texts, minilm_s=round(stats.seconds, 1))
            return frame

        decisions, pairs, _ = decide(
            ranked,
            lookup,
            DedupSettings(first_pass="static"),
            model_key=key,
            static=static_model(models_dir()),
        )
    else:
        confirming = {}
        embeddings = (
            store.scan("problem_embeddings", embedded)
            .filter(pl.col("model_key") == key)
            .select("problem_uid", "embedding")
            .collect()
            if embedded
            else pl.DataFrame(schema=EMBEDDING_SCHEMA)
        )
        decisions, pairs, _ = decide(
            ranked,
            embeddings,
            DedupSettings(),
            index_path=Path(store.root) / "cache" / "dedup" / f"{key}.usearch",
            model_key=key,
        )
    store.write("deduped_pool", decisions, None)
    store.write("dedup_pairs", pairs, None)
    methods = dict(decisions.group_by("method").len().rows())
    return {"rows": decisions.height, "pairs": pairs.height, "methods": methods, **confirming}


def stage_responses(root: Path, partition: str) -> dict:
    import polars as pl

    from r1_assets.distill.responses import source_rows

    source, shard = partition.split(".")
    store = _store(root)
    raw = store.read("raw_problems", [partition])
    kept = (
        store.scan("deduped_pool")
        .filter((pl.col("source") == source) & (pl.col("shard") == shard))
        .filter(pl.col("decision") == "kept")
        .select("problem_uid", "source_row_id")
        .collect()
    )
    selected = raw.join(kept, on=["problem_uid", "source_row_id"], how="semi")
    responses = source_rows(selected)
    store.write("distilled_responses", responses, partition)
    return {"rows": responses.height, "selected": selected.height}


def _sampled(verifier, limit: int, counter: dict):
    """The code verifier running at most ``limit`` programs in the sandbox; the others get the
    verdict the same program got in a sampled run (not cached)."""
    import dataclasses

    from r1_assets.sandbox import extract_program
    from r1_assets.verify.rules import Check

    outcome: dict[str | None, object] = {}

    def run(rows: list[dict]):
        programs = [extract_program(r.get("answer") or "") for r in rows]
        real = []
        for i, program in enumerate(programs):
            if limit <= 0 or counter["run"] < limit or program not in outcome:
                real.append(i)
                counter["run"] += 1
                outcome.setdefault(program, None)
        checks: list = [None] * len(rows)
        if real:
            for i, check in zip(real, verifier.run([rows[i] for i in real]), strict=True):
                checks[i] = check
                outcome[programs[i]] = check
        for i, check in enumerate(checks):
            if check is None:
                seen = outcome[programs[i]]
                checks[i] = Check(
                    seen.passed, seen.score, f"not run (sample): {seen.detail}", cacheable=False
                )
                counter["skipped"] += 1
        return checks

    return dataclasses.replace(verifier, run=run)


def stage_verdicts(root: Path, partition: str, sandbox_sample: int) -> dict:
    import contextlib
    import dataclasses

    from r1_assets.sandbox import Sandbox, SandboxLimits
    from r1_assets.verify.math_answer import MathVerifier
    from r1_assets.verify.verdicts import VerdictCache, responses_with_problems, verify_responses
    from r1_assets.verify.verifiers import VerifySettings, build_verifiers

    store = _store(root)
    responses = store.read("distilled_responses", [partition])
    problems = store.read("raw_problems", [partition])
    rows = responses_with_problems(responses, problems).to_dicts()
    settings = VerifySettings(use_judge=False)
    engines = contextlib.ExitStack()

    def started(engine):
        engines.callback(engine.close)
        return engine

    limits = SandboxLimits()
    verifiers = build_verifiers(
        settings,
        math_verifier=lambda: started(
            MathVerifier(workers=settings.math_workers, timeout_s=settings.math_timeout_s)
        ),
        sandbox=lambda: started(Sandbox(limits, workers=2)),
        sandbox_settings={**dataclasses.asdict(limits), "python": "/usr/bin/python3"},
    )
    counter = {"run": 0, "skipped": 0}
    if "code_tests" in verifiers:
        verifiers["code_tests"] = _sampled(verifiers["code_tests"], sandbox_sample, counter)
    with engines:
        verdicts, stats = verify_responses(
            rows, verifiers, VerdictCache(root / "data" / "cache" / "verdicts"), cascade=True
        )
    store.write("response_verdicts", verdicts, partition)
    sandbox_s = stats.seconds.get("code_tests", 0.0)
    rate = counter["run"] / sandbox_s if sandbox_s else 0.0
    return {
        "rows": verdicts.height,
        "responses": len(rows),
        "computed": dict(stats.computed),
        "sandbox_runs": counter["run"],
        "sandbox_not_run": counter["skipped"],
        "sandbox_s": sandbox_s,
        "extrapolated_s": counter["skipped"] / rate if rate else 0.0,
        "math_verify_s": stats.seconds.get("math_verify", 0.0),
    }


def stage_verified(root: Path, partition: str) -> dict:
    from r1_assets.verify.verdicts import (
        decide,
        rejected_rows,
        responses_with_problems,
        verified_rows,
    )

    store = _store(root)
    responses = store.read("distilled_responses", [partition])
    verdicts = store.read("response_verdicts", [partition])
    problems = store.read("raw_problems", [partition])
    decided = decide(responses_with_problems(responses, problems), verdicts)
    accepted, rejected = verified_rows(decided, verdicts), rejected_rows(decided)
    store.write("verified_set", accepted, partition)
    store.write("rejected_responses", rejected, partition)
    return {"rows": accepted.height, "rejected": rejected.height}


def stage_sft(root: Path, tokenizer: str) -> dict:
    import polars as pl

    from r1_assets.catalog.spec import load_catalog
    from r1_assets.dataset.export import dataset_card, token_counter, write_sft_dataset
    from r1_assets.dataset.mixture import (
        MixturePolicy,
        accepted_rows,
        build_mixture,
        mixture_counts,
    )

    store = _store(root)
    catalog = load_catalog(root / "sources.yaml", strict=True)
    shards = store.source_partitions("verified_set", _current_shards(root, catalog))
    verified = accepted_rows(store, shards)
    labels = pl.DataFrame(  # no problem_labels: difficulty unknown, as for an unlabeled shard
        schema={
            "problem_uid": pl.String,
            "source_row_id": pl.String,
            "difficulty": pl.Int8,
            "category": pl.String,
        }
    )
    policy = MixturePolicy()
    mixture = build_mixture(verified, labels, policy)
    counts = mixture_counts(verified, mixture)
    licenses = {name: getattr(e, "license", "") for name, e in catalog.entries.items()}
    export, table = write_sft_dataset(
        store,
        mixture,
        Path(store.root) / "exports",
        token_counter(tokenizer),
        lambda content_hash, tokens: dataset_card(
            mixture, counts, licenses, tokens, {"seed": 0}, content_hash, tokenizer
        ),
    )
    return {"rows": export.rows, "tokens": table.to_dicts()}


STAGE_FUNCTIONS = {
    "plan": stage_plan,
    "raw": stage_raw,
    "embed": stage_embed,
    "minilm_sample": stage_minilm_sample,
    "dedup": stage_dedup,
    "responses": stage_responses,
    "verdicts": stage_verdicts,
    "verified": stage_verified,
    "sft": stage_sft,
}


def child(spec: str) -> None:
    args = json.loads(spec)
    stage = args.pop("stage")
    args["root"] = Path(args["root"])
    result = STAGE_FUNCTIONS[stage](**args)
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["children_maxrss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("RESULT " + json.dumps(result, default=str), flush=True)


# --- the driver ---------------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    files = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            try:
                stat = os.stat(path)
            except FileNotFoundError:
                continue
            files[path] = (stat.st_mtime_ns, stat.st_size)
    return files


def files_changed(root: Path, before: dict[str, tuple[int, int]]) -> int:
    """Files under ``root`` new or changed since ``before`` (a ``snapshot``)."""
    return sum(1 for path, stat in snapshot(root).items() if before.get(path) != stat)


def run_stage(root: Path, log: Path, stage: str, count_files: bool = True, **kwargs) -> dict:
    """One stage process: its result, wall time, and the files it wrote (new or changed; not
    counted when runs go side by side: the caller counts the batch's)."""
    before = snapshot(root / "data") if count_files else {}
    path = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    spec = json.dumps({"stage": stage, "root": str(root), **kwargs})
    started = time.perf_counter()
    with log.open("a") as errors:
        errors.write(f"\n=== {stage} {kwargs}\n")
        errors.flush()
        done = subprocess.run(
            [sys.executable, __file__, "--child", spec],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=env,
            cwd=root,
        )
    seconds = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        tail = log.read_text()[-3000:]
        raise RuntimeError(f"stage {stage} {kwargs} failed ({done.returncode}):\n{tail}")
    result = json.loads(lines[-1][len("RESULT ") :])
    result["seconds"] = seconds
    if count_files:
        result["files_written"] = files_changed(root / "data", before)
    return result


def stage_rows(rows: int, runs: list[dict], name: str, note: str = "") -> dict:
    """A stage's row of the table. Its seconds are the wall time of its runs (of the batch, when
    ``--jobs`` ran them side by side) plus any extrapolated time, spread over the jobs."""
    jobs = max((r.get("jobs", 1) for r in runs), default=1)
    batched = [r for r in runs if "jobs" in r]  # the runs of one side-by-side batch
    if jobs > 1:  # the batch's wall time, plus any run outside it (the raw stage's plan)
        wall = next(r["batch_seconds"] for r in batched if "batch_seconds" in r)
        measured = wall + sum(r["seconds"] for r in runs if "jobs" not in r)
    else:
        measured = sum(r["seconds"] for r in runs)
    seconds = measured + sum(r.get("extrapolated_s", 0.0) for r in runs) / jobs
    return {
        "stage": name,
        "runs": len(runs),
        "jobs": jobs,
        "seconds": round(seconds, 1),
        "measured_seconds": round(measured, 1),
        "rows_per_s": round(rows / seconds, 1) if seconds else None,
        "ms_per_row": round(1000 * seconds / rows, 3),
        "peak_rss_mb": round(max(r["maxrss_mb"] for r in runs)),
        "workers_peak_rss_mb": round(max(r["children_maxrss_mb"] for r in runs)),
        "files_written": sum(r.get("files_written", 0) for r in runs),
        "output_rows": sum(r.get("rows", 0) for r in runs),
        "note": note,
    }


def run_size(rows: int, args, base: Path) -> dict:
    root = base / f"rows_{rows}"
    shutil.rmtree(root, ignore_errors=True)
    (root / "data").mkdir(parents=True)
    log = root / "stages.log"
    print(f"\n## {rows:,} problems (data root {root})", flush=True)
    started = time.perf_counter()
    written = generate(root / "sources", rows, args.file_rows)
    generated_s = time.perf_counter() - started
    write_catalog(root, args.shard_rows)
    files = sum(1 for _ in (root / "sources").rglob("*.jsonl"))
    print(f"generated {sum(written.values()) / 1e9:.2f} GB of JSONL in {files} files in "
          f"{generated_s:.0f} s", flush=True)  # fmt: skip
    stages = set(args.stages)
    embedder = args.embedder
    if embedder == "auto":
        embedder = "minilm" if rows <= args.minilm_max_rows else "hashed"
    table: list[dict] = []
    details: dict[str, list[dict]] = {}

    def each(stage: str, partitions: list[str], **kwargs) -> list[dict]:
        """One run per partition, ``--jobs`` at a time (as a run coordinator's concurrency)."""
        jobs = max(1, min(args.jobs, len(partitions)))
        before = snapshot(root / "data")
        started = time.perf_counter()

        def one(partition: str) -> dict:
            run = run_stage(root, log, stage, jobs == 1, partition=partition, **kwargs)
            print(f"  {stage} {partition}: {run['seconds']:.1f} s, "
                  f"{run['maxrss_mb']:.0f} MB", flush=True)  # fmt: skip
            return run

        with ThreadPoolExecutor(jobs) as pool:
            runs = list(pool.map(one, partitions))
        if jobs > 1:
            runs[0]["files_written"] = files_changed(root / "data", before)
            for run in runs:
                run["jobs"] = jobs
            runs[0]["batch_seconds"] = time.perf_counter() - started
        details[stage] = runs
        return runs

    plan = run_stage(root, log, "plan")
    partitions = plan["partitions"]
    if "raw" in stages:
        runs = [plan, *each("raw", partitions)]
        table.append(stage_rows(rows, runs, "raw_problems", "incl. counting records (the plan)"))
    if "embed" in stages:
        runs = each("embed", partitions, embedder=embedder)
        note = "MiniLM" if embedder == "minilm" else "hashed stand-in (not MiniLM)"
        table.append(stage_rows(rows, runs, "problem_embeddings", note))
        if embedder == "hashed" and args.minilm_sample:
            sample = run_stage(
                root, log, "minilm_sample", partition=partitions[0], sample=args.minilm_sample
            )
            details["minilm_sample"] = [sample]
            seconds = rows / sample["texts_per_s"]
            table.append(
                {
                    **stage_rows(
                        rows,
                        [{**sample, "seconds": seconds, "files_written": 0}],
                        "problem_embeddings (MiniLM)",
                    ),
                    "output_rows": 0,
                    "note": f"EXTRAPOLATED from {sample['texts']} texts at "
                    f"{sample['texts_per_s']:.0f} texts/s; RSS of that sample run",
                }
            )
    if "dedup" in stages:
        run = run_stage(root, log, "dedup", embedder=embedder, first_pass=args.first_pass)
        details["dedup"] = [run]
        note = (
            "first_pass static: MiniLM on the candidates' rows only"
            if args.first_pass == "static"
            else ("" if embedder == "minilm" else "on the stand-in's vectors")
        )
        if "confirmed_rows" in run:  # what grows with the pool's crowding: MiniLM's share
            note += (
                f" ({run['confirmed_rows']:,} rows = {run['confirmed_rows'] / rows:.1%}, "
                f"{run['minilm_s']:.0f} s of MiniLM)"
            )
        table.append(stage_rows(rows, [run], "deduped_pool", note))
    if "verify" in stages:
        table.append(
            stage_rows(
                rows,
                each("responses", partitions),
                "distilled_responses",
                "source responses only; every kept problem selected",
            )
        )
        runs = each("verdicts", partitions, sandbox_sample=args.sandbox_sample)
        sampled = sum(r["sandbox_not_run"] for r in runs)
        note = "rules + math-verify + sandbox"
        if sampled:
            note += (
                f"; sandbox ran {sum(r['sandbox_runs'] for r in runs):,} code responses, "
                f"{sampled:,} not run: +{sum(r['extrapolated_s'] for r in runs):.0f} s "
                "EXTRAPOLATED in seconds"
            )
        table.append(stage_rows(rows, runs, "response_verdicts", note))
    if "sft" in stages:
        table.append(stage_rows(rows, each("verified", partitions), "verified_set"))
        run = run_stage(root, log, "sft", tokenizer=args.tokenizer)
        details["sft"] = [run]
        table.append(stage_rows(rows, [run], "sft_dataset", "mixture + Parquet + JSONL + tokens"))
    total = time.perf_counter() - started
    print_table(rows, table)
    print(f"{rows:,} problems end to end: {total / 60:.1f} min (generation included)", flush=True)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return {
        "rows": rows,
        "shard_rows": args.shard_rows,
        "shards": len(partitions),
        "jsonl_bytes": sum(written.values()),
        "jsonl_files": files,
        "generate_s": round(generated_s, 1),
        "total_s": round(total, 1),
        "embedder": embedder,
        "stages": table,
        "details": details,
    }


def print_table(rows: int, table: list[dict]) -> None:
    header = ["stage", "runs", "wall s", "rows/s", "ms/row", "peak RSS MB", "files", "note"]
    print(f"\n| {' | '.join(header)} |\n|{'---|' * len(header)}")
    for r in table:
        cells = [r["stage"], r["runs"], r["seconds"], r["rows_per_s"], r["ms_per_row"],
                 r["peak_rss_mb"], r["files_written"], r["note"]]  # fmt: skip
        print(f"| {' | '.join(map(str, cells))} |")


PER_SHARD = {
    "raw_problems",
    "problem_embeddings",
    "problem_embeddings (MiniLM)",
    "distilled_responses",
    "response_verdicts",
    "verified_set",
}


def growth(sizes: dict[int, dict]) -> tuple[list[dict], list[dict]]:
    """Ratios between the two largest sizes, and the extrapolation to 1.4M rows: time linear in
    rows from the largest size; RSS of a per-shard stage that of a full shard (its largest shard's
    peak scaled up when no shard was full), of a cross-source stage on the line through the two
    largest sizes (never below the largest measured)."""
    ordered = sorted(sizes)
    if len(ordered) < 2:
        small = big = ordered[-1]
    else:
        small, big = ordered[-2], ordered[-1]
    by_stage = {r["stage"]: r for r in sizes[small]["stages"]}
    ratios, extrapolated = [], []
    for r in sizes[big]["stages"]:
        s = by_stage.get(r["stage"])
        rss_ratio = r["peak_rss_mb"] / s["peak_rss_mb"] if s else None
        time_ratio = r["ms_per_row"] / s["ms_per_row"] if s and s["ms_per_row"] else None
        ratios.append(
            {
                "stage": r["stage"],
                "from_rows": small,
                "to_rows": big,
                "rss_ratio": round(rss_ratio, 2) if rss_ratio else None,
                "time_per_row_ratio": round(time_ratio, 2) if time_ratio else None,
                "rss_within_2x": rss_ratio is not None and rss_ratio <= 2,
                "time_per_row_within_1_5x": time_ratio is not None and time_ratio <= 1.5,
            }
        )
        if r["stage"] in PER_SHARD:  # bounded by a full shard, whatever the source's size
            shard_rows = sizes[big].get("shard_rows", 50_000)
            largest_shard = min(shard_rows, math.ceil(big * 2 / 3))
            rss = r["peak_rss_mb"] * max(1.0, shard_rows / largest_shard)
            basis = "per shard: the largest shard's peak, scaled to a full shard"
        else:
            grown = r["peak_rss_mb"] - s["peak_rss_mb"] if s else 0.0
            slope = grown / (big - small) if big > small else 0.0
            rss = max(r["peak_rss_mb"], r["peak_rss_mb"] + slope * (AM_ROWS - big))
            basis = f"linear through {small:,} and {big:,} rows"
        extrapolated.append(
            {
                "stage": r["stage"],
                "rows": AM_ROWS,
                "hours": round(r["ms_per_row"] * AM_ROWS / 1000 / 3600, 2),
                "peak_rss_gb": round(rss / 1024, 1),
                "rss_basis": basis,
            }
        )
    return ratios, extrapolated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--rows", default="10000,100000,300000")
    parser.add_argument("--stages", default="raw,embed,dedup,verify,sft")
    parser.add_argument("--embedder", default="auto", choices=["auto", "minilm", "hashed"])
    parser.add_argument(
        "--first-pass",
        default="static",
        choices=["static", "none"],
        help="dedup as deduped_pool with first_pass static (the million-row setting), or the "
        "full path over the embed stage's vectors",
    )
    parser.add_argument("--minilm-max-rows", type=int, default=10_000)
    parser.add_argument("--minilm-sample", type=int, default=2_000)
    parser.add_argument("--sandbox-sample", type=int, default=200, help="per shard; 0: all")
    parser.add_argument(
        "--jobs", type=int, default=1, help="runs of a per-shard stage side by side"
    )
    parser.add_argument("--shard-rows", type=int, default=50_000)
    parser.add_argument("--file-rows", type=int, default=40_000)
    parser.add_argument("--tokenizer", default=None, help="default: the embedded SmolLM2")
    parser.add_argument("--root", default=None, help="where the data roots go (default: a temp)")
    parser.add_argument("--keep", action="store_true", help="keep each size's data root")
    parser.add_argument("--merge", action="store_true", help="keep other sizes in scale.json")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    args.stages = args.stages.split(",")
    unknown = set(args.stages) - {"raw", "embed", "dedup", "verify", "sft"}
    if unknown:
        parser.error(f"unknown stages {sorted(unknown)}")
    if args.tokenizer is None and "sft" in args.stages:
        from r1_assets.llm.models import DEFAULT_LLM, resolve_llm
        from r1_assets.settings import models_dir

        args.tokenizer = resolve_llm(DEFAULT_LLM, models_dir())
    base = Path(args.root or tempfile.mkdtemp(prefix="r1-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "scale.json"
    previous = json.loads(out.read_text()) if args.merge and out.exists() else {}
    sizes = {int(k): v for k, v in previous.get("sizes", {}).items()}
    RESULTS.mkdir(exist_ok=True)
    for rows in (int(r) for r in args.rows.split(",")):
        sizes[rows] = run_size(rows, args, base)
        ratios, extrapolated = growth(sizes)
        report = {
            "date": datetime.date.today().isoformat(),
            "command": " ".join(sys.argv),
            "cpus": os.cpu_count(),
            "sizes": {str(k): sizes[k] for k in sorted(sizes)},
            "growth": ratios,
            "extrapolation_1_4m": extrapolated,
        }
        out.write_text(json.dumps(report, indent=2, default=str))
    if len(sizes) > 1:
        print("\n### growth (largest two sizes)")
        print("| stage | rows | peak RSS ratio | time/row ratio |\n|---|---|---|---|")
        for g in ratios:
            print(f"| {g['stage']} | {g['from_rows']:,} -> {g['to_rows']:,} | {g['rss_ratio']} | "
                  f"{g['time_per_row_ratio']} |")  # fmt: skip
    print(f"\n### extrapolation to {AM_ROWS:,} rows")
    print("| stage | hours | peak RSS GB | RSS basis |\n|---|---|---|---|")
    for e in extrapolated:
        print(f"| {e['stage']} | {e['hours']} | {e['peak_rss_gb']} | {e['rss_basis']} |")
    print(f"\nwrote {out}")
    if not args.keep and not args.root:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
