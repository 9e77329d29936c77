"""Plain string work on problem and response text that every stage shares (no stage imports)."""
