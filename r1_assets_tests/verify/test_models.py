"""The reward-model verifier and the safety-classifier hook with real transformers
sequence-classification models (small, freshly initialised with a fixed seed, using the embedded
SmolLM2 tokenizer), and the clear error for a model path that does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from r1_assets.resources import ClassifierResource
from r1_assets.verify.models import ModelNotFound, SequenceScorer, reward_scores
from r1_assets.verify.verdicts import VerdictCache, verify_responses
from r1_assets.verify.verifiers import VerifySettings, build_verifiers
from r1_assets_tests.conftest import MODELS_DIR
from r1_assets_tests.verify.test_rules import response


def tiny_classifier(folder: Path, labels: dict[int, str]) -> Path:
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForSequenceClassification

    from r1_assets.llm.models import ensure_default_model

    tokenizer = AutoTokenizer.from_pretrained(ensure_default_model(MODELS_DIR))
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        num_labels=len(labels),
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
        pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id,
    )
    LlamaForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def reward_model(tmp_path_factory) -> Path:
    return tiny_classifier(tmp_path_factory.mktemp("rm"), {0: "reward"})


@pytest.fixture(scope="module")
def safety_model(tmp_path_factory) -> Path:
    return tiny_classifier(tmp_path_factory.mktemp("safety"), {0: "safe", 1: "unsafe"})


def chat_rows() -> list[dict]:
    rows = []
    for i, answer in enumerate(["Leaves fall in red and gold.", "I do not know.", "Autumn."]):
        rows.append(
            response(domain="chat", answer=answer, content=f"<think>\nok\n</think>\n{answer}")
            | {"response_uid": f"r{i}", "problem_uid": "p", "source": "s", "origin": "teacher"}
            | {"source_row_id": "1", "problem": "Write one sentence about autumn leaves."}
        )
    return rows


def test_a_missing_model_path_fails_before_any_work(tmp_path):
    with pytest.raises(ModelNotFound, match="no sequence-classification model at"):
        ClassifierResource(path=str(tmp_path / "nope")).scorer()
    assert not ClassifierResource().configured


def test_reward_model_scores_gate_acceptance_at_the_threshold(reward_model, tmp_path):
    scorer = SequenceScorer(str(reward_model))
    rows = chat_rows()
    scores, cut = reward_scores(scorer, [(r["problem"], r["content"]) for r in rows])
    assert cut == [False] * 3
    assert len(set(scores.round(6))) == 3  # the model reads the text: three texts, three scores
    middle = float(sorted(scores)[1])
    # the default threshold of a one-logit reward model is 0.0
    assert (
        build_verifiers(VerifySettings(), reward_model=scorer)["reward_model"].settings["threshold"]
        == 0.0
    )
    settings = VerifySettings(reward_threshold=middle, use_judge=False)
    verifiers = build_verifiers(settings, reward_model=scorer)
    verdicts, stats = verify_responses(rows, verifiers, VerdictCache(tmp_path))
    rm = verdicts.filter(verdicts["verifier"] == "reward_model").sort("score")
    assert rm["passed"].to_list() == [False, True, True]
    assert rm["score"].to_list() == pytest.approx(sorted(scores.tolist()), abs=1e-4)
    assert "llm_judge" not in set(verdicts["verifier"])
    assert stats.computed["reward_model"] == 3
    # another model (or threshold) is another verdict key: nothing stale is reused
    stricter = build_verifiers(
        VerifySettings(reward_threshold=float(scores.max()) + 1, use_judge=False),
        reward_model=scorer,
    )
    verdicts, stats = verify_responses(rows, stricter, VerdictCache(tmp_path))
    assert stats.computed["reward_model"] == 3
    assert not verdicts.filter(verdicts["verifier"] == "reward_model")["passed"].any()


def test_the_safety_classifier_hook_adds_to_the_rule_set(safety_model, tmp_path):
    scorer = SequenceScorer(str(safety_model))
    rows = chat_rows()
    flag_all = VerifySettings(safety_threshold=0.0)
    verdicts, _ = verify_responses(
        rows, build_verifiers(flag_all, safety_classifier=scorer), VerdictCache(tmp_path)
    )
    safety = verdicts.filter(verdicts["verifier"] == "safety")
    assert not safety["passed"].any()
    assert safety["detail"].str.contains("classifier p\\(unsafe\\)").all()
    flag_none = VerifySettings(safety_threshold=1.01)
    verdicts, _ = verify_responses(
        rows, build_verifiers(flag_none, safety_classifier=scorer), VerdictCache(tmp_path)
    )
    assert verdicts.filter(verdicts["verifier"] == "safety")["passed"].all()
    wrong_labels = VerifySettings(safety_unsafe_labels=("toxic",))
    with pytest.raises(ValueError, match="include none of"):
        verify_responses(
            rows, build_verifiers(wrong_labels, safety_classifier=scorer), VerdictCache(tmp_path)
        )


def test_a_long_response_is_cut_at_its_start_and_the_problem_kept(reward_model):
    scorer = SequenceScorer(str(reward_model), max_length=64)
    text, cut = scorer.pair_text("PROBLEM STATEMENT", "word " * 500 + "FINAL ANSWER")
    assert cut and "PROBLEM STATEMENT" in text and text.rstrip().find("FINAL ANSWER") > 0
    scores, truncated = reward_scores(scorer, [("PROBLEM STATEMENT", "word " * 500)])
    assert truncated == [True] and scores.shape == (1,)


def test_a_classifier_as_reward_model_defaults_to_a_probability_threshold(safety_model):
    scorer = SequenceScorer(str(safety_model))
    verifier = build_verifiers(VerifySettings(), reward_model=scorer)["reward_model"]
    assert verifier.settings["threshold"] == 0.5
