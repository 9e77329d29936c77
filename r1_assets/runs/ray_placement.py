"""Which Ray resources a run asks for, from the Dagster pools of its steps (plain logic of the
Ray run launcher, ``r1_assets.runs.ray_launcher``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def pool_request(
    pools: Iterable[str],
    pool_resources: Mapping[str, Mapping[str, float]],
    base: Mapping[str, float] | None = None,
) -> dict[str, float] | None:
    """The custom resources of a run whose steps use ``pools``: the launcher's own (``base``)
    and each mapped pool's (the larger amount where two pools name one resource); None when no
    pool of the run is mapped, so the run asks for its CPUs only."""
    wanted: dict[str, float] = {}
    for pool in sorted(set(pools)):
        for name, amount in pool_resources.get(pool, {}).items():
            wanted[name] = max(wanted.get(name, 0), amount)
    if not wanted:
        return None
    return {**(base or {}), **wanted}
