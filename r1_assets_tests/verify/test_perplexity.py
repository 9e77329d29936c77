"""The perplexity filter's scorer on the embedded SmolLM2: fluent text is likelier than noise
under it, a long response is scored on its first tokens, and the verifier applies its ceiling."""

from __future__ import annotations

import math
import random

import pytest

from r1_assets.llm.models import ensure_default_model
from r1_assets.verify.perplexity import PerplexityScorer
from r1_assets.verify.verifiers import VerifySettings, build_verifiers
from r1_assets_tests.conftest import MODELS_DIR

PROBLEM = "What is 12 times 7?"
FLUENT = (
    "<think>\nTwelve times seven: ten sevens are seventy and two sevens are fourteen, so the "
    "total is eighty-four.\n</think>\n\nThe answer is \\boxed{84}."
)


def noise(words: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    letters = "qxzjvkwy0123456789%&#@!?;:"
    return " ".join(
        "".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(words)
    )


@pytest.fixture(scope="module")
def scorer() -> PerplexityScorer:
    return PerplexityScorer(str(ensure_default_model(MODELS_DIR)), max_tokens=128, batch_size=2)


def test_fluent_reasoning_is_likelier_than_noise(scorer: PerplexityScorer) -> None:
    (fluent, fluent_cut), (garbled, garbled_cut), (_, long_cut) = scorer.perplexities(
        [(PROBLEM, FLUENT), (PROBLEM, noise(12)), (PROBLEM, FLUENT + " " + noise(200))]
    )
    assert 1 < fluent < garbled / 2, (fluent, garbled)
    assert not fluent_cut and not garbled_cut and long_cut
    # batched or alone, the same number (padding never counts)
    ((alone, _),) = scorer.perplexities([(PROBLEM, FLUENT)])
    assert alone == pytest.approx(fluent, rel=1e-3)
    ((empty, _),) = scorer.perplexities([(PROBLEM, "")])
    assert math.isinf(empty)
    with pytest.raises(FileNotFoundError, match="no config file"):
        PerplexityScorer("/nonexistent/model")


def test_the_filter_rejects_above_its_ceiling_and_only_scores_without_one(scorer) -> None:
    rows = [
        {"problem": PROBLEM, "content": FLUENT},
        {"problem": PROBLEM, "content": noise(20)},
    ]
    ceiling = build_verifiers(VerifySettings(max_perplexity=100.0), perplexity_scorer=scorer)
    checks = ceiling["perplexity"].run(rows)
    assert [c.passed for c in checks] == [True, False]
    assert checks[0].score < 100 < checks[1].score and "max 100" in checks[1].detail
    scored = build_verifiers(VerifySettings(), perplexity_scorer=scorer)["perplexity"]
    assert [c.passed for c in scored.run(rows)] == [True, True]
    # the ceiling is part of the key: changing it recomputes; the scorer's model is too
    assert ceiling["perplexity"].key(rows[0]) != scored.key(rows[0])
    assert scorer.model_id in str(scored.settings)
