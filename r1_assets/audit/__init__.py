"""Contamination audit: which training-bound rows overlap a benchmark's items, and how.

``overlap`` holds the matcher (word n-grams over LaTeX/whitespace-robust tokens, plus an optional
embedding search with the number guard); the contamination_report asset joins its hits to lineage.
"""
