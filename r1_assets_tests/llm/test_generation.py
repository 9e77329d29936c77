"""The transformers engine on the embedded SmolLM2 teacher, through the request cache."""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from r1_assets.labels.prompts import CATEGORIES
from r1_assets.llm.backends.transformers import cache_argument
from r1_assets.llm.models import LLMModelError, model_id, resolve_llm
from r1_assets.llm.types import Request, Sampling, user
from r1_assets.resources import LLMResource, reconfigured
from r1_assets_tests.conftest import MODELS_DIR


@pytest.fixture(scope="module")
def teacher(tmp_path_factory) -> LLMResource:
    cache = tmp_path_factory.mktemp("llm-cache")
    return LLMResource(
        backend="transformers", models_dir=str(MODELS_DIR), cache_dir=str(cache), flush_every=2
    )


def test_the_embedded_teacher_is_converted_once_and_identified_by_its_files() -> None:
    location = Path(resolve_llm("smollm2-135m-instruct", MODELS_DIR))
    assert (location / "config.json").exists() and (location / "tokenizer.json").exists()
    assert model_id("smollm2-135m-instruct", str(location)).startswith("SmolLM2-135M-Instruct@")
    with pytest.raises(LLMModelError, match="does not exist"):
        resolve_llm("./no/such/model", MODELS_DIR)


def test_overrides_with_an_unknown_setting_are_refused(teacher) -> None:
    with pytest.raises(ValueError, match=r"no setting\(s\) \['bakend'\]"):
        reconfigured(teacher, bakend="openai")


def test_key_covers_model_messages_sampling_and_sample_index() -> None:
    base = Request(user("q"), Sampling(), 0)
    keys = {
        base.key("m"),
        base.key("other-model"),
        Request(user("q2"), Sampling(), 0).key("m"),
        Request(user("q"), Sampling(temperature=0.7), 0).key("m"),
        Request(user("q"), Sampling(max_tokens=5), 0).key("m"),
        Request(user("q"), Sampling(), 1).key("m"),
        Request(user("q", prefill="<think>\n"), Sampling(), 0).key("m"),
    }
    assert len(keys) == 7
    assert base.key("m") == Request(user("q"), Sampling(), 0).key("m")
    constrained = Request(user("q"), Sampling(choices=("a", "b")), 0)
    assert constrained.key("m") not in keys  # the allowed answers are part of the key
    # a free-text request keeps the key it had before choices existed (cached samples stay)
    before = {
        "model": "m",
        "messages": [{"role": "user", "content": "q"}],
        "sampling": {"temperature": 0.6, "top_p": 0.95, "max_tokens": 1024},
        "sample_index": 0,
    }
    digest = hashlib.sha256(json.dumps(before, sort_keys=True).encode()).hexdigest()
    assert base.key("m") == digest


def test_choices_constrain_the_answer_to_one_of_them(teacher, tmp_path) -> None:
    """The transformers engine keeps a constrained answer to one of the choices exactly, where
    the same greedy question answered freely is prose the parser cannot always read."""
    from r1_assets.labels.labeling import build_labels, label_requests

    problems = [
        "Write a Python function that reverses a linked list.",
        "What is the capital of France, and why did it become the capital?",
        "Prove that the square root of 2 is irrational.",
        "Explain how photosynthesis turns light into chemical energy.",
    ]
    requests = label_requests(problems)
    assert {r.sampling.choices for r in requests[1::3]} == {CATEGORIES}
    fresh = reconfigured(teacher, cache_dir=str(tmp_path / "labels"))
    answers, _ = fresh.generate(requests)
    for request, answer in zip(requests, answers, strict=True):
        assert answer.text in request.sampling.choices and answer.finish_reason == "stop"
    free = [Request(r.messages, replace(r.sampling, choices=None)) for r in requests]
    prose, _ = fresh.generate(free)
    assert sum(a.text not in r.sampling.choices for r, a in zip(requests, prose, strict=True))
    frame = pl.DataFrame(
        {
            "problem_uid": [str(i) for i in range(4)],
            "source": "s",
            "source_row_id": [str(i) for i in range(4)],
            "source_revision": "r",
            "domain": "math",
            "decision": "kept",
            "duplicate_of": None,
            "problem": problems,
            "reference_answer": None,
            "test_cases": [[]] * 4,
        },
        schema_overrides={"duplicate_of": pl.String, "reference_answer": pl.String},
    )
    labels = build_labels(frame, answers, "smol")
    assert (
        labels.select(pl.col("difficulty", "category", "quality").is_null().sum()).sum_horizontal()[
            0
        ]
        == 0
    )


