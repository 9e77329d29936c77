"""Code problems: the statements of data/code_tasks.yaml and data/call_tasks.yaml joined with
their independent oracles and random test-input generators (code), plus the parameterised tasks."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from demo_sources.common import Params, load_data


@dataclass(frozen=True)
class CF:
    """Codeforces metadata of a problem."""

    contest_id: int
    index: str
    rating: int
    tags: tuple[str, ...]
    contest_name: str = ""
    points: float = 0.0

    @property
    def cf_points(self) -> float:
        """Problem points; by default 500 per letter (A=500, B=1000, ...)."""
        return self.points or 500.0 * (1 + "ABCDEFG".index(self.index))


@dataclass(frozen=True)
class CodeTask:
    """A stdin/stdout programming problem."""

    family: str
    params: Params
    title: str
    legends: tuple[str, ...]
    input_spec: str
    output_spec: str
    note: str | None
    solution: str
    oracle: Callable[[str], str]
    examples: tuple[str, ...]
    extra: tuple[str, ...]
    gen: Callable[[random.Random], str]
    approach: str
    cf: CF
    wrong_solution: str | None = None
    alt_solution: str | None = None
    time_limit: int = 1

    def expected(self, inp: str) -> str:
        """Expected stdout for ``inp`` according to the oracle."""
        return self.oracle(inp).rstrip("\n") + "\n"

    def generated(self, salt: str, k: int) -> list[str]:
        """``k`` deterministic random inputs."""
        rng = random.Random(f"{self.family}|{self.params}|{salt}")
        return [self.gen(rng) for _ in range(k)]


@dataclass(frozen=True)
class CallTask:
    """A call-based (function) problem in the Codewars style used by APPS."""

    family: str
    fn_name: str
    arg_names: str
    question: str
    solution: str
    alt_solution: str | None
    oracle: Callable[..., Any]
    args: tuple[tuple[Any, ...], ...]


def yes(flag: bool) -> str:
    """YES / NO."""
    return "YES" if flag else "NO"


def ints(s: str) -> list[int]:
    """All whitespace-separated integers of a string."""
    return [int(x) for x in s.split()]


def arr(xs: Any) -> str:
    """Space-separated rendering of an iterable."""
    return " ".join(str(x) for x in xs)


def uniq(xs: list[str], seen: tuple[str, ...] = ()) -> list[str]:
    """Drop repeated test inputs (and those in ``seen``), keeping the first occurrence."""
    out: list[str] = []
    for x in xs:
        if x not in out and x not in seen:
            out.append(x)
    return out


# Independent oracles (``_o_*``) compute the expected stdout from a raw stdin string. They are
# written differently from the reference solutions (brute force where possible), so the final
# verification cross-checks the two. Generators (``_g_*``) produce random test inputs.


def _o_watermelon(s: str) -> str:
    w = int(s)
    return yes(any(a % 2 == 0 and (w - a) % 2 == 0 for a in range(2, w - 1)))


def t_div_count(k: int) -> CodeTask:
    """Count elements divisible by k (parameterised: number-only variants)."""

    def oracle(s: str) -> str:
        nums = ints(s)[1:]
        return str(len([x for x in nums if x == (x // k) * k]))

    def gen(r: random.Random) -> str:
        n = r.randint(1, 12)
        return f"{n}\n{arr(r.randint(-50, 100) for _ in range(n))}\n"

    return CodeTask(
        "div_count",
        (k,),
        "Count the Multiples",
        (
            "You are given an array of $n$ integers $a_1, a_2, \\ldots, a_n$. Count how "
            f"many elements of the array are divisible by ${k}$.",
        ),
        "The first line contains one integer $n$ ($1 \\le n \\le 100$) — the number of "
        "elements.\n\nThe second line contains $n$ integers $a_1, a_2, \\ldots, a_n$ "
        "($-10^9 \\le a_i \\le 10^9$).",
        f"Print one integer — the number of elements divisible by ${k}$.",
        None,
        "n = int(input())\n"
        "a = list(map(int, input().split()))\n"
        "print(sum(1 for x in a if x % K == 0))\n".replace("K", str(k)),
        oracle,
        ("6\n3 5 9 12 7 0\n",),
        ("1\n-21\n", "3\n1 2 4\n"),
        gen,
        "Check every element with the remainder operator and count those whose remainder "
        f"modulo ${k}$ is zero; zero and negative multiples count too.",
        CF(1790 + k, "A", 800, ("implementation", "math")),
    )


def _o_domino(s: str) -> str:
    m, n = ints(s)
    return str(m * (n // 2) + (m // 2 if n % 2 else 0))


def _o_elephant(s: str) -> str:
    x, steps = int(s), 0
    while x > 0:
        x -= min(5, x)
        steps += 1
    return str(steps)


def _o_team(s: str) -> str:
    lines = s.strip().split("\n")
    n = int(lines[0])
    return str(sum(1 for line in lines[1 : n + 1] if line.split().count("1") >= 2))


def _o_word_case(s: str) -> str:
    w = s.strip()
    up = sum(1 for c in w if "A" <= c <= "Z")
    return w.upper() if up > len(w) - up else w.lower()


def _o_stones(s: str) -> str:
    colors = s.split()[1]
    return str(sum(len(list(g)) - 1 for _, g in itertools.groupby(colors)))


def _o_gravity(s: str) -> str:
    nums = ints(s)
    n, a = nums[0], nums[1:]
    levels = [sum(1 for x in a if x >= h) for h in range(1, max(a) + 1)]
    return arr(sum(1 for c in levels if c >= n - j) for j in range(n))


def _o_beautiful(s: str) -> str:
    r, c = divmod(s.split().index("1"), 5)
    return str(abs(r - 2) + abs(c - 2))


def _o_petya(s: str) -> str:
    a, b = s.split()
    ka = [ord(c) | 32 for c in a]
    kb = [ord(c) | 32 for c in b]
    return str((ka > kb) - (ka < kb))


def _o_helpful(s: str) -> str:
    cnt = Counter(s.strip().split("+"))
    return "+".join(d for d in "123" for _ in range(cnt[d]))


def _o_young(s: str) -> str:
    nums = ints(s)
    vecs = [nums[1 + 3 * i : 4 + 3 * i] for i in range(nums[0])]
    return yes(all(sum(v[j] for v in vecs) == 0 for j in range(3)))


def _o_tram(s: str) -> str:
    nums = ints(s)
    deltas = [nums[2 + 2 * i] - nums[1 + 2 * i] for i in range(nums[0])]
    return str(max(0, *itertools.accumulate(deltas)))


def _o_lucky(s: str) -> str:
    c = s.count("4") + s.count("7")
    return yes(c in (4, 7, 44, 47, 74, 77))


def _o_anton(s: str) -> str:
    diff = sum(1 if ch == "A" else -1 for ch in s.split()[1])
    return "Anton" if diff > 0 else "Danik" if diff < 0 else "Friendship"


def _o_fence(s: str) -> str:
    nums = ints(s)
    n, h, a = nums[0], nums[1], nums[2:]
    return str(n + sum(1 for x in a if x > h))


def _o_div_moves(s: str) -> str:
    nums = ints(s)
    out = []
    for i in range(nums[0]):
        a, b = nums[1 + 2 * i], nums[2 + 2 * i]
        out.append(str((a + b - 1) // b * b - a))
    return "\n".join(out)


def _o_sisters(s: str) -> str:
    out = []
    for n in ints(s)[1:]:
        if n <= 100_000:
            out.append(str(sum(1 for b in range(1, n) if n - b > b)))
        else:
            out.append(str((n - 1) // 2))
    return "\n".join(out)


def _o_soldier(s: str) -> str:
    k, n, w = ints(s)
    return str(max(0, sum(i * k for i in range(1, w + 1)) - n))


def _o_bear(s: str) -> str:
    a, b = ints(s)
    y = 0
    while a * 3**y <= b * 2**y:
        y += 1
    return str(y)


def _o_taxi(s: str) -> str:
    groups = sorted(ints(s)[1:], reverse=True)
    bins: list[int] = []
    for g in groups:
        for i, free in enumerate(bins):
            if free >= g:
                bins[i] -= g
                break
        else:
            bins.append(4 - g)
    return str(len(bins))


def _o_max_sub(s: str) -> str:
    a = ints(s)[1:]
    return str(max(sum(a[i : j + 1]) for i in range(len(a)) for j in range(i, len(a))))


def _o_palin(s: str) -> str:
    words = s.split()[1:]
    return "\n".join(yes(all(w[i] == w[-1 - i] for i in range(len(w)))) for w in words)


def _o_bracket(s: str) -> str:
    out = []
    for w in s.split()[1:]:
        prev = None
        while prev != w:
            prev = w
            w = w.replace("()", "").replace("[]", "").replace("{}", "")
        out.append(yes(w == ""))
    return "\n".join(out)


_SIEVE: list[bool] = []


def _o_prime(s: str) -> str:
    if not _SIEVE:
        limit = 10**6 + 1
        _SIEVE.extend([True] * limit)
        _SIEVE[0] = _SIEVE[1] = False
        for i in range(2, math.isqrt(limit) + 1):
            if _SIEVE[i]:
                _SIEVE[i * i :: i] = [False] * len(range(i * i, limit, i))
    return "\n".join(yes(_SIEVE[n]) for n in ints(s)[1:])


def _o_fib(s: str) -> str:
    mod = 10**9 + 7

    def mul(x: list[list[int]], y: list[list[int]]) -> list[list[int]]:
        return [
            [sum(x[i][k] * y[k][j] for k in range(2)) % mod for j in range(2)] for i in range(2)
        ]

    n = int(s)
    res, base = [[1, 0], [0, 1]], [[1, 1], [1, 0]]
    while n:
        if n & 1:
            res = mul(res, base)
        base = mul(base, base)
        n >>= 1
    return str(res[0][1])


def _o_digit_steps(s: str) -> str:
    n, steps = int(s), 0
    while n >= 10:
        total = 0
        while n:
            n, d = divmod(n, 10)
            total += d
        n = total
        steps += 1
    return str(steps)


def _o_prefix(s: str) -> str:
    nums = ints(s)
    n, q = nums[0], nums[1]
    a = nums[2 : 2 + n]
    qs = nums[2 + n :]
    return "\n".join(str(sum(a[qs[2 * i] - 1 : qs[2 * i + 1]])) for i in range(q))


def _o_longest(s: str) -> str:
    a = ints(s)[1:]
    best = 1
    for i in range(len(a)):
        j = i
        while j + 1 < len(a) and a[j + 1] > a[j]:
            j += 1
        best = max(best, j - i + 1)
    return str(best)


def _o_distinct(s: str) -> str:
    a = sorted(ints(s)[1:])
    return str(1 + sum(1 for i in range(1, len(a)) if a[i] != a[i - 1]))


def _o_second(s: str) -> str:
    a = ints(s)[1:]
    rest = [x for x in a if x < max(a)]
    return str(max(rest)) if rest else "NONE"


def _o_rotation(s: str) -> str:
    a, b = s.split()
    return yes(any(a[i:] + a[:i] == b for i in range(len(a))))


def _o_anagram(s: str) -> str:
    w = s.split()[1:]
    return "\n".join(yes(Counter(w[2 * i]) == Counter(w[2 * i + 1])) for i in range(len(w) // 2))


def _o_collatz(s: str) -> str:
    n, steps = int(s), 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return str(steps)


def _o_reverse(s: str) -> str:
    words = s.split()
    return " ".join(words[i] for i in range(len(words) - 1, -1, -1))


_COIN_DP: list[int] = []


def _o_coins(s: str) -> str:
    if not _COIN_DP:
        _COIN_DP.append(0)
        for v in range(1, 100):
            _COIN_DP.append(1 + min(_COIN_DP[v - c] for c in (1, 5, 10, 20) if c <= v))
    n = int(s)
    q, r = divmod(n, 100)
    return str(q + _COIN_DP[r])


def _o_two_sum(s: str) -> str:
    nums = ints(s)
    n, x, a = nums[0], nums[1], nums[2:]
    return yes(any(a[i] + a[j] == x for i in range(n) for j in range(i + 1, n)))


def _o_diag(s: str) -> str:
    nums = ints(s)
    n = nums[0]
    m = [nums[1 + i * n : 1 + (i + 1) * n] for i in range(n)]
    return str(abs(sum(m[i][i] for i in range(n)) - sum(m[i][n - 1 - i] for i in range(n))))


def _o_vowels(s: str) -> str:
    return str(sum(1 for c in s if c in "aeiouAEIOU"))


def _o_even_odd(s: str) -> str:
    a = ints(s)[1:]
    return str(sum(x if x % 2 == 0 else -x for x in a))


def _o_too_long(s: str) -> str:
    return "\n".join(w if len(w) <= 10 else f"{w[0]}{len(w) - 2}{w[-1]}" for w in s.split()[1:])


def _o_boy_girl(s: str) -> str:
    return "CHAT WITH HER!" if len(Counter(s.strip())) % 2 == 0 else "IGNORE HIM!"


def _o_bit_plus(s: str) -> str:
    return str(sum(st.count("+") // 2 - st.count("-") // 2 for st in s.split()[1:]))


def _o_magnets(s: str) -> str:
    m = s.split()[1:]
    return str(1 + sum(1 for i in range(1, len(m)) if m[i] != m[i - 1]))


def _o_easy(s: str) -> str:
    return "HARD" if 1 in ints(s)[1:] else "EASY"


def _o_string_task(s: str) -> str:
    return "".join("." + c.lower() for c in s.strip() if c.lower() not in "aoyeui")


def _o_popcount(s: str) -> str:
    out = []
    for n in ints(s)[1:]:
        c = 0
        while n:
            n &= n - 1
            c += 1
        out.append(str(c))
    return "\n".join(out)


def _o_gcd(s: str) -> str:
    g = 0
    for x in ints(s)[1:]:
        a, b = g, x
        while b:
            a, b = b, a % b
        g = a
    return str(g)


def _o_queue(s: str) -> str:
    _, t, q = s.split()
    cur = list(q)
    for _ in range(int(t)):
        i = 0
        while i < len(cur) - 1:
            if cur[i] == "B" and cur[i + 1] == "G":
                cur[i], cur[i + 1] = "G", "B"
                i += 2
            else:
                i += 1
    return "".join(cur)


def _o_lcm(s: str) -> str:
    nums = ints(s)[1:]
    return "\n".join(
        str(nums[i] * nums[i + 1] // math.gcd(nums[i], nums[i + 1])) for i in range(0, len(nums), 2)
    )


def _o_count_words(s: str) -> str:
    return str(len(s.split()))


def _word(r: random.Random, alphabet: str, lo: int, hi: int) -> str:
    """Random word over ``alphabet`` with length in [lo, hi]."""
    return "".join(r.choice(alphabet) for _ in range(r.randint(lo, hi)))


def _g_petya(r: random.Random) -> str:
    """Two equal-length strings, often equal up to case."""
    a = _word(r, "abAB", 1, 8)
    if r.random() < 0.4:
        b = "".join(c.swapcase() if r.random() < 0.5 else c for c in a)
    else:
        b = _word(r, "abAB", len(a), len(a))
    return f"{a}\n{b}\n"


def _g_matrix(r: random.Random) -> str:
    """A 5x5 0/1 matrix with a single one."""
    pos = r.randrange(25)
    return "".join(arr("1" if i * 5 + j == pos else "0" for j in range(5)) + "\n" for i in range(5))


def _g_young(r: random.Random) -> str:
    """Force vectors, half of the time summing to zero."""
    n = r.randint(1, 6)
    vecs = [[r.randint(-5, 5) for _ in range(3)] for _ in range(n)]
    if r.random() < 0.5:
        vecs.append([-sum(v[j] for v in vecs) for j in range(3)])
    return f"{len(vecs)}\n" + "".join(arr(v) + "\n" for v in vecs)


def _g_tram(r: random.Random) -> str:
    """A consistent tram trip (never negative, empty at the end)."""
    n = r.randint(2, 8)
    cur, rows = 0, []
    for i in range(n):
        a = 0 if i == 0 else (cur if i == n - 1 else r.randint(0, cur))
        b = 0 if i == n - 1 else r.randint(0, 10)
        cur += b - a
        rows.append(f"{a} {b}\n")
    return f"{n}\n" + "".join(rows)


def _g_bracket(r: random.Random) -> str:
    """Bracket sequences, half of them balanced."""

    def balanced(depth: int) -> str:
        out = ""
        for _ in range(r.randint(1, 2)):
            o, c = r.choice(["()", "[]", "{}"])
            out += o + (balanced(depth + 1) if depth < 2 and r.random() < 0.6 else "") + c
        return out

    t = r.randint(1, 4)
    lines = [balanced(0) if r.random() < 0.5 else _word(r, "()[]{}", 1, 8) for _ in range(t)]
    return f"{t}\n" + "".join(x + "\n" for x in lines)


def _g_prefix(r: random.Random) -> str:
    """Array plus range-sum queries."""
    n, q = r.randint(1, 10), r.randint(1, 5)
    a = [r.randint(-20, 20) for _ in range(n)]
    qs = []
    for _ in range(q):
        lo = r.randint(1, n)
        qs.append(f"{lo} {r.randint(lo, n)}\n")
    return f"{n} {q}\n{arr(a)}\n" + "".join(qs)


def _g_rotation(r: random.Random) -> str:
    """Two strings, half of the time rotations of each other."""
    a = _word(r, "abc", 1, 6)
    if r.random() < 0.5:
        i = r.randrange(len(a))
        b = a[i:] + a[:i]
    else:
        b = _word(r, "abc", 1, 6)
    return f"{a}\n{b}\n"


def _g_anagram(r: random.Random) -> str:
    """Word pairs, half of them anagrams."""
    t = r.randint(1, 4)
    rows = []
    for _ in range(t):
        a = _word(r, "abcd", 1, 6)
        b = "".join(r.sample(a, len(a))) if r.random() < 0.5 else _word(r, "abcd", 1, 6)
        rows.append(f"{a} {b}\n")
    return f"{t}\n" + "".join(rows)


def _g_string_task(r: random.Random) -> str:
    """A word with at least one consonant."""
    w = _word(r, "aoyeuiAOYEUIbcdfgBCDFGklmKLM", 0, 12)
    return w + r.choice("bcdfgBCDFGklm") + "\n"


def _g_two_sum(r: random.Random) -> str:
    """Small array and target sum."""
    n = r.randint(2, 10)
    return f"{n} {r.randint(1, 20)}\n{arr(r.randint(1, 10) for _ in range(n))}\n"


def _g_diag(r: random.Random) -> str:
    """Small square matrix."""
    n = r.randint(1, 5)
    return f"{n}\n" + "".join(arr(r.randint(-9, 9) for _ in range(n)) + "\n" for _ in range(n))


def _g_lucky(r: random.Random) -> str:
    """Number biased towards the digits 4 and 7."""
    return (
        r.choice("123456789") + "".join(r.choice("4474712") for _ in range(r.randint(0, 17))) + "\n"
    )


def _sentence(r: random.Random) -> str:
    """Random short English-looking sentence."""
    words = [
        "The",
        "quick",
        "brown",
        "fox",
        "jumps",
        "over",
        "a",
        "lazy",
        "dog",
        "Under",
        "blue",
        "sky",
        "Eagles",
        "soar",
        "ABOVE",
        "quiet",
        "hills",
    ]
    return " ".join(r.choice(words) for _ in range(r.randint(1, 9))) + r.choice(["", ".", "!", "?"])


def _n_list(r: random.Random, lo: int, hi: int, vlo: int, vhi: int) -> str:
    """Input "n\\n a_1 ... a_n" with random n and values."""
    n = r.randint(lo, hi)
    return f"{n}\n{arr(r.randint(vlo, vhi) for _ in range(n))}\n"


# family -> (oracle, test-input generator) of the tasks in data/code_tasks.yaml
_ORACLES_AND_GENERATORS: dict[str, tuple[Callable[[str], str], Callable[[random.Random], str]]] = {
    "watermelon": (_o_watermelon, lambda r: f"{r.randint(1, 100)}\n"),
    "domino": (_o_domino, lambda r: (lambda m: f"{m} {r.randint(m, 16)}\n")(r.randint(1, 16))),
    "elephant": (
        _o_elephant,
        lambda r: f"{r.choice([r.randint(1, 30), r.randint(1, 1_000_000)])}\n",
    ),
    "team": (
        _o_team,
        lambda r: (
            lambda n: (
                f"{n}\n" + "".join(arr(r.randint(0, 1) for _ in range(3)) + "\n" for _ in range(n))
            )
        )(r.randint(1, 10)),
    ),
    "word_case": (_o_word_case, lambda r: _word(r, "abcxyzABCXYZ", 1, 15) + "\n"),
    "stones": (
        _o_stones,
        lambda r: (lambda n: f"{n}\n{''.join(r.choice('RGB') for _ in range(n))}\n")(
            r.randint(1, 50)
        ),
    ),
    "gravity": (_o_gravity, lambda r: _n_list(r, 1, 10, 1, 20)),
    "beautiful_matrix": (_o_beautiful, _g_matrix),
    "petya_strings": (_o_petya, _g_petya),
    "helpful_maths": (
        _o_helpful,
        lambda r: "+".join(r.choice("123") for _ in range(r.randint(1, 10))) + "\n",
    ),
    "young_physicist": (_o_young, _g_young),
    "tram": (_o_tram, _g_tram),
    "nearly_lucky": (_o_lucky, _g_lucky),
    "anton_danik": (
        _o_anton,
        lambda r: (lambda n: f"{n}\n{''.join(r.choice('AD') for _ in range(n))}\n")(
            r.randint(1, 15)
        ),
    ),
    "vanya_fence": (
        _o_fence,
        lambda r: (lambda n, h: f"{n} {h}\n{arr(r.randint(1, 2 * h) for _ in range(n))}\n")(
            r.randint(1, 10), r.randint(1, 10)
        ),
    ),
    "div_moves": (
        _o_div_moves,
        lambda r: (
            lambda t: (
                f"{t}\n"
                + "".join(
                    f"{r.randint(1, 10**9)} {r.randint(1, 10 ** r.randint(1, 9))}\n"
                    for _ in range(t)
                )
            )
        )(r.randint(1, 5)),
    ),
    "sisters": (
        _o_sisters,
        lambda r: (lambda t: f"{t}\n" + "".join(f"{r.randint(1, 2000)}\n" for _ in range(t)))(
            r.randint(1, 6)
        ),
    ),
    "soldier": (
        _o_soldier,
        lambda r: f"{r.randint(1, 1000)} {r.randint(0, 10**6)} {r.randint(1, 1000)}\n",
    ),
    "bear": (_o_bear, lambda r: (lambda a: f"{a} {r.randint(a, 10)}\n")(r.randint(1, 10))),
    "taxi": (_o_taxi, lambda r: _n_list(r, 1, 12, 1, 4)),
    "max_subarray": (_o_max_sub, lambda r: _n_list(r, 1, 12, -20, 20)),
    "palindromes": (
        _o_palin,
        lambda r: (
            lambda t: (
                f"{t}\n"
                + "".join(
                    (lambda w: (w + w[::-1][r.randint(0, 1) :] if r.random() < 0.5 else w) + "\n")(
                        _word(r, "ab", 1, 4)
                    )
                    for _ in range(t)
                )
            )
        )(r.randint(1, 5)),
    ),
    "bracket": (_o_bracket, _g_bracket),
    "prime_check": (
        _o_prime,
        lambda r: (
            lambda t: (
                f"{t}\n"
                + "".join(
                    f"{r.choice([r.randint(1, 100), r.randint(1, 10**6)])}\n" for _ in range(t)
                )
            )
        )(r.randint(1, 6)),
    ),
    "fib_mod": (_o_fib, lambda r: f"{r.randint(0, 20000)}\n"),
    "digit_steps": (
        _o_digit_steps,
        lambda r: (
            str(r.randint(1, 9))
            + "".join(r.choice("0123456789") for _ in range(r.randint(0, 200)))
            + "\n"
        ),
    ),
    "prefix_queries": (_o_prefix, _g_prefix),
    "longest_inc": (_o_longest, lambda r: _n_list(r, 1, 15, 1, 10)),
    "distinct_count": (_o_distinct, lambda r: _n_list(r, 1, 15, 1, 8)),
    "second_max": (_o_second, lambda r: _n_list(r, 1, 8, -3, 5)),
    "rotation": (_o_rotation, _g_rotation),
    "anagram": (_o_anagram, _g_anagram),
    "collatz": (_o_collatz, lambda r: f"{r.randint(1, 10**4)}\n"),
    "reverse_words": (
        _o_reverse,
        lambda r: " ".join(_word(r, "abcdefgh", 1, 6) for _ in range(r.randint(1, 8))) + "\n",
    ),
    "min_coins": (_o_coins, lambda r: f"{r.choice([r.randint(1, 200), r.randint(1, 10**9)])}\n"),
    "two_sum": (_o_two_sum, _g_two_sum),
    "matrix_diag": (_o_diag, _g_diag),
    "vowel_count": (_o_vowels, lambda r: _sentence(r) + "\n"),
    "even_odd_diff": (_o_even_odd, lambda r: _n_list(r, 1, 10, 1, 50)),
    "way_too_long": (
        _o_too_long,
        lambda r: (
            lambda n: (
                f"{n}\n" + "".join(_word(r, "abcdefghijklmnop", 1, 15) + "\n" for _ in range(n))
            )
        )(r.randint(1, 5)),
    ),
    "boy_or_girl": (_o_boy_girl, lambda r: _word(r, "abcdefghijkl", 1, 20) + "\n"),
    "bit_plus": (
        _o_bit_plus,
        lambda r: (
            lambda n: (
                f"{n}\n" + "".join(r.choice(["++X", "X++", "--X", "X--"]) + "\n" for _ in range(n))
            )
        )(r.randint(1, 8)),
    ),
    "magnets": (
        _o_magnets,
        lambda r: (lambda n: f"{n}\n" + "".join(r.choice(["01", "10"]) + "\n" for _ in range(n)))(
            r.randint(1, 10)
        ),
    ),
    "easy_problem": (
        _o_easy,
        lambda r: (lambda n: f"{n}\n{arr(int(r.random() < 0.15) for _ in range(n))}\n")(
            r.randint(1, 8)
        ),
    ),
    "string_task": (_o_string_task, _g_string_task),
    "binary_ones": (
        _o_popcount,
        lambda r: (lambda t: f"{t}\n" + "".join(f"{r.randint(0, 10**18)}\n" for _ in range(t)))(
            r.randint(1, 5)
        ),
    ),
    "gcd_array": (
        _o_gcd,
        lambda r: (lambda g, n: f"{n}\n{arr(g * r.randint(1, 20) for _ in range(n))}\n")(
            r.randint(1, 9), r.randint(1, 6)
        ),
    ),
    "queue_school": (
        _o_queue,
        lambda r: (
            lambda n: f"{n} {r.randint(1, 5)}\n{''.join(r.choice('BG') for _ in range(n))}\n"
        )(r.randint(1, 10)),
    ),
    "lcm_tests": (
        _o_lcm,
        lambda r: (
            lambda t: (
                f"{t}\n" + "".join(f"{r.randint(1, 100)} {r.randint(1, 100)}\n" for _ in range(t))
            )
        )(r.randint(1, 4)),
    ),
    "count_words": (_o_count_words, lambda r: _sentence(r) + "\n"),
}


def _code_task(entry: dict[str, Any]) -> CodeTask:
    """A CodeTask of data/code_tasks.yaml with its oracle and generator."""
    oracle, gen = _ORACLES_AND_GENERATORS[entry["family"]]
    cf = entry["cf"]
    return CodeTask(
        entry["family"],
        (),
        entry["title"],
        tuple(entry["legends"]),
        entry["input_spec"],
        entry["output_spec"],
        entry["note"],
        entry["solution"],
        oracle,
        tuple(entry["examples"]),
        tuple(entry["extra"]),
        gen,
        entry["approach"],
        CF(
            cf["contest_id"],
            cf["index"],
            cf["rating"],
            tuple(cf["tags"]),
            cf.get("contest_name", ""),
            cf.get("points", 0.0),
        ),
        wrong_solution=entry.get("wrong_solution"),
        alt_solution=entry.get("alt_solution"),
        time_limit=entry.get("time_limit", 1),
    )


CODE_TASKS: list[CodeTask] = [
    *(_code_task(e) for e in load_data("code_tasks.yaml")),
    t_div_count(3),
    t_div_count(7),
]

TASKS: dict[tuple[str, Params], CodeTask] = {(t.family, t.params): t for t in CODE_TASKS}


def task(family: str, params: Params = ()) -> CodeTask:
    """Look up a code task."""
    return TASKS[(family, params)]


def _o_multiples(number: int) -> int:
    return sum({x for x in range(0, max(number, 0), 3)} | {x for x in range(0, max(number, 0), 5)})


def _o_isogram(string: str) -> bool:
    s = string.lower()
    return all(s[i] != s[j] for i in range(len(s)) for j in range(i + 1, len(s)))


def _o_digital_root(n: int) -> int:
    while n >= 10:
        n = sum(int(c) for c in str(n))
    return n


def _o_outlier(integers: list[int]) -> int:
    even_majority = sum(1 for x in integers[:3] if x % 2 == 0) >= 2
    return next(x for x in integers if (x % 2 == 0) != even_majority)


def _o_tribonacci(signature: list[int], n: int) -> list[int]:
    a, b, c = signature
    out = []
    for _ in range(n):
        out.append(a)
        a, b, c = b, c, a + b + c
    return out


_CALL_ORACLES: dict[str, Callable[..., Any]] = {
    "sum_of_multiples": _o_multiples,
    "is_isogram": _o_isogram,
    "digital_root": _o_digital_root,
    "find_outlier": _o_outlier,
    "tribonacci": _o_tribonacci,
}

CALL_TASKS: list[CallTask] = [
    CallTask(
        e["family"],
        e["fn_name"],
        e["arg_names"],
        e["question"],
        e["solution"],
        e["alt_solution"],
        _CALL_ORACLES[e["family"]],
        tuple(tuple(a) for a in e["args"]),
    )
    for e in load_data("call_tasks.yaml")
]

CALLS: dict[str, CallTask] = {c.family: c for c in CALL_TASKS}
