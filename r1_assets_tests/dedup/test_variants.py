import pytest

from r1_assets.dedup.variants import declared_version, stated_constraints, variants_differ

EASY = (
    "This is the easy version of the problem. The difference between the versions is that in "
    "the easy version $n \\le 2000$. You can make hacks only if both versions are solved.\n"
    "Given an array of $n$ integers, count the good pairs.\n"
    "Input: the first line contains $n$ ($1 \\le n \\le 2000$).\ntime limit per test: 2 seconds"
)
HARD = EASY.replace("easy version of", "hard version of").replace(
    "($1 \\le n \\le 2000$)", "($1 \\le n \\le 2 \\cdot 10^5$)"
)


@pytest.mark.parametrize(
    ("text", "version"),
    [
        (EASY, "easy"),
        (HARD, "hard"),
        ("Problem F2 (harder version): ...", "hard"),
        ("The only difference between easy and hard versions is the constraints.", None),
        ("Subtask #3 (40 points): n ≤ 10^5", "subtask 3"),
        ("In this version of the problem, queries are online.", None),
        ("Compute the sum of the first 15 odd integers.", None),
    ],
)
def test_declared_version(text: str, version: str | None) -> None:
    assert declared_version(text) == version


def test_constraints_are_read_in_any_spelling() -> None:
    codeforces = "$$$1 \\le n \\le 2 \\cdot 10^5$$$, $$$1 \\leq a_i \\leq 10^9$$$. Time limit: 2 s"
    contests = "1 ≤ n ≤ 2·10^5, 1 ≤ a_i ≤ 10^9. time limit per test: 2 seconds"
    assert stated_constraints(codeforces) == stated_constraints(contests)
    assert stated_constraints(codeforces) == {"1<=n<=2*10^5", "1<=a_i<=10^9", "time limit 2s"}
    assert stated_constraints("n ≤ 200 000") == stated_constraints("n <= 200000")
    assert stated_constraints("if a < b then swap them") == frozenset()


def test_versions_and_constraints_keep_problems_apart() -> None:
    assert variants_differ(EASY, HARD)
    # undeclared versions that differ only in their bounds
    undeclared = [t.replace("This is the easy version of the problem. ", "") for t in (EASY,)]
    other_bounds = undeclared[0].replace("($1 \\le n \\le 2000$)", "($1 \\le n \\le 10^6$)")
    assert variants_differ(undeclared[0], other_bounds)
    # the same statement respaced, or one copy without its constraints: the same problem
    assert not variants_differ(EASY, EASY.replace(" ", "  ").replace("\n", "\n\n"))
    assert not variants_differ(undeclared[0], "Given an array of $n$ integers, count good pairs.")


def test_hostile_long_statements_are_read_in_linear_time() -> None:
    """A 1 MB run without a sentence end, an operand without a relation, or a repeated opening
    of a figure made the first patterns rescan the rest of the text from every position
    (a 40 KB input took 30 s)."""
    import time

    from r1_assets.audit.overlap import audit_tokens
    from r1_assets.dedup.numbers import number_signature

    n = 1_000_000
    hostile = ["a" * n, "word " * (n // 5), "(" * n, "![" * (n // 2), "<img" * (n // 4)]
    hostile += ["\\hspace{" * (n // 8), "1<" * (n // 2), "a \\le " * (n // 6)]
    started = time.process_time()
    for text in hostile:
        for read in (declared_version, stated_constraints, number_signature, audit_tokens):
            read(text)
    assert time.process_time() - started < 20  # ~3 s here; quadratic would be hours
