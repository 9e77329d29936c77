"""Training students on the distilled set: supervised fine-tuning of a causal LM on
AM-DeepSeek-R1-Distilled rows, with the loss on the assistant's reasoning and answer only.

``settings`` (what a run is configured with), ``encode`` (rows to token ids and labels),
``batches`` (packing and collation), ``trainer`` (the run on transformers' Trainer, with
``hf_trainer``'s dataset, subclass and callback), ``plan`` (the dry-run), ``output`` (the run's
folder, its resumable checkpoints) and ``sft`` (the command line). Plain typed functions over
rows and folders, no Dagster: the ``trained_model`` asset wraps them, and ``python -m
r1_assets.train.sft`` (or ``accelerate launch -m r1_assets.train.sft``) runs the same code on a
JSONL export, on CPU here or on GPUs in production.
"""
