#!/usr/bin/env python3
"""Write the deterministic demo source files for the r1-assets pipeline.

Hand-built samples in the real public formats of eight reasoning datasets, with planted
cross-source duplicates, reworded near-duplicates, number-only variants and deliberately
bad rows. Everything planted is recorded in ``data/sources/demo_manifest.json``. After
writing, the script re-reads every file and verifies math answers, runs every code
solution against its tests and checks every manifest locator.

The generator is the ``demo_sources`` package beside this script (one builder per source
format; task texts and row plans in ``demo_sources/data/``).

Usage: ``python scripts/make_demo_sources.py``
"""

from __future__ import annotations

from demo_sources.build import main

if __name__ == "__main__":
    main()
