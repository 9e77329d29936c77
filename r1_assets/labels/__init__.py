"""Selection labels (difficulty, category, quality, language, ground truth) and the policy that
decides which problems go on to distillation."""
