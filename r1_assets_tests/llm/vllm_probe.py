"""Run the vLLM engine in its own process (vLLM's workers need a main-guarded entry point) and
print what it generated as JSON. Used by test_vllm.py."""

import json
import sys

from r1_assets.llm.types import Request, Sampling, user
from r1_assets.resources import LLMResource

if __name__ == "__main__":
    models_dir, cache_dir = sys.argv[1], sys.argv[2]
    llm = LLMResource(backend="vllm", models_dir=models_dir, cache_dir=cache_dir)
    requests = [
        Request(user("What is 2+3?", prefill="<think>\n"), Sampling(max_tokens=24), 0),
        Request(user("What is 2+3?", prefill="<think>\n"), Sampling(max_tokens=24), 1),
        Request(user("Count from one to fifty."), Sampling(temperature=0.0, max_tokens=8)),
    ]
    completions, stats = llm.generate(requests)
    again, stats_again = llm.generate(requests)
    print(  # vLLM logs to stdout too: the report is the line that starts with REPORT
        "REPORT "
        + json.dumps(
            {
                "engine": type(llm.engine()).__name__,
                "completions": [c.__dict__ for c in completions],
                "first": stats.as_metadata(),
                "again": stats_again.as_metadata(),
            }
        )
    )
