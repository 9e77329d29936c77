"""Running the asset graph from the command line: the plan, the instance, the runs."""
