"""The deterministic demo source generator: one builder module per source format, the task texts
and row plans in ``data/``, and the math/science/code families that compute their answers.

Run it through ``scripts/make_demo_sources.py``.
"""
