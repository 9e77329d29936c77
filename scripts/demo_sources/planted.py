"""Bookkeeping of planted relations and bad rows, and the pairs derived from them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from demo_sources.common import Json, Params, norm


@dataclass(frozen=True)
class Planted:
    """A good row carrying a known item, used to derive relations."""

    source: str
    row: str
    family: str
    params: Params
    phrasing: str
    style: str
    text: str


class Collector:
    """Collects planted rows and bad rows while the sources are written."""

    def __init__(self) -> None:
        """Start empty."""
        self.planted: list[Planted] = []
        self.bad: list[Json] = []

    def plant(
        self,
        source: str,
        row: str,
        family: str,
        params: Params,
        phrasing: str,
        style: str,
        text: str,
    ) -> None:
        """Record a good row."""
        self.planted.append(Planted(source, row, family, params, phrasing, style, text))

    def bad_row(self, source: str, row: str, reason: str) -> None:
        """Record a deliberately bad row."""
        self.bad.append({"source": source, "row": row, "reason": reason})


def derive_pairs(planted: list[Planted]) -> list[Json]:
    """Derive exact / reworded / number_variant pairs from the planted items."""
    pairs: list[Json] = []
    for a, b in itertools.combinations(planted, 2):
        same_text = norm(a.text) == norm(b.text)
        rel = None
        if a.family == b.family and a.params == b.params:
            if a.phrasing == b.phrasing:
                assert a.style == b.style, ("format-only difference", a, b)
                assert same_text, ("exact pair with different text", a, b)
                rel = "exact"
            else:
                rel = "reworded"
        elif a.family == b.family and a.phrasing == b.phrasing and a.style == b.style:
            rel = "number_variant"
        if rel != "exact":
            assert not same_text, ("unplanned exact duplicate", a, b)
        if rel:
            pairs.append(
                {
                    "relation": rel,
                    "a": {"source": a.source, "row": a.row},
                    "b": {"source": b.source, "row": b.row},
                }
            )
    return pairs
