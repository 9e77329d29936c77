"""Where things live on disk: the project root, the data root and the two catalogs.

Both locations can be moved with environment variables so the same code runs against another
data root (tests, a shared disk) without editing anything:

- ``R1_ASSETS_DATA_DIR``: the data root (default: ``<project>/data``).
- ``R1_ASSETS_CATALOG``: the source catalog YAML (default: ``r1_assets/catalog/sources.yaml``).
- ``R1_ASSETS_BENCHMARKS``: the benchmark catalog YAML (default:
  ``r1_assets/evaluate/benchmarks.yaml``).
- ``R1_ASSETS_MODELS_DIR``: converted local models (default: ``<data root>/models``), so several
  data roots can share one converted teacher.
- ``R1_ASSETS_WAREHOUSE_URL``: where the warehouse (``warehouse/``) and the exports
  (``exports/``) live: a local folder or ``s3://bucket/prefix`` (default: the data root). Caches,
  models and the Dagster home stay in the data root. S3 is reached with the standard AWS
  variables (``AWS_ENDPOINT_URL``, ``AWS_REGION``, ``AWS_ACCESS_KEY_ID``,
  ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``); ``R1_ASSETS_S3_MAX_ATTEMPTS`` (default 10)
  and ``R1_ASSETS_S3_TIMEOUT_S`` (default 60) bound each request's retries and wait
  (``storage.objects``).

The Hugging Face Hub (``hf://datasets/…`` sources, ``r1-assets export --push``), with
``huggingface_hub``'s own names:

- ``HF_TOKEN``: the token for private or gated repos and for pushing.
- ``HF_ENDPOINT``: another Hub than huggingface.co (a mirror, a local server).

The caches (LLM samples, embeddings, verdicts; ``storage.cache``):

- ``R1_ASSETS_CACHE_URL``: a PostgreSQL URL to keep them in, one table per cache, shared by every
  machine (default: SQLite files under ``<data root>/cache``). Often the URL of the instance's
  own database.

The Dagster instance (``r1_assets.runs.instance`` writes ``$DAGSTER_HOME/dagster.yaml`` from them;
unset, it is the embedded one: SQLite under ``$DAGSTER_HOME``, runs as local processes):

- ``R1_ASSETS_POSTGRES_URL``: run, event-log and schedule storage on PostgreSQL
  (``postgresql://user:password@host:port/database``), shared by every machine of a cluster.
- ``R1_ASSETS_RAY_ADDRESS``: the Ray cluster's job-submission address (``http://head:8265``):
  every run is submitted as a Ray job, which Ray places on a node with the resources it asks for.
- ``R1_ASSETS_RAY_RUN_CPUS``: CPUs each run reserves on its Ray node (default 1): a node never
  takes more runs at once than it has CPUs for.
- ``R1_ASSETS_RAY_POOL_RESOURCES``: JSON, a Dagster pool -> the Ray resources a run with a step in
  it asks for (default none), e.g. ``{"llm": {"llm": 1}}`` to put the ``llm`` pool's runs on the
  nodes started with an ``llm`` resource.
- ``R1_ASSETS_MAX_CONCURRENT_RUNS``: runs the queued run coordinator lets run at once (default 2).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DEFAULT_CATALOG_PATH = PACKAGE_DIR / "catalog" / "sources.yaml"
DEFAULT_BENCHMARKS_PATH = PACKAGE_DIR / "evaluate" / "benchmarks.yaml"
# the public benchmark files shipped with the package (its README.md: licenses and sources)
BENCHMARK_DATA_DIR = PACKAGE_DIR / "evaluate" / "data"


def data_dir() -> Path:
    return Path(os.environ.get("R1_ASSETS_DATA_DIR", PROJECT_ROOT / "data")).resolve()


def catalog_path() -> Path:
    return Path(os.environ.get("R1_ASSETS_CATALOG", DEFAULT_CATALOG_PATH)).resolve()


def benchmarks_path() -> Path:
    return Path(os.environ.get("R1_ASSETS_BENCHMARKS", DEFAULT_BENCHMARKS_PATH)).resolve()


def warehouse_url() -> str:
    return os.environ.get(WAREHOUSE_URL_ENV) or str(data_dir())


def cache_url() -> str | None:
    return os.environ.get(CACHE_URL_ENV) or None


def hf_token() -> str | None:
    return os.environ.get(HF_TOKEN_ENV) or None


def hf_endpoint() -> str | None:
    """None: huggingface_hub's default (huggingface.co)."""
    return os.environ.get(HF_ENDPOINT_ENV) or None


