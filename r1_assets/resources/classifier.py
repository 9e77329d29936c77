"""A local sequence-classification model as a resource: the reward model and the safety
classifier hook. Unset (the default) means the verifier is not used."""

from __future__ import annotations

import dagster as dg
from pydantic import Field


class ClassifierResource(dg.ConfigurableResource):
    path: str = Field(
        default="",
        description="a local transformers AutoModelForSequenceClassification folder; empty "
        "disables this verifier",
    )
    max_length: int = Field(default=2048, description="tokens per (problem, response) input")
    batch_size: int = Field(default=4)

    @property
    def configured(self) -> bool:
        return bool(self.path)

    def scorer(self):
        """Checks the folder at once (a wrong path fails before any work)."""
        from r1_assets.verify.models import SequenceScorer

        return SequenceScorer(self.path, self.max_length, self.batch_size)


class ReferenceModelResource(dg.ConfigurableResource):
    """The reference language model of the perplexity filter. Unset (the default) means the
    filter is not used."""

    model: str = Field(
        default="",
        description="smollm2-135m-instruct (the embedded model), or a local causal-LM folder; "
        "empty disables the perplexity filter",
    )
    models_dir: str = Field(description="where the embedded model is converted to")
    max_tokens: int = Field(default=1024, description="response tokens scored (the first ones)")
    batch_size: int = Field(default=4)

    @property
    def configured(self) -> bool:
        return bool(self.model)

    def scorer(self):
        """Resolves the model at once (a wrong path fails before any work)."""
        from pathlib import Path

        from r1_assets.llm.models import resolve_llm
        from r1_assets.verify.perplexity import PerplexityScorer

        location = resolve_llm(self.model, Path(self.models_dir))
        return PerplexityScorer(location, self.max_tokens, self.batch_size)
