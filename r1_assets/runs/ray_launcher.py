"""dagster-ray's run launcher, with each run's Ray request following what its steps need.

Every run is submitted as a Ray job (``RayRunLauncher``): Ray places the run worker on a node
with the CPUs, GPUs and custom resources the job asks for. A step in a Dagster pool (``llm``: an
engine or a trainer that takes a whole machine) makes its run ask for one unit of the Ray
resource of the same name, so such runs land only on the nodes started with it (``ray start
--resources '{"llm": 1}'`` on the GPU nodes) and never two on one node. A run tagged
``dagster-ray/config`` keeps that request as it is.
"""

from __future__ import annotations

import json

from dagster._core.storage.dagster_run import DagsterRun
from dagster_ray import RayRunLauncher
from dagster_ray.configs import USER_DEFINED_RAY_KEY


class PoolAwareRayRunLauncher(RayRunLauncher):
    def _launch_ray_job(self, submission_id: str, entrypoint: str, run: DagsterRun) -> None:
        if USER_DEFINED_RAY_KEY not in run.tags:
            pools = self.pools_of(run)
            if pools:
                request = {"resources": {**(self.resources or {}), **dict.fromkeys(pools, 1)}}
                run = run.with_tags({**run.tags, USER_DEFINED_RAY_KEY: json.dumps(request)})
                self._instance.report_engine_event(
                    f"Ray resources requested for the pool steps ({', '.join(pools)}): "
                    f"{json.dumps(request['resources'])}",
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
