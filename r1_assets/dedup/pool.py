"""Cross-source deduplication decisions: exact first, then semantic through a usearch index.

Retention is by rank, and the rank depends only on content and the catalog, never on the order
sources were materialized: catalog priority (higher first), then having a reference answer or test
cases, then source name and source row id. Within a cluster the best-ranked row is kept; every
other row says which kept row it duplicates, how similar it is and by which method.

Ground truth weighs in where wording cannot (see ``ground_truth``): code problems that share
their tests are one task whatever their similarity (down to ``tests_floor``), math problems with
the same numbers and the same short answer are one problem from ``answer_floor`` on, and two
problems whose short answers differ are never merged.

Clustering is greedy in rank order: each row not yet claimed is kept and claims its unclaimed
neighbors above the threshold. Unlike connected components this never chains A~B~C into one
cluster when A and C are not alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from r1_assets.catalog.shards import FIRST_SHARD
from r1_assets.dedup.ground_truth import (
    TEST_AGREEMENT_SCHEMA,
    agreement_of_tests,
    answer_key,
    answers_agree,
    example_inputs,
    signatures_of_tests,
)
from r1_assets.dedup.numbers import number_set
from r1_assets.dedup.settings import DedupSettings
from r1_assets.dedup.variants import identities_differ, identity

if TYPE_CHECKING:
    from r1_assets.dedup.static import StaticModel

# the embeddings of the rows it is given (problem_uid, problem, ...) as (problem_uid, embedding):
# a cache lookup that embeds what is missing, so the static first pass embeds only candidates
EmbeddingLookup = Callable[[pl.DataFrame], pl.DataFrame]

DECISION_SCHEMA = pl.Schema(
    {
        "problem_uid": pl.String,
        "source": pl.String,
        "source_row_id": pl.String,
        "shard": pl.String,  # the source's shard the row was loaded in
        "domain": pl.String,
        "priority": pl.Int64,
        "rank": pl.Int64,
        "decision": pl.String,  # kept | duplicate
        "duplicate_of": pl.String,  # problem_uid of the kept row
        "duplicate_of_source": pl.String,
        "duplicate_of_row_id": pl.String,
        "similarity": pl.Float64,  # cosine to the kept row (1.0 for exact)
        # exact | semantic (cosine ≥ threshold) | answer (same numbers and short answer) |
        # tests (shared test cases); null for kept rows
        "method": pl.String,
        # which settings and embedding model made this decision (see settings_fingerprint): a later
        # run with other settings is visible row by row, not only in the asset's metadata
        "settings_id": pl.String,
    }
)

PAIR_SCHEMA = pl.Schema(
    {
        "a_uid": pl.String,  # the better-ranked side
        "b_uid": pl.String,
        "similarity": pl.Float64,
        "numbers_differ": pl.Boolean,
        # other declared versions/subtasks, or other stated constraints (dedup.variants)
        "variants_differ": pl.Boolean,
        "answers_agree": pl.Boolean,  # null unless both have a short reference answer
        "shared_tests": pl.Int64,  # test inputs the two share with the same expected output
        "shared_outputs": pl.Int64,  # ... and how many different outputs those expect
        "conflicting_tests": pl.Int64,  # ... and with a different one
        # duplicate | variant_conflict (versions or constraints differ) | guard_blocked (numbers
        # differ) | ground_truth_conflict (answers or test outputs differ) | below_threshold
        "verdict": pl.String,
        "method": pl.String,  # for duplicates: semantic | answer | tests
    }
)


# what dedup reads of raw_problems (plus the shard): never the responses
POOL_COLUMNS = (
    "problem_uid",
    "source",
    "source_row_id",
    "domain",
    "problem",
    "reference_answer",
    "test_cases",
    "metadata",
)

# where a source gives a problem's difficulty in its metadata (Codeforces rating, CodeContests
# cf_rating, a 1-5 level): the first one found
DIFFICULTY_FIELDS = ("rating", "cf_rating", "difficulty", "level")


def rank_rows(problems: pl.DataFrame, priorities: dict[str, int]) -> pl.DataFrame:
    """Add priority and rank (0 = best) to rows with problem_uid, source, source_row_id, domain,
    reference_answer and test_cases (and metadata, optional). The rank prefers catalog priority,
    then ground truth (a reference answer or tests, then more tests), then the harder problem
    where the source gives a numeric difficulty, then source and row id."""
    if "metadata" in problems.columns:
        metadata = pl.col("metadata").fill_null("{}")
        difficulty = pl.coalesce(
            metadata.str.json_path_match(f"$.{name}").cast(pl.Float64, strict=False)
            for name in DIFFICULTY_FIELDS
        )
    else:
        difficulty = pl.lit(None, pl.Float64)
    return (
        problems.with_columns(
            pl.col("source")
            .replace_strict(priorities, default=0, return_dtype=pl.Int64)
            .alias("priority"),
            (
                pl.col("reference_answer").is_not_null()
                | (pl.col("test_cases").list.len() > 0).fill_null(False)
            ).alias("has_ground_truth"),
            pl.col("test_cases").list.len().fill_null(0).alias("_tests"),
            difficulty.alias("_difficulty"),
        )
        .sort(
            ["priority", "has_ground_truth", "_tests", "_difficulty", "source", "source_row_id"],
            descending=[True, True, True, True, False, False],
            nulls_last=True,
        )
        .drop("_tests", "_difficulty")
        .with_row_index("rank")
        .with_columns(pl.col("rank").cast(pl.Int64))
    )


def _save_atomically(index, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    index.save(str(tmp))
    tmp.replace(path)


RESCORE_BLOCK = 1_000_000


def build_index(vectors: np.ndarray, settings: DedupSettings):
    from usearch.index import Index

    index = Index(
        ndim=vectors.shape[1],
        metric=settings.metric,
        dtype=settings.dtype,
        connectivity=settings.connectivity,
        expansion_add=settings.expansion_add,
        expansion_search=settings.expansion_search,
    )
    if len(vectors):
        # one thread: a multi-threaded HNSW build differs from run to run, and so would the
        # decisions of pools too large for exact search
        threads = 1 if settings.deterministic else 0
        index.add(np.arange(len(vectors), dtype=np.uint64), vectors, threads=threads)
    return index


def rescored_pairs(
    queries: np.ndarray, keys: np.ndarray, vectors: np.ndarray, floor: float
) -> pl.DataFrame:
    """Pairs (i < j) from k-NN ``keys`` (one row per query position) whose exact float32 cosine
    is at least ``floor``; whatever index produced the keys, the similarity is recomputed."""
    n, k = len(vectors), keys.shape[1]
    rows, cols = np.repeat(queries, k), keys.reshape(-1).astype(np.int64)
    valid = (cols >= 0) & (cols < n) & (cols != rows)
    i, j = np.minimum(rows[valid], cols[valid]), np.maximum(rows[valid], cols[valid])
    found = []
    for start in range(0, len(i), RESCORE_BLOCK):  # bounded memory: 1M pairs at a time
        bi, bj = i[start : start + RESCORE_BLOCK], j[start : start + RESCORE_BLOCK]
        sims = np.einsum("ij,ij->i", vectors[bi], vectors[bj]).astype(np.float64)
        keep = sims >= floor
        found.append(pl.DataFrame({"i": bi[keep], "j": bj[keep], "similarity": sims[keep]}))
    if not found:
        return pl.DataFrame(schema={"i": pl.Int64, "j": pl.Int64, "similarity": pl.Float64})
    return pl.concat(found)


def candidate_pairs(
    vectors: np.ndarray,
    settings: DedupSettings,
    index_path: Path | None = None,
    floor: float | None = None,
) -> pl.DataFrame:
    """Pairs (i < j, positions in rank order) among each row's nearest neighbors with exact
    cosine ≥ ``floor`` (default: the calibration floor). Small pools are searched exactly
    (deterministic); large ones through the HNSW graph, with the similarity of every candidate
    rescored exactly in float32.

    A row whose k-th neighbor is still above the threshold may have more duplicates than k shows:
    templated pools (one problem, hundreds of number variants) crowd true rewordings out of the
    top k. Those rows alone are searched again with 4x the k, up to k_max.
    """
    n = len(vectors)
    floor = settings.calibration_floor if floor is None else floor
    if n < 2:
        return pl.DataFrame(schema={"i": pl.Int64, "j": pl.Int64, "similarity": pl.Float64})
    index = build_index(vectors, settings)
    if index_path is not None:
        _save_atomically(index, index_path)
    exact = n < settings.exact_search_below
    found: list[pl.DataFrame] = []
    queries, k = np.arange(n, dtype=np.int64), settings.k + 1
    while len(queries):
        k = min(k, n)
        keys = index.search(vectors[queries], k, exact=exact).keys
        keys = np.asarray(keys, dtype=np.int64).reshape(len(queries), k)  # 1 query: 1-D keys
        found.append(rescored_pairs(queries, keys, vectors, floor))
        if k >= min(settings.k_max + 1, n):
            break
        last = keys[:, -1]
        last_sim = np.einsum("ij,ij->i", vectors[queries], vectors[np.clip(last, 0, n - 1)])
        queries = queries[(last >= 0) & (last_sim >= settings.threshold)]
        k = min(k * 4, settings.k_max + 1)
    return pl.concat(found).unique(["i", "j"]).sort(["i", "j"])


def with_embeddings(rows: pl.DataFrame, embeddings: pl.DataFrame | EmbeddingLookup) -> pl.DataFrame:
    """``rows`` (in their order) with their ``embedding``, from a frame or a lookup."""
    found = embeddings if isinstance(embeddings, pl.DataFrame) else embeddings(rows)
    vectors_by_uid = found.select("problem_uid", "embedding").unique(
        "problem_uid", keep="first", maintain_order=True
    )
    return rows.join(vectors_by_uid, on="problem_uid", how="left", maintain_order="left")


def usable_embedding() -> pl.Expr:
    """Not null, finite and not all zero: NaN / zero vectors get no semantic pass."""
    return (
        pl.col("embedding").is_not_null()
        & pl.col("embedding")
        .list.eval(pl.element().is_finite().all() & (pl.element().abs().sum() > 0))
        .list.first()
    ).fill_null(False)


def pair_floor(settings: DedupSettings) -> float:
    """The lowest cosine a candidate pair can matter at: the calibration floor, or the answer
    floor when ground truth is on (answer evidence reaches below the calibration floor)."""
    if settings.ground_truth:
        return min(settings.calibration_floor, settings.answer_floor)
    return settings.calibration_floor


def decide(
    ranked: pl.DataFrame,
    embeddings: pl.DataFrame | EmbeddingLookup,
    settings: DedupSettings,
    index_path: Path | None = None,
    model_key: str = "",
    static: StaticModel | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, np.ndarray]:
    """Decisions for every ranked row, the candidate pairs (for calibration) and each
    representative's nearest-neighbor similarity.

    ``embeddings`` maps problem_uid → embedding (null where there is none: those rows can only be
    exact duplicates or kept), as a frame or as a lookup called with the rows it must embed.
    With ``settings.first_pass == "static"`` the ``static`` model proposes the candidate pairs and
    only the rows in them are looked up (see ``fast``); no index is saved then.
    """
    reps = ranked.unique("problem_uid", keep="first", maintain_order=True).sort("rank")
    tests = None
    if settings.first_pass == "static":
        from r1_assets.dedup.fast import static_candidates  # fast builds on this module

        if static is None:
            raise ValueError('first_pass "static" needs the static model (static=...)')
        with_vectors, vectors, raw_pairs, tests = static_candidates(
            reps, embeddings, static, settings
        )
    else:
        with_vectors = with_embeddings(reps, embeddings).filter(usable_embedding())
        vectors = embedding_matrix(with_vectors["embedding"])
        raw_pairs = candidate_pairs(vectors, settings, index_path, pair_floor(settings))
    uids = with_vectors["problem_uid"].to_list()
    if index_path is not None and tests is None:  # the index stores positions: keep their uids
        keys_path = index_path.with_suffix(".keys.parquet")
        keys_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = keys_path.with_name(f".{keys_path.name}.tmp")
        pl.DataFrame({"key": range(len(uids)), "problem_uid": uids}).write_parquet(tmp)
        tmp.replace(keys_path)
    pairs = pair_evidence(raw_pairs, with_vectors, vectors, settings, tests)

    # greedy in rank order: with_vectors is sorted by rank, so position order is rank order
    claimed: dict[int, tuple[int, float, str]] = {}
    edges = pairs.filter(pl.col("verdict") == "duplicate").select("i", "j", "similarity", "method")
    for a, b, sim, method in edges.rows():  # sorted by (i, j): a kept row claims later neighbors
        if a not in claimed and b not in claimed:
            claimed[b] = (a, sim, method)

    uid_series = pl.Series(uids, dtype=pl.String)
    targets = pl.DataFrame(
        {
            "problem_uid": uid_series.gather(list(claimed)),
            "target": uid_series.gather([a for a, _, _ in claimed.values()]),
            "target_similarity": [sim for _, sim, _ in claimed.values()],
            "target_method": [method for _, _, method in claimed.values()],
        },
        schema={
            "problem_uid": pl.String,
            "target": pl.String,
            "target_similarity": pl.Float64,
            "target_method": pl.String,
        },
    )
    decisions = _decisions(ranked, reps, targets, settings.fingerprint(model_key))
    pair_frame = pairs.select(
        uid_series.gather(pairs["i"]).alias("a_uid"),
        uid_series.gather(pairs["j"]).alias("b_uid"),
        *PAIR_SCHEMA.names()[2:],
    ).cast(dict(PAIR_SCHEMA))
    calibrated = raw_pairs.filter(pl.col("similarity") >= settings.calibration_floor)
    return decisions, pair_frame, _nearest_similarity(calibrated)


def test_agreement(rows: pl.DataFrame, settings: DedupSettings) -> pl.DataFrame:
    """Pairs of positions in ``rows`` (test_cases) that share test inputs, with their agreement
    (see ``agreement_of_tests``); none when ground truth is off. Which inputs are too common to
    tell depends on all the rows given: pass the whole pool."""
    if not settings.ground_truth:
        return pl.DataFrame(schema=TEST_AGREEMENT_SCHEMA)
    heads = rows["test_cases"].list.head(settings.tests_per_problem).to_list()
    return agreement_of_tests(
        [signatures_of_tests(t) for t in heads],
        settings.common_test_limit,
        [example_inputs(t) for t in heads],
    )


def pair_evidence(
    candidates: pl.DataFrame,
    rows: pl.DataFrame,
    vectors: np.ndarray,
    settings: DedupSettings,
    tests: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The evidence on each candidate pair (i, j, similarity) and its verdict; pairs that share
    test inputs join the candidates however far apart their vectors are (rows without a usable
    embedding are not here at all). ``rows`` are the ranked rows in position order (problem,
    reference_answer, test_cases); pairs below the calibration floor are kept only when they are
    duplicates or share tests. ``tests``: the test agreement of these positions when it was
    computed over a larger pool (default: over ``rows``)."""
    texts, references = rows["problem"].to_list(), rows["reference_answer"].to_list()
    if tests is None:
        tests = test_agreement(rows, settings)
    pairs = candidates.join(tests, on=["i", "j"], how="full", coalesce=True).with_columns(
        pl.col(c).fill_null(0) for c in TEST_AGREEMENT_SCHEMA.names()[2:]
    )
    unscored = pairs.filter(pl.col("similarity").is_null())
    cosine = np.einsum(  # the k-NN search did not reach these: worded differently
        "ij,ij->i", vectors[unscored["i"].to_numpy()], vectors[unscored["j"].to_numpy()]
    )
    pairs = pl.concat(
        [
            pairs.filter(pl.col("similarity").is_not_null()),
            unscored.with_columns(pl.Series("similarity", cosine, dtype=pl.Float64)),
        ]
    )
    # one number set and one answer key per text, not one per pair
    signature = functools.cache(lambda position: number_set(texts[position]))
    answer = functools.cache(lambda position: answer_key(references[position]))

    declared = functools.cache(lambda position: identity(texts[position]))
    positions = pairs.select("i", "j").rows()
    differ = [signature(a) != signature(b) for a, b in positions]
    agree = [
        answers_agree(answer(a), answer(b)) if settings.ground_truth else None for a, b in positions
    ]
    pairs = pairs.with_columns(
        pl.Series("numbers_differ", differ, dtype=pl.Boolean),
        pl.Series(
            "variants_differ",
            [identities_differ(declared(a), declared(b)) for a, b in positions],
            dtype=pl.Boolean,
        ),
        pl.Series("answers_agree", agree, dtype=pl.Boolean),
    )
    similarity, differ_ = pl.col("similarity"), pl.col("numbers_differ")
    similar = similarity >= settings.threshold
    # another version, subtask or set of constraints is another problem: never merged, by any
    # evidence (example tests, shared by design, do not count as shared tests either)
    variant = pl.col("variants_differ")
    blocked = differ_ & settings.number_guard
    conflicting = (~pl.col("answers_agree")).fill_null(False) | (pl.col("conflicting_tests") > 0)
    conflict = conflicting & settings.conflict_guard
    # evidence that ground truth contradicts is no evidence, guard or not
    same_tests = (
        (pl.col("shared_tests") >= settings.min_shared_tests)
        & (pl.col("shared_outputs") >= 2)  # one output everywhere ("NO") tells no task apart
        & ~conflicting
        & (similarity >= settings.tests_floor)
    )
    same_answer = (
        pl.col("answers_agree").fill_null(False)
        & ~conflicting
        & ~differ_
        & (similarity >= settings.answer_floor)
    )
    method = (
        pl.when(variant)
        .then(pl.lit(None, pl.String))
        .when(similar & ~blocked & ~conflict)
        .then(pl.lit("semantic"))
        .when(same_tests)
        .then(pl.lit("tests"))
        .when(same_answer)
        .then(pl.lit("answer"))
    )
    return (
        pairs.with_columns(method.alias("method"))
        .with_columns(
            pl.when(pl.col("method").is_not_null())
            .then(pl.lit("duplicate"))
            .when(variant & (similar | (pl.col("shared_tests") > 0)))
            .then(pl.lit("variant_conflict"))
            .when(similar & blocked)
            .then(pl.lit("guard_blocked"))
            .when(similar & conflict)
            .then(pl.lit("ground_truth_conflict"))
            .otherwise(pl.lit("below_threshold"))
            .alias("verdict")
        )
        .filter(
            (similarity >= settings.calibration_floor)
            | pl.col("method").is_not_null()
            | (pl.col("shared_tests") >= settings.min_shared_tests)
        )
        .sort(["i", "j"])
    )


