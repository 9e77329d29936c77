"""What counts as benchmark overlap, as a resource: the contamination report, the exclusion in
sft_dataset and the blocking check on it must agree, so they read one configuration."""

from __future__ import annotations

import dagster as dg

from r1_assets.audit.report import AuditSettings


class ContaminationAuditResource(AuditSettings, dg.ConfigurableResource):
    """The audit settings as a resource (fields and defaults declared in ``AuditSettings``)."""

    def settings(self) -> AuditSettings:
        return AuditSettings(**self.model_dump())
