"""The template filter: long word n-grams that recur across many responses are boilerplate a
teacher (or a source's pipeline) stamps on its outputs, not reasoning; the AM-Thinking-v1 data
work drops responses built around them (corpus-wide 20-gram frequency).

N-grams are counted once per response, and a response fails when too large a share of its
n-grams recur in at least ``min_responses`` responses of the corpus. Only one n-gram in
``sample_every`` is kept, chosen by its hash (the same n-grams in every response), so the tables
stay small: a recurring passage long enough to matter still has sampled n-grams in common.

The corpus is every partition verified so far: a partition's own responses are counted in full,
and each other partition contributes the counts it stored when it was verified (its n-grams seen
in at least two of its responses: a template recurs within any shard of a useful size, and the
n-grams seen once per shard would make the stored tables as large as the text). A partition
verified early sees fewer others; rerunning ``response_verdicts`` re-judges only the verdicts
whose template count changed (the count is part of the verdict's key).
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

_WORD = re.compile(r"\w+")
_BASE = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)

# the warehouse table of every verified partition's stored counts, and its rows: a partition's
# sampled n-grams seen in at least two of its responses
COUNTS_TABLE = "template_ngram_counts"
COUNTS_SCHEMA = pl.Schema({"ngram": pl.UInt64, "responses": pl.Int64})


@dataclass(frozen=True)
class TemplateSettings:
    n: int = 20  # words per n-gram
    min_responses: int = 20  # an n-gram in at least this many responses is a template's
    max_share: float = 0.3  # a response fails above this share of template n-grams
    sample_every: int = 4  # keep the n-grams whose hash is 0 modulo this


def sampled_ngrams(text: str, settings: TemplateSettings) -> set[int]:
    """The response's word n-grams (lowercased) whose hash the sampling keeps, as hashes: a
    polynomial hash over the words' CRC-32s (stable across processes), mixed before sampling."""
    words = _WORD.findall(text.lower())
    count = len(words) - settings.n + 1
    if count <= 0:
        return set()
    ids = np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words))
    hashes = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
        for offset in range(settings.n):
            hashes = hashes * _BASE + ids[offset : offset + count]
        mixed = (hashes ^ (hashes >> np.uint64(29))) * _MIX
        mixed ^= mixed >> np.uint64(32)
    return set(mixed[mixed % np.uint64(settings.sample_every) == 0].tolist())


def ngram_counts(texts: Iterable[str], settings: TemplateSettings) -> Counter[int]:
    """Per sampled n-gram, the number of ``texts`` it is found in."""
    counts: Counter[int] = Counter()
    for text in texts:
        counts.update(sampled_ngrams(text or "", settings))
    return counts


def recurring(counts: Counter[int]) -> pl.DataFrame:
    """What a partition stores for the others: its n-grams seen in at least two responses."""
    kept = [(h, c) for h, c in counts.items() if c >= 2]
    return pl.DataFrame(kept, schema=COUNTS_SCHEMA, orient="row")


def frequent_ngrams(
    own: pl.DataFrame, elsewhere: pl.DataFrame, settings: TemplateSettings
) -> frozenset[int]:
    """The sampled n-grams in at least ``min_responses`` responses: ``own`` (ngram, responses:
    this partition's counts) plus ``elsewhere`` (the other partitions' stored counts)."""
    total = (
        pl.concat([own, elsewhere.select(COUNTS_SCHEMA.names()).cast(dict(COUNTS_SCHEMA))])
        .group_by("ngram")
        .agg(pl.col("responses").sum())
        .filter(pl.col("responses") >= settings.min_responses)
    )
    return frozenset(total["ngram"].to_list())


def _no_counts(ngrams: pl.Series) -> pl.DataFrame:
    return pl.DataFrame(schema=COUNTS_SCHEMA)


@dataclass
class TemplateCorpus:
    """What the template filter counts over: this partition's responses (``texts``) and the
    other partitions' stored counts of the n-grams these responses have (``elsewhere``, given
    them: only those can make one of these responses a template's), each read only if the
    filter runs."""

    texts: Callable[[], Iterable[str]]
    elsewhere: Callable[[pl.Series], pl.DataFrame] = _no_counts
    _counts: dict[TemplateSettings, Counter[int]] = field(default_factory=dict, repr=False)

    def counts(self, settings: TemplateSettings) -> Counter[int]:
        if settings not in self._counts:
            self._counts[settings] = ngram_counts(self.texts(), settings)
        return self._counts[settings]

    def frequent(self, settings: TemplateSettings) -> frozenset[int]:
        own = pl.DataFrame(list(self.counts(settings).items()), schema=COUNTS_SCHEMA, orient="row")
        return frequent_ngrams(own, self.elsewhere(own["ngram"]), settings)

    def counted(self) -> pl.DataFrame | None:
        """This partition's counts to store (None when the filter never counted them)."""
        if not self._counts:
            return None
        return recurring(next(iter(self._counts.values())))


def template_share(
    text: str, templates: frozenset[int], settings: TemplateSettings
) -> tuple[int, int]:
    """(template n-grams, sampled n-grams) of one response."""
    grams = sampled_ngrams(text or "", settings)
    return len(grams & templates), len(grams)
