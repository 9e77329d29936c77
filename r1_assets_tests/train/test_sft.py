"""SFT on the embedded SmolLM2: label masking, truncation, packing, and real (tiny) runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml

from r1_assets import settings as project_settings
from r1_assets.llm.models import ensure_default_model
from r1_assets.train.batches import collate, pack
from r1_assets.train.encode import (
    IGNORE,
    ChatTemplateError,
    Example,
    assistant_text,
    encode_example,
    encode_rows,
    tokenize_with_prompt,
)
from r1_assets.train.settings import SFTSettings, load_settings
from r1_assets.train.trainer import train
from r1_assets.verify.verdicts import am_messages
from r1_assets_tests.conftest import MODELS_DIR, REAL_ROWS, write_jsonl

CONFIGS = project_settings.PROJECT_ROOT / "configs"


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def base_model() -> Path:
    return ensure_default_model(MODELS_DIR)


@pytest.fixture(scope="module")
def tokenizer(base_model: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(base_model)


def am_row(problem: str, think: str, answer: str) -> dict:
    """A row as verified_set/sft_dataset export it (AM-DeepSeek-R1-Distilled shape)."""
    return {"messages": am_messages({"source": "test", "problem": problem, "think": think,
                                     "answer": answer})}  # fmt: skip


def gsm8k_rows() -> list[dict]:
    """Real GSM8K problems with their real worked solutions as the reasoning."""
    rows = []
    for line in (REAL_ROWS / "gsm8k_train.jsonl").read_text().splitlines():
        item = json.loads(line)
        work, final = item["answer"].split("####")
        rows.append(am_row(item["question"], work, f"The answer is \\boxed{{{final.strip()}}}."))
    return rows


SHORT_ROWS = [
    am_row("What is 2+3?", "2 plus 3 is 5.", "\\boxed{5}"),
    am_row("What is 4*6?", "4 times 6 is 24.", "\\boxed{24}"),
    am_row("Name a prime above 10.", "11 has no divisors but 1 and 11.", "\\boxed{11}"),
    am_row("What is 9-4?", "Take 4 from 9, leaving 5.", "\\boxed{5}"),
]


def labelled(example: Example) -> list[int]:
    pairs = zip(example.input_ids, example.labels, strict=True)
    return [token for token, label in pairs if label != IGNORE]


# --- formatting and masking ---------------------------------------------------------------------


def test_assistant_turn_is_think_then_answer() -> None:
    message = gsm8k_rows()[0]["messages"][1]
    assert message["content"].startswith("<think>\n") and "<answer>" in message["content"]
    text = assistant_text(message)
    assert text.startswith("<think>\nNatalia sold 48/2")
    assert text.endswith("</think>\n\nThe answer is \\boxed{72}.")
    # without info, the same turn is parsed from the AM content
    assert assistant_text({"role": "assistant", "content": message["content"]}) == text
    # content without a think block is trained as it is
    assert assistant_text({"role": "assistant", "content": " plain "}) == "plain"


def test_only_assistant_tokens_carry_labels(tokenizer) -> None:
    messages = gsm8k_rows()[0]["messages"]
    example, reason = encode_example(tokenizer, messages, max_length=1024, overlong="drop")
    assert reason is None and example is not None and not example.truncated
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": messages[0]["content"]}],
        tokenize=False,
        add_generation_prompt=True,
    )
    n_prompt = len(tokenizer(prompt, add_special_tokens=False)["input_ids"])
    assert example.labels[:n_prompt] == [IGNORE] * n_prompt
    # one contiguous labelled span, and the labels are the tokens themselves
    first = n_prompt
    last = max(i for i, label in enumerate(example.labels) if label != IGNORE)
    assert all(label != IGNORE for label in example.labels[first : last + 1])
    assert example.labels[first : last + 1] == example.input_ids[first : last + 1]
    text = tokenizer.decode(labelled(example))
    assert text.startswith("<think>\nNatalia sold")
    assert "</think>\n\nThe answer is \\boxed{72}." in text
    # think + answer + end-of-turn, and nothing after it (the template's trailing newline)
    assert text == assistant_text(messages[1]) + tokenizer.eos_token
    assert tokenizer.decode(example.input_ids[last + 1 :]) == "\n"


def test_offsets_fallback_when_bpe_merges_across_the_prompt(tokenizer) -> None:
    # "hel" + "lo": the prompt alone ends in token "hel", the conversation has "hello"
    ids, start, method = tokenize_with_prompt(tokenizer, "assistant\nhel", "assistant\nhello")
    assert method == "offsets"
    assert tokenizer.decode(ids[start:]) == "hello"  # the merged token counts as the assistant's
    ids, start, method = tokenize_with_prompt(tokenizer, "assistant\n", "assistant\nhello")
    assert method == "prefix" and tokenizer.decode(ids[start:]) == "hello"
    with pytest.raises(ChatTemplateError, match="differently"):
        tokenize_with_prompt(tokenizer, "user\nhi", "user\nho\nassistant\nhello")


def test_truncation_and_skips_are_counted(tokenizer) -> None:
    rows = [
        *gsm8k_rows()[:2],  # ~160 tokens each: truncated, answer start kept
        am_row("word " * 400, "short", "\\boxed{1}"),  # the prompt alone fills max_length
        {"messages": [{"role": "user", "content": "no answer"}]},
        {"messages": []},
        SHORT_ROWS[0],
    ]
    examples, stats = encode_rows(tokenizer, rows, max_length=120, overlong="truncate")
    assert stats.rows == 6 and stats.kept == 3 and stats.truncated == 2
    assert stats.skipped == {"no_assistant_token_after_truncation": 1, "no_assistant_turn": 2}
    assert all(len(e.input_ids) <= 120 for e in examples)
    truncated = examples[0]
    assert truncated.truncated and len(truncated.input_ids) == 120
    assert tokenizer.decode(labelled(truncated)).startswith("<think>")
    assert tokenizer.eos_token_id not in labelled(truncated)  # the end was cut
    # dropped instead (the default): only the example that fits is left, whole
    kept, stats = encode_rows(tokenizer, rows, max_length=120, overlong="drop")
    assert stats.kept == 1 and stats.truncated == 0
    assert stats.skipped == {"longer_than_max_length": 3, "no_assistant_turn": 2}
    assert tokenizer.eos_token_id in labelled(kept[0])
    assert SFTSettings().overlong == "drop"


def test_empty_training_sets_and_missing_model_fail_clearly(base_model: Path, tmp_path) -> None:
    settings = SFTSettings(max_length=64)
    with pytest.raises(ValueError, match="training set is empty after reading"):
        train(str(base_model), [], settings, tmp_path / "out")
    prompt_only = [am_row("word " * 200, "x", "y")]
    with pytest.raises(ValueError, match=r"empty after tokenization.*longer_than_max_length"):
        train(str(base_model), prompt_only, settings, tmp_path / "out")
    truncating = SFTSettings(max_length=64, overlong="truncate")
    with pytest.raises(ValueError, match=r"training set is empty after tokenization.*truncation"):
        train(str(base_model), prompt_only, truncating, tmp_path / "out")
    missing = tmp_path / "no-such-model"
    with pytest.raises(FileNotFoundError, match=str(missing)):
        train(str(missing), SHORT_ROWS, settings, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_launch_accelerate_did_not_see_fails_before_training(base_model, tmp_path, monkeypatch):
    """torchrun on a CPU machine without ACCELERATE_USE_CPU: every process would train alone and
    all would write one folder."""
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(RuntimeError, match="ACCELERATE_USE_CPU"):
        train(str(base_model), SHORT_ROWS, SFTSettings(max_length=64), tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- packing and batching -----------------------------------------------------------------------


def synthetic(lengths: list[int]) -> list[Example]:
    examples, token = [], 0
    for n in lengths:
        ids = list(range(token, token + n))  # every token unique: a lost or doubled one shows
        token += n
        examples.append(Example(ids, [IGNORE] * (n // 2) + ids[n // 2 :], False))
    return examples


def test_packing_blocks_fit_and_keep_every_example_once() -> None:
    lengths = [50, 10, 64, 33, 31, 7, 1, 60, 2, 40, 24, 12]
    examples = synthetic(lengths)
    blocks = pack(examples, max_length=64)
    assert all(len(b.input_ids) <= 64 for b in blocks)
    assert len(blocks) <= -(-sum(lengths) // 64) + 1  # best fit: at most one above the minimum
    assert sorted(i for b in blocks for i in b.members) == list(range(len(examples)))
    for block in blocks:
        assert len(block.input_ids) == len(block.labels) == len(block.position_ids)
        offset = 0
        for i in block.members:
            n = len(examples[i].input_ids)
            assert block.input_ids[offset : offset + n] == examples[i].input_ids
            assert block.position_ids[offset : offset + n] == list(range(n))  # restart per example
            assert block.labels[offset] == IGNORE  # never predicted from the previous example
            assert block.labels[offset + 1 : offset + n] == examples[i].labels[1:]
            offset += n
    all_tokens = sorted(t for b in blocks for t in b.input_ids)
    assert all_tokens == list(range(sum(lengths)))
    with pytest.raises(ValueError, match="more than max_length"):
        pack(synthetic([65]), max_length=64)


def test_collate_pads_right_and_packed_batches_have_no_attention_mask() -> None:
    blocks = pack(synthetic([5, 3, 6]), max_length=8)
    batch = collate(blocks, pad_id=0)
    assert "attention_mask" not in batch and batch["input_ids"].shape == (2, 8)
    short = 1 if len(blocks[1].input_ids) < 8 else 0
    pad = 8 - len(blocks[short].input_ids)
    assert batch["labels"][short, -pad:].tolist() == [IGNORE] * pad
    assert batch["position_ids"][short, -pad:].tolist() == list(range(pad))  # a segment of its own
    plain = collate(synthetic([2, 4]), pad_id=7)
    assert plain["attention_mask"].tolist() == [[1, 1, 0, 0], [1, 1, 1, 1]]
    assert plain["input_ids"][0, 2:].tolist() == [7, 7]
    assert plain["labels"][0, 2:].tolist() == [IGNORE, IGNORE]


def test_packed_attention_does_not_cross_examples(base_model: Path, tokenizer) -> None:
    """The claim packing rests on: position_ids alone (no attention mask) keep transformers'
    attention inside each example, so a packed batch (two blocks, one padded) gives every example
    the logits it gets alone."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(base_model, dtype=torch.float32).eval()
    examples, _ = encode_rows(tokenizer, SHORT_ROWS[:3], max_length=128, overlong="drop")
    blocks = pack(examples, max_length=2 * max(len(e.input_ids) for e in examples))
    assert [len(b.members) for b in blocks] == [2, 1]
    with torch.no_grad():
        packed = collate(blocks, tokenizer.pad_token_id)
        packed_logits = model(**packed, use_cache=False).logits
        for row, block in enumerate(blocks):
            offset = 0
            for i in block.members:
                alone = model(**collate([examples[i]], tokenizer.pad_token_id), use_cache=False)
                n = len(examples[i].input_ids)
                got = packed_logits[row, offset : offset + n]
                assert torch.allclose(alone.logits[0], got, atol=1e-3)
                offset += n
        # the control: without position_ids the second example sees the first
        crossing = model(input_ids=packed["input_ids"][:1], use_cache=False).logits[0]
        first = len(examples[blocks[0].members[0]].input_ids)
        assert (crossing[first:] - packed_logits[0, first : len(crossing)]).abs().max() > 1.0


