"""The verifier settings end up in every verdict's cache key: pinned, so a change in how the
settings are declared never recomputes verdicts."""

from __future__ import annotations

import hashlib
import json

from r1_assets.verify.verifiers import VerifySettings, build_verifiers


class Engine:
    model_id, max_length, num_labels = "model", 512, 2


def test_verdict_key_settings_are_pinned() -> None:
    verifiers = build_verifiers(
        VerifySettings(),
        math_verifier=lambda: None,
        sandbox=lambda: None,
        sandbox_settings={"wall_s": 1},
        judge=Engine(),
        reward_model=Engine(),
        safety_classifier=Engine(),
    )
    keyed = {name: json.dumps(v.settings, sort_keys=True) for name, v in verifiers.items()}
    safety = keyed.pop("safety")
    assert keyed == {
        "code_tests": '{"max_tests": 20, "sandbox": {"wall_s": 1}}',
        "format": '{"require_boxed_math": true, "require_code_block": true}',
        "language_mixing": '{"language_min_letters": 80, "language_min_probability": 0.95, '
        '"max_foreign_script": 0.05}',
        "length": '{"max_chars": 200000, "max_completion_tokens": null, "min_answer_chars": 1}',
        "llm_judge": '{"judge": "model", "max_problem_chars": 4000, "max_response_chars": 6000, '
        '"min_rating": {"coherence": 3, "correctness": 3, "helpfulness": 3}}',
        "math_judge": '{"judge": "model"}',
        "math_verify": '{"timeout_s": 5.0}',
        "ngram_repetition": '{"max_ngram_count": null, "max_repeated_fraction": 0.25, '
        '"ngram_n": 20}',
        "reward_model": '{"max_length": 512, "model": "model", "threshold": 0.5}',
    }
    # the default safety patterns are long: their key is pinned by hash
    assert hashlib.sha256(safety.encode()).hexdigest() == (
        "3c40a9d5ceeb298e75f21dd41e3797b6298477b7130be7973dd51c95bb87d90e"
    )
