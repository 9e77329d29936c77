"""The static first pass: candidate pairs for a whole pool without embedding it with the model.

Static vectors (``static``) cost ~1/100 of a MiniLM embedding, but they cannot decide: their cosines
run high for anything that shares a template, and they are blind to word order. So they only
propose: each problem's nearest neighbors by static cosine, at or above ``static_floor``. The
configured model then embeds the problems in those pairs alone and ``pool.pair_evidence`` decides
with its real cosine, exactly as on the full path.

With the number guard on, a pair whose numbers differ is never a semantic or answer duplicate,
so neighbors are searched only among problems with the same set of numbers (the guard's own
``number_set``): that loses no pair the guard would let through, and it keeps a templated pool's
hundreds of number variants from crowding a problem's true rewording out of its k nearest.
Pairs that share tests need no proposal: ``pool`` finds them by a hash join, as always.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from r1_assets.catalog.schema import normalize_problem_text
from r1_assets.dedup.ground_truth import TEST_AGREEMENT_SCHEMA
from r1_assets.dedup.numbers import number_set
from r1_assets.dedup.pool import (
    EmbeddingLookup,
    candidate_pairs,
    embedding_matrix,
    pair_floor,
    test_agreement,
    usable_embedding,
    with_embeddings,
)
from r1_assets.dedup.settings import DedupSettings
from r1_assets.dedup.static import StaticModel

PAIRS_SCHEMA = {"i": pl.Int64, "j": pl.Int64, "static_similarity": pl.Float64}


def number_groups(texts: Sequence[str]) -> np.ndarray:
    """Per text, an id shared exactly by the texts whose number sets are equal."""
    ids: dict[tuple[str, ...], int] = {}
    return np.fromiter(
        (ids.setdefault(tuple(sorted(number_set(t))), len(ids)) for t in texts),
        dtype=np.int64,
        count=len(texts),
    )


def fast_candidates(
    vectors: np.ndarray, groups: np.ndarray | None, settings: DedupSettings
) -> pl.DataFrame:
    """Pairs (i < j) among each row's ``k`` nearest static neighbors within its group (all rows
    when ``groups`` is None) with static cosine ≥ ``static_floor``; crowded rows are searched
    again with a wider k up to ``k_max``, as ``candidate_pairs`` does.

    Groups of at most k + 1 rows are paired exhaustively in one join (the same pairs a k-NN
    search would give); larger groups go through ``candidate_pairs`` (exact below
    ``exact_search_below`` rows, HNSW above)."""
    n = len(vectors)
    groups = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups, np.int64)
    if n < 2:
        return pl.DataFrame(schema=PAIRS_SCHEMA)
    usable = np.linalg.norm(vectors, axis=1) > 0  # no known token: nothing to compare
    frame = pl.DataFrame({"p": np.flatnonzero(usable), "g": groups[usable]})
    sizes = frame.group_by("g").agg(pl.len().alias("size"))
    frame = frame.join(sizes, on="g")
    small = frame.filter((pl.col("size") > 1) & (pl.col("size") <= settings.k + 1))
    found = [_exhaustive(small.select("p", "g"), vectors, settings.static_floor)]
    # search settings for the static vectors: widen while the k-th neighbor is above the floor
    search = settings.model_copy(update={"threshold": settings.static_floor})
    large = frame.filter(pl.col("size") > settings.k + 1)
    for _, members in large.sort("p").group_by("g", maintain_order=True):
        positions = members["p"].to_numpy()
        local = candidate_pairs(vectors[positions], search, floor=settings.static_floor)
        found.append(
            pl.DataFrame(
                {
                    "i": positions[local["i"].to_numpy()],
                    "j": positions[local["j"].to_numpy()],
                    "static_similarity": local["similarity"],
                },
                schema=PAIRS_SCHEMA,
            )
        )
    return pl.concat(found).unique(["i", "j"]).sort(["i", "j"])


def _exhaustive(members: pl.DataFrame, vectors: np.ndarray, floor: float) -> pl.DataFrame:
    """Every pair within each group of ``members`` (p, g) with static cosine ≥ floor."""
    pairs = (
        members.join(members, on="g", suffix="_b")
        .filter(pl.col("p") < pl.col("p_b"))
        .select(pl.col("p").alias("i"), pl.col("p_b").alias("j"))
    )
    i, j = pairs["i"].to_numpy(), pairs["j"].to_numpy()
    sims = np.concatenate(
        [
            np.einsum("ij,ij->i", vectors[i[s : s + 1_000_000]], vectors[j[s : s + 1_000_000]])
            for s in range(0, len(i), 1_000_000)
        ]
        or [np.zeros(0, dtype=np.float32)]
    ).astype(np.float64)
    keep = sims >= floor
    return pl.DataFrame(
        {"i": i[keep], "j": j[keep], "static_similarity": sims[keep]}, schema=PAIRS_SCHEMA
    )


def static_candidates(
    reps: pl.DataFrame,
    embeddings: pl.DataFrame | EmbeddingLookup,
    static: StaticModel,
    settings: DedupSettings,
) -> tuple[pl.DataFrame, np.ndarray, pl.DataFrame, pl.DataFrame]:
    """The static first pass over ``reps`` (one row per problem_uid, in rank order): the rows the
    embedding model confirmed (in rank order, with their ``embedding``), their vectors, the
    candidate pairs (i, j, similarity) at the embedding model's exact cosine ≥ the pair floor and
    the test agreement, both in positions of those rows.

    Only the rows of candidate pairs and of pairs sharing tests are looked up in ``embeddings``.
    Test agreement is computed over every row with a text, as the full path does, so which
    inputs are too common to tell does not depend on what the static pass proposed."""
    text = pl.col("problem").map_elements(normalize_problem_text, return_dtype=pl.String)
    live = reps.with_columns(text.alias("_text")).filter(pl.col("_text").str.len_chars() > 0)
    static_vectors = static.encode(live["_text"].to_list())
    groups = number_groups(live["problem"].to_list()) if settings.number_guard else None
    proposed = fast_candidates(static_vectors, groups, settings)
    tests = test_agreement(live, settings)
    needed = np.unique(
        np.concatenate([frame[c].to_numpy() for frame in (proposed, tests) for c in ("i", "j")])
    ).astype(np.int64)
    subset = with_embeddings(live.drop("_text")[needed], embeddings)
    keep = subset.select(usable_embedding()).to_series().to_numpy()
    rows = subset.filter(keep)
    vectors = embedding_matrix(rows["embedding"])
    new_position = np.full(live.height, -1, dtype=np.int64)
    new_position[needed[keep]] = np.arange(int(keep.sum()))

    def remap(pairs: pl.DataFrame) -> pl.DataFrame:
        i, j = new_position[pairs["i"].to_numpy()], new_position[pairs["j"].to_numpy()]
        return pairs.with_columns(pl.Series("i", i), pl.Series("j", j)).filter(
            (pl.col("i") >= 0) & (pl.col("j") >= 0)
        )

    confirmed = remap(proposed)
    i, j = confirmed["i"].to_numpy(), confirmed["j"].to_numpy()
    cosine = np.einsum("ij,ij->i", vectors[i], vectors[j]).astype(np.float64)
    raw_pairs = pl.DataFrame(
        {"i": i, "j": j, "similarity": cosine},
        schema={"i": pl.Int64, "j": pl.Int64, "similarity": pl.Float64},
    ).filter(pl.col("similarity") >= pair_floor(settings))
    return rows, vectors, raw_pairs, remap(tests).cast(dict(TEST_AGREEMENT_SCHEMA))