# --- settings and shipped configs ---------------------------------------------------------------


def test_settings_from_yaml_and_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("learning_rate: 1e-4\nmax_steps: 2\npacking: true\n")  # 1e-4: a YAML string
    settings = load_settings(path)
    assert settings.learning_rate == 1e-4 and settings.max_steps == 2 and settings.packing
    assert settings.fingerprint() == SFTSettings(learning_rate=1e-4, max_steps=2, packing=True,
                                                 threads=2).fingerprint()  # fmt: skip
    assert settings.fingerprint() != SFTSettings(learning_rate=1e-4, max_steps=3).fingerprint()
    path.write_text("learning_rat: 1e-4\n")
    with pytest.raises(ValueError, match=r"unknown SFT settings \['learning_rat'\]"):
        load_settings(path)
    path.write_text("max_length: 0\nlearning_rate: fast\n")
    with pytest.raises(ValueError) as error:
        load_settings(path)
    assert "\n" not in str(error.value)  # one line, naming each field
    assert "SFT setting max_length: Input should be greater than or equal to 1" in str(error.value)
    assert "SFT setting learning_rate:" in str(error.value)
    with pytest.raises(ValueError, match="grad_accum"):
        SFTSettings(grad_accum=0)
    with pytest.raises(ValueError, match="batch_size 1"):
        SFTSettings(packing=True, batch_size=2, attn_implementation="flash_attention_2")