def embedding_matrix(embeddings: pl.Series) -> np.ndarray:
    """(n, dim) float32 without a Python list per row (that costs minutes at a million rows)."""
    if embeddings.is_empty():
        return np.zeros((0, 1), dtype=np.float32)
    dim = int(embeddings.list.len().max())
    array = embeddings.cast(pl.List(pl.Float32)).list.to_array(dim).to_numpy()
    return np.ascontiguousarray(array, dtype=np.float32)


def _nearest_similarity(pairs: pl.DataFrame) -> np.ndarray:
    if not pairs.height:
        return np.zeros(0)
    both = pl.concat(
        [
            pairs.select(pl.col("i").alias("p"), "similarity"),
            pairs.select(pl.col("j").alias("p"), "similarity"),
        ]
    )
    return both.group_by("p").agg(pl.col("similarity").max())["similarity"].to_numpy()


def _decisions(
    ranked: pl.DataFrame, reps: pl.DataFrame, targets: pl.DataFrame, settings_id: str
) -> pl.DataFrame:
    """Every row points at the kept row of its cluster: its own uid's representative (exact), or
    the row that claimed that representative (semantic, answer or tests)."""
    kept = reps.select(
        pl.col("problem_uid").alias("target"),
        pl.col("source").alias("kept_source"),
        pl.col("source_row_id").alias("kept_row_id"),
        pl.col("rank").alias("kept_rank"),
    )
    joined = (
        ranked.join(targets, on="problem_uid", how="left", maintain_order="left")
        .with_columns(
            pl.col("target").is_not_null().alias("claimed"),
            pl.coalesce("target", "problem_uid").alias("target"),
        )
        .join(kept, on="target", how="left", maintain_order="left")
        .with_columns((pl.col("kept_rank") == pl.col("rank")).alias("is_kept"))
    )
    duplicate = ~pl.col("is_kept")
    if "shard" not in joined.columns:  # rows given without their shard: a one-shard source
        joined = joined.with_columns(pl.lit(FIRST_SHARD, pl.String).alias("shard"))
    return joined.select(
        "problem_uid",
        "source",
        "source_row_id",
        "shard",
        "domain",
        "priority",
        "rank",
        pl.when(duplicate).then(pl.lit("duplicate")).otherwise(pl.lit("kept")).alias("decision"),
        pl.when(duplicate).then(pl.col("target")).alias("duplicate_of"),
        pl.when(duplicate).then(pl.col("kept_source")).alias("duplicate_of_source"),
        pl.when(duplicate).then(pl.col("kept_row_id")).alias("duplicate_of_row_id"),
        pl.when(duplicate)
        .then(pl.when(pl.col("claimed")).then(pl.col("target_similarity")).otherwise(1.0))
        .alias("similarity"),
        pl.when(duplicate)
        .then(pl.when(pl.col("claimed")).then(pl.col("target_method")).otherwise(pl.lit("exact")))
        .alias("method"),
        pl.lit(settings_id).alias("settings_id"),
    ).cast(dict(DECISION_SCHEMA))
