"""Real servers for the cluster suite: PostgreSQL, a two-node Ray cluster and an S3 server, each
on 127.0.0.1 and free ports, each stopped by process group (the README's cluster command installs
them: Debian's postgresql, the ``.[cluster]`` extra)."""

from __future__ import annotations

import contextlib
import glob
import http.client
import http.server
import json
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyarrow.fs as pafs

from r1_assets.storage.objects import S3Options
from r1_assets_tests.conftest import VENV_BIN, free_port, stop_process_group

DATABASE = "dagster"


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian keeps them off PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=_version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("postgres")
    if on_path:
        return Path(on_path).parent
    raise RuntimeError(
        "PostgreSQL is not installed: `apt-get update && apt-get install -y postgresql` "
        "(the README's cluster command does it)"
    )


def _version(path: str) -> tuple[int, ...]:
    return tuple(int(p) for p in Path(path).parts[-3].split(".") if p.isdigit())


def kill_tree(pid: int) -> None:
    """SIGKILL ``pid`` and every process below it at once, whatever their sessions: the tree is
    stopped (SIGSTOP) until no new process appears, so nothing forks away, then killed."""
    stopped: set[int] = set()
    while True:
        new = [p for p in [pid, *descendants(pid)] if p not in stopped]
        if not new:
            break
        for p in new:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGSTOP)
            stopped.add(p)
    for p in stopped:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, whatever its session or group."""
    children: dict[int, list[int]] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(Path(stat).parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class PostgresServer:
    """A PostgreSQL cluster in a temp folder, started and stopped at will (the fault tests stop
    it mid-backfill). As root, it runs as the ``postgres`` user, which initdb requires."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        # not under pytest's temp folder: the postgres user cannot enter root's 0700 folders
        root = self.root = Path(tempfile.mkdtemp(prefix="r1-postgres-"))
        self.data, self.sockets, self.log = root / "pgdata", root / "pgsock", root / "postgres.log"
        self.port = free_port()
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = "postgres"
            owner = pwd.getpwnam(self.user)
            self.sockets.mkdir()
            for folder in (root, self.sockets):
                os.chown(folder, owner.pw_uid, owner.pw_gid)
        self.sockets.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None
        try:
            self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", "r1", "-A", "trust"])
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise

    @property
    def url(self) -> str:
        return f"postgresql://r1@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(command, user=self.user, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}\n{done.stderr}")

    def start(self, timeout: float = 60) -> None:
        log = self.log.open("a")
        self.process = subprocess.Popen(
            [
                *(str(self.bin / "postgres"), "-D", str(self.data), "-h", "127.0.0.1"),
                *("-p", str(self.port), "-k", str(self.sockets), "-c", "fsync=off"),
            ],
            user=self.user,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited: {self.log.read_text()[-2000:]}")
            if self._ready():
                return
            time.sleep(0.3)
        raise TimeoutError(f"postgres did not accept connections in {timeout}s")

    def _ready(self) -> bool:
        import psycopg2

        try:
            connection = psycopg2.connect(
                host="127.0.0.1", port=self.port, user="r1", dbname="postgres"
            )
        except psycopg2.OperationalError:
            return False
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
            if not cursor.fetchone():
                cursor.execute(f"CREATE DATABASE {DATABASE}")
        connection.close()
        return True

    def stop(self) -> None:
        """The fast shutdown (SIGINT): clients are disconnected, as when the server goes away."""
        if self.process is not None:
            stop_process_group(self.process)
            self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class RayCluster:
    """A Ray head and a second node on 127.0.0.1, each its own ``ray start --block`` process
    (its own process group, killable alone) with its own CPUs and custom resources."""

    def __init__(self, nodes: dict[str, dict], env: dict[str, str], log_dir: Path) -> None:
        self.specs, self.env, self.log_dir = nodes, env, log_dir
        self.gcs_port, self.dashboard_port = free_port(), free_port()
        self.processes: dict[str, subprocess.Popen] = {}

    @property
    def address(self) -> str:
        """The job-submission (dashboard) address that `R1_ASSETS_RAY_ADDRESS` takes."""
        return f"http://127.0.0.1:{self.dashboard_port}"

    def _command(self, name: str, head: bool) -> list[str]:
        spec = self.specs[name]
        command = [str(VENV_BIN / "ray"), "start", "--block"]
        if head:
            command += ["--head", "--port", str(self.gcs_port), "--include-dashboard", "true"]
            command += ["--dashboard-host", "127.0.0.1"]
            command += ["--dashboard-port", str(self.dashboard_port)]
            command += ["--ray-client-server-port", str(free_port())]
        else:
            command += ["--address", f"127.0.0.1:{self.gcs_port}"]
        ports = ("node-manager", "object-manager", "dashboard-agent-listen", "dashboard-agent-grpc")
        for port in (*ports, "metrics-export", "runtime-env-agent"):
            command += [f"--{port}-port", str(free_port())]
        return [
            *command,
            *("--node-ip-address", "127.0.0.1", "--num-cpus", str(spec.get("num_cpus", 1))),
            *("--resources", json.dumps(spec.get("resources", {}))),
            *("--object-store-memory", str(200 * 1024**2), "--disable-usage-stats"),
        ]

    def start_node(self, name: str, timeout: float = 120) -> None:
        head = name == next(iter(self.specs))
        with (self.log_dir / f"ray-{name}.log").open("a") as log:
            self.processes[name] = subprocess.Popen(
                self._command(name, head),
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_for_nodes(len(self.processes), timeout)

    def start(self) -> None:
        for name in self.specs:
            self.start_node(name)

    def alive_nodes(self) -> list[dict]:
        from ray.util.state import list_nodes

        try:
            nodes = list_nodes(address=self.address, raise_on_missing_output=False)
        except Exception:  # the dashboard not up yet
            return []
        return [n for n in nodes if n.state == "ALIVE"]

    def wait_for_nodes(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    log = (self.log_dir / f"ray-{name}.log").read_text()[-3000:]
                    raise RuntimeError(f"ray node {name} exited: {log}")
            if len(self.alive_nodes()) >= count:
                return
            time.sleep(1)
        raise TimeoutError(f"{count} Ray nodes not alive in {timeout}s")

    def node_ids(self) -> dict[str, str]:
        """Node name -> Ray node id, by the custom resource only that node has."""
        ids = {}
        for node in self.alive_nodes():
            for name, spec in self.specs.items():
                if set(spec.get("resources", {})) <= set(node.resources_total or {}):
                    ids[name] = node.node_id
        return ids

    def kill_node(self, name: str) -> None:
        """Every process of a node killed at once, as if its machine died: its raylet, its
        workers and the run workers they started (Ray gives drivers their own sessions, so the
        node's process group alone would leave them running)."""
        process = self.processes.pop(name)
        kill_tree(process.pid)
        process.wait(timeout=30)

    def stop(self) -> None:
        """Each node stopped (its group asked first), then whatever it left running killed:
        the run workers of jobs still running live in their own sessions."""
        for name in reversed(list(self.processes)):
            process = self.processes.pop(name)
            left = descendants(process.pid)
            stop_process_group(process, grace=10)
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


class S3Server:
    """moto's S3 server (a real S3-protocol endpoint) on 127.0.0.1, with one bucket."""

    BUCKET = "r1-assets"
    KEY = "testing"  # moto takes any credentials; the clients need some

    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, endpoint: str | None = None) -> dict[str, str]:
        """What a process needs to reach the bucket (through ``endpoint``, default directly)."""
        return {
            "AWS_ACCESS_KEY_ID": self.KEY,
            "AWS_SECRET_ACCESS_KEY": self.KEY,
            "AWS_ENDPOINT_URL": endpoint or self.url,
            "AWS_REGION": "us-east-1",
        }

    def options(self, endpoint: str | None = None, **changes) -> S3Options:
        return S3Options(
            endpoint_url=endpoint or self.url,
            region="us-east-1",
            access_key=self.KEY,
            secret_key=self.KEY,
            **changes,
        )

    def start(self, timeout: float = 60) -> None:
        with (self.log_dir / "moto.log").open("a") as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=2):
                    break
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError((self.log_dir / "moto.log").read_text()[-3000:]) from None
                time.sleep(0.3)
        else:
            raise TimeoutError(f"moto_server not up in {timeout}s")
        creator = pafs.S3FileSystem(
            access_key=self.KEY,
            secret_key=self.KEY,
            endpoint_override=f"127.0.0.1:{self.port}",
            scheme="http",
            region="us-east-1",
            allow_bucket_creation=True,  # r1-assets never creates buckets: a team makes its own
        )
        creator.create_dir(self.BUCKET)

    def client(self):
        """A boto3 client of the server (what S3 itself says, without pyarrow in between)."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=self.KEY,
            aws_secret_access_key=self.KEY,
        )

    def keys(self, prefix: str = "") -> list[str]:
        """Every object's key under ``prefix`` as S3 lists them: hidden ones and the empty
        "folder/" markers pyarrow leaves included."""
        pages = self.client().get_paginator("list_objects_v2")
        found = pages.paginate(Bucket=self.BUCKET, Prefix=prefix)
        return sorted(o["Key"] for page in found for o in page.get("Contents", []))

    def close(self) -> None:
        if self.process is not None:
            stop_process_group(self.process)
            self.process = None


class FaultyProxy:
    """An HTTP proxy in front of the S3 server that, while a fault is on, answers every request
    with 503 SlowDown (``"503"``) or holds it without an answer until the fault ends, then drops
    the connection (``"hang"``: a client's timeout). Requests are forwarded byte for byte (a
    chunked upload stays chunked), so signatures and checksums reach the server unchanged."""

    SLOW_DOWN = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
        b"<Message>Please reduce your request rate.</Message></Error>"
    )

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.fault: str | None = None
        self._trip: tuple[int, str] | None = None  # (forwarded requests, then this fault)
        self.faulted = 0  # requests that met a fault
        self.forwarded = 0
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _body(self) -> bytes:
                if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                    raw = bytearray()
                    while True:
                        line = self.rfile.readline()
                        raw += line
                        size = int(line.split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while (trailer := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
                                raw += trailer
                            raw += b"\r\n"
                            return bytes(raw)
                        raw += self.rfile.read(size + 2)
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _handle(self) -> None:
                body = self._body()
                with proxy._lock:
                    if proxy._trip is not None and proxy.forwarded >= proxy._trip[0]:
                        proxy.fault, proxy._trip = proxy._trip[1], None
                fault = proxy.fault
                if fault is not None:
                    with proxy._lock:
                        proxy.faulted += 1
                    if fault == "hang":
                        while proxy.fault == "hang":
                            time.sleep(0.05)
                        self.close_connection = True
                        return
                    self.send_response(503, "Slow Down")
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(proxy.SLOW_DOWN)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    if self.command != "HEAD":  # a HEAD answer has no body
                        self.wfile.write(proxy.SLOW_DOWN)
                    self.close_connection = True
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
                try:
                    upstream.putrequest(
                        self.command, self.path, skip_host=True, skip_accept_encoding=True
                    )
                    for name, value in self.headers.items():
                        if name.lower() not in ("expect", "connection"):
                            upstream.putheader(name, value)
                    upstream.endheaders()
                    if body:
                        upstream.send(body)
                    response = upstream.getresponse()
                    data = response.read()
                    self.send_response(response.status, response.reason)
                    # a HEAD answer's Content-Length is the object's size: kept as sent
                    framing = {"transfer-encoding", "connection"}
                    if self.command != "HEAD":
                        framing.add("content-length")
                    for name, value in response.getheaders():
                        if name.lower() not in framing:
                            self.send_header(name, value)
                    if self.command != "HEAD":
                        self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                finally:
                    upstream.close()
                with proxy._lock:
                    proxy.forwarded += 1

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()

    @contextlib.contextmanager
    def failing(self, fault: str) -> Iterator[None]:
        """Every request meets ``fault`` ("503" or "hang") inside the block."""
        self.fault = fault
        try:
            yield
        finally:
            self.fault = None

    def trip_after(self, requests: int, fault: str) -> None:
        """Turn ``fault`` on (until reset) once ``requests`` more requests went through."""
        with self._lock:
            self._trip = (self.forwarded + requests, fault)

    def close(self) -> None:
        self.fault = None
        self.server.shutdown()
        self.server.server_close()
