"""The asset keys of the graph, named once: asset modules take the keys of the stages they read
from here, never from each other's modules."""

import dagster as dg

RAW_PROBLEMS = dg.AssetKey("raw_problems")
RAW_QUARANTINE = dg.AssetKey("raw_problems_quarantine")
PROBLEM_EMBEDDINGS = dg.AssetKey("problem_embeddings")
DEDUPED_POOL = dg.AssetKey("deduped_pool")
DEDUP_PAIRS = dg.AssetKey("dedup_pairs")
PROBLEM_LABELS = dg.AssetKey("problem_labels")
DISTILLED_RESPONSES = dg.AssetKey("distilled_responses")
RESPONSE_VERDICTS = dg.AssetKey("response_verdicts")
VERIFIED_SET = dg.AssetKey("verified_set")
REJECTED_RESPONSES = dg.AssetKey("rejected_responses")
PROBLEM_PASS_RATES = dg.AssetKey("problem_pass_rates")
SFT_DATASET = dg.AssetKey("sft_dataset")
TRAINED_MODEL = dg.AssetKey("trained_model")
EVAL_SCORES = dg.AssetKey("eval_scores")
EVAL_SAMPLES = dg.AssetKey("eval_samples")
EVAL_REPORT = dg.AssetKey("eval_report")
CONTAMINATION_REPORT = dg.AssetKey("contamination_report")
