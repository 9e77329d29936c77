"""Run configs and resources inherit the logic's settings: every field shows its description and
default in the launchpad, and converts back to the same settings (and fingerprints)."""

from __future__ import annotations

import pytest

from r1_assets.assets.dedup import DedupConfig
from r1_assets.assets.train import TrainConfig
from r1_assets.assets.verification import VerifyConfig
from r1_assets.audit.report import AuditSettings
from r1_assets.resources import ContaminationAuditResource
from r1_assets.verify.judge import JudgeSettings
from r1_assets.verify.rules import RuleSettings
from r1_assets.verify.verifiers import EngineSettings, VerifySettings


@pytest.mark.parametrize(
    "declared", [DedupConfig, VerifyConfig, TrainConfig, ContaminationAuditResource]
)
def test_every_field_has_a_description_and_a_default(declared) -> None:
    fields = declared.to_config_schema().as_field().config_type.fields
    assert fields.keys() == declared.model_fields.keys()
    for name, field in fields.items():
        assert field.description, f"{declared.__name__}.{name} has no description"
        assert field.default_provided, f"{declared.__name__}.{name} has no default"


def test_configs_convert_to_the_same_settings() -> None:
    assert DedupConfig().settings().fingerprint("m") == "93ba389a6f38"
    assert DedupConfig(threshold=0.9).settings().threshold == 0.9
    assert VerifyConfig().settings() == VerifySettings()
    custom = VerifyConfig(max_chars=10, use_judge=False, judge_min_rating={"correctness": 4})
    assert custom.settings() == VerifySettings(
        rules=RuleSettings(max_chars=10),
        judge=JudgeSettings(min_rating={"correctness": 4}),
        use_judge=False,
    )
    assert ContaminationAuditResource().settings() == AuditSettings()
    # the demo's defaults (40 steps, overlong examples dropped since 2026-12-05)
    assert TrainConfig().settings().fingerprint() == (
        "77cd0263da99da2de317333f61e42440a0ef418fef1a306021f42e1f7ec33bd3"
    )


def test_verify_run_config_is_one_flat_mapping() -> None:
    assert set(VerifyConfig.model_fields) == {
        *RuleSettings.model_fields,
        *EngineSettings.model_fields,
        "judge_min_rating",
    }
    with pytest.raises(ValueError, match="judge_min_rating"):
        VerifyConfig(judge_min_rating={"correctnes": 3}).settings()
