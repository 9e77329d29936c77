"""The template filter: boilerplate recurring across many responses is found and rejected,
ordinary reasoning that shares short phrases is not."""

from __future__ import annotations

import random
import subprocess
import sys

import polars as pl

from r1_assets.verify.templates import (
    TemplateCorpus,
    TemplateSettings,
    recurring,
    sampled_ngrams,
    template_share,
)
from r1_assets.verify.verifiers import VerifySettings, build_verifiers

BOILERPLATE = (
    "As an AI developed to assist with mathematical reasoning I will now carefully restate the "
    "problem then list every known quantity and finally verify each intermediate step before "
    "presenting the final boxed answer in the required format as instructed by the user"
)
VOCABULARY = [
    "we",
    "add",
    "the",
    "two",
    "numbers",
    "then",
    "multiply",
    "by",
    "three",
    "subtract",
    "five",
    "divide",
    "the",
    "remainder",
    "check",
    "the",
    "sum",
    "again",
    "note",
    "that",
    "each",
    "term",
    "grows",
    "so",
    "the",
    "pattern",
    "holds",
    "and",
    "the",
    "answer",
    "follows",
    "from",
    "it",
]


def reasoning(seed: int, words: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCABULARY) for _ in range(words))


def test_recurring_boilerplate_is_a_template_and_shared_phrases_are_not():
    settings = TemplateSettings(min_responses=20, max_share=0.3)
    stamped = [f"{BOILERPLATE} {reasoning(i, 20)}" for i in range(30)]
    plain = [reasoning(1000 + i) for i in range(30)]
    table = TemplateCorpus(lambda: stamped + plain).frequent(settings)
    assert table  # the boilerplate's n-grams, seen in 30 responses
    hits, sampled = template_share(stamped[0], table, settings)
    assert sampled and hits / sampled > 0.3
    assert all(template_share(text, table, settings)[0] == 0 for text in plain)
    # too few responses carry it: not a template
    assert not TemplateCorpus(lambda: stamped[:19] + plain).frequent(settings)

    verifiers = build_verifiers(VerifySettings(), corpus=TemplateCorpus(lambda: stamped + plain))
    checks = verifiers["templates"].run([{"content": stamped[3]}, {"content": plain[3]}])
    assert [c.passed for c in checks] == [False, True]
    assert "recur in >= 20 responses" in checks[0].detail
    off = build_verifiers(
        VerifySettings(template_min_responses=None), corpus=TemplateCorpus(lambda: plain)
    )
    assert "templates" not in off


def test_the_corpus_is_every_partition_verified_so_far():
    """Boilerplate stamped on 12 responses in each of two partitions is no template of either
    alone (min 20), but is one of the corpus: each partition counts its own responses in full
    and the other's stored counts, which keep only what recurs within that partition."""
    settings = TemplateSettings(min_responses=20, max_share=0.3)
    first = [f"{BOILERPLATE} {reasoning(i, 20)}" for i in range(12)] + [reasoning(100)]
    second = [f"{BOILERPLATE} {reasoning(50 + i, 20)}" for i in range(12)]
    alone = TemplateCorpus(lambda: first)
    assert not alone.frequent(settings)
    stored = alone.counted()
    assert stored is not None and (stored["responses"] >= 2).all()
    # the singleton reasoning's n-grams are not stored: only what recurs within the partition
    singles = sampled_ngrams(reasoning(100), settings) - sampled_ngrams(first[0], settings)
    assert singles and not singles & set(stored["ngram"].to_list())
    corpus = TemplateCorpus(lambda: second, elsewhere=lambda ngrams: stored)
    table = corpus.frequent(settings)
    hits, sampled = template_share(second[0], table, settings)
    assert sampled and hits / sampled > 0.3
    assert template_share(reasoning(100), table, settings)[0] == 0
    # counts of several partitions sum per n-gram
    both = pl.concat([stored, recurring(corpus.counts(settings))])
    assert TemplateCorpus(lambda: [], elsewhere=lambda ngrams: both).frequent(settings) == table


def test_the_sampled_ngrams_are_the_same_in_every_process():
    text = f"{BOILERPLATE} {reasoning(7)}"
    here = sorted(sampled_ngrams(text, TemplateSettings()))
    code = (
        "import sys; from r1_assets.verify.templates import sampled_ngrams, TemplateSettings; "
        "print(sorted(sampled_ngrams(sys.argv[1], TemplateSettings())))"
    )
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code, text],
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            check=True,
        ).stdout
        assert out.strip() == str(here)
    assert len(here) > 10  # about one in four of ~140 n-grams
