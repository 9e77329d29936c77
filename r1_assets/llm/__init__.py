"""One LLM interface (chat messages in, samples out) over vLLM, OpenAI-compatible servers and
transformers, with a content-addressed request cache shared by every asset that calls an LLM."""