def models_dir(data_root: Path | None = None) -> Path:
    default = (data_root or data_dir()) / "models"
    return Path(os.environ.get("R1_ASSETS_MODELS_DIR", default)).resolve()


WAREHOUSE_URL_ENV = "R1_ASSETS_WAREHOUSE_URL"
CACHE_URL_ENV = "R1_ASSETS_CACHE_URL"
S3_MAX_ATTEMPTS_ENV = "R1_ASSETS_S3_MAX_ATTEMPTS"
S3_TIMEOUT_ENV = "R1_ASSETS_S3_TIMEOUT_S"
POSTGRES_URL_ENV = "R1_ASSETS_POSTGRES_URL"
RAY_ADDRESS_ENV = "R1_ASSETS_RAY_ADDRESS"
MAX_CONCURRENT_RUNS_ENV = "R1_ASSETS_MAX_CONCURRENT_RUNS"
RAY_RUN_CPUS_ENV = "R1_ASSETS_RAY_RUN_CPUS"
RAY_POOL_RESOURCES_ENV = "R1_ASSETS_RAY_POOL_RESOURCES"
HF_TOKEN_ENV = "HF_TOKEN"
HF_ENDPOINT_ENV = "HF_ENDPOINT"
# what a run worker started elsewhere (a Ray node) must see as this process does
RUN_WORKER_ENV = (
    "R1_ASSETS_DATA_DIR",
    "R1_ASSETS_CATALOG",
    "R1_ASSETS_BENCHMARKS",
    "R1_ASSETS_MODELS_DIR",
    WAREHOUSE_URL_ENV,
    CACHE_URL_ENV,
    S3_MAX_ATTEMPTS_ENV,
    S3_TIMEOUT_ENV,
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    POSTGRES_URL_ENV,
    HF_TOKEN_ENV,  # a shard run of an hf:// source fetches the repo on its node
    HF_ENDPOINT_ENV,
    "DAGSTER_PG_PASSWORD",  # the password of the instance Dagster's Helm chart configures
)


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_URL_ENV) or None


def pin_postgres_driver() -> None:
    """Name psycopg2 in the PostgreSQL URL of this process and of every process it starts:
    SQLAlchemy 2.1 opens a bare ``postgresql://`` URL with psycopg 3, whose server-side
    parameters break dagster-postgres' ``NOTIFY`` (it is built and tested on psycopg2)."""
    url = postgres_url()
    for bare in ("postgresql://", "postgres://"):
        if url and url.startswith(bare):
            os.environ[POSTGRES_URL_ENV] = "postgresql+psycopg2://" + url[len(bare) :]


def ray_address() -> str | None:
    return os.environ.get(RAY_ADDRESS_ENV) or None


def max_concurrent_runs() -> int:
    return _positive(MAX_CONCURRENT_RUNS_ENV, "2")


def ray_run_cpus() -> int:
    return _positive(RAY_RUN_CPUS_ENV, "1")


def ray_pool_resources() -> dict[str, dict[str, float]]:
    value = os.environ.get(RAY_POOL_RESOURCES_ENV) or "{}"
    try:
        mapping = json.loads(value)
        valid = isinstance(mapping, dict) and all(
            isinstance(resources, dict)
            and all(isinstance(n, (int, float)) and n > 0 for n in resources.values())
            for resources in mapping.values()
        )
    except json.JSONDecodeError:
        valid = False
    if not valid:
        raise ValueError(
            f"{RAY_POOL_RESOURCES_ENV} must be JSON mapping each pool to Ray resources with "
            f'positive amounts, e.g. {{"llm": {{"llm": 1}}}}, not {value!r}'
        )
    return mapping


def s3_max_attempts() -> int:
    return _positive(S3_MAX_ATTEMPTS_ENV, "10")


def s3_timeout_s() -> float:
    return _positive(S3_TIMEOUT_ENV, "60", float)


def _positive(name: str, default: str, kind: type = int):
    value = os.environ.get(name, default)
    try:
        number = kind(value)
    except ValueError:
        number = 0
    if number <= 0:
        what = "integer" if kind is int else "number"
        raise ValueError(f"{name} must be a positive {what}, not {value!r}")
    return number
