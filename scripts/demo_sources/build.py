"""Writes every demo source plus the manifest, then verifies them."""

from __future__ import annotations

import json
from collections import Counter

from demo_sources.am import build_am
from demo_sources.apps import build_apps
from demo_sources.code_contests import build_cc
from demo_sources.codeforces import build_cf
from demo_sources.common import OUT
from demo_sources.natural_reasoning import build_nr
from demo_sources.numina import build_numina
from demo_sources.openr1_math import build_openr1
from demo_sources.orca import build_orca
from demo_sources.planted import Collector, derive_pairs
from demo_sources.verify import verify


def main() -> None:
    """Write every demo source plus the manifest, then verify them."""
    col = Collector()
    numina_checks = build_numina(col)
    build_openr1(col)
    am_checks = build_am(col)
    build_apps(col)
    build_cc(col)
    cf_tasks = build_cf(col)
    oversized = build_orca(col)
    build_nr(col)
    manifest = {"pairs": derive_pairs(col.planted), "bad_rows": col.bad}
    (OUT / "demo_manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8", newline=""
    )
    counts = verify(manifest, numina_checks, am_checks, cf_tasks, oversized)
    rel = Counter(p["relation"] for p in manifest["pairs"])
    print("rows:", ", ".join(f"{s}={n}" for s, n in counts.items()))
    print("pairs:", dict(rel), "bad rows:", len(col.bad))
