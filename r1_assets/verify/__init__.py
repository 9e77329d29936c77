"""Rejection sampling: rule, verifier and model checks on distilled responses."""
