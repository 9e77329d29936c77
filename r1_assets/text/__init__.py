"""Text helpers several stages share, below all of them: final-answer extraction, language
identification, the 1-5 rating in a model's short answer, and markdown tables (the Dagster UI's
metadata and the dataset card)."""