def test_fingerprint_is_pinned() -> None:
    """Part of every trained checkpoint's key: how the settings are declared must not move it."""
    assert SFTSettings().fingerprint() == (
        "4445bac17f836fb5a605ed55c8763fce7af5e6cad9ae8b20d0a26140a8fa8794"  # with `overlong`
    )
    other = SFTSettings(
        learning_rate=1e-4,
        max_steps=2,
        max_length=256,
        packing=True,
        attn_implementation="sdpa",
        max_grad_norm=None,
    )
    assert other.fingerprint() == (
        "a9d96456c5a916e3df186637fa60587986fd43ddde79a1e6cbc4b6b2d4e9137f"
    )


def test_shipped_configs_load() -> None:
    from accelerate.commands.config.config_args import load_config_from_file

    accelerate_config = load_config_from_file(str(CONFIGS / "accelerate_multi_gpu.yaml"))
    assert accelerate_config.num_processes == 8
    assert accelerate_config.mixed_precision == "bf16"
    production = load_settings(CONFIGS / "sft_production.yaml")
    assert production.packing and production.max_length == 32768


# --- real runs ----------------------------------------------------------------------------------

# one thread: the machine is shared, and oversubscribed torch threads slow every test down
# truncation, not the default drop: the run also shows a cut example trains without its end
RUN = SFTSettings(
    learning_rate=1e-4, max_steps=2, max_length=128, overlong="truncate", threads=1, seed=3
)


