"""Evaluating models on reasoning benchmarks: the benchmark catalog, per-sample scoring and the
metrics DeepSeek-R1 reports (pass@1 as the mean over k samples, pass@k, cons@k by majority vote,
with bootstrap confidence intervals over problems).

- :mod:`r1_assets.evaluate.benchmarks`: ``benchmarks.yaml`` and one loader per real benchmark
  format (MATH-500, AIME, GPQA, LiveCodeBench) onto one item schema (``ITEM_SCHEMA``), with a
  quarantine of items that cannot be scored.
- :mod:`r1_assets.evaluate.scoring`: answer extraction and per-sample verdicts (math-verify, the
  code sandbox, or the choice letter), and the answer equivalence majority voting uses.
- :mod:`r1_assets.evaluate.metrics`: plain functions over scored samples.

Nothing here imports Dagster: the ``eval_scores`` asset is a thin wrapper around these functions.
"""
