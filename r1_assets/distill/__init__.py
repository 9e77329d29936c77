"""DeepSeek-R1-style distillation: teacher samples for the selected problems, beside the
reasoning chains the sources shipped, in one table."""
