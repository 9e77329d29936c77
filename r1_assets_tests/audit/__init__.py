"""The contamination matcher between benchmark items and training rows."""
