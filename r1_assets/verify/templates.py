"""The template filter: long word n-grams that recur across many responses are boilerplate a
teacher (or a source's pipeline) stamps on its outputs, not reasoning; the AM-Thinking-v1 data
work drops responses built around them (corpus-wide 20-gram frequency).

The corpus here is one ``response_verdicts`` partition (a source shard, up to ``shard_rows``
problems' responses): its n-grams are counted once per response, and a response fails when too
large a share of its n-grams recur in at least ``min_responses`` responses. Only one n-gram in
``sample_every`` is kept, chosen by its hash (the same n-grams in every response), so the table
stays small: a recurring passage long enough to matter still has sampled n-grams in common.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

_WORD = re.compile(r"\w+")
_BASE = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)


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


def template_ngrams(texts: Iterable[str], settings: TemplateSettings) -> frozenset[int]:
    """The sampled n-grams found in at least ``min_responses`` of ``texts``."""
    counts: Counter[int] = Counter()
    for text in texts:
        counts.update(sampled_ngrams(text or "", settings))
    return frozenset(h for h, c in counts.items() if c >= settings.min_responses)


def template_share(
    text: str, templates: frozenset[int], settings: TemplateSettings
) -> tuple[int, int]:
    """(template n-grams, sampled n-grams) of one response."""
    grams = sampled_ngrams(text or "", settings)
    return len(grams & templates), len(grams)
