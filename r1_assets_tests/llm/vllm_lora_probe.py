"""Load a LoRA adapter folder with the vLLM engine in its own process (vLLM's workers need a
main-guarded entry point) and print, as JSON, the greedy answer through the adapter and, from the
same engine, without it. Used by test_vllm.py."""

import json
import sys

from r1_assets.llm.backends.vllm import VLLMEngine
from r1_assets.llm.types import Request, Sampling, user

if __name__ == "__main__":
    engine = VLLMEngine(sys.argv[1], max_model_len=512)
    request = Request(user("What is 2+3?", prefill="<think>\n"), Sampling(0.0, 1.0, 12))
    [adapted] = engine.generate([request])
    lora, engine.lora = engine.lora, None  # the same engine, the base weights alone
    [base] = engine.generate([request])
    print(
        "REPORT " + json.dumps({"lora": lora.lora_path, "adapted": adapted.text, "base": base.text})
    )
