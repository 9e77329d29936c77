"""The contamination matcher: benchmark items against training-bound rows.

Two kinds of evidence, reported side by side per (item, row) pair:

- word n-grams (8 and 13 tokens) over :func:`audit_tokens`, which is robust to the edits a copy
  picks up on its way into a training set (spacing, line breaks, ``x^2`` vs ``x^{2}``, ``\\dfrac``
  vs ``\\frac``, ``\\left(`` vs ``(``), so verbatim and lightly reformatted copies are found even
  when embedded in a longer text (a problem followed by its solution);
- optionally, cosine similarity of sentence embeddings, for rewordings. Embeddings cannot tell
  "2x+3=7" from "2x+3=9", so every pair carries ``numbers_differ`` (the number guard): reported,
  flagged, never silently dropped, since the reader decides.

Hashes are blake2b-based, so the same texts give the same n-gram keys in every process.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from r1_assets.dedup.numbers import NUMBER_WORDS, number_set, strip_figures

# An 8-gram pair counts when it covers at least half of the item's 8-grams: unrelated problems of
# the same domain share almost no 8-token runs, while a copy with a few edited words (each edit
# kills up to 8 n-grams) still keeps well over half of them.
MIN_COVERAGE_8 = 0.5
# The GPT-3 rule counted one shared 13-gram, but one sentence that closes dozens of olympiad
# problems ("... relatively prime positive integers. Find m+n.") is a shared 13-gram of
# unrelated problems, and so are a question and a closing sentence two generated problems share
# (coverage 0.21 in benchmarks/audit.py). Long n-grams count at the coverage the short ones need,
# or with the embeddings agreeing (SUPPORTING_SIMILARITY); a copy covers nearly all of an item.
MIN_COVERAGE_LONG = MIN_COVERAGE_8
SUPPORTING_SIMILARITY = 0.75
# An n-gram in this many items of the benchmark itself is the benchmark's template text, not
# evidence, at any pool size.
TEMPLATE_ITEMS = 2
# An n-gram held by more than this many training rows is boilerplate (a template sentence, an
# instruction, a license line), not evidence: a benchmark item copied into a pool sits in a few
# rows (one per source that scraped it), while a template's fixed runs recur in hundreds.
MAX_NGRAM_ROWS = 50
# Cosine 0.9 on MiniLM: light rewordings of a problem score ~0.9-0.98, different problems of the
# same template ~0.6-0.85 (the dedup pool merges from 0.75 and relies on the number guard).
# Measured on the test pool: rewordings 0.95-1.0, unrelated items <= 0.56; a bare equation with
# one number changed ("2x + 3 = 7" vs "= 9") scores 0.86, so it falls below and is not reported.
EMBEDDING_THRESHOLD = 0.9
# The optional LLM judge looks at pairs between this and the threshold: below ~0.75 MiniLM pairs
# are different problems of one domain (see the dedup calibration bands).
JUDGE_FLOOR = 0.75
# Queries shorter than an n-gram fall back to a token-sequence match; below this length a
# contained match ("compute 2 2") would hit anything, so only whole-row equality counts.
MIN_CONTAINED_TOKENS = 4

# LaTeX commands that only change how a formula looks: dropped, so \left( = ( and \, = nothing.
_LAYOUT_COMMANDS = (
    "left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr displaystyle textstyle "
    "scriptstyle text textrm textbf textit mathrm mathbf mathit mathsf mathtt boldsymbol "
    "operatorname quad qquad limits nolimits hspace vspace mbox"
)
_DROPPED_COMMANDS = frozenset(_LAYOUT_COMMANDS.split())
# Spellings of the same command: \dfrac and \tfrac are \frac, \le is \leq, ...
_COMMAND_ALIASES = {
    "dfrac": "frac",
    "tfrac": "frac",
    "cfrac": "frac",
    "le": "leq",
    "leqslant": "leq",
    "ge": "geq",
    "geqslant": "geq",
    "ne": "neq",
    "lt": "<",
    "gt": ">",
    "to": "rightarrow",
}
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")  # 1,000 = 1000 (as the number guard reads it)
# A decimal number, or a run of letters (any script), or one digit run: "2x" -> 2 x, "x2" -> x 2,
# so juxtaposition and spacing do not matter; punctuation, braces, $ and ^ are dropped.
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+")
_DIGITS = {word: str(value) for word, value in NUMBER_WORDS.items()}


def _command_word(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _DROPPED_COMMANDS:
        return " "
    return f" {_COMMAND_ALIASES.get(name, name)} "


def audit_tokens(text: str) -> list[str]:
    """Word and number tokens of a text, robust to whitespace and LaTeX formatting changes.

    NFKC + casefold; figure code (Asymptote, TikZ, SVG, images) dropped, number words as digits;
    LaTeX command names keep their word (``\\frac{1}{2}`` -> frac 1 2) after
    aliasing (``\\dfrac`` -> frac) and dropping layout-only commands (``\\left``, ``\\text``);
    ``$``, ``\\(``, braces and all other punctuation vanish. So ``$x^2 + 1$`` and ``$x^{2}+1$``
    give the same tokens; ``$\\frac{1}{2}$`` and ``1/2`` do not (frac is a token), by design.
    """
    text = strip_figures(unicodedata.normalize("NFKC", text))
    text = _COMMAND.sub(_command_word, text)  # before casefold: \Big vs \big are both layout
    text = _THOUSANDS.sub("", text.casefold())
    # "five" = 5, as the number guard reads it
    return [_DIGITS.get(token, token) for token in _TOKEN.findall(text)]


def _token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")


@dataclass
class _Vocab:
    """Stable 64-bit hashes of tokens, computed once per distinct token."""

    cache: dict[str, int] = field(default_factory=dict)

    def hashes(self, tokens: Sequence[str]) -> np.ndarray:
        cache = self.cache
        out = np.empty(len(tokens), dtype=np.uint64)
        for i, token in enumerate(tokens):
            value = cache.get(token)
            if value is None:
                value = cache[token] = _token_hash(token)
            out[i] = value
        return out


# Odd multipliers per position: the n-gram key is sum(token_hash[i+j] * _MULT[j]) mod 2^64, an
# order-sensitive combination of stable hashes (so stable across processes, unlike hash(str)).
_MULT = np.array([_token_hash(f"position-{j}") | 1 for j in range(64)], dtype=np.uint64)


def _ngram_keys(token_hashes: np.ndarray, n: int) -> np.ndarray:
    """Distinct n-gram keys of one token sequence (empty when shorter than n)."""
    count = len(token_hashes) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    keys = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):  # wrap-around mod 2^64 is the point
        for j in range(n):
            keys += token_hashes[j : j + count] * _MULT[j]
    return np.unique(keys)


@dataclass
class _SizeIndex:
    keys: np.ndarray  # sorted n-gram keys, one entry per (key, row)
    rows: np.ndarray  # the row of each entry


def _drop_frequent(index: _SizeIndex, max_rows: int) -> tuple[_SizeIndex, int]:
    """Forget n-grams held by more than ``max_rows`` rows (each row holds a key once)."""
    if not len(index.keys):
        return index, 0
    _, counts = np.unique(index.keys, return_counts=True)
    frequent = counts > max_rows
    keep = np.repeat(~frequent, counts)  # keys are sorted: runs follow np.unique's order
    return _SizeIndex(index.keys[keep], index.rows[keep]), int(frequent.sum())


QUERY_SCHEMA = pl.Schema(
    {
        "query": pl.Int64,
        "row": pl.Int64,
        "n": pl.Int64,
        "shared": pl.Int64,
        "coverage": pl.Float64,
        "exact": pl.Boolean,  # found by the short-query fallback, not by n-grams
    }
)


class NgramIndex:
    """Hashed word n-grams of training rows -> row indexes, for several n at once.

    Built once per pool; :meth:`query` answers a whole benchmark in a few vectorized steps (sorted
    keys + searchsorted), so 500 items against 10k rows is well under a second.
    """

    def __init__(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        sizes: Sequence[int] = (8, 13),
        max_rows: int | None = MAX_NGRAM_ROWS,
    ):
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids for {len(texts)} texts")
        self.ids = list(ids)
        self.sizes = tuple(sorted(set(sizes)))
        self.max_rows = max_rows
        self.boilerplate: dict[int, int] = {}  # n -> distinct n-grams dropped as boilerplate
        self.templates: dict[int, int] = {}  # n -> the last query's template n-grams
        self._vocab = _Vocab()
        tokens = [audit_tokens(t) for t in texts]
        # joined token strings answer the short-query fallback with plain substring tests
        self._joined = [" " + " ".join(t) + " " for t in tokens]
        hashes = [self._vocab.hashes(t) for t in tokens]
        self._index = {n: self._build(hashes, n) for n in self.sizes}
        if max_rows is not None:
            for n in self.sizes:
                self._index[n], self.boilerplate[n] = _drop_frequent(self._index[n], max_rows)

    def __len__(self) -> int:
        return len(self.ids)

    @staticmethod
    def _build(hashes: list[np.ndarray], n: int) -> _SizeIndex:
        per_row = [_ngram_keys(h, n) for h in hashes]
        keys = np.concatenate(per_row) if per_row else np.empty(0, dtype=np.uint64)
        rows = np.repeat(np.arange(len(per_row), dtype=np.int64), [len(k) for k in per_row])
        order = np.argsort(keys, kind="stable")
        return _SizeIndex(keys[order], rows[order])

    def query(
        self, texts: Sequence[str], template_items: int | None = TEMPLATE_ITEMS
    ) -> pl.DataFrame:
        """One row per (query, row, n) sharing n-grams: shared distinct n-grams and coverage
        (shared / distinct n-grams of the query). N-grams found in ``template_items`` or more of
        the queries (a benchmark's own template sentences) never count as shared, but still
        count in the query's total; ``templates`` says how many per n. A query shorter than n
        tokens is matched as a whole token sequence instead (contained in the row, or equal to
        it when very short), with shared 1 and coverage 1.0, so short questions copied verbatim
        are still found."""
        tokens = [audit_tokens(t) for t in texts]
        hashes = [self._vocab.hashes(t) for t in tokens]
        # an item repeated in the benchmark counts once towards its templates
        distinct = list({tuple(t): q for q, t in enumerate(tokens)}.values())
        frames = [self._query_size(hashes, n, distinct, template_items) for n in self.sizes]
        frames.append(self._query_short(tokens))
        return pl.concat(frames).sort("query", "n", "row")

    def _query_size(
        self, hashes: list[np.ndarray], n: int, distinct: list[int], template_items: int | None
    ) -> pl.DataFrame:
        index = self._index[n]
        per_query = [_ngram_keys(h, n) for h in hashes]
        # coverage is of all the item's n-grams: template n-grams never count as shared, and
        # a short text around a shared template cannot look like most of the item
        totals = np.array([len(k) for k in per_query], dtype=np.int64)
        self.templates[n] = 0
        if template_items is not None and len(distinct) >= template_items:
            keys, counts = np.unique(
                np.concatenate([per_query[q] for q in distinct]), return_counts=True
            )
            template = keys[counts >= template_items]
            self.templates[n] = len(template)
            if len(template):
                per_query = [k[~np.isin(k, template, assume_unique=True)] for k in per_query]
        keys = np.concatenate(per_query) if per_query else np.empty(0, dtype=np.uint64)
        queries = np.repeat(np.arange(len(per_query), dtype=np.int64), [len(k) for k in per_query])
        lo = np.searchsorted(index.keys, keys, side="left")
        hi = np.searchsorted(index.keys, keys, side="right")
        counts = hi - lo
        # expand each query key to every index entry holding it (vectorized ragged ranges)
        starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
        positions = starts + np.arange(counts.sum(), dtype=np.int64)
        hits = pl.DataFrame(
            {"query": np.repeat(queries, counts), "row": index.rows[positions]},
            schema={"query": pl.Int64, "row": pl.Int64},
        )
        shared = hits.group_by("query", "row").len("shared")
        total = pl.DataFrame({"query": np.arange(len(totals)), "total": totals})
        return (
            shared.join(total, on="query")
            .select(
                "query",
                "row",
                pl.lit(n, pl.Int64).alias("n"),
                pl.col("shared").cast(pl.Int64),
                (pl.col("shared") / pl.col("total")).alias("coverage"),
                pl.lit(False).alias("exact"),
            )
            .cast(dict(QUERY_SCHEMA))
        )

    def _query_short(self, tokens: list[list[str]]) -> pl.DataFrame:
        found: dict[str, list[int]] = {"query": [], "row": [], "n": []}
        for q, toks in enumerate(tokens):
            short_sizes = [n for n in self.sizes if len(toks) < n]
            if not toks or not short_sizes:
                continue
            needle = " " + " ".join(toks) + " "
            if len(toks) >= MIN_CONTAINED_TOKENS:
                rows = [r for r, hay in enumerate(self._joined) if needle in hay]
            else:
                rows = [r for r, hay in enumerate(self._joined) if needle == hay]
            for n in short_sizes:
                found["query"] += [q] * len(rows)
                found["row"] += rows
                found["n"] += [n] * len(rows)
        return pl.DataFrame(
            found, schema={"query": pl.Int64, "row": pl.Int64, "n": pl.Int64}
        ).select(
            "query",
            "row",
            "n",
            pl.lit(1, pl.Int64).alias("shared"),
            pl.lit(1.0).alias("coverage"),
            pl.lit(True).alias("exact"),
        )


def embedding_hits(
    query_vectors: np.ndarray,
    row_vectors: np.ndarray,
    threshold: float = EMBEDDING_THRESHOLD,
    k: int = 5,
    block_elements: int = 1 << 24,
) -> pl.DataFrame:
    """Exact top-k cosine search: for each query, up to k rows with similarity >= threshold.

    Vectors must be L2-normalized. Blocked over queries so one similarity block stays under
    ``block_elements`` floats (64 MB); 500 x 10k is a single 20 MB matmul, no ANN needed.
    """
    queries = np.ascontiguousarray(query_vectors, dtype=np.float32)
    rows = np.ascontiguousarray(row_vectors, dtype=np.float32)
    out: dict[str, list[np.ndarray]] = {"query": [], "row": [], "similarity": []}
    if len(queries) and len(rows):
        k = min(k, len(rows))
        step = max(1, block_elements // len(rows))
        for start in range(0, len(queries), step):
            sims = queries[start : start + step] @ rows.T
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            top_sims = np.take_along_axis(sims, top, axis=1)
            keep = top_sims >= threshold
            out["query"].append(np.nonzero(keep)[0] + start)
            out["row"].append(top[keep])
            out["similarity"].append(top_sims[keep])
    columns = {name: np.concatenate(parts) if parts else [] for name, parts in out.items()}
    return pl.DataFrame(
        columns, schema={"query": pl.Int64, "row": pl.Int64, "similarity": pl.Float64}
    ).sort("query", pl.col("similarity"), descending=[False, True])


def numbers_missing(item: str, row: str) -> bool:
    """The number guard for overlap: True when an item number is absent from the row.

    A subset test rather than dedup's set equality: a training row holding the problem and its
    solution carries many extra numbers, but a row missing one of the item's numbers states a
    different problem ("2x+3=7" vs "2x+3=9").
    """
    return not number_set(item) <= number_set(row)


OVERLAP_SCHEMA = pl.Schema(
    {
        "item_id": pl.String,
        "row_id": pl.String,
        "methods": pl.List(pl.String),  # ngram13 / ngram8 / embedding, strongest first
        "coverage": pl.Float64,  # best n-gram coverage of the item; null: no n-gram evidence
        "similarity": pl.Float64,  # cosine; null when no embedder was given
        "numbers_differ": pl.Boolean,
        # contaminated: the item's numbers are all in the row; number_variant: the same wording
        # with other numbers (a different problem, reported for review, not counted by default);
        # weak: a shared template phrase only (see _finish), discarded
        "verdict": pl.String,
    }
)


# strongest evidence first in the methods list: longer n-grams, then embeddings, then the judge
_METHOD_RANK = {"ngram13": 0, "ngram8": 1, "embedding": 2, "llm_judge": 3}


def _ngram_pairs(index: NgramIndex, problems: list[str], min_coverage: float) -> pl.DataFrame:
    """(query, row, method, coverage, strong) of the n-gram hits. The smallest size counts at
    ``min_coverage``; a larger size is strong at MIN_COVERAGE_LONG and kept as a weak hit below
    (a supporting similarity may still make it count, see ``_finish``)."""
    hits = index.query(problems)
    smallest = min(index.sizes)
    passing = hits.filter((pl.col("n") > smallest) | (pl.col("coverage") >= min_coverage))
    return passing.select(
        "query",
        "row",
        ("ngram" + pl.col("n").cast(pl.String)).alias("method"),
        "coverage",
        (
            pl.col("exact") | (pl.col("n") == smallest) | (pl.col("coverage") >= MIN_COVERAGE_LONG)
        ).alias("strong"),
    )


def _judged(
    hits: pl.DataFrame,
    ngram: pl.DataFrame,
    threshold: float,
    problems: list[str],
    texts: list[str],
    judge: Callable[[list[tuple[str, str]]], list[bool]],
) -> pl.DataFrame:
    """The borderline embedding pairs the judge calls the same problem, as method llm_judge."""
    border = hits.filter(pl.col("similarity") < threshold).join(
        ngram.select("query", "row"), on=["query", "row"], how="anti"
    )
    border = border.filter(
        pl.Series(
            [
                not numbers_missing(problems[q], texts[r])
                for q, r in border.select("query", "row").iter_rows()
            ],
            dtype=pl.Boolean,
        )
    )
    pairs = [(problems[q], texts[r]) for q, r in border.select("query", "row").iter_rows()]
    same = judge(pairs) if pairs else []
    return border.filter(pl.Series(same, dtype=pl.Boolean)).select(
        "query",
        "row",
        pl.lit("llm_judge").alias("method"),
        pl.lit(None, pl.Float64).alias("coverage"),
        pl.lit(True).alias("strong"),
    )


def find_overlaps(
    items: pl.DataFrame,
    rows: pl.DataFrame,
    ngram_sizes: Sequence[int] = (8, 13),
    min_coverage: float = MIN_COVERAGE_8,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    threshold: float = EMBEDDING_THRESHOLD,
    k: int = 5,
    index: NgramIndex | None = None,
    vectors: tuple[np.ndarray, np.ndarray] | None = None,
    max_ngram_rows: int | None = MAX_NGRAM_ROWS,
    judge: Callable[[list[tuple[str, str]]], list[bool]] | None = None,
    judge_floor: float = JUDGE_FLOOR,
) -> pl.DataFrame:
    """Every (item_id, row_id) pair with contamination evidence, per :data:`OVERLAP_SCHEMA`.

    ``items`` has item_id and problem (the question without instructions), ``rows`` has row_id and
    text. ``embed`` maps texts to L2-normalized vectors, or ``vectors`` gives them already
    computed (items, rows; a zero row for a text without an embedding): the pipeline reuses
    problem_embeddings. With vectors, rewordings are searched too and every reported pair gets
    its similarity. ``index`` reuses an NgramIndex already built over ``rows``. ``judge`` (pairs
    of item and row texts -> same problem?) is asked about the borderline pairs: similarity in
    [judge_floor, threshold), numbers agreeing, no n-gram evidence.
    """
    problems = items["problem"].fill_null("").to_list()
    texts = rows["text"].fill_null("").to_list()
    if index is None:
        index = NgramIndex(rows["row_id"].to_list(), texts, ngram_sizes, max_ngram_rows)
    parts = [_ngram_pairs(index, problems, min_coverage)]
    item_vectors = row_vectors = None
    if vectors is not None:
        item_vectors, row_vectors = vectors
    elif embed is not None and problems and texts:
        item_vectors, row_vectors = embed(problems), embed(texts)
    if item_vectors is not None and row_vectors is not None:
        floor = judge_floor if judge is not None else threshold
        hits = embedding_hits(item_vectors, row_vectors, min(floor, threshold), k)
        sure = hits.filter(pl.col("similarity") >= threshold)
        parts.append(
            sure.select(
                "query",
                "row",
                pl.lit("embedding").alias("method"),
                pl.lit(None, pl.Float64).alias("coverage"),
                pl.lit(True).alias("strong"),
            )
        )
        if judge is not None:
            parts.append(_judged(hits, parts[0], threshold, problems, texts, judge))
    pairs = (
        pl.concat(parts)
        .group_by("query", "row")
        .agg(
            pl.col("method").unique().alias("methods"),
            pl.col("coverage").max(),
            pl.col("strong").any(),
        )
        .with_columns(
            pl.col("methods").list.eval(
                pl.element().sort_by(pl.element().replace_strict(_METHOD_RANK, default=99))
            )
        )
        .sort("query", "row")
    )
    return _finish(pairs, items, rows, problems, texts, item_vectors, row_vectors, min_coverage)


def _finish(
    pairs: pl.DataFrame,
    items: pl.DataFrame,
    rows: pl.DataFrame,
    problems: list[str],
    texts: list[str],
    item_vectors: np.ndarray | None,
    row_vectors: np.ndarray | None,
    min_coverage: float,
) -> pl.DataFrame:
    """Attach ids, similarity (for every pair when vectors exist), the number guard and the
    verdict:

    - ``weak``: only a long n-gram of low coverage, and no supporting similarity — a shared
      template phrase, discarded (counted in the report's metadata, not listed);
    - ``number_variant``: the same text with other numbers — an item number missing from the
      row, with high coverage (``min_coverage``) or a similarity at the embedding threshold;
      a missing number with less evidence than that is ``weak``;
    - ``contaminated``: the rest.
    """
    q = pairs["query"].to_numpy()
    r = pairs["row"].to_numpy()
    similarity: list[float | None] | np.ndarray = [None] * len(pairs)
    if item_vectors is not None and row_vectors is not None and len(pairs):
        similarity = np.einsum("ij,ij->i", item_vectors[q], row_vectors[r]).astype(np.float64)
    differ = [numbers_missing(problems[i], texts[j]) for i, j in zip(q, r, strict=True)]
    item_ids = items["item_id"].to_list()
    row_ids = rows["row_id"].to_list()
    frame = pl.DataFrame(
        {
            "item_id": [item_ids[i] for i in q],
            "row_id": [row_ids[j] for j in r],
            "methods": pairs["methods"],
            "coverage": pairs["coverage"],
            "similarity": similarity,
            "numbers_differ": differ,
            "strong": pairs["strong"].fill_null(False),
        },
        schema={k: v for k, v in OVERLAP_SCHEMA.items() if k != "verdict"} | {"strong": pl.Boolean},
    )
    similar = pl.col("similarity").fill_null(-1.0)
    strong = pl.col("strong") | (similar >= SUPPORTING_SIMILARITY)
    same_text = (pl.col("coverage").fill_null(0.0) >= min_coverage) | (
        similar >= EMBEDDING_THRESHOLD
    )
    verdict = (
        pl.when(~strong)
        .then(pl.lit("weak"))
        .when(pl.col("numbers_differ") & ~same_text)
        .then(pl.lit("weak"))
        .when(pl.col("numbers_differ"))
        .then(pl.lit("number_variant"))
        .otherwise(pl.lit("contaminated"))
    )
    return frame.select(
        *(c for c in OVERLAP_SCHEMA if c != "verdict"), verdict.alias("verdict")
    ).sort("item_id", "row_id")
