"""Training units into batches: best-fit packing of examples into blocks and collation into
padded tensors (the Trainer's seeded sampler orders them and deals them across processes).

Packing concatenates examples into ``max_length`` blocks with position_ids restarting at 0 per
example and *no* 2D attention mask. transformers 5 turns such position_ids into a block-diagonal
causal mask for sdpa/eager/flex attention (``masking_utils.find_packed_sequence_indices``; its
presence is checked at run time) and into variable-length sequences for flash-attention 2, so
attention never crosses examples. Position_ids alone would not be enough elsewhere, and this
detection is switched off by a 2D attention mask, by a KV cache (hence ``use_cache=False`` in
every forward) and, for flash-attention 2, by a batch of more than one row (hence packing with
flash-attention requires batch_size 1). Packed batches therefore carry no attention mask: their
padding sits at the right end of a causal sequence, where nothing real attends to it. The tests
check that a packed batch's logits equal each example's logits computed alone.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from r1_assets.train.encode import IGNORE, Example

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class Block:
    """Examples packed into one sequence: position_ids restart at 0 for each."""

    input_ids: list[int]
    labels: list[int]
    position_ids: list[int]
    members: tuple[int, ...]  # indices of the packed examples, in block order


def pack(examples: Sequence[Example], max_length: int) -> list[Block]:
    """Best-fit decreasing: longest example first, each into the fullest block it still fits
    (fewer blocks, so less padding, than filling blocks in order). Examples are never split:
    a split example's second half would learn to continue text it cannot see."""
    order = sorted(range(len(examples)), key=lambda i: (-len(examples[i].input_ids), i))
    contents: list[list[int]] = []
    free: list[tuple[int, int]] = []  # (room left, block index), sorted
    for i in order:
        size = len(examples[i].input_ids)
        if size > max_length:
            raise ValueError(f"example {i} has {size} tokens, more than max_length {max_length}")
        slot = bisect.bisect_left(free, (size, -1))
        if slot < len(free):
            room, block = free.pop(slot)
            contents[block].append(i)
        else:
            room, block = max_length, len(contents)
            contents.append([i])
        if room - size > 0:
            bisect.insort(free, (room - size, block))
    blocks = []
    for members in contents:
        ids: list[int] = []
        labels: list[int] = []
        positions: list[int] = []
        for i in members:
            example = examples[i]
            ids += example.input_ids
            # the first token's label would be predicted from the previous example's last token
            labels += [IGNORE, *example.labels[1:]]
            positions += range(len(example.input_ids))
        blocks.append(Block(ids, labels, positions, tuple(members)))
    return blocks


def collate(units: Sequence[Example | Block], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded tensors. Plain examples get an attention mask; packed blocks get
    position_ids and no attention mask (see the module docstring), their padding a segment of
    its own."""
    import torch

    width = max(len(u.input_ids) for u in units)
    ids, labels, extra = [], [], []
    for unit in units:
        pad = width - len(unit.input_ids)
        ids.append(unit.input_ids + [pad_id] * pad)
        labels.append(unit.labels + [IGNORE] * pad)
        if isinstance(unit, Block):
            extra.append(unit.position_ids + list(range(pad)))
        else:
            extra.append([1] * len(unit.input_ids) + [0] * pad)
    batch = {"input_ids": torch.tensor(ids), "labels": torch.tensor(labels)}
    key = "position_ids" if isinstance(units[0], Block) else "attention_mask"
    batch[key] = torch.tensor(extra)
    return batch
