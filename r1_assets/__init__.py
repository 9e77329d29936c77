"""r1-assets: a Dagster code location that builds distilled reasoning datasets."""
