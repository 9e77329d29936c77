"""A model folder's identity from its files, wherever the folder lives."""

from __future__ import annotations

import hashlib
from pathlib import Path


def folder_fingerprint(folder: Path, edge_bytes: int = 1 << 20) -> str:
    """Names, sizes and contents of a model folder's files (for big weight files: their first
    and last MiB), so identical copies agree wherever they live."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        size = path.stat().st_size
        digest.update(f"{path.relative_to(folder).as_posix()}|{size}".encode())
        with path.open("rb") as handle:
            if size <= 8 * edge_bytes:
                digest.update(handle.read())
            else:
                digest.update(handle.read(edge_bytes))
                handle.seek(size - edge_bytes)
                digest.update(handle.read(edge_bytes))
    return digest.hexdigest()
