"""The ``--config`` run-config file (the YAML the UI's launchpad takes): its ``ops:`` entries for
the runs holding those ops, its ``resources:`` entries as resource settings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from r1_assets.resources import reconfigured
from r1_assets.runs.plan import RequestError


def read_run_config(path: str | None) -> tuple[dict, dict]:
    """The `ops:` and `resources:` sections of a run-config file (none without a file)."""
    if not path:
        return {}, {}
    document = yaml.safe_load(Path(path).read_text()) or {}
    if not isinstance(document, dict):
        return {}, {}
    return document.get("ops") or {}, document.get("resources") or {}


def override_resources(resources: Mapping, overrides: Mapping, path: str | None) -> dict:
    """The resources with each `resources.<name>: {config: {...}}` entry of the file applied."""
    changed = dict(resources)
    for name, override in overrides.items():
        if name not in changed:
            raise RequestError(f"unknown resource {name!r} in {path}")
        if not isinstance(override, dict) or set(override) != {"config"}:
            raise RequestError(f"resources.{name} in {path} needs one key, config:")
        try:
            changed[name] = reconfigured(changed[name], **(override["config"] or {}))
        except ValueError as exc:
            raise RequestError(f"resources.{name} in {path}: {exc}") from None
    return changed
