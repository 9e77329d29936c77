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
