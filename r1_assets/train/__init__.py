"""Training students on the distilled set: supervised fine-tuning of a causal LM on
AM-DeepSeek-R1-Distilled rows, with the loss on the assistant's reasoning and answer only.

``settings`` (what a run is configured with), ``encode`` (rows to token ids and labels),
``batches`` (packing and batching), ``trainer`` (the loop), ``output`` (the run's folder) and
``sft`` (the command line). Plain typed functions over rows and folders, no Dagster: the
``trained_model`` asset wraps them, and ``python -m r1_assets.train.sft`` (or ``accelerate launch
-m r1_assets.train.sft``) runs the same code on a JSONL export, on CPU here or on GPUs in
production.
"""
