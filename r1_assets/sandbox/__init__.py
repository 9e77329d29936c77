"""A bubblewrap sandbox that runs untrusted model-written programs against test cases."""
