"""Shared constants and small text helpers of the demo source generator, and the reader of
its data files."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "data" / "sources"
UUID_NS = uuid.UUID("5f0c3a52-8d1e-4b6a-9a51-2d7c1e0b9f43")
OVERSIZE_LIMIT = 32_000
SIZE_BUDGET = 400 * 1024

Json = dict[str, Any]
Params = tuple[Any, ...]


def norm(text: str) -> str:
    """Lower-case and collapse whitespace: the key under which two texts are exact dups."""
    return " ".join(text.lower().split())


def perturb(text: str, mode: str | None) -> str:
    """Apply a whitespace-, line-break- or case-only change to ``text``."""
    if mode is None:
        return text
    if mode == "ws":
        head, _, tail = text.partition(" ")
        out = f"{head}  {tail}".replace("\n\n\n", "\n\n") + "\n"
    elif mode == "lines":
        out = re.sub(r"([.?!]) (?=[A-Z$])", "\\1\n", text)
    elif mode == "case":
        if "\\" in text:
            raise ValueError("case perturbation would alter LaTeX commands")
        out = text.lower()
    else:
        raise ValueError(mode)
    assert out != text and norm(out) == norm(text), (mode, text)
    return out


def tex_num(value: Fraction | int) -> str:
    """Render an exact rational as an integer or a LaTeX fraction."""
    v = Fraction(value)
    if v.denominator == 1:
        return str(v.numerator)
    sign = "-" if v < 0 else ""
    return f"{sign}\\frac{{{abs(v.numerator)}}}{{{v.denominator}}}"


def sig3(x: float) -> str:
    """Format ``x`` with three significant figures, keeping trailing zeros."""
    out = f"{x:#.3g}"
    assert "e" not in out, x
    return out.rstrip(".")


def factorize(n: int) -> list[tuple[int, int]]:
    """Prime factorization as (prime, exponent) pairs."""
    out: list[tuple[int, int]] = []
    p = 2
    while p * p <= n:
        e = 0
        while n % p == 0:
            n //= p
            e += 1
        if e:
            out.append((p, e))
        p += 1
    if n > 1:
        out.append((n, 1))
    return out


def factor_tex(n: int) -> str:
    """LaTeX prime factorization, e.g. ``2^{3} \\cdot 3^{2} \\cdot 5``."""
    parts = [f"{p}^{{{e}}}" if e > 1 else str(p) for p, e in factorize(n)]
    return " \\cdot ".join(parts)


def ordinal(n: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 20th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def lower_first(s: str) -> str:
    """Lower-case the first character unless it starts math or a number."""
    return s[0].lower() + s[1:] if s[:1].isalpha() and not s[:2].isupper() else s


def stable_uuid(key: str) -> str:
    """A fixed uuid-looking string derived from ``key``."""
    return str(uuid.uuid5(UUID_NS, key))


def hex_id(key: str, n: int = 24) -> str:
    """Deterministic hex id (codewars-like kata ids)."""
    return hashlib.sha256(key.encode()).hexdigest()[:n]


def dumps(obj: Any) -> str:
    """Compact-ish JSON the way the public JSONL dumps look."""
    return json.dumps(obj, ensure_ascii=False)


DATA = Path(__file__).resolve().parent / "data"


def load_data(name: str) -> Any:
    """A YAML file of ``data/`` (task texts, row plans)."""
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def row_plan(source: str) -> list[tuple[Any, ...]]:
    """The rows planned for a source, in file order; nested lists (params) become tuples."""
    return [
        tuple(tuple(x) if isinstance(x, list) else x for x in row)
        for row in load_data(f"rows/{source}.yaml")
    ]


def write_jsonl(path: Path, lines: list[str]) -> None:
    """Write raw JSONL lines (LF endings, UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="")
