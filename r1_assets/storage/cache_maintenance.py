"""``r1-assets cache stats | compact | prune``: the caches under ``<data root>/cache``.

Every cache directory holds one ``cache.sqlite`` that describes itself (storage.cache), so this
module needs no cache class: the LLM cache (``cache/llm``, rows per ``model_id``), one embedding
namespace per model (``cache/embeddings/<model key>``) and the verdict cache (``cache/verdicts``,
rows per verifier). A folder still holding Parquet shards of the old layout is listed as such:
the run that next opens it imports them. With ``R1_ASSETS_CACHE_URL`` the caches are the ones
the PostgreSQL database registers (``storage.cache_postgres``), named as their folders would be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from r1_assets import settings
from r1_assets.storage.cache import DB_NAME, CacheError, KeyValueCache


@dataclass
class CacheStats:
    name: str  # the directory under the cache root
    entries: int
    writes: int
    bytes: int
    model: str | None = None  # the model a whole cache belongs to (an embedding namespace)
    group_column: str | None = None
    groups: dict[str, int] = field(default_factory=dict)
    legacy_shards: int = 0  # Parquet shards of the old layout, not imported yet


def _name(directory: Path, root: Path) -> str:
    """A cache's name: its folder under the cache root (a cache the database registered from a
    folder elsewhere keeps its whole path)."""
    return (
        directory.relative_to(root).as_posix() if directory.is_relative_to(root) else str(directory)
    )


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def cache_directories(root: Path) -> tuple[list[Path], list[Path]]:
    """The cache directories under ``root`` (each with a database), and the folders holding only
    Parquet shards of the old layout."""
    database = settings.cache_url()
    if database:
        from r1_assets.storage.cache_postgres import cache_names

        return [root / name for name in cache_names(database)], []
    if not root.is_dir():
        return [], []
    caches = sorted(path.parent for path in root.rglob(DB_NAME))
    legacy = sorted(
        {path.parent for path in root.rglob("*.parquet")} - set(caches),
    )
    return caches, legacy


def collect_stats(root: Path) -> list[CacheStats]:
    caches, legacy = cache_directories(root)
    found = []
    for directory in caches:
        cache = KeyValueCache.open(directory)
        with cache:
            found.append(
                CacheStats(
                    name=_name(directory, root),
                    entries=cache.count(),
                    writes=cache.writes(),
                    bytes=cache.size_bytes(),
                    model=cache.model,
                    group_column=cache.group_column,
                    groups=cache.groups(),
                )
            )
    for directory in legacy:
        shards = list(directory.glob("*.parquet"))
        found.append(
            CacheStats(
                name=_name(directory, root),
                entries=0,
                writes=0,
                bytes=sum(path.stat().st_size for path in shards),
                legacy_shards=len(shards),
            )
        )
    return found


def render_stats(root: Path, stats: list[CacheStats]) -> str:
    if not stats:
        return f"no cache under {root}"
    lines = [f"caches under {root}", f"{'cache':<48} {'entries':>11} {'on disk':>10}  notes"]
    for s in stats:
        notes = []
        if s.model:
            notes.append(f"model {s.model}")
        if s.writes > s.entries:
            notes.append(f"{s.writes - s.entries:,} write(s) of a key already stored")
        if s.legacy_shards:
            notes.append(
                f"{s.legacy_shards:,} Parquet shard(s) of the old layout: imported at next use"
            )
        lines.append(
            f"{s.name:<48} {s.entries:>11,} {human_bytes(s.bytes):>10}  {'; '.join(notes)}".rstrip()
        )
        for value, n in s.groups.items():
            lines.append(f"  {s.group_column} {value:<{max(1, 44 - len(s.group_column))}} {n:>10,}")
    total = sum(s.bytes for s in stats)
    lines.append(f"{'total':<48} {sum(s.entries for s in stats):>11,} {human_bytes(total):>10}")
    return "\n".join(lines)


def compact(root: Path) -> list[tuple[str, int, int]]:
    """VACUUM and checkpoint every cache; (name, bytes before, bytes after) for each."""
    caches, _ = cache_directories(root)
    done = []
    with tqdm(total=len(caches), desc="compacting caches", unit="cache") as bar:
        for directory in caches:
            name = _name(directory, root)
            bar.set_postfix_str(name)
            with KeyValueCache.open(directory) as cache:
                before = cache.size_bytes()
                cache.compact(progress=bar.refresh)
                done.append((name, before, cache.size_bytes()))
            bar.update()
    return done


@dataclass
class PruneTarget:
    name: str
    entries: int
    whole: bool  # the whole cache directory is the model's (an embedding namespace)


def prune_targets(root: Path, model: str) -> list[PruneTarget]:
    """What ``prune --model`` deletes: the model's rows of caches keyed per row by model, and
    the caches that belong to the model as a whole. Raises CacheError naming the models known
    when nothing matches."""
    caches, _ = cache_directories(root)
    targets, known = [], set()
    for directory in caches:
        with KeyValueCache.open(directory) as cache:
            name = _name(directory, root)
            if cache.model is not None:
                known.add(cache.model)
                if cache.model == model:
                    targets.append(PruneTarget(name, cache.count(), whole=True))
            elif cache.model_column is not None:
                per_model = cache.groups() if cache.group_column == cache.model_column else {}
                known.update(per_model)
                if per_model.get(model):
                    targets.append(PruneTarget(name, per_model[model], whole=False))
    if not targets:
        listing = ", ".join(sorted(known)) or "none"
        raise CacheError(f"no cache entry of the model {model!r} under {root} (models: {listing})")
    return targets


def prune(root: Path, model: str, targets: list[PruneTarget]) -> None:
    for target in targets:
        directory = root / target.name
        if target.whole:
            KeyValueCache.open(directory).drop()
            continue
        with (
            KeyValueCache.open(directory) as cache,
            tqdm(total=target.entries, desc=f"deleting from {target.name}", unit="row") as bar,
        ):
            for deleted in cache.delete_where(cache.model_column, model):
                bar.update(deleted)
