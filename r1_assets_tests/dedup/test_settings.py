"""DedupSettings' fingerprint is stored on every decision: pinned, so a change in how the
settings are declared never makes every row look decided by other settings."""

from __future__ import annotations

import pytest

from r1_assets.dedup.settings import DedupSettings


def test_fingerprint_is_pinned() -> None:
    assert DedupSettings().fingerprint("m") == "93ba389a6f38"
    other = DedupSettings(threshold=0.9, k=5, number_guard=False, dtype="i8", tests_per_problem=4)
    assert other.fingerprint("m2") == "1071442c3193"


def test_the_first_pass_is_in_the_fingerprint_only_when_it_runs() -> None:
    # the full path's settings id is what it was before the static first pass existed; the
    # static pass may find other pairs, so its decisions carry their own id
    assert DedupSettings(static_floor=0.5).fingerprint("m") == "93ba389a6f38"
    fast = DedupSettings(first_pass="static")
    assert fast.fingerprint("m") not in {
        "93ba389a6f38",
        fast.model_copy(update={"static_floor": 0.5}).fingerprint("m"),
    }


def test_unknown_settings_are_errors() -> None:
    with pytest.raises(ValueError, match="treshold"):
        DedupSettings(treshold=0.9)