def test_generation_is_real_cached_and_pays_only_for_new_samples(teacher) -> None:
    def asks(n: int) -> list[Request]:
        return [
            Request(user("Name one fruit.", prefill="<think>\n"), Sampling(max_tokens=12), i)
            for i in range(n)
        ]

    first, stats = teacher.generate(asks(2))
    assert stats.generated == 2 and stats.cache_hits == 0
    for completion in first:
        assert completion.text.startswith("<think>\n") and len(completion.text) > len("<think>\n")
        assert completion.finish_reason in {"stop", "length"}
        assert 0 < completion.completion_tokens <= 12 and completion.prompt_tokens > 5
    more, stats = teacher.generate(asks(3))  # one more sample: only index 2 is generated
    assert (stats.cache_hits, stats.generated) == (2, 1)
    assert [c.text for c in more[:2]] == [c.text for c in first]
    stored = teacher.cache().read_all()
    assert stored.height == 3 and stored["writes"].to_list() == [1, 1, 1]  # none paid twice


def test_greedy_labels_are_reproducible_and_truncation_is_reported(teacher, tmp_path) -> None:
    fresh = reconfigured(teacher, cache_dir=str(tmp_path / "a"))
    other = reconfigured(teacher, cache_dir=str(tmp_path / "b"))
    ask = [Request(user("Count from one to twenty."), Sampling(temperature=0.0, max_tokens=6))]
    [a], _ = fresh.generate(ask)
    [b], _ = other.generate(ask)
    assert a.text == b.text  # greedy: the same answer from an empty cache
    assert a.finish_reason == "length" and a.completion_tokens == 6


def test_balanced_batches_split_evenly_and_keep_every_item() -> None:
    from r1_assets.llm.batching import balanced_batches

    assert [len(b) for b in balanced_batches(list(range(21)), 16)] == [11, 10]
    assert [len(b) for b in balanced_batches(list(range(32)), 32)] == [32]
    assert [len(b) for b in balanced_batches(list(range(65)), 32)] == [22, 22, 21]
    assert balanced_batches([], 8) == []
    # families (one problem's three label questions) stay whole: 15 x 3 in 24 + 21, not 23 + 22
    families = [(n, q) for n in range(15) for q in range(3)]
    kept = balanced_batches(families, 32, key=lambda item: item[0])
    assert [len(b) for b in kept] == [24, 21]
    assert {n for n, _ in kept[0]}.isdisjoint({n for n, _ in kept[1]})
    # a family larger than a batch is split evenly into batches of at most the size
    assert [len(b) for b in balanced_batches([0] * 40, 16, key=lambda item: item)] == [14, 14, 12]
    for n in range(1, 70):
        batches = balanced_batches(list(range(n)), 16)
        assert [i for batch in batches for i in batch] == list(range(n))
        assert max(map(len, batches)) <= 16


@pytest.mark.parametrize("temperature", [0.3, 0.6, 1.0, 4.0])
def test_top_p_keeps_exactly_the_tokens_transformers_keeps(temperature: float) -> None:
    import torch
    from transformers.generation.logits_process import TopPLogitsWarper

    from r1_assets.llm.backends.transformers import TopP

    generator = torch.Generator().manual_seed(7)
    logits = torch.randn(48, 49152, generator=generator) * 3 / temperature
    logits[:8] = torch.randn(8, 49152, generator=generator) * 0.01  # flat rows: the full sort
    input_ids = torch.zeros(48, 1, dtype=torch.long)
    theirs = TopPLogitsWarper(0.95)(input_ids, logits.clone())
    ours = TopP(0.95)(input_ids, logits.clone())
    assert torch.equal(theirs.isinf(), ours.isinf())
    assert torch.equal(theirs[~theirs.isinf()], ours[~ours.isinf()])
    assert (~ours[:8].isinf()).sum(dim=-1).min() > 64  # the fallback rows were really wide


