"""Deduplication logic: embeddings and their cache, the number guard, pool decisions."""