@pytest.fixture(scope="module")
def run(base_model: Path, tmp_path_factory):
    rows = [*SHORT_ROWS, gsm8k_rows()[0]]  # the GSM8K row is truncated at 128 tokens
    output = tmp_path_factory.mktemp("sft") / "student"
    steps: list[dict] = []
    result = train(str(base_model), rows, RUN, output, on_step=steps.append)
    return rows, result, steps


def test_two_real_steps_write_a_loadable_checkpoint(run, tokenizer) -> None:
    from transformers import AutoModelForCausalLM

    _, result, steps = run
    assert result.steps == 2 and len(result.losses) == 2
    assert all(0 < loss < 20 for loss in result.losses)
    assert result.trained_examples == 5 and result.truncated == 1 and result.skipped == {}
    log = [json.loads(line) for line in result.log_path.read_text().splitlines()]
    assert log == steps and [r["step"] for r in log] == [1, 2]
    assert [r["loss"] for r in log] == result.losses
    assert log[0]["learning_rate"] == pytest.approx(1e-4)  # no warmup, then linear decay
    assert log[1]["learning_rate"] == pytest.approx(5e-5)
    assert all(r["tokens"] > r["label_tokens"] > 0 and r["seconds"] > 0 for r in log)
    summary = json.loads(result.summary_path.read_text())
    assert summary["done"] is True and summary["steps"] == 2
    assert summary["settings_fingerprint"] == RUN.fingerprint()
    assert summary["final_loss"] == result.losses[-1]
    assert not (result.output_dir.parent / ".student.partial").exists()

    model = AutoModelForCausalLM.from_pretrained(result.output_dir, dtype=torch.float32)
    assert model.config.use_cache
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "What is 2+3?"}], tokenize=False, add_generation_prompt=True
    )
    inputs = tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
    with torch.no_grad():
        out = model.generate(**inputs, max_new_tokens=4, do_sample=False)
    assert out.shape[1] > inputs["input_ids"].shape[1]
    assert tokenizer.decode(out[0, inputs["input_ids"].shape[1] :]).strip()


def test_cli_trains_the_same_run_from_jsonl(run, base_model: Path, tmp_path: Path) -> None:
    """The CLI on the JSONL export, in a fresh process: same seed, same losses (determinism)."""
    rows, result, _ = run
    dataset = write_jsonl(tmp_path / "train.jsonl", rows)
    config = tmp_path / "sft.yaml"
    config.write_text(yaml.safe_dump(RUN.model_dump()))
    output = tmp_path / "cli-student"
    stale = tmp_path / ".cli-student.partial"
    stale.mkdir()
    (stale / "config.json").write_text("{}")  # what a killed run leaves: removed, never used
    done = subprocess.run(
        [sys.executable, "-m", "r1_assets.train.sft", "--dataset", str(dataset),
         "--base-model", str(base_model), "--output", str(output), "--config", str(config)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "step 2/2" in done.stdout
    summary = json.loads((output / "train_summary.json").read_text())
    assert summary["done"] is True and not stale.exists()
    log = (output / "train_log.jsonl").read_text().splitlines()
    cli_losses = [json.loads(line)["loss"] for line in log]
    assert cli_losses == result.losses  # bit-identical: same seed, order and thread count
    assert (output / "model.safetensors").exists() and (output / "tokenizer.json").exists()