def test_shared_prefix_length_leaves_every_prompt_a_token_of_its_own() -> None:
    from r1_assets.llm.batching import shared_prefix_length

    assert shared_prefix_length([[1, 2, 3, 4], [1, 2, 5], [1, 2, 3]]) == 2
    assert shared_prefix_length([[1, 2, 3], [1, 2, 3]]) == 2  # not all 3
    assert shared_prefix_length([[7, 1], [8, 1]]) == 0
    assert shared_prefix_length([[1], [1, 2]]) == 0


def test_shared_prompt_prefixes_are_computed_once_with_the_same_answers(teacher) -> None:
    """The labeler asks three questions after each problem: batched, each problem's KV cache is
    computed once for its three prompts (and the chat template's once for prompts sharing only
    that); the answers are those each prompt gets on its own."""
    from r1_assets.labels.labeling import label_requests
    from r1_assets.llm.batching import plan_batches, prefix_plan

    engine = teacher.engine()
    problems = [
        "What is the remainder when $3^{100}$ is divided by $7$?",
        "Write a Python function that returns the n-th Fibonacci number, with F(0) = 0, F(1) = 1.",
        "Explain why the sky looks blue at noon but red and orange at sunset, in terms of light.",
        "Find all real x with $x^2 - 5x + 6 = 0$.",
    ]
    requests = label_requests(problems)
    tokens = [
        engine.tokenizer(engine.prompt(r), add_special_tokens=False)["input_ids"] for r in requests
    ]
    (batch,) = plan_batches(tokens, ["greedy"] * len(tokens), 32)
    requests, tokens = [requests[i] for i in batch], [tokens[i] for i in batch]
    prefixes, owner = prefix_plan(tokens)
    assert len(prefixes) == 4 and sorted(owner) == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    for problem in problems:  # each problem is in a prefix
        assert any(problem[:20] in engine.tokenizer.decode(p) for p in prefixes), problem
    assert cache_argument() in engine._inputs(tokens)
    with warnings.catch_warnings():  # the cache goes by the name this transformers takes
        warnings.simplefilter("error", FutureWarning)
        together = engine._batch(requests, tokens)
    alone = [engine._batch([r], [t])[0] for r, t in zip(requests, tokens, strict=True)]
    assert [c.text for c in together] == [c.text for c in alone]
    assert [c.prompt_tokens for c in together] == [len(t) for t in tokens]
    # the difficulty question alone over the four problems: they share the chat template only
    difficulty = tokens[0::3]
    prefixes, owner = prefix_plan(difficulty)
    assert len(prefixes) == 1 and owner == [0, 0, 0, 0]
    together = engine._batch(requests[0::3], difficulty)
    assert [c.text for c in together] == [c.text for c in alone[0::3]]
    # bare prompts (no chat template): a run with its prefix beside a prompt with none at all
    encode = engine.tokenizer
    story = "Once upon a time a fox lived in a small wood near the river, and every morning it"
    bare = [encode(story + end)["input_ids"] for end in (" ran", " slept late and")]
    bare.append(encode("2 + 2 =")["input_ids"])
    assert prefix_plan(bare)[1] == [0, 0, -1]
    greedy = requests[:3]
    together = engine._batch(greedy, bare)
    alone = [engine._batch([r], [t])[0] for r, t in zip(greedy, bare, strict=True)]
    assert [c.text for c in together] == [c.text for c in alone]


def test_prefix_plan_finds_runs_and_the_batch_wide_prefix() -> None:
    from r1_assets.llm.batching import MIN_SHARED_PREFIX, prefix_plan

    system = list(range(1000, 1000 + MIN_SHARED_PREFIX))  # every prompt opens with it
    problem = {n: [n] * 40 for n in (1, 2)}
    tokens = [
        system + problem[1] + [7, 8],
        system + problem[1] + [9],
        [*system, 5, 5],  # shares only the system part
        system + problem[2] + [7],
        system + problem[2] + [7],  # two samples of one prompt
    ]
    prefixes, owner = prefix_plan(tokens)
    assert owner == [0, 0, 2, 1, 1]
    assert prefixes[0] == system + problem[1]
    assert prefixes[1] == system + problem[2]  # not the last token: each keeps one of its own
    assert prefixes[2] == system
    # nothing shared worth a forward pass: no prefix at all
    assert prefix_plan([[1, 2, 3], [4, 5, 6]]) == ([], [-1, -1])
    assert prefix_plan([[1, 2, 3]]) == ([], [-1])


