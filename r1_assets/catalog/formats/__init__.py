"""Record formats: how one row of each real dataset maps onto the canonical problem schema.

Each format names the columns it reads by *role* (``problem``, ``answer``, ``id``…) with the
dataset's own column names as defaults; a catalog entry can rename any role with ``fields:``.
A row that cannot be mapped raises :class:`RowError` with a quarantine reason code and the column.
One module per format family, each parser beside its column map; this module assembles them.
"""

from __future__ import annotations

from r1_assets.catalog.formats.am import AM_DISTILLED
from r1_assets.catalog.formats.code import APPS, CODE_CONTESTS, CODEFORCES, HUMANEVAL, MBPP
from r1_assets.catalog.formats.common import ParsedProblem, RecordFormat, io_tests
from r1_assets.catalog.formats.general import GENERIC, NATURAL_REASONING, OPENORCA
from r1_assets.catalog.formats.math import GSM8K, MATH, NUMINA_MATH, OPENR1_MATH
from r1_assets.catalog.kernel import Row, RowError, registry

FORMATS: dict[str, RecordFormat] = registry(
    NUMINA_MATH,
    OPENR1_MATH,
    AM_DISTILLED,
    APPS,
    CODE_CONTESTS,
    CODEFORCES,
    OPENORCA,
    NATURAL_REASONING,
    MATH,
    GSM8K,
    HUMANEVAL,
    MBPP,
    GENERIC,
)

__all__ = ["FORMATS", "ParsedProblem", "RecordFormat", "Row", "RowError", "io_tests"]
