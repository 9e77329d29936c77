"""dagster-ray's run launcher, with each run's Ray request following the Dagster pools of its
steps.

Every run is submitted as a Ray job (``RayRunLauncher``): Ray places the run worker on a node
with the CPUs and custom resources the job asks for. ``pool_resources`` maps a Dagster pool to
Ray resources: with ``{"llm": {"llm": 1}}``, a run with a step in the ``llm`` pool asks for one
unit of ``llm``, so it lands only on the nodes started with it (``ray start --resources '{"llm":
1}'``), never two on one node. Map a pool only where its steps run their engine inside the run
worker (the transformers or in-process vLLM backends, training); steps that call teacher or
judge servers need no such node. A run tagged ``dagster-ray/config`` keeps its own request.
"""

from __future__ import annotations

import json

import dagster as dg
from dagster._core.storage.dagster_run import DagsterRun
from dagster_ray import RayRunLauncher
from dagster_ray.configs import USER_DEFINED_RAY_KEY
from dagster_ray.core.run_launcher import RayLauncherConfig

from r1_assets.runs.ray_placement import pool_request


class PoolAwareRayRunLauncher(RayRunLauncher):
    def __init__(self, *args, pool_resources: dict | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pool_resources: dict[str, dict[str, float]] = dict(pool_resources or {})

    @classmethod
    def config_type(cls):
        return {
            "ray": RayLauncherConfig.to_config_schema().as_field(),
            "pool_resources": dg.Field(dg.Permissive(), is_required=False, default_value={}),
        }

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(
            inst_data=inst_data,
            pool_resources=config_value.get("pool_resources"),
            **config_value["ray"],
        )

    def _launch_ray_job(self, submission_id: str, entrypoint: str, run: DagsterRun) -> None:
        if USER_DEFINED_RAY_KEY not in run.tags:
            pools = self.pools_of(run)
            resources = pool_request(pools, self.pool_resources, self.resources)
            if resources:
                request = json.dumps({"resources": resources})
                run = run.with_tags({**run.tags, USER_DEFINED_RAY_KEY: request})
                self._instance.report_engine_event(
                    f"Ray resources requested for the pool steps ({', '.join(pools)}): "
                    f"{json.dumps(resources)}",
                    run,
                    cls=self.__class__,
                )
        super()._launch_ray_job(submission_id, entrypoint, run)

    def pools_of(self, run: DagsterRun) -> list[str]:
        """The Dagster pools of the run's steps, from its execution plan snapshot."""
        if not run.execution_plan_snapshot_id:
            return []
        plan = self._instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
        return sorted({step.pool for step in plan.steps if step.pool})
