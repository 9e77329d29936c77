"""The cost ledger and ``r1-assets costs``."""

from __future__ import annotations

import pytest

from r1_assets.cli import main
from r1_assets.llm.ledger import Ledger, cost_usd


def call(ledger: Ledger, asset: str, stage: str, generated: int, cost: float | None) -> None:
    ledger.record(
        run_id="r", asset=asset, partition="0000|demo", stage=stage, model_id="m@1",
        requests=generated + 1, cache_hits=1, generated=generated, failed=0,
        prompt_tokens=10 * generated, completion_tokens=100 * generated, cost_usd=cost,
    )  # fmt: skip


def test_costs_sum_per_group_and_a_missing_price_leaves_the_cost_unknown(
    tmp_path, monkeypatch, capsys
) -> None:
    assert cost_usd({}, 10, 10) is None
    assert cost_usd({"prompt": 0.55, "completion": 2.19}, 1_000_000, 2_000_000) == pytest.approx(
        0.55 + 2 * 2.19
    )
    with pytest.raises(ValueError, match="per million"):
        cost_usd({"input": 1.0}, 1, 1)
    monkeypatch.setenv("R1_ASSETS_DATA_DIR", str(tmp_path))
    assert main(["costs"]) == 0 and "no LLM call recorded" in capsys.readouterr().out
    ledger = Ledger(tmp_path / "ledger" / "llm")
    call(ledger, "distilled_responses", "distilling", 4, 0.5)
    call(ledger, "distilled_responses", "distilling", 2, 0.25)
    call(ledger, "response_verdicts", "judging", 3, None)
    summary = ledger.summary(["asset"]).rows_by_key("asset", named=True, unique=True)
    assert summary["distilled_responses"]["generated"] == 6
    assert summary["distilled_responses"]["cost_usd"] == pytest.approx(0.75)
    assert summary["distilled_responses"]["completion_tokens"] == 600
    assert summary["response_verdicts"]["cost_usd"] is None  # no price: unknown, not zero
    assert summary["total"]["calls"] == 3 and summary["total"]["cost_usd"] is None
    assert main(["costs", "--by", "stage,model_id"]) == 0
    out = capsys.readouterr().out
    assert "distilling" in out and "judging" in out and "total" in out
    assert main(["costs", "--by", "teacher"]) == 2
