"""Where the warehouse and the exports live: a local folder or an ``s3://bucket/prefix``, behind
one interface, so the same code writes, lists and reads either.

Files are addressed by keys relative to the store's root ("warehouse/raw_problems/x.parquet").
Writes are all-or-nothing: ``open_atomic`` publishes a file only when its block ends without an
error. Locally that is a temporary file renamed into place. On S3 an upload that fails half-way can
still leave an object behind (a multipart upload closed on error), so the bytes go to a hidden
temporary key first and a server-side copy (one CopyObject, atomic) publishes them: a reader never
sees a partial file under a real name, and a leftover temporary key is hidden from every listing.

One S3 client configuration (``S3Options``) feeds both clients in play: pyarrow's S3 filesystem
(writes, listings, DuckDB's arrow scans) and polars' object-store reader (``storage_options``).
Both retry a failed request (503 SlowDown, a timeout, a refused connection) up to
``max_attempts`` times with backoff.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

import pyarrow.fs as pafs

from r1_assets import settings

TEMP_PREFIX = "."  # temporary and hidden names: never listed, never read


@dataclass(frozen=True)
class S3Options:
    """How to reach an S3-compatible service; unset fields fall back to the AWS SDK defaults."""

    endpoint_url: str | None = None  # e.g. http://127.0.0.1:9000 for a local S3 server
    region: str | None = None
    access_key: str | None = None
    secret_key: str | None = None
    session_token: str | None = None
    max_attempts: int = 10
    timeout_s: float = 60.0

    @classmethod
    def from_env(cls) -> S3Options:
        """The standard AWS variables (``AWS_ENDPOINT_URL``, ``AWS_REGION`` or
        ``AWS_DEFAULT_REGION``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
        ``AWS_SESSION_TOKEN``) plus ``R1_ASSETS_S3_MAX_ATTEMPTS`` and ``R1_ASSETS_S3_TIMEOUT_S``."""
        env = os.environ
        return cls(
            endpoint_url=env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or None,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None,
            access_key=env.get("AWS_ACCESS_KEY_ID") or None,
            secret_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
            session_token=env.get("AWS_SESSION_TOKEN") or None,
            max_attempts=settings.s3_max_attempts(),
            timeout_s=settings.s3_timeout_s(),
        )

    def filesystem(self) -> pafs.S3FileSystem:
        endpoint = urlparse(self.endpoint_url) if self.endpoint_url else None
        return pafs.S3FileSystem(
            access_key=self.access_key,
            secret_key=self.secret_key,
            session_token=self.session_token,
            region=self.region or "us-east-1",
            endpoint_override=endpoint.netloc if endpoint else None,
            scheme=endpoint.scheme if endpoint else "https",
            connect_timeout=self.timeout_s,
            request_timeout=self.timeout_s,
            retry_strategy=pafs.AwsStandardS3RetryStrategy(max_attempts=self.max_attempts),
        )

    def polars_options(self) -> dict:
        options: dict = {
            "aws_region": self.region or "us-east-1",
            "max_retries": self.max_attempts,
            # object_store's timeout covers a whole request, a large ranged read included
            "timeout": f"{10 * self.timeout_s:g}s",
            "connect_timeout": f"{self.timeout_s:g}s",
        }
        if self.endpoint_url:
            options["aws_endpoint_url"] = self.endpoint_url
            options["aws_allow_http"] = str(self.endpoint_url.startswith("http://")).lower()
        for name, value in (
            ("aws_access_key_id", self.access_key),
            ("aws_secret_access_key", self.secret_key),
            ("aws_session_token", self.session_token),
        ):
            if value:
                options[name] = value
        return options


class ObjectStore:
    """A local folder (a path, or ``file://``) or an S3 prefix (``s3://bucket/prefix``)."""

    copy_limit = 5 << 30  # S3's largest CopyObject
    copy_part = 512 << 20  # parts of a larger copy

    def __init__(self, url: str | Path, s3: S3Options | None = None) -> None:
        text = str(url)
        parsed = urlparse(text)
        if parsed.scheme == "s3":
            if not parsed.netloc:
                raise ValueError(f"{text!r}: an S3 URL needs a bucket (s3://bucket/prefix)")
            self.local = False
            self.s3 = s3 or S3Options.from_env()
            if self.s3.region is None and self.s3.endpoint_url is None:
                # AWS: the bucket's own region, not a default that would sign for the wrong one
                try:
                    region = pafs.resolve_s3_region(parsed.netloc)
                except OSError as exc:
                    raise ValueError(
                        f"{text}: cannot find the bucket's region ({exc}); set AWS_REGION"
                    ) from exc
                self.s3 = replace(self.s3, region=region)
            self.fs: pafs.FileSystem = self.s3.filesystem()
            self._base = f"{parsed.netloc}/{parsed.path.strip('/')}".rstrip("/")
            self.url = f"s3://{self._base}"
        elif parsed.scheme in ("", "file"):
            path = Path(parsed.path if parsed.scheme == "file" else text).resolve()
            self.local = True
            self.s3 = None
            self.fs = pafs.LocalFileSystem()
            self._base = path.as_posix()
            self.url = self._base
        else:
            raise ValueError(f"{text!r}: a storage URL is a local path or s3://bucket/prefix")

    def __repr__(self) -> str:
        return f"ObjectStore({self.url!r})"

    # -- names ---------------------------------------------------------------------------------

    def path(self, key: str) -> str:
        """The filesystem path of ``key`` (for ``self.fs``)."""
        return f"{self._base}/{key}" if key else self._base

    def uri(self, key: str) -> str:
        """What a person or polars reads: a local path or an s3:// URL."""
        return self.path(key) if self.local else f"s3://{self.path(key)}"

    def local_path(self, key: str) -> Path:
        if not self.local:
            raise ValueError(f"{self.url} is not a local folder")
        return Path(self.path(key))

    @property
    def storage_options(self) -> dict | None:
        """polars' ``storage_options`` for this store (None locally)."""
        return None if self.s3 is None else self.s3.polars_options()

    # -- reading -------------------------------------------------------------------------------

    def exists(self, key: str) -> bool:
        return self.fs.get_file_info(self.path(key)).type == pafs.FileType.File

    def files(self, prefix: str, suffix: str = "") -> list[str]:
        """Names of the files directly under ``prefix`` ending with ``suffix``, sorted; hidden
        and temporary names are left out."""
        return self._entries(prefix, pafs.FileType.File, suffix)

    def folders(self, prefix: str) -> list[str]:
        return self._entries(prefix, pafs.FileType.Directory, "")

    def _entries(self, prefix: str, kind: pafs.FileType, suffix: str) -> list[str]:
        selector = pafs.FileSelector(self.path(prefix), allow_not_found=True)
        return sorted(
            name
            for info in self.fs.get_file_info(selector)
            if info.type == kind
            and (name := info.base_name).endswith(suffix)
            and not name.startswith(TEMP_PREFIX)
        )

    def read_bytes(self, key: str) -> bytes:
        with self.fs.open_input_stream(self.path(key)) as stream:
            return stream.read()

    def open_input(self, key: str):
        """A seekable file for ``key`` (pyarrow's ParquetFile reads its footer first)."""
        return self.fs.open_input_file(self.path(key))

    # -- writing -------------------------------------------------------------------------------

    @contextmanager
    def open_atomic(self, key: str) -> Iterator[BinaryIO]:
        """A binary file to write ``key`` through; it replaces ``key`` whole when the block ends
        without an error, and leaves nothing visible otherwise."""
        folder, _, name = key.rpartition("/")
        temp_name = f"{TEMP_PREFIX}{name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
        temp = self.path(f"{folder}/{temp_name}" if folder else temp_name)
        if self.local:
            Path(temp).parent.mkdir(parents=True, exist_ok=True)
        try:
            with self.fs.open_output_stream(temp) as stream:
                yield stream
            self._publish(temp, self.path(key))
        finally:
            self._remove(temp)

    def _publish(self, temp: str, final: str) -> None:
        """A rename locally. On S3 one CopyObject (atomic) up to its 5 GiB limit, a multipart
        copy above it (the object appears when its last part is in)."""
        if self.local or self.fs.get_file_info(temp).size <= self.copy_limit:
            self.fs.move(temp, final)
            return
        self._multipart_copy(temp, final)

    def _multipart_copy(self, temp: str, final: str) -> None:
        try:
            import boto3
            from boto3.s3.transfer import TransferConfig
            from botocore.config import Config
        except ImportError as exc:
            raise OSError(
                f"{self.uri(final.split('/', 1)[1])}: an object over 5 GiB is published by a "
                "multipart copy, which needs boto3 (`pip install boto3`, in the cluster extra)"
            ) from exc
        assert self.s3 is not None
        client = boto3.client(
            "s3",
            endpoint_url=self.s3.endpoint_url,
            region_name=self.s3.region,
            aws_access_key_id=self.s3.access_key,
            aws_secret_access_key=self.s3.secret_key,
            aws_session_token=self.s3.session_token,
            config=Config(
                retries={"max_attempts": self.s3.max_attempts, "mode": "standard"},
                connect_timeout=self.s3.timeout_s,
                read_timeout=self.s3.timeout_s,
            ),
        )
        bucket, source = temp.split("/", 1)
        part = max(self.copy_part, 5 << 20)  # S3's smallest part
        client.copy(
            {"Bucket": bucket, "Key": source},
            bucket,
            final.split("/", 1)[1],
            Config=TransferConfig(multipart_threshold=part, multipart_chunksize=part),
        )

    def write_bytes(self, key: str, data: bytes) -> None:
        with self.open_atomic(key) as stream:
            stream.write(data)

    def upload(self, source: Path, key: str) -> None:
        """Copy a local file to ``key``, atomically."""
        with source.open("rb") as handle, self.open_atomic(key) as stream:
            while chunk := handle.read(8 << 20):
                stream.write(chunk)

    def publish(self, source: Path, key: str) -> None:
        """Move a local file to ``key``: a rename within a local store, else an atomic upload."""
        if self.local:
            Path(self.path(key)).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, self.path(key))
        else:
            self.upload(source, key)
            source.unlink()

    def delete(self, key: str) -> None:
        self._remove(self.path(key))

    def _remove(self, path: str) -> None:
        try:
            self.fs.delete_file(path)
        except FileNotFoundError:
            pass
        except OSError as exc:  # S3 reports a missing key in its own words
            if self.fs.get_file_info(path).type != pafs.FileType.NotFound:
                raise exc
