"""The benchmark catalog (``benchmarks.yaml``) and one loader per real benchmark format.

Read by the catalog kernel (:mod:`r1_assets.catalog.kernel`) like the source catalog: one YAML
entry per benchmark, validated with pydantic; a file that cannot be parsed at all stops with one
error naming the file, entry and field, while an entry with a usable name but broken fields becomes
an :class:`~r1_assets.catalog.kernel.InvalidEntry` that loads as a single ``invalid_catalog_entry``
quarantine row, so one typo does not take every other benchmark down.

Every format maps its real rows onto one item schema, :data:`ITEM_SCHEMA`: the exact user prompt to
send, the reference (an answer string, or the correct letter for multiple choice), the options,
runnable test cases and the scorer. A row that cannot be scored is quarantined with a reason code
(:data:`QUARANTINE_REASONS`), never dropped: an item without a reference answer would otherwise
count as a wrong answer, a silent zero. A benchmark whose file is missing loads as one
``source_missing`` row and :attr:`BenchmarkLoad.skip_reason` says why it was skipped.

One module per format family (:mod:`.math`, :mod:`.gpqa`, :mod:`.livecodebench`), each parser
beside its column map; :mod:`.catalog` holds the registry and the entry model, :mod:`.loading`
the reading.
"""

from r1_assets.evaluate.benchmarks.catalog import (
    FORMATS,
    BenchmarkCatalog,
    BenchmarkSpec,
    PublishedScores,
    load_benchmark_catalog,
)
from r1_assets.evaluate.benchmarks.gpqa import gpqa_order
from r1_assets.evaluate.benchmarks.items import (
    CHOICE_LETTERS,
    ITEM_SCHEMA,
    QUARANTINE_REASONS,
    QUARANTINE_SCHEMA,
    SCORERS,
    BenchmarkFormat,
)
from r1_assets.evaluate.benchmarks.loading import BenchmarkLoad, load_benchmark, map_rows

__all__ = [
    "CHOICE_LETTERS",
    "FORMATS",
    "ITEM_SCHEMA",
    "QUARANTINE_REASONS",
    "QUARANTINE_SCHEMA",
    "SCORERS",
    "BenchmarkCatalog",
    "BenchmarkFormat",
    "BenchmarkLoad",
    "BenchmarkSpec",
    "PublishedScores",
    "gpqa_order",
    "load_benchmark",
    "load_benchmark_catalog",
    "map_rows",
]
