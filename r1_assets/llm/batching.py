"""Batch plans for a local ``generate``: which prompts share a batch, and which prefixes of a
batch are computed once."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from itertools import groupby

PREFIX_PROBE = 32  # prompts whose first tokens agree are batched together
MIN_SHARED_PREFIX = 16  # a shorter shared prefix is not worth its own forward pass
FAMILY_PROBE = 64  # ...and whose first tokens agree this far sit side by side


def plan_batches(tokens: list[list[int]], samplings: list[str], size: int) -> list[list[int]]:
    """Batches of request indices (one sampling setting per batch, at most ``size``, split
    evenly). Prompts that open alike (one template over many problems: the judge) are ordered
    together, so a batch shares their prefix and computes it once; then by length, since padding
    is compute thrown away. A family — prompts that agree on their first FAMILY_PROBE tokens:
    one problem under the labeler's questions, the k samples of one prompt — sits together and
    is not cut across batches; batches are filled with several families, so k samples never
    shrink a batch to k."""
    heads = Counter(tuple(t[:PREFIX_PROBE]) for t in tokens)

    def head(i: int) -> tuple:
        opening = tuple(tokens[i][:PREFIX_PROBE])
        return opening if heads[opening] > 1 else ()

    order = sorted(range(len(tokens)), key=lambda i: (samplings[i], head(i), len(tokens[i])))
    # each family moves next to its first member (the order of the sort above otherwise)
    family = {i: (samplings[i], tuple(tokens[i][:FAMILY_PROBE])) for i in order}
    first = {}
    for position, i in enumerate(order):
        first.setdefault(family[i], position)
    order.sort(key=lambda i: first[family[i]])
    return [
        batch
        for _, members in groupby(order, key=lambda i: samplings[i])
        for batch in balanced_batches(list(members), size, key=family.__getitem__)
    ]


def prefix_plan(tokens: list[list[int]]) -> tuple[list[list[int]], list[int]]:
    """The prefixes worth computing once for a batch, and each prompt's prefix (index, or -1).

    Consecutive prompts that share MIN_SHARED_PREFIX tokens more than the whole batch does form a
    run with its own prefix (what they all share); the other prompts share the batch's common
    prefix when it is long enough. Every prompt keeps at least one token of its own."""
    if len(tokens) < 2:
        return [], [-1] * len(tokens)
    common = shared_prefix_length(tokens)
    common = common if common >= MIN_SHARED_PREFIX else 0
    prefixes: list[list[int]] = []
    owner = [-1] * len(tokens)
    start = 0
    for end in range(1, len(tokens) + 1):
        if end < len(tokens) and (
            shared_prefix_length(tokens[end - 1 : end + 1]) >= common + MIN_SHARED_PREFIX
        ):
            continue
        if end - start > 1:  # a run: what its prompts share (the minimum of neighbours' shares)
            prefixes.append(tokens[start][: shared_prefix_length(tokens[start:end])])
            owner[start:end] = [len(prefixes) - 1] * (end - start)
        start = end
    if common and -1 in owner:
        prefixes.append(tokens[0][:common])
        owner = [len(prefixes) - 1 if g < 0 else g for g in owner]
    return prefixes, owner


def shared_prefix_length(tokens: list[list[int]]) -> int:
    """How many leading tokens every sequence shares, leaving each at least one of its own (the
    step that produces the first new token needs an input)."""
    limit = min(len(t) for t in tokens) - 1
    for position in range(max(limit, 0)):
        first = tokens[0][position]
        if any(t[position] != first for t in tokens):
            return position
    return max(limit, 0)


def balanced_batches(items: list, size: int, key: Callable | None = None) -> list[list]:
    """``items`` in as few batches of at most ``size`` as possible, of near-equal sizes: a step of
    a batch of 5 costs most of a step of 16 on a CPU, so 21 runs as 11 + 10, not 16 + 5.

    With ``key``, consecutive items of one key (a family: one problem's label questions) are not
    cut apart unless the family alone exceeds ``size``: a batch computes a family's shared
    prefix once, and a stray member would pad every row of its batch to its whole prompt."""
    if not items:
        return []
    count = math.ceil(len(items) / size)
    width = math.ceil(len(items) / count)
    families = [list(f) for _, f in groupby(items, key=key)] if key else [[i] for i in items]
    batches: list[list] = [[]]
    for family in families:
        for piece in balanced_batches(family, size) if len(family) > size else [family]:
            if batches[-1] and (len(batches[-1]) >= width or len(batches[-1]) + len(piece) > size):
                batches.append([])
            batches[-1].extend(piece)
    return batches
