"""benchmarks/scale.py's data generator writes rows the am_distilled format parses, with the
mix it promises (math with references, code with tests, general, duplicates, long reasoning)."""

import importlib.util
import json
from pathlib import Path

from r1_assets.catalog.formats import FORMATS

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "scale.py"


def _scale():
    spec = importlib.util.spec_from_file_location("bench_scale", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_rows_parse_as_am_distilled(tmp_path):
    scale = _scale()
    written = scale.generate(tmp_path, 50, file_rows=20)
    files = sorted(tmp_path.rglob("*.jsonl"))
    assert [f.parent.name for f in files].count("am_synth_a") == 2  # 34 rows, 20 per file
    assert sum(f.stat().st_size for f in files) == sum(written.values())
    parsed = []
    for path in files:
        for line in path.read_text().splitlines():
            parsed.append(FORMATS["am_distilled"].read(json.loads(line), {}))
    assert len(parsed) == 50
    origins = {p.origin for p in parsed}
    assert {"NuminaMath", "codeio"} <= origins
    assert all(p.reference_answer for p in parsed if p.origin == "NuminaMath")
    assert all(p.test_cases and p.domain == "code" for p in parsed if p.origin == "codeio")
    for p in parsed:
        (response,) = p.responses
        assert 4_000 <= len(response["think"]) <= 31_000
        assert response["think"].startswith("Okay, let's see.")
    # deterministic
    again = tmp_path / "again"
    assert scale.generate(again, 50, file_rows=20) == written
