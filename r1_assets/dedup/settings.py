"""The settings of cross-source deduplication: the index, the search and the merge rules.

Declared once here, with their defaults and descriptions; ``DedupConfig`` (the ``deduped_pool``
run config) inherits them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# settings of the static first pass: part of the fingerprint only when that pass runs, so a
# full-path run's settings id does not depend on them
FIRST_PASS_FIELDS = ("first_pass", "static_floor")


class DedupSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    threshold: float = Field(
        default=0.80,
        description="cosine at or above which two problems are duplicates (see the similarity "
        "bands and dedup_pairs to choose it)",
    )
    k: int = Field(default=10, description="neighbors searched per problem")
    k_max: int = Field(
        default=50,
        description="rows whose k-th neighbor is still a duplicate are searched again with 4x "
        "the k, up to this",
    )
    metric: str = Field(default="cos", description="usearch metric of the index")
    dtype: str = Field(
        default="f16",
        description="usearch storage: f32, f16 or i8 (similarities are rescored exactly in f32)",
    )
    connectivity: int = Field(
        default=16, description="HNSW graph edges per node: denser finds more, builds slower"
    )
    expansion_add: int = Field(
        default=80, description="HNSW candidates considered when a vector is added"
    )
    expansion_search: int = Field(default=64, description="HNSW candidates considered per query")
    exact_search_below: int = Field(
        default=20_000,
        description="pools smaller than this are searched exactly: deterministic and still fast",
    )
    number_guard: bool = Field(
        default=True,
        description="never merge two problems whose numbers differ (2x+3=7 vs 2x+3=9)",
    )
    calibration_floor: float = Field(
        default=0.75,
        description="cosine from which a candidate pair is recorded in dedup_pairs and the "
        "similarity bands",
    )
    deterministic: bool = Field(
        default=True,
        description="build the HNSW graph on one thread, so a rerun makes the same decisions",
    )
    ground_truth: bool = Field(
        default=True,
        description="let reference answers and test cases decide where wording cannot: shared "
        "tests merge, equal short answers merge from answer_floor on, differing ones never merge",
    )
    answer_floor: float = Field(
        default=0.75,
        description="cosine from which two problems with the same numbers and the same short "
        "reference answer are duplicates",
    )
    conflict_guard: bool = Field(
        default=True,
        description="never merge two problems whose short reference answers differ or whose "
        "tests expect different outputs for one input (turn off for sources whose problems "
        "accept several answers and whose tests show only one)",
    )
    tests_floor: float = Field(
        default=0.50,
        description="cosine from which two problems sharing their test cases are duplicates",
    )
    min_shared_tests: int = Field(
        default=2,
        description="tests (same input, same expected output) two problems must share to be "
        "one task",
    )
    common_test_limit: int = Field(
        default=8,
        description='a test input found in more problems than this ("1") is ignored',
    )
    # what sources share is their first tests (examples, then official ones): hashing more costs
    # memory at a million problems with hundreds of generated tests each
    tests_per_problem: int = Field(
        default=32,
        description="tests compared per problem, the first ones (examples, then official tests)",
    )

    first_pass: Literal["none", "static"] = Field(
        default="none",
        description="none: embed every problem with the embedding model and search them all; "
        "static: propose candidate pairs with a static model distilled from it (~100x faster) "
        "within groups of problems that have the same numbers (when number_guard is on), and "
        "embed only the problems in those pairs with the embedding model, which decides",
    )
    static_floor: float = Field(
        default=0.70,
        description="static-model cosine from which a pair among a problem's k nearest (within "
        "its number group) is a candidate for the embedding model to confirm; static cosines "
        "run higher than MiniLM's",
    )

    def fingerprint(self, model_key: str) -> str:
        """A short id of these settings and the embedding model, stored on every decision."""
        fields = self.model_dump()
        if self.first_pass == "none":
            for name in FIRST_PASS_FIELDS:
                del fields[name]
        payload = json.dumps({**fields, "model_key": model_key}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:12]