def test_batches_group_a_template_and_never_shrink_to_the_k_samples_of_one_prompt() -> None:
    from r1_assets.llm.batching import PREFIX_PROBE, plan_batches, shared_prefix_length

    template = {name: [n] * PREFIX_PROBE for n, name in enumerate(("difficulty", "category"))}
    problems = [[100 + i] * (3 + i % 5) for i in range(20)]
    # the labeler: two templates over 20 problems, interleaved as label_requests makes them
    labels = [template[t] + p for p in problems for t in ("difficulty", "category")]
    batches = plan_batches(labels, ["greedy"] * len(labels), 20)
    assert [len(b) for b in batches] == [20, 20]
    for batch in batches:  # each batch is one template, so it shares the whole template
        assert shared_prefix_length([labels[i] for i in batch]) >= PREFIX_PROBE
        lengths = [len(labels[i]) for i in batch]
        assert lengths == sorted(lengths)
    # evaluation: k=4 samples of 8 items, each item's prompt 4 times: one full batch, not 8 of 4
    items = [[7] * 20 + [200 + i] * (5 + i) for i in range(8) for _ in range(4)]
    assert [len(b) for b in plan_batches(items, ["t0.6"] * 32, 32)] == [32]
    # one sampling setting per batch; every request exactly once
    mixed = plan_batches(items, ["a", "b"] * 16, 32)
    assert sorted(i for b in mixed for i in b) == list(range(32)) and len(mixed) == 2
    # the labeler's questions after each problem: a problem's prompts sit side by side
    opening = [3] * PREFIX_PROBE
    after = [opening + [300 + i] * 70 + [q] * (2 + q) for i in range(6) for q in range(3)]
    order = [i for b in plan_batches(after[::-1], ["greedy"] * 18, 18) for i in b]
    problems = [after[::-1][i][PREFIX_PROBE] for i in order]
    assert problems == sorted(problems, key=problems.index)  # each problem one contiguous run


def test_a_raised_budget_reuses_finished_samples_and_continues_cut_ones(teacher, tmp_path) -> None:
    fresh = reconfigured(teacher, cache_dir=str(tmp_path / "grown"))
    asks = [
        "What is 2+2? Answer with the number only.",  # SmolLM2 stops after 8 tokens
        "What is 3+5? Answer with the number only.",
        "Say hi.",  # and talks on here
        "Respond with OK.",
    ]

    def under(max_tokens: int) -> list[Request]:
        return [Request(user(q), Sampling(temperature=0.0, max_tokens=max_tokens)) for q in asks]

    small, stats = fresh.generate(under(10))
    finished = [c for c in small if c.finish_reason == "stop"]
    cut = [c for c in small if c.finish_reason == "length"]
    assert finished and cut and stats.generated == 4
    # the dry run's plan says beforehand what the call will do, and writes nothing
    registered = fresh.cache().budgets_by_setting(fresh.model_id)
    plan = fresh.plan(under(40))
    assert (len(plan.found), len(plan.budget.reused)) == (0, len(finished))
    assert len(plan.budget.continued) == len(plan.to_generate) == len(cut)
    assert fresh.cache().budgets_by_setting(fresh.model_id) == registered
    grown, stats = fresh.generate(under(40))
    # the finished samples are reused as they are, only the cut ones are generated (continued)
    assert (stats.cache_hits, stats.budget_reused) == (0, len(finished))
    assert (stats.budget_continued, stats.generated) == (len(cut), len(cut))
    assert stats.budget_tokens_reused == sum(c.completion_tokens for c in small)
    for before, after in zip(small, grown, strict=True):
        if before.finish_reason == "stop":
            assert after == before
        else:
            assert after.text.startswith(before.text) and len(after.text) > len(before.text)
            assert before.completion_tokens < after.completion_tokens <= 40
            assert after.prompt_tokens == before.prompt_tokens
    # greedy: the continued samples are the samples a budget of 40 draws from an empty cache
    direct, _ = reconfigured(teacher, cache_dir=str(tmp_path / "direct")).generate(under(40))
    assert [c.text for c in grown] == [c.text for c in direct]
    # the raised budget is now cached under its own key; a lowered one generates anew
    again, stats = fresh.generate(under(40))
    assert stats.cache_hits == 4 and stats.generated == 0 and again == grown
    _, stats = fresh.generate(under(4))
    assert stats.generated == 4 and stats.budget_reused == stats.budget_continued == 0
    assert fresh.cache().read_all()["writes"].max() == 1  # nothing paid for twice
