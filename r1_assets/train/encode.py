"""AM rows as token ids and labels: the chat formatting and the assistant-only label mask.

Each row's final assistant turn is trained as ``<think>\\n{think}\\n</think>\\n\\n{answer}`` (the
DeepSeek-R1-Distill format: reasoning inside the think block, the answer after it) and rendered
with the student tokenizer's own chat template. The loss covers the assistant tokens only: the
rendered prompt (system/user turns and the assistant header) and padding are labelled -100.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

IGNORE = -100  # the label torch's cross-entropy skips


class ChatTemplateError(ValueError):
    """The tokenizer's chat template does not render the prompt as a prefix of the conversation,
    so the assistant's tokens cannot be told apart from the prompt's."""


def assistant_text(message: dict) -> str:
    """An AM assistant turn as the student learns it: ``<think>\\n…\\n</think>\\n\\n{answer}``.
    think/answer come from info (the AM export fills them); a row without them is parsed from
    its content (``<think>…</think>`` then optional ``<answer>…</answer>``); content without a
    think block is trained as it is."""
    info = message.get("info") or {}
    think, answer = info.get("think_content"), info.get("answer_content")
    if think is None and answer is None:
        think, answer = _split_content(message.get("content") or "")
    if think is None:
        return answer or ""
    return f"<think>\n{think.strip()}\n</think>\n\n{(answer or '').strip()}"


_THINK = re.compile(r"^\s*<think>(.*?)</think>(.*)$", re.DOTALL)
_ANSWER = re.compile(r"^\s*<answer>(.*?)</answer>\s*$", re.DOTALL)


def _split_content(content: str) -> tuple[str | None, str]:
    match = _THINK.match(content)
    if not match:
        return None, content.strip()
    think, rest = match.group(1).strip(), match.group(2)
    answer = _ANSWER.match(rest)
    return think, (answer.group(1) if answer else rest).strip()


def training_conversation(messages: Sequence[dict]) -> list[dict[str, str]] | None:
    """role/content turns ending with the assistant turn to learn, or None when the row has
    no final assistant turn with text. Earlier assistant turns keep only their answer: R1-style
    chat history carries no reasoning."""
    if not messages or (messages[-1] or {}).get("role") != "assistant":
        return None
    turns = []
    for message in messages[:-1]:
        content = message.get("content") or ""
        if message.get("role") == "assistant":
            content = _split_content(content)[1]
        turns.append({"role": message["role"], "content": content})
    target = assistant_text(messages[-1])
    if not target.strip():
        return None
    return [*turns, {"role": "assistant", "content": target}]


def tokenize_with_prompt(
    tokenizer: PreTrainedTokenizerBase, prompt_text: str, full_text: str
) -> tuple[list[int], int, str]:
    """Token ids of ``full_text`` and the index of its first assistant token, with the method
    that found it: ``prefix`` when the prompt's own tokens are a token-prefix of the full
    rendering (the usual case), ``offsets`` when BPE merged across the boundary and the split
    comes from character offsets (the first token carrying any character past the prompt)."""
    if not full_text.startswith(prompt_text):
        raise ChatTemplateError(
            "the chat template renders the prompt (add_generation_prompt=True) differently from "
            "the start of the full conversation, so the assistant's tokens cannot be found; "
            f"prompt ends {prompt_text[-80:]!r}, conversation has "
            f"{full_text[len(prompt_text) - 80 : len(prompt_text) + 40]!r}"
        )
    full = tokenizer(full_text, add_special_tokens=False)["input_ids"]
    prompt = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
    if full[: len(prompt)] == prompt:
        return full, len(prompt), "prefix"
    if not getattr(tokenizer, "is_fast", False):
        raise ChatTemplateError(
            "the prompt's tokens are not a prefix of the conversation's and this slow "
            "tokenizer has no character offsets to split them by"
        )
    encoded = tokenizer(full_text, add_special_tokens=False, return_offsets_mapping=True)
    boundary = len(prompt_text)
    for index, (_, end) in enumerate(encoded["offset_mapping"]):
        if end > boundary:
            return encoded["input_ids"], index, "offsets"
    return encoded["input_ids"], len(encoded["input_ids"]), "offsets"


@dataclass(frozen=True)
class Example:
    input_ids: list[int]
    labels: list[int]  # IGNORE outside the assistant turn
    truncated: bool


def encode_example(
    tokenizer: PreTrainedTokenizerBase,
    messages: Sequence[dict],
    max_length: int,
    overlong: str,
) -> tuple[Example | None, str | None]:
    """One row as token ids and labels, or (None, reason) when it cannot be trained on.

    Labelled: the assistant turn's tokens through the end-of-turn token (the tokenizer's eos,
    which the model must learn to stop with); the template's whitespace after it is not — the
    model never has to produce it. Longer than ``max_length``: dropped (``overlong="drop"``) or
    its end cut off."""
    conversation = training_conversation(messages)
    if conversation is None:
        return None, "no_assistant_turn"
    prompt_text = tokenizer.apply_chat_template(
        conversation[:-1], tokenize=False, add_generation_prompt=True
    )
    full_text = tokenizer.apply_chat_template(conversation, tokenize=False)
    ids, start, _ = tokenize_with_prompt(tokenizer, prompt_text, full_text)
    end = len(ids)
    eos = tokenizer.eos_token_id
    if eos is not None and eos in ids[start:]:
        end = len(ids) - ids[::-1].index(eos)
    labels = [IGNORE] * start + ids[start:end] + [IGNORE] * (len(ids) - end)
    truncated = len(ids) > max_length
    if truncated and overlong == "drop":
        return None, "longer_than_max_length"
    ids, labels = ids[:max_length], labels[:max_length]
    if all(label == IGNORE for label in labels):
        return None, "no_assistant_token_after_truncation"
    return Example(ids, labels, truncated), None


@dataclass
class EncodeStats:
    rows: int = 0
    kept: int = 0
    truncated: int = 0  # kept examples that lost their end to max_length
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows


def encode_rows(
    tokenizer: PreTrainedTokenizerBase,
    rows: Iterable[dict],
    max_length: int,
    overlong: str,
) -> tuple[list[Example], EncodeStats]:
    examples: list[Example] = []
    stats = EncodeStats()
    skipped: Counter[str] = Counter()
    for row in rows:
        stats.rows += 1
        example, reason = encode_example(tokenizer, row.get("messages") or [], max_length, overlong)
        if example is None:
            skipped[reason or "unknown"] += 1
            continue
        examples.append(example)
        stats.truncated += example.truncated
    stats.kept = len(examples)
    stats.skipped = dict(skipped)
    return examples, stats
