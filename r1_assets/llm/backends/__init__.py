"""The LLM backends, one module each, behind the interface of ``r1_assets.llm.engines``."""
