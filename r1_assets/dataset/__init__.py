"""The SFT dataset: the training mixture across sources, and its export with a dataset card."""
