#!/usr/bin/env python3
"""Write the deterministic demo source files for the r1-assets pipeline.

Hand-built samples in the real public formats of eight reasoning datasets, with planted
cross-source duplicates, reworded near-duplicates, number-only variants and deliberately
bad rows. Everything planted is recorded in ``data/sources/demo_manifest.json``. After
writing, the script re-reads every file and verifies math answers, runs every code
solution against its tests and checks every manifest locator.

Usage: ``python scripts/make_demo_sources.py``
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import random
import re
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from r1_assets.verify.math_answer import extract_final_answer as last_boxed

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "sources"
UUID_NS = uuid.UUID("5f0c3a52-8d1e-4b6a-9a51-2d7c1e0b9f43")
OVERSIZE_LIMIT = 32_000
SIZE_BUDGET = 400 * 1024

Json = dict[str, Any]
Params = tuple[Any, ...]


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def norm(text: str) -> str:
    """Lower-case and collapse whitespace: the key under which two texts are exact dups."""
    return " ".join(text.lower().split())


def perturb(text: str, mode: str | None) -> str:
    """Apply a whitespace-, line-break- or case-only change to ``text``."""
    if mode is None:
        return text
    if mode == "ws":
        head, _, tail = text.partition(" ")
        out = f"{head}  {tail}".replace("\n\n\n", "\n\n") + "\n"
    elif mode == "lines":
        out = re.sub(r"([.?!]) (?=[A-Z$])", "\\1\n", text)
    elif mode == "case":
        if "\\" in text:
            raise ValueError("case perturbation would alter LaTeX commands")
        out = text.lower()
    else:
        raise ValueError(mode)
    assert out != text and norm(out) == norm(text), (mode, text)
    return out


def tex_num(value: Fraction | int) -> str:
    """Render an exact rational as an integer or a LaTeX fraction."""
    v = Fraction(value)
    if v.denominator == 1:
        return str(v.numerator)
    sign = "-" if v < 0 else ""
    return f"{sign}\\frac{{{abs(v.numerator)}}}{{{v.denominator}}}"


def sig3(x: float) -> str:
    """Format ``x`` with three significant figures, keeping trailing zeros."""
    out = f"{x:#.3g}"
    assert "e" not in out, x
    return out.rstrip(".")


def factorize(n: int) -> list[tuple[int, int]]:
    """Prime factorization as (prime, exponent) pairs."""
    out: list[tuple[int, int]] = []
    p = 2
    while p * p <= n:
        e = 0
        while n % p == 0:
            n //= p
            e += 1
        if e:
            out.append((p, e))
        p += 1
    if n > 1:
        out.append((n, 1))
    return out


def factor_tex(n: int) -> str:
    """LaTeX prime factorization, e.g. ``2^{3} \\cdot 3^{2} \\cdot 5``."""
    parts = [f"{p}^{{{e}}}" if e > 1 else str(p) for p, e in factorize(n)]
    return " \\cdot ".join(parts)


def ordinal(n: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 20th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def lower_first(s: str) -> str:
    """Lower-case the first character unless it starts math or a number."""
    return s[0].lower() + s[1:] if s[:1].isalpha() and not s[:2].isupper() else s


def stable_uuid(key: str) -> str:
    """A fixed uuid-looking string derived from ``key``."""
    return str(uuid.uuid5(UUID_NS, key))


def hex_id(key: str, n: int = 24) -> str:
    """Deterministic hex id (codewars-like kata ids)."""
    return hashlib.sha256(key.encode()).hexdigest()[:n]


def dumps(obj: Any) -> str:
    """Compact-ish JSON the way the public JSONL dumps look."""
    return json.dumps(obj, ensure_ascii=False)


# --------------------------------------------------------------------------------------
# Math problems (templates whose answers are computed)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MathItem:
    """One math problem instance with a worked solution and a plausible wrong attempt."""

    family: str
    params: Params
    phrasing: str
    problem: str
    goal: str
    steps: tuple[str, ...]
    answer: str
    wrong: str
    wrong_step: str
    problem_type: str

    @property
    def solution(self) -> str:
        """Worked solution ending in a boxed final answer."""
        body = "\n\n".join(self.steps)
        return f"{body}\n\nTherefore, the answer is $\\boxed{{{self.answer}}}$."


MathFn = Callable[[Params, str], MathItem]
MATH: dict[str, MathFn] = {}


def math_family(fn: MathFn) -> MathFn:
    """Register a math template under its name without the ``m_`` prefix."""
    MATH[fn.__name__.removeprefix("m_")] = fn
    return fn


def _mi(
    family: str,
    p: Params,
    ph: str,
    texts: dict[str, str],
    goal: str,
    steps: list[str],
    answer: object,
    wrong: object,
    wrong_step: str,
    ptype: str,
) -> MathItem:
    """Build a MathItem, picking the phrasing (MCQ items start from ``p0``)."""
    text = texts["p0" if ph == "mcq" else ph]
    assert str(answer) != str(wrong), (family, p)
    return MathItem(
        family, p, ph, text, goal, tuple(steps), str(answer), str(wrong), wrong_step, ptype
    )


@math_family
def m_linear(p: Params, ph: str) -> MathItem:
    """Linear equation ax + b = c."""
    a, b, c = p
    assert (c - b) % a == 0
    x = (c - b) // a
    eq = f"{a}x + {b} = {c}"
    w = tex_num(Fraction(c + b, a))
    return _mi(
        "linear",
        p,
        ph,
        {
            "p0": f"Solve for $x$: ${eq}$.",
            "p1": f"What value of $x$ satisfies the equation ${eq}$?",
        },
        f"solve ${eq}$ for $x$",
        [
            f"Subtract ${b}$ from both sides: ${a}x = {c} - {b} = {c - b}$.",
            f"Divide both sides by ${a}$: $x = \\frac{{{c - b}}}{{{a}}} = {x}$.",
        ],
        x,
        w,
        f"Moving ${b}$ to the right-hand side gives ${a}x = {c} + {b} = {c + b}$, so $x = {w}$.",
        "Algebra",
    )


@math_family
def m_pow_mod(p: Params, ph: str) -> MathItem:
    """Remainder of b^e modulo m via the cycle of powers."""
    b, e, m = p
    cycle: list[int] = []
    r = 1
    while True:
        r = r * b % m
        cycle.append(r)
        if r == 1:
            break
    k = len(cycle)
    q, rem = divmod(e, k)
    ans = pow(b, e, m)
    listing = ", ".join(f"${b}^{{{i + 1}}} \\equiv {v}$" for i, v in enumerate(cycle))
    if rem:
        last = (
            f"Since ${e} = {k} \\cdot {q} + {rem}$, we get ${b}^{{{e}}} \\equiv "
            f"{b}^{{{rem}}} \\equiv {ans} \\pmod{{{m}}}$."
        )
    else:
        last = (
            f"Since ${e} = {k} \\cdot {q}$, we get ${b}^{{{e}}} = ({b}^{{{k}}})^{{{q}}} "
            f"\\equiv 1 \\pmod{{{m}}}$."
        )
    wrong = pow(b, rem + 1, m)
    return _mi(
        "pow_mod",
        p,
        ph,
        {
            "p0": f"What is the remainder when ${b}^{{{e}}}$ is divided by ${m}$?",
            "p1": f"Find the remainder obtained upon dividing ${b}^{{{e}}}$ by ${m}$.",
        },
        f"find the remainder of ${b}^{{{e}}}$ modulo ${m}$",
        [
            f"We compute successive powers of ${b}$ modulo ${m}$: {listing}.",
            f"The powers repeat with period ${k}$.",
            last,
        ],
        ans,
        wrong,
        f"The powers repeat every ${k}$ steps and ${e}$ leaves remainder ${rem + 1}$ when "
        f"divided by ${k}$, so ${b}^{{{e}}} \\equiv {b}^{{{rem + 1}}} \\equiv {wrong} "
        f"\\pmod{{{m}}}$.",
        "Number Theory",
    )


@math_family
def m_odd_sum(p: Params, ph: str) -> MathItem:
    """Sum of the first n odd numbers."""
    (n,) = p
    last = 2 * n - 1
    return _mi(
        "odd_sum",
        p,
        ph,
        {
            "p0": f"Find the sum of the first ${n}$ positive odd integers.",
            "p1": f"Compute $1 + 3 + 5 + \\cdots + {last}$.",
        },
        f"add up the odd numbers from $1$ to ${last}$",
        [
            f"The numbers $1, 3, 5, \\ldots, {last}$ are the first ${n}$ positive odd "
            f"integers; they form an arithmetic sequence with ${n}$ terms.",
            f"Its sum is $\\frac{{{n}(1 + {last})}}{{2}} = \\frac{{{n} \\cdot "
            f"{2 * n}}}{{2}} = {n * n}$.",
        ],
        n * n,
        n * (n + 1),
        f"The sum of the first $n$ odd numbers is $n(n+1)$, which gives ${n} \\cdot "
        f"{n + 1} = {n * (n + 1)}$.",
        "Algebra",
    )


@math_family
def m_hypotenuse(p: Params, ph: str) -> MathItem:
    """Hypotenuse of a right triangle (Pythagorean triple)."""
    a, b = p
    c = math.isqrt(a * a + b * b)
    assert c * c == a * a + b * b
    return _mi(
        "hypotenuse",
        p,
        ph,
        {
            "p0": f"The legs of a right triangle have lengths ${a}$ and ${b}$. What is the "
            "length of the hypotenuse?",
            "p1": f"A right triangle has legs measuring ${a}$ cm and ${b}$ cm. How long is its "
            "hypotenuse, in centimeters?",
        },
        f"find the hypotenuse of a right triangle with legs ${a}$ and ${b}$",
        [
            f"By the Pythagorean theorem, $c^2 = {a}^2 + {b}^2 = {a * a} + {b * b} = {c * c}$.",
            f"Hence $c = \\sqrt{{{c * c}}} = {c}$.",
        ],
        c,
        a + b,
        f"The hypotenuse is the sum of the two legs, ${a} + {b} = {a + b}$.",
        "Geometry",
    )


@math_family
def m_committee(p: Params, ph: str) -> MathItem:
    """Number of k-person committees from n people."""
    n, k = p
    num = " \\cdot ".join(str(n - i) for i in range(k))
    prod = math.perm(n, k)
    ans = math.comb(n, k)
    return _mi(
        "committee",
        p,
        ph,
        {
            "p0": f"In how many ways can a committee of ${k}$ people be chosen from a group of "
            f"${n}$ people?",
            "p1": f"A club has ${n}$ members. How many different ${k}$-member committees can be "
            "formed from its members?",
        },
        f"count the ${k}$-person committees that can be formed from ${n}$ people",
        [
            "The order in which the members are chosen does not matter, so we count combinations.",
            f"$\\binom{{{n}}}{{{k}}} = \\frac{{{num}}}{{{k}!}} = "
            f"\\frac{{{prod}}}{{{math.factorial(k)}}} = {ans}$.",
        ],
        ans,
        prod,
        f"Choosing the members one at a time gives ${num} = {prod}$ possibilities.",
        "Combinatorics",
    )


@math_family
def m_lcm(p: Params, ph: str) -> MathItem:
    """Least common multiple of two numbers."""
    a, b = p
    lcm = math.lcm(a, b)
    return _mi(
        "lcm",
        p,
        ph,
        {
            "p0": f"What is the least common multiple of {a} and {b}?",
            "p1": f"Find the smallest positive integer that is divisible by both {a} and {b}.",
        },
        f"find the least common multiple of ${a}$ and ${b}$",
        [
            f"Factor both numbers: ${a} = {factor_tex(a)}$ and ${b} = {factor_tex(b)}$.",
            "The least common multiple takes the highest power of each prime: "
            f"${factor_tex(lcm)} = {lcm}$.",
        ],
        lcm,
        a * b,
        f"The least common multiple is the product ${a} \\times {b} = {a * b}$.",
        "Number Theory",
    )


@math_family
def m_discount(p: Params, ph: str) -> MathItem:
    """Sale price after a percentage discount."""
    price, pct = p
    assert price * pct % 100 == 0
    disc = price * pct // 100
    sale = price - disc
    return _mi(
        "discount",
        p,
        ph,
        {
            "p0": f"A jacket is originally priced at ${price}$ dollars. During a sale, its "
            f"price is reduced by ${pct}\\%$. What is the sale price of the jacket, in "
            "dollars?",
            "p1": f"After a ${pct}\\%$ discount, how many dollars does a jacket that originally "
            f"cost ${price}$ dollars sell for?",
        },
        f"find the price of a ${price}$-dollar jacket after a ${pct}\\%$ discount",
        [
            f"The discount is ${pct}\\%$ of ${price}$, which is $\\frac{{{pct}}}{{100}} "
            f"\\times {price} = {disc}$ dollars.",
            f"The sale price is ${price} - {disc} = {sale}$ dollars.",
        ],
        sale,
        disc,
        f"The discount is $\\frac{{{pct}}}{{100}} \\times {price} = {disc}$, so the "
        f"jacket costs ${disc}$ dollars.",
        "Algebra",
    )


@math_family
def m_train(p: Params, ph: str) -> MathItem:
    """Distance at constant speed."""
    d, t, t2 = p
    assert d % t == 0
    s = d // t
    return _mi(
        "train",
        p,
        ph,
        {
            "p0": f"A train travels {d} kilometers in {t} hours. At the same speed, how many "
            f"kilometers will it travel in {t2} hours?",
            "p1": f"Moving at a constant speed, a train covers {d} km in {t} hours. What "
            f"distance, in kilometers, does it cover in {t2} hours?",
        },
        f"find how far the train goes in ${t2}$ hours",
        [
            f"The train's speed is $\\frac{{{d}}}{{{t}}} = {s}$ km/h.",
            f"In ${t2}$ hours it travels ${s} \\times {t2} = {s * t2}$ km.",
        ],
        s * t2,
        d * t2,
        f"Multiplying the distance by the new time gives ${d} \\times {t2} = {d * t2}$ km.",
        "Algebra",
    )


@math_family
def m_rect(p: Params, ph: str) -> MathItem:
    """Rectangle area from perimeter and length-width difference."""
    per, k = p
    assert (per - 2 * k) % 4 == 0 and per % 2 == 0
    w = (per - 2 * k) // 4
    ln = w + k
    half = per // 2
    return _mi(
        "rect",
        p,
        ph,
        {
            "p0": f"The perimeter of a rectangle is ${per}$ cm, and its length is ${k}$ cm "
            "greater than its width. What is the area of the rectangle, in square "
            "centimeters?",
            "p1": f"A rectangle is ${k}$ cm longer than it is wide, and its perimeter measures "
            f"${per}$ cm. Find the area of the rectangle in square centimeters.",
        },
        f"find the area of a rectangle with perimeter ${per}$ whose length exceeds its "
        f"width by ${k}$",
        [
            f"Let the width be $w$ cm; then the length is $w + {k}$ cm.",
            f"The perimeter is $2(w + w + {k}) = 4w + {2 * k} = {per}$, so $4w = "
            f"{per - 2 * k}$ and $w = {w}$.",
            f"The length is ${w} + {k} = {ln}$ cm, so the area is ${w} \\times {ln} = "
            f"{w * ln}$ square centimeters.",
        ],
        w * ln,
        (half - k) * half,
        f"Half the perimeter is ${half}$, so the width is ${half} - {k} = {half - k}$ and "
        f"the length is ${half}$, giving an area of ${half - k} \\times {half} = "
        f"{(half - k) * half}$.",
        "Geometry",
    )


@math_family
def m_vieta(p: Params, ph: str) -> MathItem:
    """r^2 + s^2 for the roots of x^2 - Sx + P."""
    s_, p_ = p
    ans = s_ * s_ - 2 * p_
    return _mi(
        "vieta",
        p,
        ph,
        {
            "p0": f"Let $r$ and $s$ be the roots of the equation $x^2 - {s_}x + {p_} = 0$. Find "
            "$r^2 + s^2$.",
            "p1": f"If $r$ and $s$ are the two solutions of $x^2 - {s_}x + {p_} = 0$, what is "
            "the value of $r^2 + s^2$?",
        },
        f"find $r^2 + s^2$ for the roots of $x^2 - {s_}x + {p_} = 0$",
        [
            f"By Vieta's formulas, $r + s = {s_}$ and $rs = {p_}$.",
            f"Therefore $r^2 + s^2 = (r + s)^2 - 2rs = {s_}^2 - 2 \\cdot {p_} = {s_ * s_} "
            f"- {2 * p_} = {ans}$.",
        ],
        ans,
        s_ * s_ - p_,
        f"Since $r^2 + s^2 = (r + s)^2 - rs$, we get ${s_ * s_} - {p_} = {s_ * s_ - p_}$.",
        "Algebra",
    )


@math_family
def m_divisors(p: Params, ph: str) -> MathItem:
    """Number of positive divisors."""
    (n,) = p
    fac = factorize(n)
    ans = math.prod(e + 1 for _, e in fac)
    wrong = math.prod(e for _, e in fac)
    terms = " \\cdot ".join(f"({e} + 1)" for _, e in fac)
    wterms = " \\cdot ".join(str(e) for _, e in fac)
    return _mi(
        "divisors",
        p,
        ph,
        {
            "p0": f"How many positive divisors does ${n}$ have?",
            "p1": f"Determine the number of positive integer divisors of ${n}$.",
        },
        f"count the positive divisors of ${n}$",
        [
            f"The prime factorization is ${n} = {factor_tex(n)}$.",
            "A divisor is determined by choosing, for each prime, an exponent between $0$ "
            "and its exponent in the factorization.",
            f"So the number of divisors is ${terms} = {ans}$.",
        ],
        ans,
        wrong,
        f"Since ${n} = {factor_tex(n)}$, multiplying the exponents gives ${wterms} = "
        f"{wrong}$ divisors.",
        "Number Theory",
    )


@math_family
def m_dice(p: Params, ph: str) -> MathItem:
    """Probability that two dice sum to s."""
    (s,) = p
    outs = [(i, j) for i in range(1, 7) for j in range(1, 7) if i + j == s]
    k = len(outs)
    ans = tex_num(Fraction(k, 36))
    pairs = ", ".join(f"$({i}, {j})$" for i, j in outs)
    red = f" = {ans}" if Fraction(k, 36).denominator != 36 else ""
    return _mi(
        "dice",
        p,
        ph,
        {
            "p0": "Two fair six-sided dice are rolled. What is the probability that the sum of "
            f"the numbers rolled is ${s}$? Express your answer as a common fraction.",
            "p1": "If two standard six-sided dice are thrown, what is the probability that "
            f"their total equals ${s}$? Give your answer as a common fraction.",
        },
        f"find the probability that two dice show a total of ${s}$",
        [
            "There are $6 \\times 6 = 36$ equally likely outcomes.",
            f"The outcomes with sum ${s}$ are {pairs}, so there are ${k}$ of them.",
            f"The probability is $\\frac{{{k}}}{{36}}{red}$.",
        ],
        ans,
        tex_num(Fraction(1, 11)),
        "There are $11$ possible sums, from $2$ to $12$, so each particular sum has "
        "probability $\\frac{1}{11}$.",
        "Combinatorics",
    )


@math_family
def m_arith(p: Params, ph: str) -> MathItem:
    """n-th term of an arithmetic sequence."""
    a, d, n = p
    ans = a + (n - 1) * d
    return _mi(
        "arith",
        p,
        ph,
        {
            "p0": f"The first term of an arithmetic sequence is ${a}$ and the common difference "
            f"is ${d}$. What is the {ordinal(n)} term of the sequence?",
            "p1": f"An arithmetic sequence begins with ${a}$, and each term is ${d}$ more than "
            f"the one before it. Find the {ordinal(n)} term.",
        },
        f"find the {ordinal(n)} term of an arithmetic sequence starting at ${a}$ with "
        f"difference ${d}$",
        [
            "The $n$th term of an arithmetic sequence is $a_n = a_1 + (n - 1)d$.",
            f"So $a_{{{n}}} = {a} + {n - 1} \\cdot {d} = {a} + {(n - 1) * d} = {ans}$.",
        ],
        ans,
        a + n * d,
        f"Using $a_n = a_1 + nd$, we get ${a} + {n} \\cdot {d} = {a + n * d}$.",
        "Algebra",
    )


@math_family
def m_ages(p: Params, ph: str) -> MathItem:
    """Years until a father is twice as old as his son."""
    f_, s_ = p
    ans = f_ - 2 * s_
    assert ans > 0
    return _mi(
        "ages",
        p,
        ph,
        {
            "p0": f"A father is ${f_}$ years old and his son is ${s_}$ years old. In how many "
            "years will the father be exactly twice as old as his son?",
            "p1": f"A man is ${f_}$ years old and his son is ${s_}$. After how many years will "
            "the man's age be double his son's age?",
        },
        "find when the father will be twice as old as the son",
        [
            f"Let $x$ be the number of years. Then ${f_} + x = 2({s_} + x)$.",
            f"Expanding, ${f_} + x = {2 * s_} + 2x$, so $x = {f_} - {2 * s_} = {ans}$.",
            f"Check: in ${ans}$ years the father will be ${f_ + ans}$ and the son "
            f"${s_ + ans}$, and ${f_ + ans} = 2 \\times {s_ + ans}$.",
        ],
        ans,
        f_ - s_,
        f"The age difference is ${f_} - {s_} = {f_ - s_}$ years, so it takes ${f_ - s_}$ years.",
        "Algebra",
    )


@math_family
def m_circle(p: Params, ph: str) -> MathItem:
    """Area of a circle from its circumference."""
    (c,) = p
    assert c % 2 == 0
    r = c // 2
    return _mi(
        "circle",
        p,
        ph,
        {
            "p0": f"The circumference of a circle is ${c}\\pi$ centimeters. What is the area of "
            "the circle, in square centimeters? Express your answer in terms of $\\pi$.",
            "p1": f"A circle has a circumference of ${c}\\pi$ cm. Find its area in square "
            "centimeters, in terms of $\\pi$.",
        },
        f"find the area of a circle whose circumference is ${c}\\pi$",
        [
            f"From $2\\pi r = {c}\\pi$ we get $r = {r}$.",
            f"The area is $\\pi r^2 = {r}^2 \\pi = {r * r}\\pi$.",
        ],
        f"{r * r}\\pi",
        f"{c * c}\\pi",
        f"The radius is ${c}$, so the area is $\\pi \\cdot {c}^2 = {c * c}\\pi$.",
        "Geometry",
    )


@math_family
def m_workers(p: Params, ph: str) -> MathItem:
    """Inverse proportion: workers and days."""
    w, d, w2 = p
    total = w * d
    assert total % w2 == 0
    ans = total // w2
    wrong = tex_num(Fraction(d * w2, w))
    return _mi(
        "workers",
        p,
        ph,
        {
            "p0": f"If ${w}$ workers can build a wall in ${d}$ days, how many days would it "
            f"take ${w2}$ workers to build the same wall, assuming everyone works at the "
            "same rate?",
            "p1": f"A wall takes ${w}$ workers ${d}$ days to build. Working at the same rate, "
            f"how many days would ${w2}$ workers need?",
        },
        f"find how long ${w2}$ workers need",
        [
            f"The job requires ${w} \\times {d} = {total}$ worker-days.",
            f"With ${w2}$ workers it takes $\\frac{{{total}}}{{{w2}}} = {ans}$ days.",
        ],
        ans,
        wrong,
        f"The time is proportional to the number of workers, so it takes ${d} \\times "
        f"\\frac{{{w2}}}{{{w}}} = {wrong}$ days.",
        "Algebra",
    )


@math_family
def m_interest(p: Params, ph: str) -> MathItem:
    """Simple interest."""
    pr, r, t = p
    assert pr * r * t % 100 == 0 and pr * r % 100 == 0
    ans = pr * r * t // 100
    one = pr * r // 100
    return _mi(
        "interest",
        p,
        ph,
        {
            "p0": f"What is the simple interest earned on a deposit of ${pr}$ dollars at an "
            f"annual interest rate of ${r}\\%$ for ${t}$ years?",
            "p1": f"How much simple interest, in dollars, does a deposit of ${pr}$ dollars earn "
            f"in ${t}$ years at ${r}\\%$ per year?",
        },
        f"compute the simple interest on ${pr}$ dollars at ${r}\\%$ for ${t}$ years",
        [
            "Simple interest is $I = P \\cdot r \\cdot t$.",
            f"$I = {pr} \\times \\frac{{{r}}}{{100}} \\times {t} = {ans}$ dollars.",
        ],
        ans,
        one,
        f"The interest is ${pr} \\times \\frac{{{r}}}{{100}} = {one}$ dollars.",
        "Algebra",
    )


@math_family
def m_triangle(p: Params, ph: str) -> MathItem:
    """Third angle of a triangle."""
    a, k = p
    b = a + k
    c = 180 - a - b
    assert c > 0
    return _mi(
        "triangle",
        p,
        ph,
        {
            "p0": f"In triangle $ABC$, $\\angle A = {a}^\\circ$ and $\\angle B$ is ${k}^\\circ$ "
            "larger than $\\angle A$. What is the measure of $\\angle C$, in degrees?",
            "p1": f"Triangle $ABC$ has $\\angle A = {a}^\\circ$, and $\\angle B$ exceeds "
            f"$\\angle A$ by ${k}^\\circ$. Find $\\angle C$ in degrees.",
        },
        "find angle $C$",
        [
            f"$\\angle B = {a}^\\circ + {k}^\\circ = {b}^\\circ$.",
            "The angles of a triangle sum to $180^\\circ$, so $\\angle C = 180^\\circ - "
            f"{a}^\\circ - {b}^\\circ = {c}^\\circ$.",
        ],
        c,
        180 - a - k,
        f"$\\angle C = 180^\\circ - {a}^\\circ - {k}^\\circ = {180 - a - k}^\\circ$.",
        "Geometry",
    )


@math_family
def m_sum_diff(p: Params, ph: str) -> MathItem:
    """Larger of two numbers from their sum and difference."""
    s, d = p
    assert (s + d) % 2 == 0
    big, small = (s + d) // 2, (s - d) // 2
    return _mi(
        "sum_diff",
        p,
        ph,
        {
            "p0": f"The sum of two numbers is {s} and their difference is {d}. What is the "
            "larger of the two numbers?",
            "p1": f"Two numbers add up to {s}, and one exceeds the other by {d}. Find the "
            "larger number.",
        },
        f"find the larger of two numbers with sum ${s}$ and difference ${d}$",
        [
            f"Let the numbers be $x$ and $y$ with $x > y$. Then $x + y = {s}$ and $x - y = {d}$.",
            f"Adding the two equations gives $2x = {s + d}$, so $x = {big}$.",
        ],
        big,
        small,
        f"Subtracting the equations gives $2y = {s - d}$, so the number is ${small}$.",
        "Algebra",
    )


@math_family
def m_average(p: Params, ph: str) -> MathItem:
    """Removed number from averages."""
    n, m, m2 = p
    ans = n * m - (n - 1) * m2
    return _mi(
        "average",
        p,
        ph,
        {
            "p0": f"The average of ${n}$ numbers is ${m}$. After one of the numbers is removed, "
            f"the average of the remaining numbers is ${m2}$. What number was removed?",
            "p1": f"${n}$ numbers have a mean of ${m}$. Removing one of them lowers the mean to "
            f"${m2}$. Which number was removed?",
        },
        "find the removed number",
        [
            f"The sum of the ${n}$ numbers is ${n} \\times {m} = {n * m}$.",
            f"The sum of the remaining ${n - 1}$ numbers is ${n - 1} \\times {m2} = "
            f"{(n - 1) * m2}$.",
            f"The removed number is ${n * m} - {(n - 1) * m2} = {ans}$.",
        ],
        ans,
        2 * m - m2,
        f"The average dropped by ${m - m2}$, so the removed number is ${m} + {m - m2} = "
        f"{2 * m - m2}$.",
        "Algebra",
    )


@math_family
def m_apples(p: Params, ph: str) -> MathItem:
    """Simple add/subtract word problem."""
    a, b, c = p
    ans = a - b + c
    return _mi(
        "apples",
        p,
        ph,
        {
            "p0": f"Mary had {a} apples. She gave {b} apples to her friend and then bought {c} "
            "more at the market. How many apples does Mary have now?",
            "p1": f"Starting with {a} apples, Mary gives {b} of them to a friend and later buys "
            f"{c} more. How many apples does she end up with?",
        },
        "count Mary's apples",
        [
            f"After giving away {b} apples, Mary has ${a} - {b} = {a - b}$ apples.",
            f"After buying {c} more, she has ${a - b} + {c} = {ans}$ apples.",
        ],
        ans,
        a - b - c,
        f"She has ${a} - {b} - {c} = {a - b - c}$ apples left.",
        "Algebra",
    )


@math_family
def m_digit_sum(p: Params, ph: str) -> MathItem:
    """Digit sum of a power of two."""
    (n,) = p
    v = 2**n
    digits = str(v)
    ans = sum(map(int, digits))
    wv = 2 ** (n - 1)
    wrong = sum(map(int, str(wv)))
    return _mi(
        "digit_sum",
        p,
        ph,
        {
            "p0": f"What is the sum of the digits of $2^{{{n}}}$?",
            "p1": f"Find the digit sum of the number $2^{{{n}}}$.",
        },
        f"add the digits of $2^{{{n}}}$",
        [f"$2^{{{n}}} = {v}$.", f"The sum of its digits is ${' + '.join(digits)} = {ans}$."],
        ans,
        wrong,
        f"$2^{{{n}}} = {wv}$, whose digits add up to ${wrong}$.",
        "Number Theory",
    )


@math_family
def m_trailing(p: Params, ph: str) -> MathItem:
    """Trailing zeros of n! via Legendre's formula."""
    (n,) = p
    terms: list[tuple[int, int]] = []
    q = 5
    while n // q:
        terms.append((q, n // q))
        q *= 5
    ans = sum(v for _, v in terms)
    floors = " + ".join(f"\\left\\lfloor \\frac{{{n}}}{{{q}}} \\right\\rfloor" for q, _ in terms)
    vals = " + ".join(str(v) for _, v in terms)
    return _mi(
        "trailing",
        p,
        ph,
        {
            "p0": f"How many zeros are at the end of ${n}!$?",
            "p1": f"Find the number of trailing zeros in the decimal representation of ${n}!$.",
        },
        f"count the trailing zeros of ${n}!$",
        [
            "Each trailing zero comes from a factor $10 = 2 \\cdot 5$, and factors of "
            "$2$ are more plentiful than factors of $5$, so we count the factors of $5$ "
            f"in ${n}!$.",
            f"By Legendre's formula, this is ${floors} = {vals} = {ans}$.",
        ],
        ans,
        n // 5,
        f"There are $\\left\\lfloor \\frac{{{n}}}{{5}} \\right\\rfloor = {n // 5}$ "
        f"multiples of $5$, so ${n}!$ ends in ${n // 5}$ zeros.",
        "Number Theory",
    )


@math_family
def m_gp_sum(p: Params, ph: str) -> MathItem:
    """Sum of a finite geometric sequence."""
    a, r, n = p
    ans = a * (r**n - 1) // (r - 1)
    nth = a * r ** (n - 1)
    return _mi(
        "gp_sum",
        p,
        ph,
        {
            "p0": f"Find the sum of the first ${n}$ terms of the geometric sequence ${a}, "
            f"{a * r}, {a * r * r}, \\ldots$.",
            "p1": f"What is the sum of the first ${n}$ terms of the geometric progression whose "
            f"first term is ${a}$ and whose common ratio is ${r}$?",
        },
        f"sum the first ${n}$ terms of a geometric sequence",
        [
            f"The first term is ${a}$ and the common ratio is ${r}$.",
            f"$S_{{{n}}} = {a} \\cdot \\frac{{{r}^{{{n}}} - 1}}{{{r} - 1}} = {a} \\cdot "
            f"\\frac{{{r**n - 1}}}{{{r - 1}}} = {ans}$.",
        ],
        ans,
        nth,
        f"The sum is the last term, ${a} \\cdot {r}^{{{n - 1}}} = {nth}$.",
        "Algebra",
    )


@math_family
def m_feval(p: Params, ph: str) -> MathItem:
    """Evaluate a quadratic function."""
    a, b, x = p
    ans = a * x * x - b * x + 1
    wrong = (a * x) ** 2 - b * x + 1
    return _mi(
        "feval",
        p,
        ph,
        {
            "p0": f"Given the function $f(x) = {a}x^2 - {b}x + 1$, find the value of $f({x})$.",
            "p1": f"For $f(x) = {a}x^2 - {b}x + 1$, compute $f({x})$.",
        },
        f"evaluate $f({x})$",
        [
            f"Substitute $x = {x}$: $f({x}) = {a} \\cdot {x}^2 - {b} \\cdot {x} + 1$.",
            f"This equals ${a * x * x} - {b * x} + 1 = {ans}$.",
        ],
        ans,
        wrong,
        f"$f({x}) = ({a} \\cdot {x})^2 - {b} \\cdot {x} + 1 = {(a * x) ** 2} - {b * x} + "
        f"1 = {wrong}$.",
        "Algebra",
    )


@math_family
def m_sum_cubes(p: Params, ph: str) -> MathItem:
    """Sum of the first n cubes."""
    (n,) = p
    t = n * (n + 1) // 2
    return _mi(
        "sum_cubes",
        p,
        ph,
        {
            "p0": f"Compute $1^3 + 2^3 + 3^3 + \\cdots + {n}^3$.",
            "p1": f"Find the sum of the cubes of the first ${n}$ positive integers.",
        },
        f"add the cubes from $1^3$ to ${n}^3$",
        [
            "The sum of the first $n$ cubes equals the square of the sum of the first $n$ "
            "positive integers: $1^3 + \\cdots + n^3 = "
            "\\left(\\frac{n(n+1)}{2}\\right)^2$.",
            f"With $n = {n}$: $\\left(\\frac{{{n} \\cdot {n + 1}}}{{2}}\\right)^2 = {t}^2 "
            f"= {t * t}$.",
        ],
        t * t,
        t,
        f"The sum of the first $n$ cubes is $\\frac{{n(n+1)}}{{2}} = {t}$.",
        "Algebra",
    )


@math_family
def m_quad_min(p: Params, ph: str) -> MathItem:
    """Minimum of an upward parabola with integer vertex."""
    a, b, c = p
    assert a > 0 and b < 0 < c and (-b) % (2 * a) == 0
    xv = -b // (2 * a)
    ans = a * xv * xv + b * xv + c
    return _mi(
        "quad_min",
        p,
        ph,
        {
            "p0": f"Find the minimum value of $f(x) = {a}x^2 - {-b}x + {c}$ over all real "
            "numbers $x$.",
            "p1": f"What is the smallest value taken by ${a}x^2 - {-b}x + {c}$ as $x$ ranges "
            "over the reals?",
        },
        f"minimize ${a}x^2 - {-b}x + {c}$",
        [
            f"The leading coefficient ${a}$ is positive, so the parabola opens upward and "
            f"the minimum occurs at the vertex $x = \\frac{{{-b}}}{{2 \\cdot {a}}} = "
            f"{xv}$.",
            f"$f({xv}) = {a * xv * xv} - {-b * xv} + {c} = {ans}$.",
        ],
        ans,
        c,
        f"The minimum of a quadratic occurs at $x = 0$, where $f(0) = {c}$.",
        "Algebra",
    )


@math_family
def m_mod_inverse(p: Params, ph: str) -> MathItem:
    """Modular inverse."""
    a, m = p
    inv = pow(a, -1, m)
    q = (a * inv - 1) // m
    return _mi(
        "mod_inverse",
        p,
        ph,
        {
            "p0": f"Find the integer $x$ with $0 \\le x < {m}$ such that ${a}x \\equiv 1 "
            f"\\pmod{{{m}}}$.",
            "p1": f"Determine the inverse of ${a}$ modulo ${m}$, as a residue between $0$ and "
            f"${m - 1}$.",
        },
        f"find the inverse of ${a}$ modulo ${m}$",
        [
            f"We need a multiple of ${a}$ that is one more than a multiple of ${m}$.",
            f"Checking multiples of ${a}$, we find ${a} \\cdot {inv} = {a * inv} = {m} "
            f"\\cdot {q} + 1$.",
            f"Hence $x = {inv}$.",
        ],
        inv,
        m - inv,
        f"We have ${a} \\cdot {m - inv} = {a * (m - inv)}$, which is congruent to $\\pm "
        f"1$ modulo ${m}$, so $x = {m - inv}$.",
        "Number Theory",
    )


@math_family
def m_squares_grid(p: Params, ph: str) -> MathItem:
    """Number of squares of all sizes in an n x n grid."""
    (n,) = p
    ans = n * (n + 1) * (2 * n + 1) // 6
    return _mi(
        "squares_grid",
        p,
        ph,
        {
            "p0": f"How many squares of all sizes are there in an ${n} \\times {n}$ grid of "
            "unit squares?",
            "p1": f"Count all the squares, of every size, formed by the lines of an ${n} "
            f"\\times {n}$ grid.",
        },
        f"count the squares of all sizes in an ${n} \\times {n}$ grid",
        [
            f"A $k \\times k$ square can be placed in $({n} - k + 1)^2$ positions, for $k "
            f"= 1, 2, \\ldots, {n}$.",
            f"The total is $1^2 + 2^2 + \\cdots + {n}^2 = \\frac{{{n} \\cdot {n + 1} "
            f"\\cdot {2 * n + 1}}}{{6}} = {ans}$.",
        ],
        ans,
        n * n,
        f"There are ${n} \\times {n} = {n * n}$ unit squares, so there are ${n * n}$ squares.",
        "Combinatorics",
    )


@math_family
def m_handshake(p: Params, ph: str) -> MathItem:
    """Handshakes among n people."""
    (n,) = p
    ans = n * (n - 1) // 2
    return _mi(
        "handshake",
        p,
        ph,
        {
            "p0": f"At a party, each of ${n}$ guests shakes hands exactly once with every other "
            "guest. How many handshakes take place?",
            "p1": f"There are ${n}$ people in a room, and every pair of them shakes hands "
            "exactly once. What is the total number of handshakes?",
        },
        f"count the handshakes among ${n}$ people",
        [
            "Each handshake corresponds to an unordered pair of people.",
            f"The number of pairs is $\\binom{{{n}}}{{2}} = \\frac{{{n} \\cdot "
            f"{n - 1}}}{{2}} = {ans}$.",
        ],
        ans,
        n * (n - 1),
        f"Each of the ${n}$ people shakes ${n - 1}$ hands, so there are ${n} \\cdot "
        f"{n - 1} = {n * (n - 1)}$ handshakes.",
        "Combinatorics",
    )


@math_family
def m_exp_eq(p: Params, ph: str) -> MathItem:
    """Exponential equation base^(x + shift) = value."""
    base, shift, value = p
    e = round(math.log(value, base))
    assert base**e == value
    ans = e - shift
    return _mi(
        "exp_eq",
        p,
        ph,
        {
            "p0": f"Solve for $x$: ${base}^{{x + {shift}}} = {value}$.",
            "p1": f"Find the real number $x$ such that ${base}^{{x + {shift}}} = {value}$.",
        },
        f"solve ${base}^{{x + {shift}}} = {value}$",
        [
            f"Write ${value}$ as a power of ${base}$: ${value} = {base}^{{{e}}}$.",
            f"Equating exponents, $x + {shift} = {e}$, so $x = {ans}$.",
        ],
        ans,
        e + shift,
        f"Since ${value} = {base}^{{{e}}}$, we get $x = {e} + {shift} = {e + shift}$.",
        "Algebra",
    )


@math_family
def m_consecutive(p: Params, ph: str) -> MathItem:
    """Largest of k consecutive integers with a given sum."""
    k, s = p
    tri = k * (k - 1) // 2
    assert (s - tri) % k == 0
    n0 = (s - tri) // k
    ans = n0 + k - 1
    mid = tex_num(Fraction(s, k))
    return _mi(
        "consecutive",
        p,
        ph,
        {
            "p0": f"The sum of ${k}$ consecutive integers is ${s}$. What is the largest of "
            "these integers?",
            "p1": f"${k}$ consecutive integers add up to ${s}$. Find the greatest of them.",
        },
        f"find the largest of ${k}$ consecutive integers summing to ${s}$",
        [
            f"Let the integers be $n, n + 1, \\ldots, n + {k - 1}$. Their sum is ${k}n + "
            f"{tri} = {s}$.",
            f"So ${k}n = {s - tri}$ and $n = {n0}$.",
            f"The largest integer is ${n0} + {k - 1} = {ans}$.",
        ],
        ans,
        mid,
        f"The average of the integers is $\\frac{{{s}}}{{{k}}} = {mid}$, and that is the "
        "largest one.",
        "Algebra",
    )


@math_family
def m_digits_count(p: Params, ph: str) -> MathItem:
    """Digits needed to number pages 1..n (three-digit n)."""
    (n,) = p
    assert 100 <= n <= 999
    three = 3 * (n - 99)
    ans = 9 + 180 + three
    return _mi(
        "digits_count",
        p,
        ph,
        {
            "p0": "How many digits are needed to number the pages of a book from page $1$ to "
            f"page ${n}$?",
            "p1": f"A book has ${n}$ pages numbered $1, 2, \\ldots, {n}$. How many digits are "
            "printed in total?",
        },
        f"count the digits used in page numbers $1$ to ${n}$",
        [
            "Pages $1$ to $9$ use $9 \\times 1 = 9$ digits.",
            "Pages $10$ to $99$ use $90 \\times 2 = 180$ digits.",
            f"Pages $100$ to ${n}$ use ${n - 99} \\times 3 = {three}$ digits.",
            f"In total, $9 + 180 + {three} = {ans}$ digits.",
        ],
        ans,
        3 * n,
        f"Each page number uses $3$ digits, so ${n} \\times 3 = {3 * n}$ digits are needed.",
        "Combinatorics",
    )


@math_family
def m_frac_sum(p: Params, ph: str) -> MathItem:
    """Telescoping sum of 1/(k(k+1))."""
    (n,) = p
    return _mi(
        "frac_sum",
        p,
        ph,
        {
            "p0": "Compute $\\frac{1}{1 \\cdot 2} + \\frac{1}{2 \\cdot 3} + \\cdots + "
            f"\\frac{{1}}{{{n} \\cdot {n + 1}}}$.",
            "p1": f"Evaluate $\\sum_{{k=1}}^{{{n}}} \\frac{{1}}{{k(k+1)}}$.",
        },
        f"sum $\\frac{{1}}{{k(k+1)}}$ for $k$ from $1$ to ${n}$",
        [
            "Each term telescopes: $\\frac{1}{k(k+1)} = \\frac{1}{k} - \\frac{1}{k+1}$.",
            f"The sum collapses to $1 - \\frac{{1}}{{{n + 1}}} = \\frac{{{n}}}{{{n + 1}}}$.",
        ],
        tex_num(Fraction(n, n + 1)),
        tex_num(Fraction(1, n + 1)),
        f"The sum telescopes to $\\frac{{1}}{{{n + 1}}}$.",
        "Algebra",
    )


@math_family
def m_clock(p: Params, ph: str) -> MathItem:
    """Smaller angle between clock hands."""
    h, mm = p
    assert mm % 2 == 0
    minute = 6 * mm
    hour = 30 * h + mm // 2
    diff = abs(minute - hour)
    ang = min(diff, 360 - diff)
    extra = (
        f", so the smaller angle is $360^\\circ - {diff}^\\circ = {ang}^\\circ$"
        if diff > 180
        else ""
    )
    naive = abs(minute - 30 * h)
    wrong = min(naive, 360 - naive)
    return _mi(
        "clock",
        p,
        ph,
        {
            "p0": "What is the degree measure of the smaller angle formed by the hour hand and "
            f"the minute hand of a clock at {h}:{mm:02d}?",
            "p1": f"At {h}:{mm:02d}, how many degrees are in the smaller angle between the two "
            "hands of a clock?",
        },
        f"find the angle between the clock hands at {h}:{mm:02d}",
        [
            f"At {h}:{mm:02d} the minute hand is $6 \\cdot {mm} = {minute}^\\circ$ past the 12.",
            f"The hour hand is $30 \\cdot {h} + \\frac{{{mm}}}{{2}} = {hour}^\\circ$ past the 12.",
            f"The angle between them is $|{minute} - {hour}| = {diff}^\\circ${extra}.",
        ],
        ang,
        wrong,
        f"The hour hand points exactly at the {h}, i.e. ${30 * h}^\\circ$, so the angle "
        f"is $|{minute} - {30 * h}| = {naive}^\\circ$.",
        "Geometry",
    )


@math_family
def m_inequality_count(p: Params, ph: str) -> MathItem:
    """Integers in |n - c| <= r."""
    c, r = p
    lo, hi = c - r, c + r
    return _mi(
        "inequality_count",
        p,
        ph,
        {
            "p0": f"How many integers $n$ satisfy $|n - {c}| \\le {r}$?",
            "p1": f"Find the number of integer solutions of the inequality $|n - {c}| \\le {r}$.",
        },
        f"count the integers with $|n - {c}| \\le {r}$",
        [
            f"The inequality is equivalent to $-{r} \\le n - {c} \\le {r}$, that is, "
            f"${lo} \\le n \\le {hi}$.",
            f"The number of integers in this range is ${hi} - ({lo}) + 1 = {2 * r + 1}$.",
        ],
        2 * r + 1,
        2 * r,
        f"The integers run from ${lo}$ to ${hi}$, so there are ${hi} - ({lo}) = {2 * r}$ of them.",
        "Inequalities",
    )


@math_family
def m_remainder_sum(p: Params, ph: str) -> MathItem:
    """Remainder of 1 + ... + n modulo m."""
    n, m = p
    s = n * (n + 1) // 2
    q, ans = divmod(s, m)
    return _mi(
        "remainder_sum",
        p,
        ph,
        {
            "p0": f"What is the remainder when $1 + 2 + 3 + \\cdots + {n}$ is divided by ${m}$?",
            "p1": f"Find $(1 + 2 + \\cdots + {n}) \\bmod {m}$.",
        },
        f"find the remainder of $1 + 2 + \\cdots + {n}$ modulo ${m}$",
        [
            f"The sum is $\\frac{{{n} \\cdot {n + 1}}}{{2}} = {s}$.",
            f"Since ${s} = {m} \\cdot {q} + {ans}$, the remainder is ${ans}$.",
        ],
        ans,
        n % m,
        f"The terms cycle through the residues modulo ${m}$, so the remainder is ${n} "
        f"\\bmod {m} = {n % m}$.",
        "Number Theory",
    )


@math_family
def m_square_perimeter(p: Params, ph: str) -> MathItem:
    """Perimeter of a square from its area."""
    (area,) = p
    s = math.isqrt(area)
    assert s * s == area
    return _mi(
        "square_perimeter",
        p,
        ph,
        {
            "p0": f"A square has an area of ${area}$ square units. What is its perimeter, in "
            "units?",
            "p1": f"Find the perimeter of a square whose area is ${area}$ square units.",
        },
        f"find the perimeter of a square of area ${area}$",
        [
            f"The side length is $\\sqrt{{{area}}} = {s}$.",
            f"The perimeter is $4 \\times {s} = {4 * s}$.",
        ],
        4 * s,
        2 * s,
        f"The side is $\\sqrt{{{area}}} = {s}$, so the perimeter is $2 \\times {s} = {2 * s}$.",
        "Geometry",
    )


def _brute_answers() -> dict[str, Callable[..., object]]:
    """Independent brute-force answers used to double-check every math template."""

    def dice(s: int) -> str:
        k = sum(1 for i in range(1, 7) for j in range(1, 7) if i + j == s)
        return tex_num(Fraction(k, 36))

    def clock(h: int, mm: int) -> int:
        hour = (h % 12) * 30 + mm * 0.5
        d = abs(mm * 6 - hour) % 360
        return int(min(d, 360 - d))

    def trailing(n: int) -> int:
        f, zeros = math.factorial(n), 0
        while f % 10 == 0:
            f //= 10
            zeros += 1
        return zeros

    return {
        "linear": lambda a, b, c: next(x for x in range(-1000, 1000) if a * x + b == c),
        "pow_mod": lambda b, e, m: pow(b, e, m),
        "odd_sum": lambda n: sum(range(1, 2 * n, 2)),
        "hypotenuse": lambda a, b: next(c for c in range(1, 200) if c * c == a * a + b * b),
        "committee": lambda n, k: len(list(itertools.combinations(range(n), k))),
        "lcm": lambda a, b: next(x for x in range(1, a * b + 1) if x % a == 0 and x % b == 0),
        "discount": lambda pr, pct: tex_num(Fraction(pr) * (100 - pct) / 100),
        "train": lambda d, t, t2: tex_num(Fraction(d, t) * t2),
        "rect": lambda per, k: next(w * (w + k) for w in range(1, per) if 2 * (w + w + k) == per),
        "vieta": lambda s, p: round(sum(r * r for r in _roots(1, -s, p)).real),
        "divisors": lambda n: sum(1 for i in range(1, n + 1) if n % i == 0),
        "dice": dice,
        "arith": lambda a, d, n: [a + i * d for i in range(n)][-1],
        "ages": lambda f, s: next(x for x in range(200) if f + x == 2 * (s + x)),
        "circle": lambda c: f"{tex_num(Fraction(c, 2) ** 2)}\\pi",
        "workers": lambda w, d, w2: tex_num(Fraction(w * d, w2)),
        "interest": lambda pr, r, t: tex_num(Fraction(pr * r * t, 100)),
        "triangle": lambda a, k: 180 - a - (a + k),
        "sum_diff": lambda s, d: next(x for x in range(s + 1) if (s - x) + d == x),
        "average": lambda n, m, m2: n * m - (n - 1) * m2,
        "apples": lambda a, b, c: a - b + c,
        "digit_sum": lambda n: sum(int(ch) for ch in str(2**n)),
        "trailing": trailing,
        "gp_sum": lambda a, r, n: sum(a * r**i for i in range(n)),
        "feval": lambda a, b, x: a * x**2 - b * x + 1,
        "sum_cubes": lambda n: sum(i**3 for i in range(1, n + 1)),
        "quad_min": lambda a, b, c: min(a * x * x + b * x + c for x in range(-100, 101)),
        "mod_inverse": lambda a, m: next(x for x in range(m) if a * x % m == 1),
        "squares_grid": lambda n: sum((n - k + 1) ** 2 for k in range(1, n + 1)),
        "handshake": lambda n: len(list(itertools.combinations(range(n), 2))),
        "exp_eq": lambda b, s, v: next(
            x for x in range(-50, 50) if x + s >= 0 and b ** (x + s) == v
        ),
        "consecutive": lambda k, s: next(
            n + k - 1 for n in range(-s, s + 1) if sum(range(n, n + k)) == s
        ),
        "digits_count": lambda n: sum(len(str(i)) for i in range(1, n + 1)),
        "frac_sum": lambda n: tex_num(sum(Fraction(1, k * (k + 1)) for k in range(1, n + 1))),
        "clock": clock,
        "inequality_count": lambda c, r: sum(
            1 for n in range(c - r - 5, c + r + 6) if abs(n - c) <= r
        ),
        "remainder_sum": lambda n, m: sum(range(1, n + 1)) % m,
        "square_perimeter": lambda a: 4 * next(s for s in range(a + 1) if s * s == a),
    }


def _roots(a: int, b: int, c: int) -> tuple[complex, complex]:
    """Both (possibly complex) roots of ax^2 + bx + c."""
    disc = complex(b * b - 4 * a * c) ** 0.5
    return (-b + disc) / (2 * a), (-b - disc) / (2 * a)


def to_mcq(item: MathItem) -> MathItem:
    """Turn an integer-answer item into a five-option multiple-choice item."""
    ans = int(item.answer)
    idx = int(hashlib.sha256(item.family.encode()).hexdigest(), 16) % 5
    delta = 10 if ans >= 100 else 5
    options = [ans + delta * (i - idx) for i in range(5)]
    letter = "ABCDE"[idx]
    wrong_letter = "ABCDE"[(idx + 1) % 5]
    opts = " ".join(f"$\\textbf{{({L})}}\\ {o}$" for L, o in zip("ABCDE", options, strict=True))
    return MathItem(
        item.family,
        item.params,
        "mcq",
        f"{item.problem}\n\n{opts}",
        item.goal,
        (*item.steps, f"The value ${ans}$ is option $\\textbf{{({letter})}}$."),
        letter,
        wrong_letter,
        f"{item.wrong_step} The closest option is $\\textbf{{({wrong_letter})}}$.",
        item.problem_type,
    )


def make_math(family: str, params: Params, phrasing: str = "p0") -> MathItem:
    """Instantiate a math template."""
    item = MATH[family](params, phrasing)
    return to_mcq(item) if phrasing == "mcq" else item


OPENERS = (
    "Okay, let's see.",
    "Alright, let me work through this.",
    "Hmm, let me think about this carefully.",
)
CONNECTORS = ("First,", "Next,", "Then", "After that,", "Finally,")
CHECKS = (
    "Let me double-check the arithmetic once more. Yes, every step holds up.",
    "Wait, let me verify that. Going back through the computation, it is consistent.",
    "Let me sanity-check this with a quick recomputation... same result.",
)


def math_think(item: MathItem, k: int = 0) -> str:
    """DeepSeek-R1-style informal reasoning for a math item."""
    lines = [f"{OPENERS[k % 3]} I need to {item.goal}."]
    for i, step in enumerate(item.steps):
        lines.append(f"{CONNECTORS[min(i, len(CONNECTORS) - 1)]} {lower_first(step)}")
    lines.append(CHECKS[k % 3])
    lines.append(f"So the answer is {item.answer}.")
    return "\n\n".join(lines)


def math_wrong_think(item: MathItem, k: int = 0) -> str:
    """A plausible but flawed chain of reasoning."""
    return "\n\n".join(
        [
            f"{OPENERS[k % 3]} I need to {item.goal}.",
            "This looks quick, so let me just do it directly.",
            item.wrong_step,
            f"That gives {item.wrong}. I think that's it.",
        ]
    )


# --------------------------------------------------------------------------------------
# Science problems (natural_reasoning style)
# --------------------------------------------------------------------------------------

G = 9.8


@dataclass(frozen=True)
class SciItem:
    """A science question with a stepwise response and a reference answer."""

    family: str
    params: Params
    phrasing: str
    question: str
    steps: tuple[tuple[str, str], ...]
    boxed: str
    reference: str
    final: str

    def step_response(self) -> str:
        """Llama-3.3 style '## Step k' response ending in a boxed answer."""
        body = "\n\n".join(f"## Step {i}: {t}\n{b}" for i, (t, b) in enumerate(self.steps, 1))
        return f"{body}\n\nThe final answer is: $\\boxed{{{self.boxed}}}$"

    def think(self) -> str:
        """Informal reasoning used inside <think> blocks."""
        bodies = [lower_first(b) for _, b in self.steps]
        joined = "\n\n".join(
            f"{c} {b}" for c, b in zip(("So,", "Then", "And"), bodies, strict=False)
        )
        rest = "\n\n".join(bodies[3:])
        parts = ["Okay, let me think about what is being asked here.", joined]
        if rest:
            parts.append(rest)
        parts.append("That all fits together, so I can state the answer.")
        return "\n\n".join(parts)

    def think_response(self) -> str:
        """A reasoning-chain response: <think> ... </think> then the final answer."""
        return f"<think>\n{self.think()}\n</think>\n\n{self.final}"


SciFn = Callable[[Params, str], SciItem]
SCI: dict[str, SciFn] = {}


def sci_family(fn: SciFn) -> SciFn:
    """Register a numeric science template."""
    SCI[fn.__name__.removeprefix("s_")] = fn
    return fn


def _si(
    family: str,
    p: Params,
    ph: str,
    texts: dict[str, str],
    steps: list[tuple[str, str]],
    boxed: str,
    reference: str,
    final: str,
) -> SciItem:
    """Build a SciItem for the chosen phrasing."""
    return SciItem(family, p, ph, texts[ph], tuple(steps), boxed, reference, final)


@sci_family
def s_incline(p: Params, ph: str) -> SciItem:
    """Acceleration on a frictionless incline."""
    m, deg = p
    s = math.sin(math.radians(float(deg)))
    a = sig3(G * s)
    return _si(
        "incline",
        p,
        ph,
        {
            "p0": f"A block of mass {m} kg slides down a frictionless inclined plane that makes "
            f"an angle of {deg}° with the horizontal. What is the acceleration of the "
            "block along the incline? Use g = 9.8 m/s^2.",
            "p1": f"A {m} kg box is released on a smooth ramp inclined at {deg}° to the "
            "horizontal. Neglecting friction and taking g = 9.8 m/s^2, find the "
            "magnitude of its acceleration down the ramp.",
        },
        [
            (
                "Identify the forces acting on the block",
                "The forces are gravity $mg$ and the normal force $N$. Because the "
                "incline is frictionless, only the component of gravity parallel to the "
                "incline, $mg\\sin\\theta$, accelerates the block.",
            ),
            (
                "Apply Newton's second law along the incline",
                "$ma = mg\\sin\\theta$, so $a = g\\sin\\theta$. The mass cancels out.",
            ),
            (
                "Substitute the values",
                f"$a = 9.8 \\times \\sin {deg}^\\circ = 9.8 \\times {s:.4f} \\approx {a}$ m/s$^2$.",
            ),
        ],
        a,
        f"{a} m/s^2",
        f"The block accelerates down the incline at about {a} m/s^2 (a = g sin θ; the "
        f"mass of {m} kg does not matter).",
    )


@sci_family
def s_projectile(p: Params, ph: str) -> SciItem:
    """Horizontal launch from a cliff."""
    h, v = p
    t = math.sqrt(2 * float(h) / G)
    x = float(v) * t
    return _si(
        "projectile",
        p,
        ph,
        {
            "p0": f"A ball is thrown horizontally with a speed of {v} m/s from the top of a "
            f"cliff {h} m high. How far from the base of the cliff does it land? Ignore "
            "air resistance and use g = 9.8 m/s^2.",
            "p1": f"From the edge of a {h} m high cliff, a ball is launched horizontally at {v} "
            "m/s. Neglecting air resistance (g = 9.8 m/s^2), what horizontal distance "
            "does it travel before hitting the ground?",
        },
        [
            (
                "Find the time of flight",
                "Vertically the ball starts from rest: $h = \\frac{1}{2}gt^2$, so $t "
                f"= \\sqrt{{2 \\times {h} / 9.8}} \\approx {sig3(t)}$ s.",
            ),
            (
                "Find the horizontal distance",
                f"Horizontally the velocity is constant: $x = v t = {v} \\times {sig3(t)} "
                f"\\approx {sig3(x)}$ m.",
            ),
        ],
        sig3(x),
        f"{sig3(x)} m",
        f"The ball lands about {sig3(x)} m from the base of the cliff (flight time ≈ {sig3(t)} s).",
    )


@sci_family
def s_parallel(p: Params, ph: str) -> SciItem:
    """Current drawn by two resistors in parallel."""
    r1, r2, v = p
    req = Fraction(r1 * r2, r1 + r2)
    cur = Fraction(v) / req
    return _si(
        "parallel",
        p,
        ph,
        {
            "p0": f"Two resistors of {r1} Ω and {r2} Ω are connected in parallel across a {v} V "
            "battery. What total current does the battery supply?",
            "p1": f"A {v} V battery is connected to a {r1} Ω resistor and a {r2} Ω resistor "
            "wired in parallel. How much current flows out of the battery?",
        },
        [
            (
                "Find the equivalent resistance",
                f"$\\frac{{1}}{{R}} = \\frac{{1}}{{{r1}}} + \\frac{{1}}{{{r2}}}$, so $R = "
                f"\\frac{{{r1} \\times {r2}}}{{{r1} + {r2}}} = {sig3(float(req))}$ Ω.",
            ),
            (
                "Apply Ohm's law",
                f"$I = \\frac{{V}}{{R}} = \\frac{{{v}}}{{{sig3(float(req))}}} = "
                f"{sig3(float(cur))}$ A.",
            ),
        ],
        sig3(float(cur)),
        f"{sig3(float(cur))} A",
        f"The battery supplies a total current of {sig3(float(cur))} A (equivalent "
        f"resistance {sig3(float(req))} Ω).",
    )


@sci_family
def s_ideal_gas(p: Params, ph: str) -> SciItem:
    """Moles from the ideal gas law."""
    pr, vol, t = p
    n = float(pr) * float(vol) / (0.08206 * float(t))
    return _si(
        "ideal_gas",
        p,
        ph,
        {
            "p0": f"How many moles of an ideal gas occupy a volume of {vol} L at a pressure of "
            f"{pr} atm and a temperature of {t} K? Use R = 0.08206 L·atm/(mol·K).",
            "p1": f"An ideal gas fills a {vol} L container at {t} K and {pr} atm. Taking R = "
            "0.08206 L·atm/(mol·K), how many moles of gas are present?",
        },
        [
            ("Write the ideal gas law", "$PV = nRT$, so $n = \\frac{PV}{RT}$."),
            (
                "Substitute the values",
                f"$n = \\frac{{{pr} \\times {vol}}}{{0.08206 \\times {t}}} \\approx "
                f"{sig3(n)}$ mol.",
            ),
        ],
        sig3(n),
        f"{sig3(n)} mol",
        f"About {sig3(n)} mol of gas is present (n = PV/RT).",
    )


@sci_family
def s_water_mass(p: Params, ph: str) -> SciItem:
    """Mass of water from hydrogen gas."""
    (m,) = p
    mol = float(m) / 2.016
    grams = mol * 18.015
    return _si(
        "water_mass",
        p,
        ph,
        {
            "p0": f"How many grams of water are produced when {m} g of hydrogen gas reacts "
            "completely with excess oxygen according to 2H2 + O2 → 2H2O?",
            "p1": f"Hydrogen gas ({m} g) burns completely in excess oxygen (2H2 + O2 → 2H2O). "
            "What mass of water, in grams, forms?",
        },
        [
            (
                "Convert the mass of hydrogen to moles",
                f"The molar mass of H$_2$ is 2.016 g/mol, so $n(\\mathrm{{H_2}}) = {m} / "
                f"2.016 \\approx {sig3(mol)}$ mol.",
            ),
            (
                "Use the mole ratio",
                "From the balanced equation, 2 mol H$_2$ give 2 mol H$_2$O, a 1:1 ratio, "
                f"so $n(\\mathrm{{H_2O}}) \\approx {sig3(mol)}$ mol.",
            ),
            (
                "Convert to grams of water",
                f"The molar mass of H$_2$O is 18.015 g/mol, so $m \\approx {sig3(mol)} "
                f"\\times 18.015 \\approx {sig3(grams)}$ g.",
            ),
        ],
        sig3(grams),
        f"{sig3(grams)} g",
        f"About {sig3(grams)} g of water is produced.",
    )


@sci_family
def s_ph(p: Params, ph_: str) -> SciItem:
    """pH of a strong acid."""
    (c,) = p
    val = -math.log10(float(c))
    return _si(
        "ph",
        p,
        ph_,
        {
            "p0": f"What is the pH of a {c} M solution of hydrochloric acid (HCl)? Assume "
            "complete dissociation.",
            "p1": "Hydrochloric acid is a strong acid that dissociates completely in water. "
            f"Calculate the pH of an HCl solution whose concentration is {c} mol/L.",
        },
        [
            (
                "Determine the hydrogen ion concentration",
                f"HCl is a strong acid, so $[\\mathrm{{H^+}}] = {c}$ M.",
            ),
            ("Compute the pH", f"$\\mathrm{{pH}} = -\\log_{{10}}({c}) \\approx {val:.2f}$."),
        ],
        f"{val:.2f}",
        f"{val:.2f}",
        f"The pH is approximately {val:.2f}.",
    )


@sci_family
def s_half_life(p: Params, ph: str) -> SciItem:
    """Fraction remaining after whole half-lives."""
    th, t = p
    assert t % th == 0
    k = t // th
    frac = Fraction(1, 2**k)
    return _si(
        "half_life",
        p,
        ph,
        {
            "p0": f"A radioactive isotope has a half-life of {th} years. What fraction of the "
            f"original sample remains after {t} years?",
            "p1": f"After {t} years, what fraction of a radioactive sample is left if the "
            f"isotope's half-life is {th} years?",
        },
        [
            ("Count the half-lives", f"$\\frac{{{t}}}{{{th}}} = {k}$ half-lives have elapsed."),
            (
                "Compute the remaining fraction",
                "Each half-life halves the amount, so the fraction left is "
                f"$\\left(\\frac{{1}}{{2}}\\right)^{{{k}}} = {tex_num(frac)}$.",
            ),
        ],
        tex_num(frac),
        f"{frac.numerator}/{frac.denominator}",
        f"{frac.numerator}/{frac.denominator} of the original sample remains after {k} half-lives.",
    )


@sci_family
def s_kinetic(p: Params, ph: str) -> SciItem:
    """Kinetic energy of a car."""
    m, v = p
    ke = 0.5 * m * v * v / 1000
    return _si(
        "kinetic",
        p,
        ph,
        {
            "p0": f"A car with a mass of {m} kg is travelling at {v} m/s. What is its kinetic "
            "energy?",
            "p1": f"Find the kinetic energy of a {m} kg car moving at a speed of {v} m/s.",
        },
        [
            ("Recall the formula", "$KE = \\frac{1}{2}mv^2$."),
            (
                "Substitute the values",
                f"$KE = \\frac{{1}}{{2}} \\times {m} \\times {v}^2 = "
                f"{0.5 * m * v * v:.0f}$ J $= {sig3(ke)}$ kJ.",
            ),
        ],
        f"{sig3(ke)}\\text{{ kJ}}",
        f"{sig3(ke)} kJ",
        f"The car's kinetic energy is about {sig3(ke)} kJ.",
    )


@sci_family
def s_rod(p: Params, ph: str) -> SciItem:
    """Elongation of a steel rod under axial load."""
    length, area, force = p
    delta_mm = force * 1e3 * float(length) / (area * 1e-6 * 200e9) * 1000
    return _si(
        "rod",
        p,
        ph,
        {
            "p0": f"A steel rod {length} m long with a cross-sectional area of {area} mm^2 is "
            f"subjected to an axial tensile force of {force} kN. If Young's modulus for "
            "steel is 200 GPa, by how much does the rod elongate?",
            "p1": f"How much does a {length} m steel bar (cross-section {area} mm^2, E = 200 "
            f"GPa) stretch under an axial tension of {force} kN?",
        },
        [
            ("Use Hooke's law for axial loading", "$\\delta = \\frac{FL}{AE}$."),
            (
                "Convert to SI units",
                f"$F = {force} \\times 10^3$ N, $A = {area} \\times 10^{{-6}}$ m$^2$, $E "
                "= 200 \\times 10^9$ Pa.",
            ),
            (
                "Compute the elongation",
                f"$\\delta = \\frac{{{force} \\times 10^3 \\times {length}}}{{{area} "
                f"\\times 10^{{-6}} \\times 200 \\times 10^9}} \\approx {sig3(delta_mm)}$ "
                "mm.",
            ),
        ],
        f"{sig3(delta_mm)}\\text{{ mm}}",
        f"{sig3(delta_mm)} mm",
        f"The rod stretches by about {sig3(delta_mm)} mm.",
    )


@sci_family
def s_heat_water(p: Params, ph: str) -> SciItem:
    """Heat needed to warm water."""
    m, t1, t2 = p
    q = m * 4.184 * (t2 - t1) / 1000
    return _si(
        "heat_water",
        p,
        ph,
        {
            "p0": f"How much heat is required to raise the temperature of {m} g of water from "
            f"{t1} °C to {t2} °C? The specific heat of water is 4.184 J/(g·°C).",
            "p1": f"Calculate the energy needed to warm {m} g of water from {t1} °C to {t2} °C, "
            "using c = 4.184 J/(g·°C).",
        },
        [
            ("Use the heat equation", "$Q = mc\\Delta T$."),
            (
                "Substitute the values",
                f"$Q = {m} \\times 4.184 \\times ({t2} - {t1}) = "
                f"{m * 4.184 * (t2 - t1):.0f}$ J $\\approx {sig3(q)}$ kJ.",
            ),
        ],
        f"{sig3(q)}\\text{{ kJ}}",
        f"{sig3(q)} kJ",
        f"About {sig3(q)} kJ of heat is required.",
    )


@sci_family
def s_pendulum(p: Params, ph: str) -> SciItem:
    """Period of a simple pendulum."""
    (length,) = p
    t = 2 * math.pi * math.sqrt(float(length) / G)
    return _si(
        "pendulum",
        p,
        ph,
        {
            "p0": f"What is the period of a simple pendulum of length {length} m on Earth (g = "
            "9.8 m/s^2), assuming small oscillations?",
            "p1": f"A simple pendulum {length} m long swings with small amplitude where g = 9.8 "
            "m/s^2. How long does one full oscillation take?",
        },
        [
            ("Recall the small-angle period formula", "$T = 2\\pi\\sqrt{\\frac{L}{g}}$."),
            (
                "Substitute the values",
                f"$T = 2\\pi\\sqrt{{\\frac{{{length}}}{{9.8}}}} \\approx {sig3(t)}$ s.",
            ),
        ],
        sig3(t),
        f"{sig3(t)} s",
        f"The period is about {sig3(t)} s.",
    )


@sci_family
def s_wavelength(p: Params, ph: str) -> SciItem:
    """Wavelength of a sound wave in air."""
    (f,) = p
    lam = 343 / f
    return _si(
        "wavelength",
        p,
        ph,
        {
            "p0": f"A tuning fork produces a sound wave of frequency {f} Hz in air, where the "
            "speed of sound is 343 m/s. What is the wavelength of the sound?",
            "p1": f"Sound travels at 343 m/s in air. Find the wavelength of a {f} Hz tone.",
        },
        [
            ("Use the wave equation", "$v = f\\lambda$, so $\\lambda = \\frac{v}{f}$."),
            ("Substitute the values", f"$\\lambda = \\frac{{343}}{{{f}}} \\approx {sig3(lam)}$ m."),
        ],
        sig3(lam),
        f"{sig3(lam)} m",
        f"The wavelength is about {sig3(lam)} m.",
    )


@sci_family
def s_capacitor(p: Params, ph: str) -> SciItem:
    """Energy stored in a capacitor."""
    c_uf, v = p
    e_mj = 0.5 * c_uf * 1e-6 * v * v * 1000
    return _si(
        "capacitor",
        p,
        ph,
        {
            "p0": f"A {c_uf} μF capacitor is charged to {v} V. How much energy is stored in it?",
            "p1": f"Find the energy stored in a capacitor of capacitance {c_uf} μF when the "
            f"voltage across it is {v} V.",
        },
        [
            ("Recall the energy formula", "$E = \\frac{1}{2}CV^2$."),
            (
                "Substitute the values",
                f"$E = \\frac{{1}}{{2}} \\times {c_uf} \\times 10^{{-6}} \\times {v}^2 "
                f"\\approx {sig3(e_mj)} \\times 10^{{-3}}$ J.",
            ),
        ],
        f"{sig3(e_mj)}\\text{{ mJ}}",
        f"{sig3(e_mj)} mJ",
        f"The capacitor stores about {sig3(e_mj)} mJ.",
    )


@sci_family
def s_free_fall(p: Params, ph: str) -> SciItem:
    """Fall time from rest."""
    (h,) = p
    t = math.sqrt(2 * h / G)
    return _si(
        "free_fall",
        p,
        ph,
        {
            "p0": f"An object is dropped from rest from a height of {h} m. Neglecting air "
            "resistance, how long does it take to reach the ground? Use g = 9.8 m/s^2.",
            "p1": "Ignoring air resistance, how many seconds does a stone released from rest "
            f"take to fall {h} m to the ground? (g = 9.8 m/s^2)",
        },
        [
            ("Write the kinematic equation", "Starting from rest, $h = \\frac{1}{2}gt^2$."),
            (
                "Solve for the time",
                f"$t = \\sqrt{{\\frac{{2 \\times {h}}}{{9.8}}}} \\approx {sig3(t)}$ s.",
            ),
        ],
        sig3(t),
        f"{sig3(t)} s",
        f"It takes about {sig3(t)} s to reach the ground.",
    )


def _concept(
    key: str, question: str, steps: list[tuple[str, str]], boxed: str, reference: str, final: str
) -> SciItem:
    """A conceptual (non-numeric) science question."""
    return SciItem(key, (), "p0", question, tuple(steps), boxed, reference, final)


CONCEPTS: dict[str, SciItem] = {
    c.family: c
    for c in [
        _concept(
            "ice_floats",
            "Explain why ice floats on liquid water, even though most substances are "
            "denser in their solid state than in their liquid state.",
            [
                (
                    "Compare the densities",
                    "Ice has a density of about 0.92 g/cm^3, while liquid water near 0 °C "
                    "has a density of about 1.00 g/cm^3.",
                ),
                (
                    "Explain the structure",
                    "When water freezes, hydrogen bonds lock each molecule to four "
                    "neighbours in an open hexagonal lattice, which holds the molecules "
                    "farther apart than in the liquid, where hydrogen bonds constantly "
                    "break and re-form.",
                ),
                (
                    "Apply Archimedes' principle",
                    "An object less dense than the fluid displaces its own weight of "
                    "fluid before it is fully submerged, so ice floats with about 90% of "
                    "its volume below the surface.",
                ),
            ],
            "\\text{Ice is less dense than liquid water}",
            "Ice is less dense than liquid water (about 0.92 vs 1.00 g/cm^3) because "
            "hydrogen bonding locks the molecules into an open hexagonal lattice; by "
            "Archimedes' principle the less dense solid floats.",
            "Ice floats because it is less dense than liquid water: hydrogen bonds hold "
            "the molecules in an open hexagonal lattice when water freezes, so the solid "
            "takes up more volume than the same mass of liquid, and a less dense object "
            "floats.",
        ),
        _concept(
            "vaccine",
            "How does a vaccine provide long-term protection against a viral disease? "
            "Describe the role of memory cells.",
            [
                (
                    "Exposure to the antigen",
                    "A vaccine presents the immune system with a harmless form or "
                    "component of the virus (an antigen) without causing the disease.",
                ),
                (
                    "Primary immune response",
                    "B cells and T cells that recognise the antigen are activated and "
                    "multiply; B cells produce antibodies against it.",
                ),
                (
                    "Memory cells",
                    "Some of the activated lymphocytes become long-lived memory B and T "
                    "cells. On a later infection they respond faster and more strongly "
                    "(the secondary response), clearing the virus before illness "
                    "develops.",
                ),
            ],
            "\\text{Memory B and T cells enable a fast secondary response}",
            "The vaccine's antigen triggers a primary immune response; antigen-specific B "
            "and T cells proliferate and some become long-lived memory cells, so a later "
            "infection triggers a faster, stronger secondary response that clears the "
            "virus before disease develops.",
            "A vaccine safely exposes the immune system to a viral antigen. The resulting "
            "primary response creates long-lived memory B and T cells, which mount a "
            "rapid, strong secondary response if the real virus is encountered later.",
        ),
        _concept(
            "catalyst",
            "How does a catalyst increase the rate of a chemical reaction, and does it "
            "change the equilibrium constant of the reaction?",
            [
                (
                    "Lower activation energy",
                    "A catalyst provides an alternative reaction pathway with a lower "
                    "activation energy, so a larger fraction of collisions have enough "
                    "energy to react.",
                ),
                (
                    "Effect on equilibrium",
                    "The catalyst lowers the barrier for the forward and reverse "
                    "reactions equally, so it does not change ΔG or the equilibrium "
                    "constant; equilibrium is simply reached faster.",
                ),
            ],
            "\\text{No, } K \\text{ is unchanged}",
            "A catalyst offers a pathway with lower activation energy, increasing the "
            "rate; it speeds the forward and reverse reactions equally, so the "
            "equilibrium constant is unchanged.",
            "A catalyst speeds up a reaction by providing a lower-activation-energy "
            "pathway. It does not change the equilibrium constant, because it accelerates "
            "the forward and reverse reactions equally.",
        ),
        _concept(
            "osmosis",
            "What happens to a red blood cell placed in distilled water, and why?",
            [
                (
                    "Compare the solutions",
                    "Distilled water has a lower solute concentration than the cytoplasm "
                    "of the red blood cell, so it is hypotonic to the cell.",
                ),
                (
                    "Apply osmosis",
                    "Water moves by osmosis across the plasma membrane into the cell, "
                    "toward the higher solute concentration.",
                ),
                (
                    "Result",
                    "Animal cells have no cell wall, so the cell swells and may burst (hemolysis).",
                ),
            ],
            "\\text{The cell swells and bursts (hemolysis)}",
            "It swells and may burst (hemolysis), because distilled water is hypotonic "
            "and water enters the cell by osmosis.",
            "The cell takes up water by osmosis because distilled water is hypotonic, so "
            "it swells and can burst (hemolysis).",
        ),
        _concept(
            "diode",
            "Why does a p-n junction diode conduct current easily in one direction but "
            "not in the other?",
            [
                (
                    "The depletion region",
                    "At the junction, electrons from the n side and holes from the p side "
                    "recombine, leaving a depletion region with a built-in potential "
                    "barrier.",
                ),
                (
                    "Forward bias",
                    "Connecting p to the positive terminal lowers the barrier and narrows "
                    "the depletion region, so majority carriers cross the junction and a "
                    "large current flows.",
                ),
                (
                    "Reverse bias",
                    "Reversing the polarity raises the barrier and widens the depletion "
                    "region, so only a tiny leakage current of minority carriers flows.",
                ),
            ],
            "\\text{Forward bias lowers the barrier; reverse bias raises it}",
            "Forward bias lowers the junction's potential barrier so majority carriers "
            "flow; reverse bias widens the depletion region and raises the barrier, "
            "allowing only a tiny leakage current.",
            "The diode conducts under forward bias, which lowers the junction barrier, "
            "and blocks under reverse bias, which widens the depletion region and leaves "
            "only a tiny leakage current.",
        ),
        _concept(
            "punnett",
            "In pea plants, the allele for tall stems (T) is dominant over the allele for "
            "short stems (t). If two heterozygous tall plants (Tt × Tt) are crossed, what "
            "fraction of the offspring is expected to be tall?",
            [
                (
                    "Set up the Punnett square",
                    "Each parent produces T and t gametes with equal probability, giving "
                    "offspring TT, Tt, tT and tt in equal proportions.",
                ),
                (
                    "Count the tall phenotypes",
                    "TT, Tt and tT all show the dominant tall phenotype, so 3 of the 4 "
                    "equally likely combinations are tall.",
                ),
            ],
            "\\frac{3}{4}",
            "3/4",
            "3/4 of the offspring are expected to be tall (1 TT : 2 Tt : 1 tt).",
        ),
        _concept(
            "sky_blue",
            "Why does the sky appear blue during the day but red and orange near sunset?",
            [
                (
                    "Rayleigh scattering",
                    "Air molecules are much smaller than the wavelength of light and "
                    "scatter it with an intensity proportional to $1/\\lambda^4$, so blue "
                    "light is scattered far more than red.",
                ),
                (
                    "Daytime sky",
                    "Scattered blue light reaches our eyes from every direction, so the "
                    "sky looks blue.",
                ),
                (
                    "Sunset",
                    "Near sunset, sunlight passes through much more atmosphere; most of "
                    "the blue is scattered out of the direct beam, leaving red and orange "
                    "light.",
                ),
            ],
            "\\text{Rayleigh scattering}",
            "Rayleigh scattering (intensity ∝ 1/λ^4) scatters blue light strongly across "
            "the sky; at sunset the long path through the atmosphere removes most blue "
            "light, leaving red and orange.",
            "Because of Rayleigh scattering: short blue wavelengths are scattered across "
            "the sky during the day, while at sunset the long path through air strips out "
            "the blue, leaving reds and oranges.",
        ),
        _concept(
            "ibeam",
            "Why are steel beams in buildings often made with an I-shaped cross-section "
            "instead of a solid rectangular one?",
            [
                (
                    "Bending stresses",
                    "In bending, normal stress grows linearly with distance from the "
                    "neutral axis, so material far from the axis carries most of the "
                    "load.",
                ),
                (
                    "Second moment of area",
                    "An I-beam puts most of its material in the flanges, far from the "
                    "neutral axis, giving a large second moment of area for a given mass.",
                ),
                (
                    "Role of the web",
                    "The thin web keeps the flanges apart and carries the shear force.",
                ),
            ],
            "\\text{Maximum stiffness per unit mass}",
            "Placing material in the flanges far from the neutral axis gives a high "
            "second moment of area (bending stiffness and strength) for little mass, "
            "while the web carries shear.",
            "An I-section puts material where bending stresses are largest, so it gives a "
            "high second moment of area and bending strength for much less steel than a "
            "solid section.",
        ),
        _concept(
            "enzyme_temp",
            "Why does the activity of most human enzymes drop sharply at temperatures "
            "well above 40 °C?",
            [
                (
                    "Temperature and rate",
                    "Up to an optimum (about 37 °C for most human enzymes), higher "
                    "temperature increases molecular collisions and reaction rate.",
                ),
                (
                    "Denaturation",
                    "Above the optimum, thermal energy breaks the hydrogen bonds and "
                    "other weak interactions that hold the enzyme's tertiary structure, "
                    "changing the shape of the active site so the substrate no longer "
                    "binds.",
                ),
            ],
            "\\text{The enzyme denatures}",
            "",
            "At high temperature the enzyme denatures: the weak bonds holding its "
            "three-dimensional shape break, the active site changes shape and the "
            "substrate can no longer bind.",
        ),
        _concept(
            "mitochondria",
            "Why is the inner mitochondrial membrane highly folded into cristae?",
            [
                (
                    "Function of the membrane",
                    "The inner membrane holds the electron transport chain and ATP "
                    "synthase, which carry out oxidative phosphorylation.",
                ),
                (
                    "Effect of folding",
                    "Folding into cristae greatly increases the surface area available "
                    "for these proteins, so more ATP can be produced per mitochondrion.",
                ),
            ],
            "\\text{To increase surface area for ATP production}",
            "",
            "The cristae increase the surface area of the inner membrane, which holds the "
            "electron transport chain and ATP synthase, so more ATP can be made.",
        ),
        _concept(
            "photosynthesis",
            "What are the products of the light-dependent reactions of photosynthesis, "
            "and how are they used in the Calvin cycle?",
            [
                (
                    "Light-dependent reactions",
                    "In the thylakoid membranes, light energy splits water and drives "
                    "electron transport, producing ATP and NADPH and releasing O2 as a "
                    "by-product.",
                ),
                (
                    "Calvin cycle",
                    "In the stroma, ATP supplies energy and NADPH supplies electrons "
                    "(reducing power) to convert fixed CO2 into G3P, which is used to "
                    "build glucose.",
                ),
            ],
            "\\text{ATP and NADPH (plus O}_2\\text{)}",
            "ATP and NADPH (with O2 released as a by-product); ATP and NADPH provide the "
            "energy and reducing power to fix CO2 into sugar in the Calvin cycle.",
            "The light-dependent reactions produce ATP and NADPH (and release O2). The "
            "Calvin cycle uses the ATP for energy and the NADPH for reducing power to "
            "turn CO2 into sugars.",
        ),
        _concept(
            "recoil",
            "Using Newton's laws, explain why a rifle recoils when it is fired.",
            [
                (
                    "Newton's third law",
                    "The expanding gases push the bullet forward; the bullet and gases "
                    "push back on the rifle with an equal and opposite force.",
                ),
                (
                    "Conservation of momentum",
                    "The system starts at rest, so the rifle's backward momentum equals "
                    "the bullet's forward momentum; because the rifle is far more "
                    "massive, its recoil speed is much smaller.",
                ),
            ],
            "\\text{Equal and opposite forces / momentum conservation}",
            "By Newton's third law the propellant gases push the bullet forward and the "
            "rifle backward with equal and opposite forces; momentum conservation gives "
            "the rifle a backward momentum equal to the bullet's forward momentum.",
            "The rifle recoils because the force pushing the bullet forward is matched by "
            "an equal and opposite force on the rifle (Newton's third law); total "
            "momentum stays zero, so the heavy rifle moves backward slowly.",
        ),
    ]
}


def make_sci(family: str, params: Params = (), phrasing: str = "p0") -> SciItem:
    """Instantiate a science item (numeric template or conceptual question)."""
    if family in CONCEPTS:
        return CONCEPTS[family]
    return SCI[family](params, phrasing)


# --------------------------------------------------------------------------------------
# General chat / instruction items (OpenOrca, InfinityInstruct)
# --------------------------------------------------------------------------------------

SYS_DETAILED = (
    "You are an AI assistant. You will be given a task. You must generate a detailed and "
    "long answer."
)
SYS_FIVE = (
    "You are a helpful assistant, who always provide explanation. Think like you are "
    "answering to a five year old."
)
SYS_INFO = "You are an AI assistant that helps people find information."
SYS_STEP = (
    "You are an AI assistant. User will you give you a task. Your goal is to complete the "
    "task as faithfully as you can. While performing the task think step-by-step and "
    "justify your steps."
)
SYS_TEACHER = (
    "You are a teacher. Given a task, you explain in simple steps what the task is "
    "asking, any guidelines it provides and how to use those guidelines to find an "
    "answer."
)
SYS_FOLLOW = (
    "You are an AI assistant that follows instruction extremely well. Help as much as you can."
)


@dataclass(frozen=True)
class ChatItem:
    """An instruction-following item; ``key``/``phrasing`` identify paraphrases."""

    key: str
    phrasing: str
    system: str
    question: str
    response: str
    think: str = ""


def _cot_pencils(packs: int, per: int, given: int) -> ChatItem:
    """OpenOrca CoT arithmetic item with a computed answer."""
    total = packs * per
    left = total - given
    return ChatItem(
        "cot_pencils",
        "p0",
        SYS_INFO,
        f"Tom buys {packs} packs of pencils with {per} pencils in each pack. He gives "
        f"{given} pencils to his sister. How many pencils does Tom have left? Let's think "
        "step by step.",
        f"Tom buys {packs} packs × {per} pencils = {total} pencils. After giving {given} "
        f"pencils to his sister, he has {total} - {given} = {left} pencils left.\n"
        f"The answer: {left}.",
    )


def _cot_cookies(cookies: int, per_box: int) -> ChatItem:
    """OpenOrca CoT division item with a computed answer."""
    boxes, rest = divmod(cookies, per_box)
    assert rest == 0
    return ChatItem(
        "cot_cookies",
        "p0",
        SYS_INFO,
        f"Question: A baker made {cookies} cookies and packed them into boxes of "
        f"{per_box} cookies each. How many boxes did she fill?\n"
        "Answer: Let's think step by step.",
        f"The baker packs {per_box} cookies per box, so the number of boxes is {cookies} "
        f"/ {per_box} = {boxes}. The answer is {boxes}.",
    )


def _niv_even_sum(nums: list[int]) -> ChatItem:
    """Natural-instructions list task with a computed answer."""
    return ChatItem(
        "niv_even_sum",
        "p0",
        SYS_TEACHER,
        "Detailed Instructions: In this task, you are given a list of integers. You need "
        "to find the sum of the even numbers in the list. If there are no even numbers, "
        f"return 0.\nQ: {nums}\nA:",
        "The even numbers in the list are "
        f"{', '.join(str(x) for x in nums if x % 2 == 0)}. Their sum is "
        f"{sum(x for x in nums if x % 2 == 0)}.\n\n"
        f"Answer: {sum(x for x in nums if x % 2 == 0)}",
    )


ARTICLE = (
    "The city council of Riverton voted 7-2 on Tuesday night to approve a plan that will "
    "add protected bike lanes to four miles of Main Street over the next two years. "
    "Supporters said the lanes will make cycling safer and reduce traffic downtown, "
    "pointing to a rise in bicycle commuting since 2019. Several shop owners opposed the "
    "plan, arguing that removing about 60 parking spaces could hurt business. The council "
    "agreed to review parking needs after the first phase is finished. Construction is "
    "expected to begin in the spring and will be paid for largely by a state "
    "transportation grant."
)

CHAT_ITEMS: list[ChatItem] = [
    ChatItem(
        "translate_fr",
        "p0",
        SYS_DETAILED,
        "Translate the following sentence to French:\n"
        '"The library opens at nine o\'clock every morning."',
        "La bibliothèque ouvre à neuf heures tous les matins.\n\n"
        'In this translation, "The library" becomes "La bibliothèque" (a feminine noun in '
        'French), "opens" becomes "ouvre", "at nine o\'clock" becomes "à neuf heures", and '
        '"every morning" becomes "tous les matins", which is the natural way to express a '
        "daily habit in French.",
    ),
    ChatItem(
        "sentiment_battery",
        "p0",
        SYS_FIVE,
        "Is the sentiment of the following review positive or negative?\n\n"
        "The battery died after two days and customer support never answered my emails.\n\n"
        "OPTIONS:\n- negative\n- positive",
        "negative\n\nThe person is unhappy. Their battery stopped working very quickly, "
        "and when they asked for help, nobody wrote back. Those are sad and annoying "
        "things, so the review is negative, not positive.",
    ),
    ChatItem(
        "niv_question",
        "p0",
        SYS_TEACHER,
        "Detailed Instructions: In this task, you're given a sentence. Your task is to "
        'identify whether it is a question or a statement. Answer with "question" or '
        '"statement".\nQ: Could you send me the report before noon?\nA:',
        "The task asks me to decide whether the sentence asks for something or simply "
        'states something. The sentence begins with "Could you" and ends with a question '
        "mark, so it is a request phrased as a question.\n\nAnswer: question",
    ),
    ChatItem(
        "t0_photosynthesis",
        "p0",
        "",
        "Answer the following question given this paragraph:\n\n"
        "Plants make their own food through photosynthesis. Using energy from sunlight, "
        "they combine carbon dioxide from the air with water from the soil to make "
        "glucose. Oxygen is released into the air as a by-product.\n\n"
        "Q: What gas do plants release as a by-product of photosynthesis?\n\nA:",
        "oxygen",
    ),
    ChatItem(
        "cot_pacific",
        "p0",
        SYS_INFO,
        'Claim: "The Pacific Ocean is the largest ocean on Earth."\n'
        "Is the claim above correct, and can it be verified by human common sense and "
        "without a web search?\nOptions:\n- yes\n- no\nStep-by-step reasoning process:",
        "The Pacific Ocean covers roughly a third of the Earth's surface, more than all "
        "of the land area combined, and it is much larger than the Atlantic, Indian, "
        "Southern and Arctic oceans. This is common knowledge taught in school geography.\n"
        "So, the answer is yes.",
    ),
    _cot_pencils(4, 12, 9),
    ChatItem(
        "summarize_bikes",
        "p0",
        SYS_DETAILED,
        f"Summarize this article in two sentences:\n\n{ARTICLE}",
        "Riverton's city council voted 7-2 to build protected bike lanes along four miles "
        "of Main Street over two years, funded mostly by a state transportation grant. "
        "Supporters expect safer cycling and less downtown traffic, while some shop "
        "owners worry about losing about 60 parking spaces, which the council will review "
        "after the first phase.",
    ),
    ChatItem(
        "sentence_words",
        "p0",
        SYS_FOLLOW,
        "Write a sentence that includes all the following words: bridge, river, sunset",
        "As the sunset turned the sky orange, we stood on the old stone bridge and "
        "watched the river flow slowly beneath us.",
    ),
    ChatItem(
        "capital_australia",
        "p0",
        SYS_DETAILED,
        "What is the capital of Australia?",
        "The capital of Australia is Canberra. Although Sydney and Melbourne are the "
        "largest and best-known cities, Canberra was chosen as a compromise between them "
        "and was purpose-built as the capital; Parliament first met there in 1927. It is "
        "located in the Australian Capital Territory, in the south-east of the country.",
    ),
    ChatItem(
        "nli_bicycle",
        "p0",
        SYS_STEP,
        'Premise: "A man in a red jacket is riding a bicycle down a city street."\n'
        'Hypothesis: "A person is riding a bike."\n'
        "Does the premise entail the hypothesis?\nOptions:\n- yes\n"
        "- it is not possible to tell\n- no",
        "Step 1: The premise says a man is riding a bicycle.\n"
        "Step 2: A man is a person, and a bicycle is a bike.\n"
        "Step 3: So whenever the premise is true, the hypothesis must also be true.\n\n"
        "Answer: yes",
    ),
    ChatItem(
        "cot_sandcastle",
        "p0",
        SYS_INFO,
        'Premise: "Two children are building a sandcastle on the beach."\n'
        'Based on this premise, can we conclude that the hypothesis "The children are '
        'sleeping in their beds." is true?\nOptions:\n- yes\n- it is not possible to tell\n'
        "- no\nLet's solve step-by-step:",
        "Children who are building a sandcastle on the beach are awake and outdoors. They "
        "cannot be sleeping in their beds at the same time. The answer is no.",
    ),
    _niv_even_sum([4, 7, 10, 3, 8, 15]),
    ChatItem(
        "author_pride",
        "p0",
        "",
        'Question: Who wrote the novel "Pride and Prejudice"?\nAnswer:',
        "Jane Austen",
    ),
    ChatItem(
        "translate_de",
        "p0",
        SYS_DETAILED,
        "Translate to German:\n\nI would like to book a table for two people for tomorrow evening.",
        "Ich möchte für morgen Abend einen Tisch für zwei Personen reservieren.\n\n"
        'Here "I would like to" is expressed with "Ich möchte", "book a table" with '
        '"einen Tisch reservieren" (the verb goes to the end of the sentence after a '
        'modal verb), "for two people" with "für zwei Personen", and "tomorrow evening" '
        'with "morgen Abend".',
    ),
    ChatItem(
        "translate_es",
        "p0",
        SYS_FOLLOW,
        "Translate to Spanish: The weather is very nice today, so we are going to the beach.",
        "Hoy hace muy buen tiempo, así que vamos a la playa.",
    ),
    ChatItem(
        "weather_climate",
        "p0",
        SYS_DETAILED,
        "Explain the difference between weather and climate.",
        "Weather and climate both describe conditions in the atmosphere, but over very "
        "different time scales.\n\nWeather is the state of the atmosphere at a particular "
        "place and time: temperature, rain, wind, cloud cover and humidity over hours or "
        "days. It changes quickly; a sunny morning can turn into a stormy afternoon.\n\n"
        "Climate is the long-term pattern of weather in a region, usually averaged over "
        "30 years or more. It tells you what conditions to expect, such as hot, dry "
        "summers or snowy winters.\n\nA simple way to remember it: weather is what you "
        "get on a given day, climate is what you expect over the years.",
    ),
    ChatItem(
        "story_dog",
        "p0",
        SYS_FOLLOW,
        "Write a short story (3-4 sentences) about a lost dog that finds its way home.",
        "Max slipped out of the garden gate to chase a butterfly and soon found himself "
        "on streets he did not recognise. As the sky grew dark, he caught the faint smell "
        "of fresh bread from the bakery on his family's corner. Following the scent block "
        "by block, he finally saw his porch light glowing. His family rushed out the "
        "door, and Max wagged his tail so hard he nearly fell over.",
    ),
    ChatItem(
        "cot_milk",
        "p0",
        SYS_INFO,
        "Which of these sentences doesn't make sense?\nOptions:\n"
        '- Sentence A: "She put the milk in the refrigerator to keep it cold."\n'
        '- Sentence B: "She put the milk in the oven to keep it cold."\n'
        "Let me think hard. Detailed solution:",
        "An oven heats food; it cannot keep anything cold. A refrigerator is used to keep "
        "milk cold.\nThe answer is Sentence B.",
    ),
    ChatItem(
        "niv_antonym",
        "p0",
        SYS_TEACHER,
        "In this task, you are given an adjective, and your job is to generate its "
        "antonym. An antonym of a word is a word opposite in meaning to it.\n\nQ: ancient\n"
        "A:",
        "modern",
    ),
    ChatItem(
        "email_reschedule",
        "p0",
        SYS_FOLLOW,
        "Write an email to a colleague asking to reschedule a meeting from Monday to Wednesday.",
        "Subject: Request to Reschedule Our Monday Meeting\n\nHi Alex,\n\n"
        "I hope you're doing well. Unfortunately, something has come up and I won't be "
        "available for our meeting on Monday. Would it be possible to move it to "
        "Wednesday at the same time? If that doesn't work for you, I'm happy to find "
        "another slot that suits your schedule.\n\n"
        "Sorry for any inconvenience, and thank you for your flexibility.\n\n"
        "Best regards,\nJordan",
        "The user wants a short, polite email to a colleague. I should include a subject "
        "line, explain briefly that Monday no longer works, propose Wednesday, offer "
        "flexibility and thank them.",
    ),
    ChatItem(
        "health_tips",
        "p0",
        SYS_DETAILED,
        "Give three tips for staying healthy.",
        "1. Eat a balanced diet: fill half your plate with vegetables and fruit, choose "
        "whole grains and lean proteins, and limit sugary drinks and heavily processed "
        "foods.\n\n2. Stay physically active: aim for at least 150 minutes of moderate "
        "exercise, such as brisk walking or cycling, each week, plus muscle-strengthening "
        "activities twice a week.\n\n3. Get enough sleep: most adults need 7-9 hours a "
        "night. Keep a regular schedule and avoid screens before bed.",
        "Three practical, well-supported tips: diet, exercise and sleep. I'll give a "
        "short explanation and a concrete target for each.",
    ),
    ChatItem(
        "t0_umbrella",
        "p0",
        "",
        "Read the following context and choose the best option to answer the question.\n"
        "Context: Maria forgot her umbrella at home, and it started raining heavily while "
        "she was walking to work.\nQuestion: How did Maria probably feel?\nOptions:\n"
        "A. delighted\nB. annoyed\nC. sleepy\nD. proud",
        "B. annoyed",
    ),
    _cot_cookies(84, 12),
    ChatItem(
        "boiling_point",
        "p0",
        SYS_FIVE,
        "Is the following statement true or false? Water boils at 100 degrees Celsius at "
        "sea level.",
        "True! At sea level, where the air pushes down with normal pressure, water starts "
        "to boil and make big bubbles when it gets to 100 degrees Celsius. High up on a "
        "mountain, the air pushes less, so water boils at a lower temperature.",
    ),
    ChatItem(
        "niv_spanish",
        "p0",
        SYS_TEACHER,
        "You are given a sentence in Spanish. Your job is to translate the Spanish "
        "sentence into English.\n\nQ: Mi hermano trabaja en un hospital.\nA:",
        "My brother works in a hospital.",
    ),
    ChatItem(
        "italian_thanks",
        "p0",
        SYS_DETAILED,
        'How do you say "thank you very much" in Italian?',
        '"Thank you very much" in Italian is "Grazie mille" (literally "a thousand '
        'thanks"). You can also say "Grazie tante" or the more formal "La ringrazio '
        "molto\" when speaking politely to someone you don't know well.",
    ),
    ChatItem(
        "fix_grammar",
        "p0",
        SYS_FOLLOW,
        'Correct the grammar in this sentence: "Me and him goes to the store every weekends."',
        "He and I go to the store every weekend.\n\n"
        'Changes: "Me and him" becomes the subject form "He and I"; the verb "goes" '
        'becomes "go" to agree with a plural subject; and "every weekends" becomes "every '
        'weekend", because "every" is followed by a singular noun.',
    ),
]

AM_CHAT_ITEMS: list[ChatItem] = [
    ChatItem(
        "weather_climate",
        "p1",
        "",
        "What's the difference between climate and weather? Please explain briefly.",
        "Weather is the short-term state of the atmosphere — temperature, rain, wind and "
        "clouds at a given place over hours or days. Climate is the long-term average of "
        "those conditions in a region, typically over 30 years or more. In short: weather "
        "is what you get today; climate is what you expect over many years.",
        "The user wants a brief explanation. The key distinction is time scale: weather "
        "is short-term atmospheric conditions, climate is the long-term average (usually "
        "30+ years). A one-line summary at the end will make it memorable.",
    ),
    ChatItem(
        "haiku_autumn",
        "p0",
        "",
        "Write a haiku about autumn leaves.",
        "Crimson leaves let go,\ndrifting on the cooling wind —\nthe oak stands lighter.",
        'A haiku has three lines of 5, 7 and 5 syllables. "Crimson leaves let go" is 5. '
        '"Drifting on the cooling wind" is 7. "The oak stands lighter" is 5. Good.',
    ),
    ChatItem(
        "tcp_udp",
        "p0",
        "",
        "Explain the difference between TCP and UDP.",
        "TCP (Transmission Control Protocol) is connection-oriented: it sets up a "
        "connection with a handshake, guarantees that data arrives in order and without "
        "loss by using acknowledgements and retransmission, and controls the sending rate "
        "(flow and congestion control). It suits web pages, email and file transfer.\n\n"
        "UDP (User Datagram Protocol) is connectionless: it sends independent datagrams "
        "with no delivery, ordering or duplicate guarantees and very little overhead. It "
        "suits real-time applications such as video calls, online games and DNS lookups, "
        "where low latency matters more than occasional loss.",
        "Compare them on connection setup, reliability, ordering, overhead and typical "
        "use cases. TCP: reliable, ordered, handshake, congestion control. UDP: "
        "connectionless, best-effort, low latency.",
    ),
    ChatItem(
        "affect_effect",
        "p0",
        "",
        'What is the difference between "affect" and "effect"?',
        'In most cases, "affect" is a verb meaning to influence something ("The weather '
        'affected our plans"), while "effect" is a noun meaning a result ("The new rule '
        'had a big effect"). A handy memory aid: Affect is an Action, Effect is an End '
        'result. Less commonly, "effect" can be a verb meaning to bring about ("to effect '
        'change").',
        "Main rule: affect = verb (influence), effect = noun (result). Give examples and "
        'a mnemonic, and mention the less common verb use of "effect".',
    ),
    ChatItem(
        "bakery_name",
        "p0",
        "",
        "Suggest a name for a bakery that specializes in sourdough bread and explain your choice.",
        '"Rise & Crust". "Rise" refers to the slow natural fermentation that makes '
        'sourdough rise, and "Crust" highlights the thick, crackly crust sourdough is '
        "known for. The name is short, easy to remember and works well on a sign or logo.",
        "The name should hint at sourdough's slow fermentation and crust, and be short "
        "and memorable.",
    ),
]

CHAT_BY_KEY: dict[tuple[str, str], ChatItem] = {
    (c.key, c.phrasing): c for c in CHAT_ITEMS + AM_CHAT_ITEMS
}


def oversized_question() -> str:
    """A ~40,000-character meeting transcript to summarize (deliberately oversized)."""
    streets = [
        "Main Street",
        "Oak Avenue",
        "Harbor Road",
        "Elm Street",
        "Mill Lane",
        "Station Road",
    ]
    topics = [
        "resurfacing of {s} between the library and the river crossing",
        "new pedestrian signals at the corner of {s} and 5th Avenue",
        "drainage repairs along {s} after the spring floods",
        "a proposal to extend evening bus service on {s}",
        "tree planting and new benches along {s}",
    ]
    parts = [
        "Summarize the following transcript of a city planning committee meeting in five "
        "bullet points.\n"
    ]
    i = 0
    while sum(len(x) for x in parts) < 40_000:
        s = streets[i % len(streets)]
        topic = topics[i % len(topics)].format(s=s)
        parts.append(
            f"\nItem {i + 1}. The chair introduced {topic}. The city engineer presented a "
            f"cost estimate of {120 + 15 * (i % 9)} thousand dollars and a timeline of "
            f"{3 + i % 5} months. Two residents spoke during public comment: one "
            "supported the project, while the other asked the committee to consider "
            "noise during construction and access for delivery vehicles. After "
            f"discussion, the committee voted {5 + i % 3} to {i % 3} to move the item "
            "forward to the full council."
        )
        i += 1
    return "".join(parts)


# --------------------------------------------------------------------------------------
# Code problems: statement, reference solution, independent oracle, test generator
# --------------------------------------------------------------------------------------


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


CODE_TASKS: list[CodeTask] = [
    CodeTask(
        "watermelon",
        (),
        "Watermelon",
        (
            "Two friends bought a watermelon that weighs $w$ kilos. They want to cut it "
            "into two parts so that each part weighs an even number of kilos. The parts "
            "do not need to be equal, but each part must have a positive weight.\n\n"
            "Help them decide whether this is possible.",
            "Pete and Billy want to share a watermelon of weight $w$ kilos. Each of them "
            "insists on getting a piece whose weight is a positive even number of kilos, "
            "although the two pieces may differ. Can the watermelon be cut this way?",
        ),
        "The only line contains one integer $w$ ($1 \\le w \\le 100$) — the weight of the "
        "watermelon.",
        "Print YES if the watermelon can be divided into two parts of positive even "
        "weight, and NO otherwise.",
        "For example, a watermelon of weight $8$ can be cut into parts of $2$ and $6$ "
        "kilos, or into two parts of $4$ kilos.",
        'w = int(input())\nif w % 2 == 0 and w > 2:\n    print("YES")\nelse:\n    print("NO")\n',
        _o_watermelon,
        ("8\n",),
        ("2\n", "1\n", "100\n", "99\n"),
        lambda r: f"{r.randint(1, 100)}\n",
        "Both parts must be even, so $w$ must be even; and since each part weighs at "
        "least $2$, $w$ must also be greater than $2$.",
        CF(4, "A", 800, ("brute force", "math"), "Codeforces Beta Round 4 (Div. 2 Only)"),
        wrong_solution='w = int(input())\nprint("YES" if w % 2 == 0 else "NO")\n',
    ),
    t_div_count(3),
    t_div_count(7),
    CodeTask(
        "domino",
        (),
        "Domino piling",
        (
            "You are given a rectangular board of $M \\times N$ squares and an unlimited "
            "number of standard dominoes of size $2 \\times 1$; dominoes may be rotated. "
            "Place as many dominoes as possible on the board so that each domino covers "
            "exactly two squares, no two dominoes overlap, and every domino lies entirely "
            "inside the board. Find the maximum number of dominoes that can be placed.",
            "What is the largest number of $2 \\times 1$ domino pieces (rotations "
            "allowed) that fit on an $M$ by $N$ board if pieces may not overlap and may "
            "not stick out past the edge of the board?",
        ),
        "The only line contains two integers $M$ and $N$ ($1 \\le M \\le N \\le 16$) — "
        "the board sizes.",
        "Print one number — the maximum number of dominoes that can be placed.",
        None,
        "m, n = map(int, input().split())\nprint(m * n // 2)\n",
        _o_domino,
        ("2 4\n", "3 3\n"),
        ("1 1\n", "1 5\n", "16 16\n"),
        lambda r: (lambda m: f"{m} {r.randint(m, 16)}\n")(r.randint(1, 16)),
        "Each domino covers two cells, so at most $\\lfloor MN/2 \\rfloor$ dominoes fit. "
        "This bound is reached by filling every row with horizontal dominoes and, if $N$ "
        "is odd, pairing up the cells of the last column vertically.",
        CF(50, "A", 800, ("greedy", "math"), "Codeforces Beta Round 47"),
        wrong_solution="m, n = map(int, input().split())\nprint((m * n + 1) // 2)\n",
    ),
    CodeTask(
        "elephant",
        (),
        "Elephant",
        (
            "An elephant decided to visit his friend. The elephant's house is located at "
            "point $0$ and his friend's house is located at point $x$ ($x > 0$) of the "
            "coordinate line. In one step the elephant can move $1$, $2$, $3$, $4$ or $5$ "
            "positions forward. Determine the minimum number of steps he needs to make in "
            "order to get to his friend's house.",
        ),
        "The first line of the input contains an integer $x$ ($1 \\le x \\le "
        "1\\,000\\,000$) — the coordinate of the friend's house.",
        "Print the minimum number of steps that the elephant needs to make to get from "
        "point $0$ to point $x$.",
        "In the second example the elephant can reach point $12$ in three steps, for "
        "example $3 + 5 + 4 = 12$. Two steps are not enough, because they cover at most "
        "$10$ positions.",
        "x = int(input())\nprint((x + 4) // 5)\n",
        _o_elephant,
        ("5\n", "12\n"),
        ("1\n", "1000000\n", "999999\n"),
        lambda r: f"{r.choice([r.randint(1, 30), r.randint(1, 1_000_000)])}\n",
        "It is always optimal to make steps of length $5$ and finish with one shorter "
        "step if needed, so the answer is $\\lceil x / 5 \\rceil$.",
        CF(617, "A", 800, ("math",), "Codeforces Round 340 (Div. 2)"),
        wrong_solution="x = int(input())\nprint(x // 5)\n",
        alt_solution="import math\n\nx = int(input())\nprint(math.ceil(x / 5))\n",
    ),
    CodeTask(
        "team",
        (),
        "Team",
        (
            "Three friends are forming a team for a programming contest. They agreed to "
            "write a solution to a problem only if at least two of them are sure about "
            "the solution; otherwise they skip the problem.\n\n"
            "The contest has $n$ problems. For each problem you know which of the friends "
            "are sure about its solution. Find the number of problems for which the "
            "friends will write a solution.",
            "Petya, Vasya and Tonya take part in a contest as one team. For every "
            "problem, each of them is either confident or not confident about its "
            "solution, and the team implements a problem only when at least two members "
            "are confident. Given this information for all $n$ problems, count how many "
            "problems the team implements.",
        ),
        "The first line contains an integer $n$ ($1 \\le n \\le 1000$) — the number of "
        "problems. Each of the next $n$ lines contains three integers, each equal to $0$ "
        "or $1$: the $j$-th of them is $1$ if the $j$-th friend is sure about the "
        "solution of that problem and $0$ otherwise.",
        "Print a single integer — the number of problems the friends will implement.",
        "In the first example the friends write solutions for the first problem (two of "
        "them are sure) and the second problem (all three are sure), but not for the "
        "third one.",
        "n = int(input())\n"
        "count = 0\n"
        "for _ in range(n):\n"
        "    if sum(map(int, input().split())) >= 2:\n"
        "        count += 1\n"
        "print(count)\n",
        _o_team,
        ("3\n1 1 0\n1 1 1\n1 0 0\n", "2\n1 0 0\n0 1 1\n"),
        ("1\n0 0 0\n",),
        lambda r: (
            lambda n: (
                f"{n}\n" + "".join(arr(r.randint(0, 1) for _ in range(3)) + "\n" for _ in range(n))
            )
        )(r.randint(1, 10)),
        "For each problem, add up the three numbers and count the problems where the sum "
        "is at least $2$.",
        CF(231, "A", 800, ("brute force", "greedy"), "Codeforces Round 143 (Div. 2)"),
    ),
    CodeTask(
        "word_case",
        (),
        "Word",
        (
            "Vasya is annoyed that many words on the web mix uppercase and lowercase "
            "letters. He wants to write a browser extension that changes the case of "
            "letters in each word so that the word consists either only of lowercase "
            "letters or only of uppercase letters, changing as few letters as possible. "
            "If a word contains strictly more uppercase letters than lowercase ones, it "
            "should be written in uppercase; otherwise it should be written in lowercase. "
            "For example, the word HoUse becomes house, and the word ViP becomes VIP. "
            "Help Vasya process a given word.",
        ),
        "The first line contains a word $s$ consisting of uppercase and lowercase Latin "
        "letters. The length of $s$ is between $1$ and $100$.",
        "Print the corrected word $s$.",
        None,
        "s = input().strip()\n"
        "upper = sum(1 for c in s if c.isupper())\n"
        "print(s.upper() if upper > len(s) - upper else s.lower())\n",
        _o_word_case,
        ("HoUse\n", "ViP\n", "maTRIx\n"),
        ("A\n", "z\n"),
        lambda r: _word(r, "abcxyzABCXYZ", 1, 15) + "\n",
        "Count the uppercase letters. If there are more uppercase than lowercase letters, "
        "convert the word to uppercase; otherwise convert it to lowercase.",
        CF(59, "A", 800, ("implementation", "strings"), "Codeforces Beta Round 55 (Div. 2)"),
    ),
    CodeTask(
        "stones",
        (),
        "Stones on the Table",
        (
            "There are $n$ stones on the table in a row, and each of them is red, green "
            "or blue. Count the minimum number of stones to take from the table so that "
            "any two neighboring stones have different colors. Two stones in the row are "
            "neighboring if there are no other stones between them.",
        ),
        "The first line contains an integer $n$ ($1 \\le n \\le 50$) — the number of "
        "stones on the table. The second line contains a string $s$ of length $n$; its "
        "$i$-th character is R, G or B if the $i$-th stone from the left is red, green or "
        "blue, respectively.",
        "Print a single integer — the answer to the problem.",
        None,
        "n = int(input())\n"
        "s = input().strip()\n"
        "print(sum(1 for i in range(n - 1) if s[i] == s[i + 1]))\n",
        _o_stones,
        ("3\nRRG\n", "5\nRRRRR\n", "4\nBRBG\n"),
        ("1\nR\n",),
        lambda r: (lambda n: f"{n}\n{''.join(r.choice('RGB') for _ in range(n))}\n")(
            r.randint(1, 50)
        ),
        "Within every block of equal consecutive colors all stones but one must be "
        "removed, which is the same as counting positions $i$ with $s_i = s_{i+1}$.",
        CF(266, "A", 800, ("implementation",), "Codeforces Round 163 (Div. 2)"),
    ),
    CodeTask(
        "gravity",
        (),
        "Gravity Flip",
        (
            "Little Chris has a box of toy cubes arranged in $n$ columns; the $i$-th "
            "column contains $a_i$ cubes. At first, gravity pulls the cubes down. Then "
            "Chris switches the gravity so that it pulls all the cubes to the right side "
            "of the box, and the cubes slide as far to the right as they can. Given the "
            "initial configuration, find the number of cubes in each column after the "
            "gravity switch.",
        ),
        "The first line contains an integer $n$ ($1 \\le n \\le 100$), the number of "
        "columns. The next line contains $n$ space-separated integers $a_1, \\ldots, a_n$ "
        "($1 \\le a_i \\le 100$), where $a_i$ is the number of cubes in the $i$-th "
        "column.",
        "Output $n$ integers separated by spaces, where the $i$-th number is the number "
        "of cubes in the $i$-th column after the gravity switch.",
        "In the first example, after the switch the top cube of the first column falls "
        "onto the last column, the top cube of the second column falls onto the third "
        "column, and so on.",
        "input()\nprint(*sorted(map(int, input().split())))\n",
        _o_gravity,
        ("4\n3 2 1 2\n", "3\n2 3 8\n"),
        ("1\n5\n",),
        lambda r: _n_list(r, 1, 10, 1, 20),
        "On every height level the cubes slide to the rightmost columns, so after the "
        "switch the column heights are simply the initial heights sorted in "
        "non-decreasing order.",
        CF(
            405, "A", 900, ("greedy", "implementation", "sortings"), "Codeforces Round 238 (Div. 2)"
        ),
    ),
    CodeTask(
        "beautiful_matrix",
        (),
        "Beautiful Matrix",
        (
            "You are given a $5 \\times 5$ matrix consisting of twenty-four zeroes and a "
            "single number one. Rows are indexed from $1$ to $5$ from top to bottom, and "
            "columns from $1$ to $5$ from left to right. In one move you may swap two "
            "neighbouring rows or two neighbouring columns. The matrix is beautiful if "
            "the number one is located in its middle (row $3$, column $3$). Find the "
            "minimum number of moves needed to make the matrix beautiful.",
            "A $5 \\times 5$ grid contains exactly one cell with the value $1$ and zeroes "
            "everywhere else. Swapping two adjacent rows or two adjacent columns counts "
            "as one operation. What is the smallest number of operations that brings the "
            "$1$ to the central cell of the grid?",
        ),
        "The input consists of five lines, each containing five integers: the $j$-th "
        "integer in the $i$-th line is the matrix element in row $i$ and column $j$. The "
        "matrix contains twenty-four zeroes and a single one.",
        "Print a single integer — the minimum number of moves needed to make the matrix beautiful.",
        None,
        "for i in range(5):\n"
        "    row = input().split()\n"
        '    if "1" in row:\n'
        '        print(abs(i - 2) + abs(row.index("1") - 2))\n',
        _o_beautiful,
        (
            "0 0 0 0 0\n0 0 0 0 1\n0 0 0 0 0\n0 0 0 0 0\n0 0 0 0 0\n",
            "0 0 0 0 0\n0 0 0 0 0\n0 1 0 0 0\n0 0 0 0 0\n0 0 0 0 0\n",
        ),
        ("0 0 0 0 0\n0 0 0 0 0\n0 0 1 0 0\n0 0 0 0 0\n0 0 0 0 0\n",),
        _g_matrix,
        "Row swaps and column swaps are independent, and moving the one by a single row "
        "or column costs one move, so the answer is the Manhattan distance $|r - 3| + |c "
        "- 3|$.",
        CF(263, "A", 800, ("implementation",), "Codeforces Round 161 (Div. 2)"),
    ),
    CodeTask(
        "petya_strings",
        (),
        "Petya and Strings",
        (
            "Little Petya received two strings of the same length consisting of uppercase "
            "and lowercase Latin letters. He wants to compare them lexicographically, "
            "ignoring letter case: an uppercase letter is considered equal to the "
            "corresponding lowercase letter. Help Petya perform the comparison.",
        ),
        "Each of the first two lines contains one of the strings. The strings have equal "
        "lengths between $1$ and $100$ and consist of uppercase and lowercase Latin "
        "letters.",
        'If the first string is less than the second one, print "-1". If the second '
        'string is less than the first one, print "1". If the strings are equal, print '
        '"0". Letter case is not taken into account when comparing.',
        None,
        "a = input().strip().lower()\n"
        "b = input().strip().lower()\n"
        "print(-1 if a < b else (1 if a > b else 0))\n",
        _o_petya,
        ("aaaa\naaaA\n", "abs\nAbz\n", "abcdefg\nAbCdEfF\n"),
        (),
        _g_petya,
        "Convert both strings to lowercase and compare them with the usual string comparison.",
        CF(112, "A", 800, ("implementation", "strings"), "Codeforces Beta Round 85 (Div. 2 Only)"),
    ),
    CodeTask(
        "helpful_maths",
        (),
        "Helpful Maths",
        (
            "Xenia is learning to add numbers, but she can only calculate a sum if the "
            "summands follow in non-decreasing order; for example, she can compute 1+1+3 "
            "but not 3+1+1. The teacher wrote a sum on the board that contains only the "
            "numbers 1, 2 and 3. Rearrange the summands so that Xenia can calculate the "
            "sum.",
        ),
        "The only line contains a non-empty string $s$ — the sum Xenia needs to count. "
        'The string contains no spaces; it consists only of digits and "+" characters, '
        "every digit is 1, 2 or 3, and $s$ is at most $100$ characters long.",
        "Print the new sum that Xenia can count.",
        None,
        'print("+".join(sorted(input().strip().split("+"))))\n',
        _o_helpful,
        ("3+2+1\n", "1+1+3+1+3\n", "2\n"),
        (),
        lambda r: "+".join(r.choice("123") for _ in range(r.randint(1, 10))) + "\n",
        "Split the string by the plus signs, sort the summands and join them back with plus signs.",
        CF(
            339,
            "A",
            800,
            ("greedy", "implementation", "sortings", "strings"),
            "Codeforces Round 197 (Div. 2)",
        ),
    ),
    CodeTask(
        "young_physicist",
        (),
        "Young Physicist",
        (
            "Vasya was asked to check whether a body is in equilibrium. The body is "
            "treated as a material point at the origin, and $n$ forces act on it, each "
            "given by its coordinates $(x_i, y_i, z_i)$. The body is idle (in "
            "equilibrium) if the sum of all forces equals the zero vector. Determine "
            "whether the body is idle.",
            "A point mass sits at the origin and is acted on by $n$ force vectors in "
            "three-dimensional space. Decide whether the forces cancel out completely, "
            "that is, whether their vector sum is $(0, 0, 0)$.",
        ),
        "The first line contains a positive integer $n$ ($1 \\le n \\le 100$), then "
        "follow $n$ lines containing three integers each: the coordinates $x_i$, $y_i$, "
        "$z_i$ of the $i$-th force ($-100 \\le x_i, y_i, z_i \\le 100$).",
        "Print YES if the body is in equilibrium, or NO if it is not.",
        None,
        "n = int(input())\n"
        "sx = sy = sz = 0\n"
        "for _ in range(n):\n"
        "    x, y, z = map(int, input().split())\n"
        "    sx += x\n"
        "    sy += y\n"
        "    sz += z\n"
        'print("YES" if sx == sy == sz == 0 else "NO")\n',
        _o_young,
        ("3\n4 1 7\n-2 4 -1\n1 -5 -3\n", "3\n3 -1 7\n-5 2 -4\n2 -1 -3\n"),
        ("1\n0 0 0\n",),
        _g_young,
        "Add up the $x$, $y$ and $z$ coordinates of all forces separately; the body is "
        "idle exactly when all three sums are zero.",
        CF(69, "A", 1000, ("implementation", "math"), "Codeforces Beta Round 63 (Div. 2)"),
    ),
    CodeTask(
        "tram",
        (),
        "Tram",
        (
            "A tram line has $n$ stops, numbered in the order the tram visits them. At "
            "the $i$-th stop, $a_i$ passengers exit the tram and then $b_i$ passengers "
            "enter it. The tram is empty before it arrives at the first stop, and at the "
            "last stop all remaining passengers exit so that it becomes empty. Find the "
            "minimum capacity of the tram such that the number of people inside never "
            "exceeds this capacity.",
        ),
        "The first line contains a single integer $n$ ($2 \\le n \\le 1000$) — the number "
        "of stops. Each of the next $n$ lines contains two integers $a_i$ and $b_i$ ($0 "
        "\\le a_i, b_i \\le 1000$) — the number of passengers that exit and enter at the "
        "$i$-th stop. It is guaranteed that $a_1 = 0$, that nobody exits who has not "
        "entered, and that at the last stop all passengers exit and nobody enters.",
        "Print a single integer — the minimum possible capacity of the tram ($0$ is allowed).",
        "In the example the tram carries $3$ people after the first stop, $6$ after the "
        "second, $4$ after the third and $0$ after the last one, so a capacity of $6$ is "
        "enough.",
        "n = int(input())\n"
        "cur = best = 0\n"
        "for _ in range(n):\n"
        "    a, b = map(int, input().split())\n"
        "    cur += b - a\n"
        "    best = max(best, cur)\n"
        "print(best)\n",
        _o_tram,
        ("4\n0 3\n2 5\n4 2\n4 0\n",),
        ("2\n0 0\n0 0\n",),
        _g_tram,
        "Simulate the trip, keeping the current number of passengers, and output the "
        "maximum value seen.",
        CF(116, "A", 800, ("implementation",), "Codeforces Beta Round 87 (Div. 2 Only)"),
    ),
    CodeTask(
        "nearly_lucky",
        (),
        "Nearly Lucky Number",
        (
            "Lucky numbers are positive integers whose decimal representation contains "
            "only the digits 4 and 7; for example, 47, 744 and 4 are lucky, while 5, 17 "
            "and 467 are not. Petya calls a number nearly lucky if the number of lucky "
            "digits in it is a lucky number. Determine whether the given number $n$ is "
            "nearly lucky.",
        ),
        "The only line contains an integer $n$ ($1 \\le n \\le 10^{18}$).",
        "Print YES if $n$ is a nearly lucky number, and NO otherwise.",
        "In the first example there are $3$ lucky digits, and $3$ is not a lucky number. "
        "In the second example there are $7$ lucky digits.",
        "s = input().strip()\n"
        'c = sum(1 for ch in s if ch in "47")\n'
        'print("YES" if c > 0 and set(str(c)) <= {"4", "7"} else "NO")\n',
        _o_lucky,
        ("40047\n", "7747774\n", "1000000000000000000\n"),
        ("4444\n", "44\n"),
        _g_lucky,
        "Count the digits equal to 4 or 7 and check whether this count itself consists "
        "only of the digits 4 and 7.",
        CF(110, "A", 800, ("implementation",), "Codeforces Beta Round 84 (Div. 2 Only)"),
    ),
    CodeTask(
        "anton_danik",
        (),
        "Anton and Danik",
        (
            "Anton and Danik played $n$ games of chess in a row, and no game ended in a "
            "draw. For each game you know who won it. Determine who won more games.",
        ),
        "The first line contains a single integer $n$ ($1 \\le n \\le 100\\,000$) — the "
        "number of games. The second line contains a string $s$ of $n$ uppercase letters "
        "A and D: the $i$-th character is A if Anton won the $i$-th game and D if Danik "
        "won it.",
        'If Anton won more games than Danik, print "Anton". If Danik won more games, '
        'print "Danik". If they won the same number of games, print "Friendship".',
        None,
        "input()\n"
        "s = input().strip()\n"
        'a, d = s.count("A"), s.count("D")\n'
        'print("Anton" if a > d else "Danik" if d > a else "Friendship")\n',
        _o_anton,
        ("6\nADAAAA\n", "7\nDDDAADA\n", "6\nDADADA\n"),
        (),
        lambda r: (lambda n: f"{n}\n{''.join(r.choice('AD') for _ in range(n))}\n")(
            r.randint(1, 15)
        ),
        "Count the letters A and D and compare the two counts.",
        CF(734, "A", 800, ("implementation", "strings"), "Codeforces Round 379 (Div. 2)"),
    ),
    CodeTask(
        "vanya_fence",
        (),
        "Vanya and Fence",
        (
            "Vanya and his $n$ friends walk along a fence of height $h$ and want to stay "
            "unnoticed by the guard. A person whose height does not exceed $h$ walks "
            "normally and occupies a width of $1$; a person taller than $h$ must bend "
            "down and then occupies a width of $2$. All friends walk in a single row. "
            "What is the minimum width of the road needed for the whole group?",
        ),
        "The first line contains two integers $n$ and $h$ ($1 \\le n, h \\le 1000$) — the "
        "number of friends and the height of the fence. The second line contains $n$ "
        "integers $a_i$ ($1 \\le a_i \\le 2h$) — the heights of the friends.",
        "Print a single integer — the minimum possible width of the road.",
        None,
        "n, h = map(int, input().split())\n"
        "print(sum(2 if x > h else 1 for x in map(int, input().split())))\n",
        _o_fence,
        ("3 7\n4 5 14\n", "6 1\n1 1 1 1 1 1\n", "6 5\n7 6 8 9 10 5\n"),
        (),
        lambda r: (lambda n, h: f"{n} {h}\n{arr(r.randint(1, 2 * h) for _ in range(n))}\n")(
            r.randint(1, 10), r.randint(1, 10)
        ),
        "Every friend needs width $1$, plus one extra unit for every friend taller than the fence.",
        CF(677, "A", 800, ("implementation",), "Codeforces Round 355 (Div. 2)"),
    ),
    CodeTask(
        "div_moves",
        (),
        "Divisibility Problem",
        (
            "You are given two positive integers $a$ and $b$. In one move you can "
            "increase $a$ by $1$ (replace $a$ with $a + 1$). Find the minimum number of "
            "moves you need to do in order to make $a$ divisible by $b$. It is possible "
            "that you do not need any moves. You have to answer $t$ independent test "
            "cases.",
            "For each pair of positive integers $a$ and $b$, determine the smallest "
            "non-negative integer $k$ such that $a + k$ is a multiple of $b$ (think of "
            "$k$ as the number of times one has to be added to $a$). Process $t$ "
            "independent queries.",
        ),
        "The first line contains one integer $t$ ($1 \\le t \\le 10^4$) — the number of "
        "test cases. Then $t$ test cases follow, each on a separate line containing two "
        "integers $a$ and $b$ ($1 \\le a, b \\le 10^9$).",
        "For each test case print the answer — the minimum number of moves you need to do "
        "in order to make $a$ divisible by $b$.",
        None,
        "import sys\n"
        "\n"
        "data = sys.stdin.read().split()\n"
        "t = int(data[0])\n"
        "out = []\n"
        "for i in range(t):\n"
        "    a, b = int(data[1 + 2 * i]), int(data[2 + 2 * i])\n"
        "    out.append(str((b - a % b) % b))\n"
        'print("\\n".join(out))\n',
        _o_div_moves,
        ("5\n10 4\n13 9\n100 13\n123 456\n92 46\n",),
        ("1\n1 1\n", "1\n1000000000 999999999\n"),
        lambda r: (
            lambda t: (
                f"{t}\n"
                + "".join(
                    f"{r.randint(1, 10**9)} {r.randint(1, 10 ** r.randint(1, 9))}\n"
                    for _ in range(t)
                )
            )
        )(r.randint(1, 5)),
        "If $a$ is already divisible by $b$ the answer is $0$; otherwise it is $b - (a "
        "\\bmod b)$. Both cases are captured by $(b - a \\bmod b) \\bmod b$.",
        CF(1328, "A", 800, ("math",), "Codeforces Round 629 (Div. 3)"),
    ),
    CodeTask(
        "sisters",
        (),
        "Candies and Two Sisters",
        (
            "There are two sisters, Alice and Betty, and you have $n$ candies to share "
            "between them. You want to give Alice $a$ candies and Betty $b$ candies so "
            "that both get at least one candy, Alice gets strictly more candies than "
            "Betty ($a > b$), and all candies are given away ($a + b = n$). Candies are "
            "indistinguishable, so a way to distribute them is determined by the pair "
            "$(a, b)$. Find the number of ways to distribute the candies. You have to "
            "answer $t$ independent test cases.",
        ),
        "The first line contains one integer $t$ ($1 \\le t \\le 10^4$) — the number of "
        "test cases. Each of the next $t$ lines contains one integer $n$ ($1 \\le n \\le "
        "2 \\cdot 10^9$) — the number of candies.",
        "For each test case, print the number of ways to distribute the candies as "
        "described, or $0$ if it is impossible.",
        "For $n = 7$ the valid pairs are $(6, 1)$, $(5, 2)$ and $(4, 3)$.",
        "t = int(input())\nfor _ in range(t):\n    n = int(input())\n    print((n - 1) // 2)\n",
        _o_sisters,
        ("6\n7\n1\n2\n3\n2000000000\n763243547\n",),
        (),
        lambda r: (lambda t: f"{t}\n" + "".join(f"{r.randint(1, 2000)}\n" for _ in range(t)))(
            r.randint(1, 6)
        ),
        "Betty's share $b$ can be any integer with $1 \\le b$ and $b < n - b$, that is $b "
        "\\le (n - 1) / 2$, so the answer is $\\lfloor (n - 1) / 2 \\rfloor$.",
        CF(1335, "A", 800, ("math",), "Codeforces Round 634 (Div. 3)"),
    ),
    CodeTask(
        "soldier",
        (),
        "Soldier and Bananas",
        (
            "A soldier wants to buy $w$ bananas in a shop. He has to pay $k$ dollars for "
            "the first banana, $2k$ dollars for the second one, and so on: he has to pay "
            "$i \\cdot k$ dollars for the $i$-th banana. He has $n$ dollars. How many "
            "dollars does he have to borrow from his friend to buy $w$ bananas?",
        ),
        "The first line contains three integers $k$, $n$, $w$ ($1 \\le k, w \\le 1000$, "
        "$0 \\le n \\le 10^9$) — the cost of the first banana, the initial number of "
        "dollars the soldier has, and the number of bananas he wants.",
        "Print one integer — the amount of dollars the soldier must borrow. If he does "
        "not have to borrow money, print $0$.",
        None,
        "k, n, w = map(int, input().split())\nprint(max(0, k * w * (w + 1) // 2 - n))\n",
        _o_soldier,
        ("3 17 4\n",),
        ("1 1000000000 1000\n", "1000 0 1000\n"),
        lambda r: f"{r.randint(1, 1000)} {r.randint(0, 10**6)} {r.randint(1, 1000)}\n",
        "The total price is $k(1 + 2 + \\ldots + w) = k \\cdot w(w+1)/2$; the soldier "
        "borrows the part of it exceeding $n$, if any.",
        CF(
            546,
            "A",
            800,
            ("brute force", "implementation", "math"),
            "Codeforces Round 304 (Div. 2)",
        ),
    ),
    CodeTask(
        "bear",
        (),
        "Bear and Big Brother",
        (
            "Bear Limak wants to become larger than his older brother Bob. Right now "
            "Limak weighs $a$ and Bob weighs $b$, where $a \\le b$. Every year Limak's "
            "weight is tripled while Bob's weight is doubled. After how many full years "
            "will Limak become strictly heavier than Bob?",
        ),
        "The only line contains two integers $a$ and $b$ ($1 \\le a \\le b \\le 10$) — "
        "the weights of Limak and Bob.",
        "Print one integer — the number of years after which Limak becomes strictly "
        "larger than Bob.",
        "In the first example, after one year the weights are $12$ and $14$, and after "
        "two years they are $36$ and $28$, so the answer is $2$.",
        "a, b = map(int, input().split())\n"
        "years = 0\n"
        "while a <= b:\n"
        "    a *= 3\n"
        "    b *= 2\n"
        "    years += 1\n"
        "print(years)\n",
        _o_bear,
        ("4 7\n", "4 9\n", "1 1\n"),
        ("1 10\n",),
        lambda r: (lambda a: f"{a} {r.randint(a, 10)}\n")(r.randint(1, 10)),
        "Simulate year by year; since $b \\le 10$, only a few iterations are needed.",
        CF(791, "A", 800, ("implementation",), "Codeforces Round 405 (Div. 2)"),
    ),
    CodeTask(
        "taxi",
        (),
        "Taxi",
        (
            "After the lesson, $n$ groups of schoolchildren went outside and decided to "
            "visit their friend Polycarpus together. The $i$-th group consists of $s_i$ "
            "friends ($1 \\le s_i \\le 4$), and they want to go by taxi. Each car can "
            "carry at most four passengers. What is the minimum number of cars needed if "
            "all members of each group must ride in the same taxi (one taxi can take more "
            "than one group)?",
        ),
        "The first line contains an integer $n$ ($1 \\le n \\le 10^5$) — the number of "
        "groups of schoolchildren. The second line contains a sequence of integers $s_1, "
        "s_2, \\ldots, s_n$ ($1 \\le s_i \\le 4$), separated by spaces; $s_i$ is the "
        "number of children in the $i$-th group.",
        "Print a single number — the minimum number of taxis necessary to drive all "
        "children to Polycarpus.",
        "In the first example four taxis are enough: one for the group of four, one for a "
        "group of three together with the group of one, one for the other group of three, "
        "and one for the group of two.",
        "n = int(input())\n"
        "s = list(map(int, input().split()))\n"
        "c = [s.count(i) for i in range(5)]\n"
        "taxis = c[4] + c[3]\n"
        "ones = max(0, c[1] - c[3])\n"
        "taxis += c[2] // 2\n"
        "if c[2] % 2:\n"
        "    taxis += 1\n"
        "    ones = max(0, ones - 2)\n"
        "taxis += (ones + 3) // 4\n"
        "print(taxis)\n",
        _o_taxi,
        ("5\n1 2 4 3 3\n", "8\n2 3 4 4 2 1 3 1\n"),
        ("3\n3 3 2\n", "1\n1\n", "6\n1 1 1 1 1 2\n"),
        lambda r: _n_list(r, 1, 12, 1, 4),
        "Groups of four ride alone. Each group of three takes a taxi and can be joined by "
        "one group of one. Groups of two pair up; a leftover group of two can take two "
        "more single children. The remaining single children fill taxis four at a time.",
        CF(
            158,
            "B",
            1100,
            ("greedy", "implementation"),
            "VK Cup 2012 Qualification Round 1",
            1000.0,
        ),
        wrong_solution="n = int(input())\n"
        "s = list(map(int, input().split()))\n"
        "print((sum(s) + 3) // 4)\n",
    ),
    CodeTask(
        "max_subarray",
        (),
        "Best Segment",
        (
            "You are given an array $a_1, a_2, \\ldots, a_n$ of integers, some of which "
            "may be negative. Find the maximum possible sum of a non-empty contiguous "
            "segment $a_l, a_{l+1}, \\ldots, a_r$ ($1 \\le l \\le r \\le n$).",
        ),
        "The first line contains an integer $n$ ($1 \\le n \\le 2 \\cdot 10^5$). The "
        "second line contains $n$ integers $a_1, \\ldots, a_n$ ($-10^9 \\le a_i \\le "
        "10^9$).",
        "Print one integer — the maximum sum of a non-empty segment.",
        "In the first example the best segment is $[3, 4]$ with sum $7$. In the second "
        "example all numbers are negative, so the best segment consists of the single "
        "element $-2$.",
        "n = int(input())\n"
        "a = list(map(int, input().split()))\n"
        "best = cur = a[0]\n"
        "for x in a[1:]:\n"
        "    cur = max(x, cur + x)\n"
        "    best = max(best, cur)\n"
        "print(best)\n",
        _o_max_sub,
        ("5\n1 -2 3 4 -1\n", "3\n-5 -2 -8\n"),
        ("1\n-7\n", "4\n2 -1 2 -1\n"),
        lambda r: _n_list(r, 1, 12, -20, 20),
        "Kadane's algorithm: keep the best sum of a segment ending at the current "
        "position, which is either the current element alone or the current element "
        "appended to the previous best segment.",
        CF(1807, "C", 1200, ("dp", "greedy"), "Codeforces Round 859 (Div. 4)"),
        wrong_solution="n = int(input())\n"
        "a = list(map(int, input().split()))\n"
        "best = cur = 0\n"
        "for x in a:\n"
        "    cur = max(0, cur + x)\n"
        "    best = max(best, cur)\n"
        "print(best)\n",
    ),
    CodeTask(
        "palindromes",
        (),
        "Palindrome Check",
        (
            "A string is called a palindrome if it reads the same from left to right and "
            "from right to left. For example, abba and level are palindromes, while abc "
            "is not. You are given $t$ strings; for each of them determine whether it is "
            "a palindrome.",
        ),
        "The first line contains an integer $t$ ($1 \\le t \\le 100$) — the number of "
        "strings. Each of the next $t$ lines contains a non-empty string of at most $100$ "
        "lowercase Latin letters.",
        "For each string print YES if it is a palindrome and NO otherwise.",
        None,
        "t = int(input())\n"
        "for _ in range(t):\n"
        "    s = input().strip()\n"
        '    print("YES" if s == s[::-1] else "NO")\n',
        _o_palin,
        ("3\nabba\nabc\nx\n",),
        (),
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
        "Compare each string with its reverse.",
        CF(1703, "A", 800, ("implementation", "strings"), "Codeforces Round 806 (Div. 4)"),
    ),
    CodeTask(
        "bracket",
        (),
        "Bracket Sequences",
        (
            "A bracket sequence consisting of the characters (, ), [, ], { and } is "
            "called balanced if every opening bracket can be matched with a later closing "
            "bracket of the same type and the matched pairs are properly nested. For "
            "example, ([]){} is balanced, while ([)] and (( are not. For each of $t$ "
            "given sequences, determine whether it is balanced.",
        ),
        "The first line contains an integer $t$ ($1 \\le t \\le 100$). Each of the next "
        "$t$ lines contains a non-empty string of at most $10^5$ characters, each of "
        "which is one of ()[]{}.",
        "For each sequence print YES if it is balanced and NO otherwise.",
        None,
        "import sys\n"
        "\n"
        'pairs = {")": "(", "]": "[", "}": "{"}\n'
        "lines = sys.stdin.read().split()\n"
        "t = int(lines[0])\n"
        "for s in lines[1 : t + 1]:\n"
        "    stack = []\n"
        "    ok = True\n"
        "    for ch in s:\n"
        '        if ch in "([{":\n'
        "            stack.append(ch)\n"
        "        elif not stack or stack.pop() != pairs[ch]:\n"
        "            ok = False\n"
        "            break\n"
        '    print("YES" if ok and not stack else "NO")\n',
        _o_bracket,
        ("4\n([]){}\n([)]\n((\n{[()()]}\n",),
        ("1\n)(\n",),
        _g_bracket,
        "Scan the sequence with a stack: push opening brackets, and for each closing "
        "bracket pop the stack and check that the types match. The sequence is balanced "
        "if no mismatch occurs and the stack is empty at the end.",
        CF(
            1821,
            "B",
            1200,
            ("data structures", "strings"),
            "Educational Codeforces Round 147",
            1000.0,
        ),
    ),
    CodeTask(
        "prime_check",
        (),
        "Prime Numbers",
        (
            "Determine for each of the $t$ given integers whether it is prime. Recall "
            "that an integer $n > 1$ is prime if its only positive divisors are $1$ and "
            "$n$.",
        ),
        "The first line contains an integer $t$ ($1 \\le t \\le 100$). Each of the next "
        "$t$ lines contains one integer $n$ ($1 \\le n \\le 10^6$).",
        "For each number print YES if it is prime and NO otherwise.",
        None,
        "def is_prime(n):\n"
        "    if n < 2:\n"
        "        return False\n"
        "    i = 2\n"
        "    while i * i <= n:\n"
        "        if n % i == 0:\n"
        "            return False\n"
        "        i += 1\n"
        "    return True\n"
        "\n"
        "\n"
        "t = int(input())\n"
        "for _ in range(t):\n"
        '    print("YES" if is_prime(int(input())) else "NO")\n',
        _o_prime,
        ("5\n1\n2\n15\n97\n999983\n",),
        ("2\n4\n1000000\n",),
        lambda r: (
            lambda t: (
                f"{t}\n"
                + "".join(
                    f"{r.choice([r.randint(1, 100), r.randint(1, 10**6)])}\n" for _ in range(t)
                )
            )
        )(r.randint(1, 6)),
        "Trial division up to $\\sqrt{n}$ is enough: a composite number always has a "
        "divisor not exceeding its square root.",
        CF(1838, "A", 1200, ("math", "number theory"), "Codeforces Round 877 (Div. 2)"),
    ),
    CodeTask(
        "fib_mod",
        (),
        "Fibonacci Remainder",
        (
            "The Fibonacci numbers are defined by $F_0 = 0$, $F_1 = 1$ and $F_n = F_{n-1} "
            "+ F_{n-2}$ for $n \\ge 2$. Given $n$, compute $F_n$ modulo $10^9 + 7$.",
        ),
        "The only line contains an integer $n$ ($0 \\le n \\le 10^6$).",
        "Print $F_n \\bmod (10^9 + 7)$.",
        None,
        "n = int(input())\n"
        "mod = 10**9 + 7\n"
        "a, b = 0, 1\n"
        "for _ in range(n):\n"
        "    a, b = b, (a + b) % mod\n"
        "print(a)\n",
        _o_fib,
        ("10\n", "0\n", "100\n"),
        ("1\n", "1000000\n"),
        lambda r: f"{r.randint(0, 20000)}\n",
        "Iterate the recurrence keeping only the last two values, reducing modulo $10^9 + "
        "7$ at every step.",
        CF(1860, "B", 1300, ("dp", "math"), "Educational Codeforces Round 153"),
    ),
    CodeTask(
        "digit_steps",
        (),
        "Sum of Digits",
        (
            "Having watched a programming contest, Gerald became interested in the "
            "following process. Take a non-negative integer $n$ and replace it with the "
            "sum of its digits; repeat while the number has more than one digit. How many "
            "times will the number be replaced before it becomes a one-digit number?",
        ),
        "The first line contains the integer $n$ without leading zeros ($0 \\le n \\le "
        "10^{100000}$).",
        "Print the number of times the replacement happens.",
        "In the third example the number changes as $991 \\to 19 \\to 10 \\to 1$, so "
        "three replacements happen.",
        "s = input().strip()\n"
        "steps = 0\n"
        "while len(s) > 1:\n"
        "    s = str(sum(int(c) for c in s))\n"
        "    steps += 1\n"
        "print(steps)\n",
        _o_digit_steps,
        ("0\n", "10\n", "991\n"),
        ("9\n", "99999999999\n"),
        lambda r: (
            str(r.randint(1, 9))
            + "".join(r.choice("0123456789") for _ in range(r.randint(0, 200)))
            + "\n"
        ),
        "Simulate the process on the decimal string; after the first replacement the "
        "number is small, so only a few more iterations are needed.",
        CF(102, "B", 1000, ("implementation",), "Codeforces Beta Round 79 (Div. 2 Only)"),
    ),
    CodeTask(
        "prefix_queries",
        (),
        "Range Sums",
        (
            "You are given an array of $n$ integers and $q$ queries. Each query is a pair "
            "of indices $l$, $r$, and you must output the sum $a_l + a_{l+1} + \\ldots + "
            "a_r$.",
        ),
        "The first line contains two integers $n$ and $q$ ($1 \\le n, q \\le 2 \\cdot "
        "10^5$). The second line contains $n$ integers $a_1, \\ldots, a_n$ ($|a_i| \\le "
        "10^9$). Each of the next $q$ lines contains two integers $l$ and $r$ ($1 \\le l "
        "\\le r \\le n$).",
        "For each query print the corresponding sum on a separate line.",
        None,
        "import sys\n"
        "\n"
        "data = sys.stdin.buffer.read().split()\n"
        "n, q = int(data[0]), int(data[1])\n"
        "pre = [0]\n"
        "for x in data[2 : 2 + n]:\n"
        "    pre.append(pre[-1] + int(x))\n"
        "out = []\n"
        "pos = 2 + n\n"
        "for _ in range(q):\n"
        "    l, r = int(data[pos]), int(data[pos + 1])\n"
        "    pos += 2\n"
        "    out.append(pre[r] - pre[l - 1])\n"
        'print("\\n".join(map(str, out)))\n',
        _o_prefix,
        ("5 3\n1 2 3 4 5\n1 5\n2 3\n4 4\n",),
        (),
        _g_prefix,
        "Precompute prefix sums $p_i = a_1 + \\ldots + a_i$; the answer to a query is "
        "$p_r - p_{l-1}$.",
        CF(
            1840,
            "B",
            1100,
            ("data structures", "implementation"),
            "Codeforces Round 878 (Div. 3)",
            1000.0,
        ),
    ),
    CodeTask(
        "longest_inc",
        (),
        "Maximum Increase",
        (
            "You are given an array of $n$ integers. Find the maximum length of an "
            "increasing subarray of the given array. A subarray is a sequence of "
            "consecutive elements of the array; it is called increasing if each element "
            "is strictly greater than the previous one.",
            "Given a sequence of $n$ integers, find the length of the longest block of "
            "consecutive positions in which every element is strictly larger than the "
            "element right before it.",
        ),
        "The first line contains a single positive integer $n$ ($1 \\le n \\le 10^5$) — "
        "the number of integers. The second line contains $n$ positive integers $a_1, "
        "a_2, \\ldots, a_n$ ($1 \\le a_i \\le 10^9$).",
        "Print the maximum length of an increasing subarray of the given array.",
        None,
        "n = int(input())\n"
        "a = list(map(int, input().split()))\n"
        "best = cur = 1\n"
        "for i in range(1, n):\n"
        "    cur = cur + 1 if a[i] > a[i - 1] else 1\n"
        "    best = max(best, cur)\n"
        "print(best)\n",
        _o_longest,
        ("5\n1 7 2 11 15\n", "6\n100 100 100 100 100 100\n", "3\n1 2 3\n"),
        ("1\n42\n",),
        lambda r: _n_list(r, 1, 15, 1, 10),
        "Scan the array once, keeping the length of the increasing run that ends at the "
        "current position and the best length seen so far.",
        CF(702, "A", 800, ("dp", "greedy", "implementation"), "Educational Codeforces Round 15"),
    ),
    CodeTask(
        "distinct_count",
        (),
        "Distinct Values",
        ("Polycarp wrote down $n$ integers. Count how many different values are among them.",),
        "The first line contains $n$ ($1 \\le n \\le 2 \\cdot 10^5$). The second line "
        "contains $n$ integers $a_i$ ($1 \\le a_i \\le 10^9$).",
        "Print the number of distinct values.",
        None,
        "input()\nprint(len(set(input().split())))\n",
        _o_distinct,
        ("5\n2 3 2 2 3\n", "4\n1 2 3 4\n"),
        ("1\n7\n",),
        lambda r: _n_list(r, 1, 15, 1, 8),
        "Put the numbers into a hash set and print its size.",
        CF(1741, "A", 800, ("implementation",), "Codeforces Round 826 (Div. 3)"),
    ),
    CodeTask(
        "second_max",
        (),
        "Runner-up Value",
        (
            "You are given $n$ integers. Find the second largest distinct value among "
            "them, that is, the largest value that is strictly smaller than the maximum. "
            "If all values are equal, such a value does not exist.",
        ),
        "The first line contains $n$ ($1 \\le n \\le 10^5$). The second line contains $n$ "
        "integers $a_i$ ($-10^9 \\le a_i \\le 10^9$).",
        "Print the second largest distinct value, or NONE if it does not exist.",
        None,
        "input()\n"
        "vals = sorted(set(map(int, input().split())))\n"
        'print(vals[-2] if len(vals) >= 2 else "NONE")\n',
        _o_second,
        ("5\n4 1 4 3 2\n", "3\n7 7 7\n"),
        ("2\n-1 -5\n", "1\n3\n"),
        lambda r: _n_list(r, 1, 8, -3, 5),
        "Remove duplicates, sort, and take the second largest element if there are at "
        "least two distinct values.",
        CF(1829, "B", 800, ("implementation", "sortings"), "Codeforces Round 871 (Div. 4)"),
        wrong_solution="n = int(input())\n"
        "a = sorted(map(int, input().split()))\n"
        'print(a[-2] if n >= 2 else "NONE")\n',
    ),
    CodeTask(
        "rotation",
        (),
        "Cyclic Shift",
        (
            "A cyclic shift of a string moves some number of its first characters to the "
            "end; for example, the cyclic shifts of abcd are abcd, bcda, cdab and dabc. "
            "You are given two strings $s$ and $t$. Determine whether $t$ is a cyclic "
            "shift of $s$.",
        ),
        "The first line contains the string $s$ and the second line contains the string "
        "$t$. Both strings are non-empty, consist of lowercase Latin letters and have "
        "length at most $10^5$.",
        "Print YES if $t$ is a cyclic shift of $s$, and NO otherwise.",
        None,
        "s = input().strip()\n"
        "t = input().strip()\n"
        'print("YES" if len(s) == len(t) and t in s + s else "NO")\n',
        _o_rotation,
        ("abcd\ncdab\n", "abc\nacb\n", "aa\naaa\n"),
        (),
        _g_rotation,
        "String $t$ is a cyclic shift of $s$ exactly when both have the same length and "
        "$t$ occurs as a substring of $s + s$.",
        CF(1847, "B", 1000, ("strings",), "Codeforces Round 882 (Div. 2)"),
    ),
    CodeTask(
        "anagram",
        (),
        "Anagrams",
        (
            "Two words are anagrams of each other if one can be obtained from the other "
            "by rearranging its letters; for example, listen and silent are anagrams. For "
            "each of $t$ pairs of words, determine whether the two words are anagrams.",
            "For each query you are given two lowercase words. Decide whether the letters "
            "of the first word can be reordered to form exactly the second word.",
        ),
        "The first line contains an integer $t$ ($1 \\le t \\le 100$). Each of the next "
        "$t$ lines contains two words separated by a space; each word consists of at most "
        "$100$ lowercase Latin letters.",
        "For each pair print YES if the words are anagrams and NO otherwise.",
        None,
        "t = int(input())\n"
        "for _ in range(t):\n"
        "    a, b = input().split()\n"
        '    print("YES" if sorted(a) == sorted(b) else "NO")\n',
        _o_anagram,
        ("3\nlisten silent\nhello world\naab abb\n",),
        (),
        _g_anagram,
        "Two words are anagrams exactly when their sorted letter sequences (or letter "
        "counts) coincide.",
        CF(1850, "A", 800, ("implementation", "strings"), "Codeforces Round 886 (Div. 4)"),
    ),
    CodeTask(
        "collatz",
        (),
        "Collatz Steps",
        (
            "Consider the following process applied to a positive integer $n$: if $n$ is "
            "even, replace it with $n / 2$; otherwise replace it with $3n + 1$. The "
            "process stops when $n$ becomes $1$. Find the number of replacements "
            "performed before the process stops. It is known that for all $n$ in the "
            "given range the process terminates.",
            "Starting from a positive integer $n$, repeatedly halve it when it is even "
            "and map it to $3n + 1$ when it is odd, until it reaches $1$. Output how many "
            "operations are needed.",
        ),
        "The only line contains an integer $n$ ($1 \\le n \\le 10^6$).",
        "Print the number of steps.",
        None,
        "n = int(input())\n"
        "steps = 0\n"
        "while n != 1:\n"
        "    if n % 2 == 0:\n"
        "        n //= 2\n"
        "    else:\n"
        "        n = 3 * n + 1\n"
        "    steps += 1\n"
        "print(steps)\n",
        _o_collatz,
        ("6\n", "1\n", "27\n"),
        (),
        lambda r: f"{r.randint(1, 10**4)}\n",
        "Simply simulate the process; for $n \\le 10^6$ the number of steps stays below $600$.",
        CF(1867, "A", 900, ("implementation", "math"), "Codeforces Round 897 (Div. 2)"),
    ),
    CodeTask(
        "reverse_words",
        (),
        "Reverse the Words",
        (
            "You are given a sentence consisting of words separated by single spaces. "
            "Print the words of the sentence in reverse order.",
            "Read one line of text made of words separated by single spaces and output "
            "the same words, but with their order reversed (the letters inside each word "
            "stay unchanged).",
        ),
        "A single line containing between $1$ and $100$ words; each word consists of "
        "lowercase Latin letters, and words are separated by single spaces.",
        "Print the words in reverse order, separated by single spaces.",
        None,
        'print(" ".join(input().split()[::-1]))\n',
        _o_reverse,
        ("the sky is blue\n", "hello\n"),
        (),
        lambda r: " ".join(_word(r, "abcdefgh", 1, 6) for _ in range(r.randint(1, 8))) + "\n",
        "Split the line into words, reverse the list and join it back with spaces.",
        CF(1878, "A", 800, ("implementation", "strings"), "Codeforces Round 900 (Div. 3)"),
    ),
    CodeTask(
        "min_coins",
        (),
        "Hit the Lottery",
        (
            "Allen has $n$ dollars in the bank and wants to withdraw all of it in cash. "
            "The bills come in denominations of $1$, $5$, $10$, $20$ and $100$ dollars. "
            "What is the minimum number of bills Allen could receive after withdrawing "
            "his entire balance?",
            "Banknotes of values $1$, $5$, $10$, $20$ and $100$ are available in "
            "unlimited supply. Pay the amount $n$ exactly using as few banknotes as "
            "possible and print how many are used.",
        ),
        "The first and only line contains a single integer $n$ ($1 \\le n \\le 10^9$).",
        "Output the minimum number of bills that Allen could receive.",
        "For $n = 125$ Allen can take one $100$ dollar bill, one $20$ dollar bill and one "
        "$5$ dollar bill.",
        "n = int(input())\n"
        "count = 0\n"
        "for bill in (100, 20, 10, 5, 1):\n"
        "    count += n // bill\n"
        "    n %= bill\n"
        "print(count)\n",
        _o_coins,
        ("125\n", "43\n", "1000000000\n"),
        ("1\n", "99\n"),
        lambda r: f"{r.choice([r.randint(1, 200), r.randint(1, 10**9)])}\n",
        "Each denomination divides the next larger one, so taking as many of the largest "
        "bill as possible is optimal.",
        CF(996, "A", 800, ("dp", "greedy"), "Codeforces Round 492 (Div. 2)"),
    ),
    CodeTask(
        "two_sum",
        (),
        "Pair with Given Sum",
        (
            "You are given an array of $n$ integers and an integer $x$. Determine whether "
            "there exist two indices $i < j$ such that $a_i + a_j = x$.",
        ),
        "The first line contains two integers $n$ and $x$ ($2 \\le n \\le 2 \\cdot 10^5$, "
        "$1 \\le x \\le 2 \\cdot 10^9$). The second line contains $n$ integers $a_i$ ($1 "
        "\\le a_i \\le 10^9$).",
        "Print YES if such a pair exists and NO otherwise.",
        None,
        "n, x = map(int, input().split())\n"
        "seen = set()\n"
        "found = False\n"
        "for v in map(int, input().split()):\n"
        "    if x - v in seen:\n"
        "        found = True\n"
        "        break\n"
        "    seen.add(v)\n"
        'print("YES" if found else "NO")\n',
        _o_two_sum,
        ("5 9\n2 7 11 15 1\n", "3 10\n1 2 3\n"),
        ("2 4\n2 3\n", "2 4\n2 2\n"),
        _g_two_sum,
        "Scan the array while storing the values seen so far in a hash set; a pair exists "
        "if $x - a_j$ has already been seen when processing $a_j$.",
        CF(
            1873, "C", 1100, ("data structures", "hashing"), "Codeforces Round 898 (Div. 4)", 1000.0
        ),
        wrong_solution="n, x = map(int, input().split())\n"
        "a = list(map(int, input().split()))\n"
        "s = set(a)\n"
        'print("YES" if any(x - v in s for v in a) else "NO")\n',
    ),
    CodeTask(
        "matrix_diag",
        (),
        "Diagonal Difference",
        (
            "You are given a square matrix of size $n \\times n$. Find the absolute "
            "difference between the sum of its main diagonal (from the top-left to the "
            "bottom-right corner) and the sum of its anti-diagonal (from the top-right to "
            "the bottom-left corner).",
        ),
        "The first line contains an integer $n$ ($1 \\le n \\le 100$). Each of the next "
        "$n$ lines contains $n$ integers $a_{i,j}$ ($-100 \\le a_{i,j} \\le 100$).",
        "Print the absolute difference between the two diagonal sums.",
        None,
        "n = int(input())\n"
        "d1 = d2 = 0\n"
        "for i in range(n):\n"
        "    row = list(map(int, input().split()))\n"
        "    d1 += row[i]\n"
        "    d2 += row[n - 1 - i]\n"
        "print(abs(d1 - d2))\n",
        _o_diag,
        ("3\n11 2 4\n4 5 6\n10 8 -12\n",),
        ("1\n5\n",),
        _g_diag,
        "Accumulate $a_{i,i}$ and $a_{i,n-1-i}$ while reading the rows.",
        CF(1881, "A", 800, ("implementation",), "Codeforces Round 903 (Div. 3)"),
    ),
    CodeTask(
        "vowel_count",
        (),
        "Vowel Counter",
        (
            "Count the vowels in a line of text. The vowels are a, e, i, o and u, in "
            "either uppercase or lowercase.",
        ),
        "A single line of text of length at most $1000$ consisting of Latin letters, "
        "spaces and punctuation.",
        "Print the number of vowels in the line.",
        None,
        's = input()\nprint(sum(1 for c in s.lower() if c in "aeiou"))\n',
        _o_vowels,
        ("Hello, World!\n",),
        ("xyz\n",),
        lambda r: _sentence(r) + "\n",
        "Lowercase the line and count the characters that belong to the set of vowels.",
        CF(1890, "A", 800, ("implementation", "strings"), "Codeforces Round 907 (Div. 2)"),
    ),
    CodeTask(
        "even_odd_diff",
        (),
        "Even Minus Odd",
        (
            "You are given $n$ integers. Compute the sum of the even numbers minus the "
            "sum of the odd numbers.",
            "Read $n$ integers and print $E - O$, where $E$ is the total of all even "
            "values among them and $O$ is the total of all odd values.",
        ),
        "The first line contains $n$ ($1 \\le n \\le 10^5$). The second line contains $n$ "
        "integers $a_i$ ($1 \\le a_i \\le 10^9$).",
        "Print the sum of the even numbers minus the sum of the odd numbers.",
        None,
        "input()\n"
        "a = list(map(int, input().split()))\n"
        "print(sum(x for x in a if x % 2 == 0) - sum(x for x in a if x % 2))\n",
        _o_even_odd,
        ("5\n1 2 3 4 5\n",),
        ("1\n8\n",),
        lambda r: _n_list(r, 1, 10, 1, 50),
        "Add even numbers and subtract odd numbers in a single pass.",
        CF(1896, "A", 800, ("implementation",), "CodeTON Round 7 (Div. 1 + Div. 2)"),
    ),
    CodeTask(
        "way_too_long",
        (),
        "Way Too Long Words",
        (
            "Some words, like localization or internationalization, are so long that "
            "writing them many times is tiresome. A word is considered too long if its "
            "length is strictly more than $10$ characters. Every too long word should be "
            "replaced with an abbreviation: the first letter, then the number of letters "
            "between the first and the last letter, then the last letter. For example, "
            "localization becomes l10n and internationalization becomes i18n. Words that "
            "are not too long stay unchanged.",
        ),
        "The first line contains an integer $n$ ($1 \\le n \\le 100$). Each of the "
        "following $n$ lines contains one word of lowercase Latin letters with length "
        "from $1$ to $100$.",
        "Print $n$ lines. The $i$-th line should contain the result of replacing the "
        "$i$-th word from the input.",
        None,
        "n = int(input())\n"
        "for _ in range(n):\n"
        "    w = input().strip()\n"
        "    print(w if len(w) <= 10 else w[0] + str(len(w) - 2) + w[-1])\n",
        _o_too_long,
        (
            "4\nword\nlocalization\ninternationalization\n"
            "pneumonoultramicroscopicsilicovolcanoconiosis\n",
        ),
        ("1\nabcdefghij\n",),
        lambda r: (
            lambda n: (
                f"{n}\n" + "".join(_word(r, "abcdefghijklmnop", 1, 15) + "\n" for _ in range(n))
            )
        )(r.randint(1, 5)),
        "For each word longer than ten letters print its first letter, its length minus "
        "two and its last letter; print other words unchanged.",
        CF(71, "A", 800, ("strings",), "Codeforces Beta Round 65 (Div. 2)"),
    ),
    CodeTask(
        "boy_or_girl",
        (),
        "Boy or Girl",
        (
            "A forum user decides whether another user is male or female by looking only "
            "at the user name: if the number of distinct characters in the name is odd, "
            "the user is considered male; otherwise the user is considered female. Given "
            "a user name, apply this rule.",
        ),
        "The first line contains a non-empty string of at most $100$ lowercase Latin "
        "letters — the user name.",
        'If the user is considered female, print "CHAT WITH HER!" (without the quotes); '
        'otherwise print "IGNORE HIM!" (without the quotes).',
        "In the first example the name has $6$ distinct characters (w, j, m, z, b and r), "
        "which is even.",
        's = input().strip()\nprint("CHAT WITH HER!" if len(set(s)) % 2 == 0 else "IGNORE HIM!")\n',
        _o_boy_girl,
        ("wjmzbmr\n", "xiaodao\n", "sevenkplus\n"),
        (),
        lambda r: _word(r, "abcdefghijkl", 1, 20) + "\n",
        "Count distinct characters with a set and check the parity of its size.",
        CF(
            236,
            "A",
            800,
            ("brute force", "implementation", "strings"),
            "Codeforces Round 146 (Div. 2)",
        ),
    ),
    CodeTask(
        "bit_plus",
        (),
        "Bit++",
        (
            "The programming language Bit++ has exactly one variable, called $x$, and two "
            "operations: ++ increases $x$ by $1$ and -- decreases $x$ by $1$. A statement "
            "consists of exactly one operation and the variable $x$, written without "
            "spaces in either order, for example ++X or X--. Initially $x = 0$. Execute "
            "the given program of $n$ statements and print the final value of $x$.",
        ),
        "The first line contains an integer $n$ ($1 \\le n \\le 150$) — the number of "
        "statements. Each of the next $n$ lines contains one statement.",
        "Print the final value of $x$.",
        None,
        "n = int(input())\n"
        "x = 0\n"
        "for _ in range(n):\n"
        '    x += 1 if "++" in input() else -1\n'
        "print(x)\n",
        _o_bit_plus,
        ("1\n++X\n", "2\nX++\n--X\n"),
        (),
        lambda r: (
            lambda n: (
                f"{n}\n" + "".join(r.choice(["++X", "X++", "--X", "X--"]) + "\n" for _ in range(n))
            )
        )(r.randint(1, 8)),
        "Each statement changes $x$ by $+1$ if it contains ++ and by $-1$ otherwise.",
        CF(282, "A", 800, ("implementation",), "Codeforces Round 173 (Div. 2)"),
    ),
    CodeTask(
        "magnets",
        (),
        "Magnets",
        (
            "Mike arranges $n$ magnets in a row, one after another. Each magnet is placed "
            "either as 01 (plus-minus) or as 10 (minus-plus). If two neighbouring magnets "
            "face each other with like poles they repel, and the new magnet starts a new "
            "group; if they face each other with opposite poles they attract and belong "
            "to the same group. Determine the number of groups of magnets.",
        ),
        "The first line contains an integer $n$ ($1 \\le n \\le 100\\,000$). Each of the "
        "next $n$ lines contains either 01 or 10.",
        "Print the number of groups of magnets.",
        None,
        "n = int(input())\n"
        "prev = None\n"
        "groups = 0\n"
        "for _ in range(n):\n"
        "    m = input().strip()\n"
        "    if m != prev:\n"
        "        groups += 1\n"
        "    prev = m\n"
        "print(groups)\n",
        _o_magnets,
        ("6\n10\n10\n10\n01\n10\n10\n", "4\n01\n01\n10\n10\n"),
        (),
        lambda r: (lambda n: f"{n}\n" + "".join(r.choice(["01", "10"]) + "\n" for _ in range(n)))(
            r.randint(1, 10)
        ),
        "A new group starts exactly when a magnet differs from the previous one.",
        CF(344, "A", 800, ("implementation",), "Codeforces Round 200 (Div. 2)"),
    ),
    CodeTask(
        "easy_problem",
        (),
        "In Search of an Easy Problem",
        (
            "A round coordinator asked $n$ people whether the problem for the next round "
            "is easy or hard. Each person answered $0$ (easy) or $1$ (hard). If at least "
            "one person thinks the problem is hard, the coordinator will replace it. "
            "Determine whether the problem is easy enough.",
        ),
        "The first line contains an integer $n$ ($1 \\le n \\le 100$). The second line "
        "contains $n$ integers, each either $0$ or $1$.",
        "Print EASY if all people consider the problem easy, and HARD otherwise.",
        None,
        'input()\nprint("HARD" if "1" in input().split() else "EASY")\n',
        _o_easy,
        ("3\n0 0 1\n", "1\n0\n"),
        (),
        lambda r: (lambda n: f"{n}\n{arr(int(r.random() < 0.15) for _ in range(n))}\n")(
            r.randint(1, 8)
        ),
        "Check whether any answer equals $1$.",
        CF(1030, "A", 800, ("implementation",), "Codeforces Round 512 (Div. 2)"),
    ),
    CodeTask(
        "string_task",
        (),
        "String Task",
        (
            "Petya started an unusual programming task: given a string of uppercase and "
            "lowercase Latin letters, the program must delete all vowels, insert the "
            "character . before each consonant, and replace all uppercase consonants with "
            "the corresponding lowercase ones. Vowels are the letters A, O, Y, E, U and "
            "I; all other letters are consonants. Help Petya process the given string.",
            "Transform a word as follows: remove every vowel (the vowels are a, o, y, e, "
            "u and i, in either case), convert every remaining letter to lowercase, and "
            "put a dot in front of each of them.",
        ),
        "The first line contains a string of uppercase and lowercase Latin letters; its "
        "length is from $1$ to $100$.",
        "Print the resulting string. It is guaranteed that this string is not empty.",
        None,
        's = input().strip().lower()\nprint("".join("." + c for c in s if c not in "aoyeui"))\n',
        _o_string_task,
        ("tour\n", "Codeforces\n", "aBAcAba\n"),
        (),
        _g_string_task,
        "Lowercase the string, drop the vowels and prefix each remaining letter with a dot.",
        CF(118, "A", 1000, ("implementation", "strings"), "Codeforces Beta Round 89 (Div. 2)"),
    ),
    CodeTask(
        "binary_ones",
        (),
        "Counting Bits",
        (
            "For each of $t$ given non-negative integers, find the number of ones in its "
            "binary representation.",
        ),
        "The first line contains $t$ ($1 \\le t \\le 10^4$). Each of the next $t$ lines "
        "contains an integer $n$ ($0 \\le n \\le 10^{18}$).",
        "For each number print the count of ones in its binary representation.",
        None,
        't = int(input())\nfor _ in range(t):\n    print(bin(int(input())).count("1"))\n',
        _o_popcount,
        ("3\n5\n0\n1023\n",),
        (),
        lambda r: (lambda t: f"{t}\n" + "".join(f"{r.randint(0, 10**18)}\n" for _ in range(t)))(
            r.randint(1, 5)
        ),
        "Convert each number to binary and count the ones.",
        CF(1905, "A", 800, ("bitmasks",), "Codeforces Round 915 (Div. 2)"),
    ),
    CodeTask(
        "gcd_array",
        (),
        "Common Divisor",
        ("Given $n$ positive integers, find their greatest common divisor.",),
        "The first line contains $n$ ($1 \\le n \\le 10^5$). The second line contains $n$ "
        "integers $a_i$ ($1 \\le a_i \\le 10^9$).",
        "Print the greatest common divisor of all numbers.",
        None,
        "import math\n"
        "from functools import reduce\n"
        "\n"
        "input()\n"
        "print(reduce(math.gcd, map(int, input().split())))\n",
        _o_gcd,
        ("3\n12 18 24\n",),
        (),
        lambda r: (lambda g, n: f"{n}\n{arr(g * r.randint(1, 20) for _ in range(n))}\n")(
            r.randint(1, 9), r.randint(1, 6)
        ),
        "Fold the array with the gcd function.",
        CF(1916, "B", 900, ("math", "number theory"), "Good Bye 2023"),
    ),
    CodeTask(
        "queue_school",
        (),
        "Queue at the School",
        (
            "During a break, $n$ schoolchildren stand in a queue. Boys feel awkward "
            "standing in front of girls, so every second each boy who stands directly in "
            "front of a girl swaps places with her; all such swaps happen simultaneously. "
            "Given the initial queue, find its arrangement after $t$ seconds.",
        ),
        "The first line contains two integers $n$ and $t$ ($1 \\le n, t \\le 50$). The "
        "second line contains a string $s$ of length $n$ consisting of the letters B and "
        "G — the initial queue from front to back.",
        "Print the string describing the queue after $t$ seconds.",
        None,
        "n, t = map(int, input().split())\n"
        "s = input().strip()\n"
        "for _ in range(t):\n"
        '    s = s.replace("BG", "GB")\n'
        "print(s)\n",
        _o_queue,
        ("5 1\nBGGBG\n", "5 2\nBGGBG\n"),
        (),
        lambda r: (
            lambda n: f"{n} {r.randint(1, 5)}\n{''.join(r.choice('BG') for _ in range(n))}\n"
        )(r.randint(1, 10)),
        "Simulate $t$ seconds; in each second replace every occurrence of BG by GB from "
        "left to right.",
        CF(
            266,
            "B",
            800,
            ("constructive algorithms", "graph matchings", "implementation", "shortest paths"),
            "Codeforces Round 163 (Div. 2)",
            1000.0,
        ),
    ),
    CodeTask(
        "lcm_tests",
        (),
        "Least Common Multiple",
        (
            "For each of $t$ pairs of positive integers $a$ and $b$, print their least "
            "common multiple.",
        ),
        "The first line contains $t$ ($1 \\le t \\le 10^4$). Each of the next $t$ lines "
        "contains two integers $a$ and $b$ ($1 \\le a, b \\le 10^9$).",
        "For each pair print $\\operatorname{lcm}(a, b)$.",
        None,
        "import math\n"
        "\n"
        "t = int(input())\n"
        "for _ in range(t):\n"
        "    a, b = map(int, input().split())\n"
        "    print(a * b // math.gcd(a, b))\n",
        _o_lcm,
        ("2\n4 6\n3 5\n",),
        (),
        lambda r: (
            lambda t: (
                f"{t}\n" + "".join(f"{r.randint(1, 100)} {r.randint(1, 100)}\n" for _ in range(t))
            )
        )(r.randint(1, 4)),
        "Use $\\operatorname{lcm}(a, b) = a \\cdot b / \\gcd(a, b)$.",
        CF(1920, "A", 800, ("math",), "Codeforces Round 919 (Div. 2)"),
    ),
    CodeTask(
        "count_words",
        (),
        "Word Count",
        (
            "Count the number of words in a line, where a word is a maximal sequence of "
            "non-space characters.",
        ),
        "A single line of at most $1000$ characters.",
        "Print the number of words.",
        None,
        "print(len(input().split()))\n",
        _o_count_words,
        ("hello world\n",),
        (),
        lambda r: _sentence(r) + "\n",
        "Split the line on whitespace and count the pieces.",
        CF(1927, "A", 800, ("implementation", "strings"), "Codeforces Round 923 (Div. 3)"),
    ),
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


CALL_TASKS: list[CallTask] = [
    CallTask(
        "sum_of_multiples",
        "solution",
        "number",
        "If we list all the positive integers below $10$ that are multiples of $3$ or "
        "$5$, we get $3$, $5$, $6$ and $9$, and their sum is $23$.\n\n"
        "Complete the function so that it returns the sum of all the multiples of $3$ or "
        "$5$ that are strictly **below** the number passed in. If the number is negative, "
        "return $0$.\n\n**Note:** a number that is a multiple of both $3$ and $5$ is "
        "counted only once.",
        "def solution(number):\n"
        "    return sum(x for x in range(max(number, 0)) if x % 3 == 0 or x % 5 == 0)\n",
        "def solution(number):\n"
        "    def s(k):\n"
        "        m = (number - 1) // k\n"
        "        return k * m * (m + 1) // 2\n"
        "\n"
        "    if number <= 0:\n"
        "        return 0\n"
        "    return s(3) + s(5) - s(15)\n",
        _o_multiples,
        ((10,), (20,), (0,), (-5,), (16,), (1000,)),
    ),
    CallTask(
        "is_isogram",
        "is_isogram",
        "string",
        "An isogram is a word that has no repeating letters, consecutive or "
        "non-consecutive. Implement a function that determines whether a string that "
        "contains only letters is an isogram. Ignore letter case, and assume the empty "
        'string is an isogram.\n\nExamples:\n\n```\nis_isogram("Dermatoglyphics") == True\n'
        'is_isogram("aba") == False\nis_isogram("moOse") == False\n```',
        "def is_isogram(string):\n    return len(string) == len(set(string.lower()))\n",
        None,
        _o_isogram,
        (("Dermatoglyphics",), ("isogram",), ("aba",), ("moOse",), ("isIsogram",), ("",)),
    ),
    CallTask(
        "digital_root",
        "digital_root",
        "n",
        "The digital root of a number is obtained by summing its digits repeatedly until "
        "a single-digit number remains. Given a non-negative integer $n$, return its "
        "digital root.\n\nExamples:\n\n```\n16 --> 1 + 6 = 7\n"
        "942 --> 9 + 4 + 2 = 15 --> 1 + 5 = 6\n493193 --> 4 + 9 + 3 + 1 + 9 + 3 = 29 --> "
        "2 + 9 = 11 --> 1 + 1 = 2\n```",
        "def digital_root(n):\n    return 0 if n == 0 else 1 + (n - 1) % 9\n",
        "def digital_root(n):\n    while n > 9:\n        n = sum(map(int, str(n)))\n    return n\n",
        _o_digital_root,
        ((16,), (942,), (132189,), (493193,), (0,), (9,)),
    ),
    CallTask(
        "find_outlier",
        "find_outlier",
        "integers",
        "You are given an array of integers of length at least $3$. The array consists "
        "entirely of odd integers except for a single even integer, or entirely of even "
        "integers except for a single odd integer. Write a function that takes the array "
        "and returns this outlier $N$.\n\nExamples:\n\n```\n"
        "[2, 4, 0, 100, 4, 11, 2602, 36] --> 11 (the only odd number)\n"
        "[160, 3, 1719, 19, 11, 13, -21] --> 160 (the only even number)\n```",
        "def find_outlier(integers):\n"
        "    odds = [x for x in integers if x % 2]\n"
        "    evens = [x for x in integers if x % 2 == 0]\n"
        "    return odds[0] if len(odds) == 1 else evens[0]\n",
        None,
        _o_outlier,
        (
            ([2, 4, 0, 100, 4, 11, 2602, 36],),
            ([160, 3, 1719, 19, 11, 13, -21],),
            ([1, 1, 2],),
            ([-3, -5, 8, -7],),
            ([4, 6, 8, 10, 3],),
        ),
    ),
    CallTask(
        "tribonacci",
        "tribonacci",
        "signature, n",
        "Like the Fibonacci sequence, but each term is the sum of the previous three. "
        "Given a signature of three starting numbers and a non-negative integer $n$, "
        "return the first $n$ elements of the sequence, including the signature. If $n = "
        "0$, return an empty list.\n\nFor example, with the signature `[1, 1, 1]` the "
        "sequence starts `[1, 1, 1, 3, 5, 9, 17, 31, ...]`.",
        "def tribonacci(signature, n):\n"
        "    res = list(signature[:n])\n"
        "    while len(res) < n:\n"
        "        res.append(sum(res[-3:]))\n"
        "    return res\n",
        None,
        _o_tribonacci,
        (
            ([1, 1, 1], 10),
            ([0, 0, 1], 10),
            ([0, 1, 1], 10),
            ([1, 2, 3], 0),
            ([300, 200, 100], 1),
            ([3, 2, 1], 2),
        ),
    ),
]

CALLS: dict[str, CallTask] = {c.family: c for c in CALL_TASKS}


# --------------------------------------------------------------------------------------
# Rendering of code statements in each dataset's own style
# --------------------------------------------------------------------------------------

_PLAIN = (
    ("\\le ", "≤ "),
    ("\\ge ", "≥ "),
    ("\\ldots", "..."),
    ("\\cdot", "⋅"),
    ("\\times", "×"),
    ("\\to", "→"),
    ("\\,", " "),
    ("\\bmod", "mod"),
    ("\\operatorname{lcm}", "lcm"),
    ("\\lfloor", "⌊"),
    ("\\rfloor", "⌋"),
    ("\\lceil", "⌈"),
    ("\\rceil", "⌉"),
    ("\\sqrt{n}", "√n"),
    ("$", ""),
)


def plain(text: str) -> str:
    """Strip the LaTeX markup the way CodeContests statements look."""
    for a, b in _PLAIN:
        text = text.replace(a, b)
    assert "\\" not in text, text
    return text


def cf_tex(text: str | None) -> str | None:
    """Codeforces-style $$$...$$$ math delimiters."""
    return None if text is None else text.replace("$", "$$$")


def render_apps(t: CodeTask, ph: int) -> str:
    """APPS-style statement with -----Input----- / -----Output----- sections."""
    ex = "\n".join(f"Input\n{i}\nOutput\n{t.expected(i)}" for i in t.examples)
    s = (
        f"{t.legends[ph]}\n\n\n-----Input-----\n\n{t.input_spec}\n\n\n-----Output-----\n\n"
        f"{t.output_spec}\n\n\n-----Examples-----\n{ex}"
    )
    if t.note:
        s += f"\n\n\n-----Note-----\n\n{t.note}"
    return s


def render_cc(t: CodeTask, ph: int) -> str:
    """CodeContests-style plain-text statement."""
    parts = [
        plain(t.legends[ph]),
        "Input",
        plain(t.input_spec),
        "Output",
        plain(t.output_spec),
        "Examples",
    ]
    for i in t.examples:
        parts += ["Input", i.rstrip("\n"), "Output", t.expected(i).rstrip("\n")]
    if t.note:
        parts += ["Note", plain(t.note)]
    return "\n\n".join(parts)


def render_codeio(t: CodeTask, ph: int) -> str:
    """Prompt used for the AM 'codeio' rows."""
    ex = t.examples[0]
    return (
        f"{plain(t.legends[ph])}\n\nInput: {plain(t.input_spec)}\n\n"
        f"Output: {plain(t.output_spec)}\n\nExample:\n\nInput:\n{ex}\nOutput:\n"
        f"{t.expected(ex)}\nWrite a Python program that reads the input from standard "
        "input and prints the answer to standard output."
    )


def cf_statement(title: str, desc: str, inp: str, out: str) -> str:
    """The text a loader builds from open-r1/codeforces fields."""
    return "\n\n".join(x for x in (title, desc, inp, out) if x)


def cf_start(contest_id: int) -> int:
    """Plausible contest start timestamp (monotone in the contest id)."""
    return 1_266_000_000 + contest_id * 232_000 // 3600 * 3600


def year_of(ts: int) -> int:
    """UTC year of a unix timestamp."""
    return dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc).year


# --------------------------------------------------------------------------------------
# Bookkeeping of planted relations and bad rows
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planted:
    """A good row carrying a known item, used to derive relations."""

    source: str
    row: str
    family: str
    params: Params
    phrasing: str
    style: str
    text: str


class Collector:
    """Collects planted rows and bad rows while the sources are written."""

    def __init__(self) -> None:
        """Start empty."""
        self.planted: list[Planted] = []
        self.bad: list[Json] = []

    def plant(
        self,
        source: str,
        row: str,
        family: str,
        params: Params,
        phrasing: str,
        style: str,
        text: str,
    ) -> None:
        """Record a good row."""
        self.planted.append(Planted(source, row, family, params, phrasing, style, text))

    def bad_row(self, source: str, row: str, reason: str) -> None:
        """Record a deliberately bad row."""
        self.bad.append({"source": source, "row": row, "reason": reason})


def write_jsonl(path: Path, lines: list[str]) -> None:
    """Write raw JSONL lines (LF endings, UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="")


# --------------------------------------------------------------------------------------
# numina_demo (NuminaMath-CoT)
# --------------------------------------------------------------------------------------

NUMINA_ROWS: list[tuple[Any, ...]] = [
    ("linear", (3, 5, 20), "cn_k12"),
    ("pow_mod", (3, 100, 7), "olympiads"),
    ("odd_sum", (15,), "synthetic_math"),
    ("discount", (80, 25), "orca_math"),
    ("hypotenuse", (8, 15), "synthetic_math"),
    ("BAD", "malformed_json"),
    ("committee", (10, 3), "synthetic_math"),
    ("lcm", (12, 18), "synthetic_math"),
    ("train", (180, 3, 5), "orca_math"),
    ("rect", (46, 5), "synthetic_math"),
    ("arith", (7, 4, 20), "cn_k12"),
    ("vieta", (7, 10), "cn_k12"),
    ("divisors", (360,), "aops_forum"),
    ("BAD", "missing_field"),
    ("dice", (8,), "amc_aime"),
    ("ages", (40, 12), "orca_math"),
    ("circle", (14,), "synthetic_math"),
    ("workers", (6, 10, 4), "orca_math"),
    ("apples", (23, 8, 15), "orca_math"),
    ("interest", (1500, 4, 3), "orca_math"),
    ("triangle", (50, 20), "synthetic_math"),
    ("BAD", "wrong_type"),
    ("sum_diff", (50, 12), "orca_math"),
    ("average", (5, 20, 18), "orca_math"),
    ("digit_sum", (15,), "synthetic_math"),
    ("arith", (7, 4, 20), "cn_k12"),  # the one within-source exact duplicate
    ("trailing", (100,), "olympiads"),
    ("apples", (31, 9, 14), "orca_math"),
    ("gp_sum", (3, 2, 8), "synthetic_math"),
    ("feval", (2, 3, 4), "cn_k12"),
]

DIVISOR_SUM_SOLUTION = (
    "Since $36 = 2^2 \\cdot 3^2$, the sum of its divisors is $(1 + 2 + 4)(1 + 3 + 9) = 7 "
    "\\cdot 13 = 91$.\n\nTherefore, the answer is $\\boxed{91}$."
)


def build_numina(col: Collector) -> list[tuple[int, MathItem]]:
    """Write numina_demo/train.jsonl; returns (line, item) for verification."""
    name, lines, checks = "train.jsonl", [], []
    for spec in NUMINA_ROWS:
        line_no = len(lines) + 1
        loc = f"{name}:{line_no}"
        if spec[0] == "BAD":
            reason = spec[1]
            if reason == "malformed_json":
                full = dumps(
                    {
                        "problem": "Find the sum of all positive divisors of $36$.",
                        "solution": DIVISOR_SUM_SOLUTION,
                        "messages": [
                            {
                                "role": "user",
                                "content": "Find the sum of all positive divisors of $36$.",
                            },
                            {"role": "assistant", "content": DIVISOR_SUM_SOLUTION},
                        ],
                        "source": "synthetic_math",
                    }
                )
                lines.append(full[: len(full) * 3 // 5])
            elif reason == "missing_field":
                lines.append(
                    dumps({"solution": make_math("sum_cubes", (6,)).solution, "source": "cn_k12"})
                )
            else:
                sol = (
                    "There are $6 \\cdot 7 = 42$ chairs in total.\n\n"
                    "Therefore, the answer is $\\boxed{42}$."
                )
                lines.append(
                    dumps(
                        {
                            "problem": 42,
                            "solution": sol,
                            "messages": [
                                {"role": "user", "content": "42"},
                                {"role": "assistant", "content": sol},
                            ],
                            "source": "orca_math",
                        }
                    )
                )
            col.bad_row("numina_demo", loc, reason)
            continue
        family, params, source = spec
        item = make_math(family, params)
        row = {
            "problem": item.problem,
            "solution": item.solution,
            "messages": [
                {"role": "user", "content": item.problem},
                {"role": "assistant", "content": item.solution},
            ],
            "source": source,
        }
        lines.append(dumps(row))
        col.plant("numina_demo", loc, f"math:{family}", params, "p0", "text", item.problem)
        checks.append((line_no, item))
    write_jsonl(OUT / "numina_demo" / name, lines)
    return checks


# --------------------------------------------------------------------------------------
# openr1_math_demo (OpenR1-Math-220k, Parquet)
# --------------------------------------------------------------------------------------

OPENR1_ROWS: list[tuple[Any, ...]] = [
    ("linear", (3, 5, 20), "p0", "ws", "cn_contest"),
    ("sum_cubes", (10,), "p0", None, "olympiads"),
    ("odd_sum", (15,), "p1", None, "cn_contest"),
    ("hypotenuse", (9, 40), "p0", None, "olympiads"),
    ("lcm", (12, 18), "p0", "case", "number_theory"),
    ("quad_min", (2, -12, 25), "p0", None, "inequalities"),
    ("rect", (46, 5), "p1", None, "olympiads"),
    ("mod_inverse", (7, 26), "p0", None, "number_theory"),
    ("vieta", (5, 3), "p0", None, "cn_contest"),
    ("squares_grid", (8,), "mcq", None, "amc_aime"),
    ("BAD", "missing_field"),
    ("sum_diff", (50, 12), "p0", "lines", "cn_contest"),
    ("handshake", (12,), "p0", None, "olympiads"),
    ("trailing", (2023,), "p0", None, "olympiads"),
    ("exp_eq", (2, 3, 128), "p0", None, "cn_contest"),
    ("divisors", (720,), "p0", None, "number_theory"),
    ("consecutive", (5, 100), "p0", None, "olympiads"),
    ("clock", (3, 40), "mcq", None, "amc_aime"),
    ("digits_count", (150,), "p0", None, "olympiads"),
    ("pow_mod", (2, 2024, 5), "p0", None, "number_theory"),
    ("frac_sum", (99,), "p0", None, "olympiads"),
    ("gp_sum", (5, 3, 6), "p0", None, "cn_contest"),
    ("inequality_count", (3, 7), "p0", None, "cn_contest"),
    ("remainder_sum", (100, 7), "p0", None, "number_theory"),
    ("circle", (10,), "p0", None, "cn_contest"),
]

OPENR1_SCHEMA = pa.schema(
    [
        ("problem", pa.string()),
        ("solution", pa.string()),
        ("answer", pa.string()),
        ("problem_type", pa.string()),
        ("question_type", pa.string()),
        ("source", pa.string()),
        ("uuid", pa.string()),
        ("is_reasoning_complete", pa.list_(pa.bool_())),
        ("generations", pa.list_(pa.string())),
        ("correctness_math_verify", pa.list_(pa.bool_())),
        ("correctness_llama", pa.list_(pa.bool_())),
        ("finish_reasons", pa.list_(pa.string())),
        ("correctness_count", pa.int64()),
        ("messages", pa.list_(pa.struct([("content", pa.string()), ("role", pa.string())]))),
    ]
)


def r1_generation(item: MathItem, k: int, correct: bool) -> str:
    """One OpenR1-style generation: <think> ... </think> then a final boxed answer."""
    if correct:
        return f"<think>\n{math_think(item, k)}\n</think>\n\n{item.solution}"
    final = f"{item.wrong_step}\n\nThe answer is $\\boxed{{{item.wrong}}}$."
    return f"<think>\n{math_wrong_think(item, k)}\n</think>\n\n{final}"


def build_openr1(col: Collector) -> None:
    """Write openr1_math_demo/default.parquet."""
    rows: list[Json] = []
    for i, spec in enumerate(OPENR1_ROWS):
        if spec[0] == "BAD":
            item = make_math("remainder_sum", (50, 9))
            gens = [r1_generation(item, 0, True), r1_generation(item, 1, True)]
            uid = stable_uuid("openr1|bad|missing_field")
            rows.append(
                {
                    "problem": None,
                    "solution": item.solution,
                    "answer": item.answer,
                    "problem_type": item.problem_type,
                    "question_type": "math-word-problem",
                    "source": "number_theory",
                    "uuid": uid,
                    "is_reasoning_complete": [True, True],
                    "generations": gens,
                    "correctness_math_verify": [True, True],
                    "correctness_llama": None,
                    "finish_reasons": ["stop", "stop"],
                    "correctness_count": 2,
                    "messages": [],
                }
            )
            col.bad_row("openr1_math_demo", uid, spec[1])
            continue
        family, params, phrasing, mode, source = spec
        item = make_math(family, params, phrasing)
        problem = perturb(item.problem, mode)
        n_gen = 2 + (i % 3 == 0) + (i % 7 == 0)
        correct = [True] * n_gen
        if i % 2 == 1:
            correct[1] = False
        if i % 5 == 4 and n_gen >= 3:
            correct[0] = False
        gens = [r1_generation(item, i + k, ok) for k, ok in enumerate(correct)]
        first_ok = gens[correct.index(True)]
        uid = stable_uuid(f"openr1|{family}|{params}|{phrasing}")
        rows.append(
            {
                "problem": problem,
                "solution": item.solution,
                "answer": item.answer,
                "problem_type": item.problem_type,
                "question_type": "MCQ" if phrasing == "mcq" else "math-word-problem",
                "source": source,
                "uuid": uid,
                "is_reasoning_complete": [True] * n_gen,
                "generations": gens,
                "correctness_math_verify": correct,
                "correctness_llama": None if i % 4 == 2 else list(correct),
                "finish_reasons": None if i % 6 == 5 else ["stop"] * n_gen,
                "correctness_count": sum(correct),
                "messages": [
                    {"content": problem, "role": "user"},
                    {"content": first_ok, "role": "assistant"},
                ],
            }
        )
        col.plant("openr1_math_demo", uid, f"math:{family}", params, phrasing, "text", problem)
    path = OUT / "openr1_math_demo" / "default.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=OPENR1_SCHEMA), path)


# --------------------------------------------------------------------------------------
# am_distilled_demo (AM-DeepSeek-R1-Distilled)
# --------------------------------------------------------------------------------------

AM_ROWS: list[tuple[Any, ...]] = [
    ("math", "pow_mod", (3, 100, 7), "p0", None),
    ("code", "vowel_count", 0),
    ("sci", "incline", ("2.0", "30"), "p0", None),
    ("chat", "haiku_autumn", "p0", None),
    ("math", "committee", (10, 3), "p1", None),
    ("code", "even_odd_diff", 1),
    ("sci", "ph", ("0.0050",), "p1", None),
    ("chat", "health_tips", "p0", "case"),
    ("math", "dice", (8,), "p0", "ws"),
    ("BAD", "empty_problem"),
    ("code", "collatz", 1),
    ("sci", "parallel", (6, 12, 24), "p0", "ws"),
    ("chat", "weather_climate", "p1", None),
    ("math", "handshake", (12,), "p1", None),
    ("code", "anagram", 1),
    ("sci", "free_fall", (45,), "p1", None),
    ("chat", "email_reschedule", "p0", "ws"),
    ("math", "ages", (40, 12), "p1", None),
    ("BAD", "malformed_field"),
    ("sci", "half_life", (5730, 22920), "p0", None),
    ("code", "binary_ones", 0),
    ("chat", "tcp_udp", "p0", None),
    ("math", "discount", (120, 15), "p0", None),
    ("code", "reverse_words", 1),
    ("sci", "photosynthesis", (), "p0", None),
    ("chat", "affect_effect", "p0", None),
    ("math", "linear", (7, 4, 60), "p0", None),
    ("sci", "recoil", (), "p0", None),
    ("chat", "bakery_name", "p0", None),
    ("math", "square_perimeter", (144,), "p0", None),
]


def am_row(
    question: str, origin: str, ref: str | None, test_case: str | None, think: str, answer: str
) -> Json:
    """One AM-DeepSeek-R1-Distilled row."""
    info = {"source": origin, "reference_answer": ref, "test_case": test_case}
    return {
        "messages": [
            {"role": "user", "content": question, "info": info},
            {
                "role": "assistant",
                "content": f"<think>\n{think}\n</think>\n<answer>\n{answer}\n</answer>",
                "info": {**info, "think_content": think, "answer_content": answer},
            },
        ]
    }


def codeio_tests(t: CodeTask) -> list[str]:
    """Inputs used for a codeio test_case."""
    return uniq(list(t.examples) + t.generated("codeio", 2))


def codeio_answer(t: CodeTask, ph: int) -> tuple[str, str]:
    """Think and answer text of a codeio row."""
    ex = t.examples[0]
    think = (
        "Let me make sure I understand the task. "
        f"{plain(t.legends[ph]).split('. ')[0].rstrip('.')}.\n\n"
        f"Approach: {plain(t.approach)}\n\nCheck against the example: for the input "
        f"{ex!r} the expected output is {t.expected(ex)!r}, and this approach produces "
        "exactly that.\n\nI'll read everything from standard input and print the result."
    )
    answer = f"{plain(t.approach)}\n\n```python\n{t.solution}```"
    return think, answer


def build_am(col: Collector) -> list[tuple[int, str, str]]:
    """Write am_distilled_demo/am_0.5M.jsonl; returns (line, kind, key) for verification."""
    name, lines, checks = "am_0.5M.jsonl", [], []
    for spec in AM_ROWS:
        line_no = len(lines) + 1
        loc = f"{name}:{line_no}"
        kind = spec[0]
        if kind == "BAD":
            if spec[1] == "empty_problem":
                row = am_row(
                    "",
                    "InfinityInstruct",
                    None,
                    None,
                    "The user's message is empty, so there is no question to answer. I "
                    "should ask what they need help with.",
                    "It looks like your message was empty. What would you like help with?",
                )
            else:
                t = task("count_words")
                think, answer = codeio_answer(t, 0)
                good = dumps(
                    {"inputs": list(t.examples), "outputs": [t.expected(x) for x in t.examples]}
                )
                row = am_row(
                    render_codeio(t, 0), "codeio", None, good[: len(good) - 7], think, answer
                )
            lines.append(dumps(row))
            col.bad_row("am_distilled_demo", loc, spec[1])
            continue
        if kind == "math":
            _, family, params, phrasing, mode = spec
            item = make_math(family, params, phrasing)
            q = perturb(item.problem, mode)
            row = am_row(
                q, "NuminaMath", item.answer, None, math_think(item, line_no), item.solution
            )
            col.plant("am_distilled_demo", loc, f"math:{family}", params, phrasing, "text", q)
            checks.append((line_no, "math", item.answer))
        elif kind == "sci":
            _, family, params, phrasing, mode = spec
            s = make_sci(family, params, phrasing)
            q = perturb(s.question, mode)
            row = am_row(q, "natural_reasoning", s.reference, None, s.think(), s.final)
            col.plant("am_distilled_demo", loc, f"sci:{family}", params, phrasing, "text", q)
        elif kind == "chat":
            _, key, phrasing, mode = spec
            c = CHAT_BY_KEY[(key, phrasing)]
            q = perturb(c.question, mode)
            row = am_row(q, "InfinityInstruct", None, None, c.think, c.response)
            col.plant("am_distilled_demo", loc, f"chat:{key}", (), phrasing, "text", q)
        else:
            _, family, ph = spec
            t = task(family)
            ins = codeio_tests(t)
            tc = dumps({"inputs": ins, "outputs": [t.expected(x) for x in ins]})
            think, answer = codeio_answer(t, ph)
            q = render_codeio(t, ph)
            row = am_row(q, "codeio", None, tc, think, answer)
            col.plant("am_distilled_demo", loc, f"code:{family}", (), f"p{ph}", "codeio", q)
            checks.append((line_no, "code", family))
        lines.append(dumps(row))
    write_jsonl(OUT / "am_distilled_demo" / name, lines)
    return checks


# --------------------------------------------------------------------------------------
# apps_demo (APPS)
# --------------------------------------------------------------------------------------

APPS_ROWS: list[tuple[Any, ...]] = [
    (4012, "stdin", "watermelon", 0, "interview"),
    (4027, "call", "sum_of_multiples", "introductory"),
    (4035, "stdin", "div_count", 0, "introductory", (3,)),
    (4048, "stdin", "elephant", 0, "interview"),
    (4056, "stdin", "word_case", 0, "interview"),
    (4063, "stdin", "gravity", 0, "interview"),
    (4071, "BAD", "malformed_json", "gcd_array"),
    (4089, "stdin", "petya_strings", 0, "interview"),
    (4094, "call", "is_isogram", "introductory"),
    (4102, "stdin", "young_physicist", 0, "interview"),
    (4117, "stdin", "anton_danik", 0, "introductory"),
    (4123, "stdin", "soldier", 0, "introductory"),
    (4138, "stdin", "taxi", 0, "interview"),
    (4145, "stdin", "palindromes", 0, "introductory"),
    (4159, "BAD", "wrong_type", "queue_school"),
    (4166, "stdin", "prime_check", 0, "competition"),
    (4172, "call", "digital_root", "introductory"),
    (4188, "stdin", "longest_inc", 0, "interview"),
    (4193, "stdin", "distinct_count", 0, "introductory"),
    (4207, "stdin", "collatz", 0, "interview"),
    (4214, "stdin", "reverse_words", 0, "introductory"),
    (4226, "BAD", "malformed_field", "lcm_tests"),
    (4231, "call", "find_outlier", "introductory"),
    (4249, "stdin", "matrix_diag", 0, "introductory"),
    (4252, "stdin", "string_task", 0, "competition"),
    (4268, "call", "tribonacci", "introductory"),
]


def apps_inputs(t: CodeTask) -> list[str]:
    """Test inputs of an APPS stdin row."""
    return uniq(list(t.examples) + list(t.extra) + t.generated("apps", 3))


def apps_stdin_row(pid: int, t: CodeTask, ph: int, difficulty: str) -> Json:
    """One stdin/stdout APPS row."""
    ins = apps_inputs(t)
    sols = [t.solution] + ([t.alt_solution] if t.alt_solution else [])
    return {
        "problem_id": pid,
        "question": render_apps(t, ph),
        "solutions": dumps(sols),
        "input_output": dumps({"inputs": ins, "outputs": [t.expected(x) for x in ins]}),
        "difficulty": difficulty,
        "url": f"https://codeforces.com/problemset/problem/{t.cf.contest_id}/{t.cf.index}",
        "starter_code": "",
    }


def build_apps(col: Collector) -> None:
    """Write apps_demo/test.jsonl."""
    name, lines = "test.jsonl", []
    for spec in APPS_ROWS:
        pid, kind = spec[0], spec[1]
        line_no = len(lines) + 1
        if kind == "BAD":
            reason, fam = spec[2], spec[3]
            row = apps_stdin_row(pid, task(fam), 0, "interview")
            if reason == "malformed_json":
                text = dumps(row)
                lines.append(text[: len(text) // 2])
                col.bad_row("apps_demo", f"{name}:{line_no}", reason)
                continue
            if reason == "wrong_type":
                row["question"] = row["question"].split("\n")
            else:
                row["input_output"] = row["input_output"][:-9]
            lines.append(dumps(row))
            col.bad_row("apps_demo", str(pid), reason)
            continue
        if kind == "call":
            c = CALLS[spec[2]]
            sols = [c.solution] + ([c.alt_solution] if c.alt_solution else [])
            io = {
                "fn_name": c.fn_name,
                "inputs": [list(a) for a in c.args],
                "outputs": [[c.oracle(*a)] for a in c.args],
            }
            row = {
                "problem_id": pid,
                "question": c.question,
                "solutions": dumps(sols),
                "input_output": dumps(io),
                "difficulty": spec[3],
                "url": f"https://www.codewars.com/kata/{hex_id(c.family)}",
                "starter_code": f"def {c.fn_name}({c.arg_names}):\n\t",
            }
            col.plant("apps_demo", str(pid), f"code:{c.family}", (), "p0", "call", c.question)
        else:
            fam, ph, diff = spec[2], spec[3], spec[4]
            params = spec[5] if len(spec) > 5 else ()
            t = task(fam, params)
            row = apps_stdin_row(pid, t, ph, diff)
            col.plant(
                "apps_demo", str(pid), f"code:{fam}", params, f"p{ph}", "apps", row["question"]
            )
        lines.append(dumps(row))
    write_jsonl(OUT / "apps_demo" / name, lines)


# --------------------------------------------------------------------------------------
# code_contests_demo (DeepMind CodeContests, Parquet)
# --------------------------------------------------------------------------------------

CC_ROWS: list[tuple[Any, ...]] = [
    ("domino", (), 0, "cc", None),
    ("elephant", (), 0, "apps", "ws"),
    ("team", (), 0, "cc", None),
    ("stones", (), 0, "cc", None),
    ("div_count", (7,), 0, "apps", None),
    ("beautiful_matrix", (), 0, "cc", None),
    ("helpful_maths", (), 0, "cc", None),
    ("word_case", (), 0, "apps", "lines"),
    ("tram", (), 0, "cc", None),
    ("nearly_lucky", (), 0, "cc", None),
    ("vanya_fence", (), 0, "cc", None),
    ("div_moves", (), 0, "cc", None),
    ("bear", (), 0, "cc", None),
    ("taxi", (), 0, "apps", None),
    ("max_subarray", (), 0, "cc", None),
    ("bracket", (), 0, "cc", None),
    ("fib_mod", (), 0, "cc", None),
    ("digit_steps", (), 0, "cc", None),
    ("prefix_queries", (), 0, "cc", None),
    ("second_max", (), 0, "cc", None),
    ("rotation", (), 0, "cc", None),
    ("anagram", (), 0, "cc", None),
    ("min_coins", (), 0, "cc", None),
    ("two_sum", (), 0, "cc", None),
    ("even_odd_diff", (), 0, "cc", None),
]

_TESTS = pa.struct([("input", pa.list_(pa.string())), ("output", pa.list_(pa.string()))])
_SOLS = pa.struct([("language", pa.list_(pa.int64())), ("solution", pa.list_(pa.string()))])
CC_SCHEMA = pa.schema(
    [
        ("name", pa.string()),
        ("description", pa.string()),
        ("public_tests", _TESTS),
        ("private_tests", _TESTS),
        ("generated_tests", _TESTS),
        ("source", pa.int64()),
        ("difficulty", pa.int64()),
        ("solutions", _SOLS),
        ("incorrect_solutions", _SOLS),
        ("cf_contest_id", pa.int64()),
        ("cf_index", pa.string()),
        ("cf_points", pa.float32()),
        ("cf_rating", pa.int64()),
        ("cf_tags", pa.list_(pa.string())),
        ("is_description_translated", pa.bool_()),
        ("untranslated_description", pa.string()),
        ("time_limit", pa.struct([("seconds", pa.int64()), ("nanos", pa.int64())])),
        ("memory_limit_bytes", pa.int64()),
        ("input_file", pa.string()),
        ("output_file", pa.string()),
    ]
)
PYTHON3 = 3
CODEFORCES = 2


def cc_name(t: CodeTask) -> str:
    """CodeContests problem name, e.g. '1548_A. Weird Sum'."""
    return f"{t.cf.contest_id}_{t.cf.index}. {t.title}"


def build_cc(col: Collector) -> None:
    """Write code_contests_demo/train.parquet."""
    rows: list[Json] = []
    for family, params, ph, style, mode in CC_ROWS:
        t = task(family, params)

        def tests(inputs: list[str], t: CodeTask = t) -> Json:
            return {"input": inputs, "output": [t.expected(x) for x in inputs]}

        desc = perturb(render_apps(t, ph) if style == "apps" else render_cc(t, ph), mode)
        private = uniq(list(t.extra) + t.generated("private", 3), t.examples)
        sols = [t.solution] + ([t.alt_solution] if t.alt_solution else [])
        wrong = [t.wrong_solution] if t.wrong_solution else []
        rows.append(
            {
                "name": cc_name(t),
                "description": desc,
                "public_tests": tests(list(t.examples)),
                "private_tests": tests(private),
                "generated_tests": tests(
                    uniq(t.generated("generated", 4), (*t.examples, *private))
                ),
                "source": CODEFORCES,
                "difficulty": 7 + "ABCDEFG".index(t.cf.index),
                "solutions": {"language": [PYTHON3] * len(sols), "solution": sols},
                "incorrect_solutions": {"language": [PYTHON3] * len(wrong), "solution": wrong},
                "cf_contest_id": t.cf.contest_id,
                "cf_index": t.cf.index,
                "cf_points": t.cf.cf_points,
                "cf_rating": t.cf.rating,
                "cf_tags": list(t.cf.tags),
                "is_description_translated": False,
                "untranslated_description": "",
                "time_limit": {"seconds": t.time_limit, "nanos": 0},
                "memory_limit_bytes": 256_000_000,
                "input_file": "",
                "output_file": "",
            }
        )
        col.plant("code_contests_demo", cc_name(t), f"code:{family}", params, f"p{ph}", style, desc)
    path = OUT / "code_contests_demo" / "train.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=CC_SCHEMA), path)


# --------------------------------------------------------------------------------------
# codeforces_demo (open-r1/codeforces)
# --------------------------------------------------------------------------------------

CF_ROWS: list[tuple[Any, ...]] = [
    ("watermelon", 1),
    ("sisters", 0),
    ("domino", 1),
    ("team", 1),
    ("way_too_long", 0),
    ("beautiful_matrix", 1),
    ("boy_or_girl", 0),
    ("BAD", "empty_problem"),
    ("young_physicist", 1),
    ("bit_plus", 0),
    ("longest_inc", 1),
    ("div_moves", 1),
    ("magnets", 0),
    ("min_coins", 1),
    ("easy_problem", 0),
    ("string_task", 1),
]


def cf_id(t: CodeTask) -> str:
    """open-r1/codeforces problem id, e.g. '2000A'."""
    return f"{t.cf.contest_id}{t.cf.index}"


def build_cf(col: Collector) -> dict[str, CodeTask]:
    """Write codeforces_demo/problems.jsonl; returns id -> task for verification."""
    lines, by_id = [], {}
    for spec in CF_ROWS:
        if spec[0] == "BAD":
            start = cf_start(1950)
            row = {
                "id": "1950B",
                "contest_id": 1950,
                "contest_name": "Codeforces Round 937 (Div. 4)",
                "contest_type": "CF",
                "contest_start": start,
                "contest_start_year": year_of(start),
                "index": "B",
                "time_limit": 1.0,
                "memory_limit": 256.0,
                "title": "",
                "description": "",
                "input_format": "",
                "output_format": "",
                "interaction_format": None,
                "note": None,
                "examples": [{"input": "1\n5\n", "output": "5\n"}],
                "editorial": None,
                "rating": 800,
                "tags": ["implementation"],
                "testset_size": 1,
                "official_tests": [{"input": "1\n5\n", "output": "5\n"}],
                "official_tests_complete": True,
                "input_mode": "stdio",
                "generated_checker": None,
                "executable": True,
            }
            lines.append(dumps(row))
            col.bad_row("codeforces_demo", "1950B", spec[1])
            continue
        family, ph = spec
        t = task(family)
        tests = uniq(list(t.examples) + list(t.extra) + t.generated("cf", 4))
        start = cf_start(t.cf.contest_id)
        desc = cf_tex(t.legends[ph]) or ""
        inp, out = cf_tex(t.input_spec) or "", cf_tex(t.output_spec) or ""
        row = {
            "id": cf_id(t),
            "contest_id": t.cf.contest_id,
            "contest_name": t.cf.contest_name,
            "contest_type": "CF",
            "contest_start": start,
            "contest_start_year": year_of(start),
            "index": t.cf.index,
            "time_limit": float(t.time_limit),
            "memory_limit": 256.0,
            "title": t.title,
            "description": desc,
            "input_format": inp,
            "output_format": out,
            "interaction_format": None,
            "note": cf_tex(t.note),
            "examples": [{"input": x, "output": t.expected(x)} for x in t.examples],
            "editorial": None if len(lines) % 4 == 3 else cf_tex(t.approach),
            "rating": t.cf.rating,
            "tags": list(t.cf.tags),
            "testset_size": len(tests),
            "official_tests": [{"input": x, "output": t.expected(x)} for x in tests],
            "official_tests_complete": True,
            "input_mode": "stdio",
            "generated_checker": None,
            "executable": True,
        }
        lines.append(dumps(row))
        by_id[cf_id(t)] = t
        col.plant(
            "codeforces_demo",
            cf_id(t),
            f"code:{family}",
            (),
            f"p{ph}",
            "cf",
            cf_statement(t.title, desc, inp, out),
        )
    write_jsonl(OUT / "codeforces_demo" / "problems.jsonl", lines)
    return by_id


# --------------------------------------------------------------------------------------
# orca_demo (OpenOrca)
# --------------------------------------------------------------------------------------

ORCA_ROWS: list[tuple[str, str]] = [
    ("flan.1038275", "translate_fr"),
    ("flan.2148093", "sentiment_battery"),
    ("niv.214876", "niv_question"),
    ("t0.1536742", "t0_photosynthesis"),
    ("cot.87215", "cot_pacific"),
    ("cot.102934", "cot_pencils"),
    ("BAD", "malformed_json"),
    ("flan.731405", "summarize_bikes"),
    ("flan.1876520", "sentence_words"),
    ("flan.412967", "capital_australia"),
    ("flan.2650381", "nli_bicycle"),
    ("cot.45120", "cot_sandcastle"),
    ("niv.98231", "niv_even_sum"),
    ("t0.882104", "author_pride"),
    ("BAD", "empty_problem"),
    ("flan.1290077", "translate_de"),
    ("flan.3318452", "translate_es"),
    ("flan.559310", "weather_climate"),
    ("flan.2087764", "story_dog"),
    ("cot.130578", "cot_milk"),
    ("niv.301457", "niv_antonym"),
    ("BAD", "oversized"),
    ("flan.1702388", "email_reschedule"),
    ("flan.940215", "health_tips"),
    ("t0.1204883", "t0_umbrella"),
    ("cot.71346", "cot_cookies"),
    ("flan.2461190", "boiling_point"),
    ("niv.187620", "niv_spanish"),
    ("flan.1583006", "italian_thanks"),
    ("flan.2779413", "fix_grammar"),
]


def build_orca(col: Collector) -> int:
    """Write orca_demo/orca.jsonl; returns the length of the oversized row's line."""
    name, lines, big = "orca.jsonl", [], 0
    for rid, key in ORCA_ROWS:
        line_no = len(lines) + 1
        if rid == "BAD":
            if key == "malformed_json":
                lines.append(
                    dumps(["niv.412233", "", "Q: What is the chemical symbol for gold?\nA:", "Au"])
                )
                col.bad_row("orca_demo", f"{name}:{line_no}", key)
            elif key == "empty_problem":
                row = {
                    "id": "flan.1647722",
                    "system_prompt": SYS_FOLLOW,
                    "question": "   ",
                    "response": "It seems your message is empty. Could you tell me what you need "
                    "help with?",
                }
                lines.append(dumps(row))
                col.bad_row("orca_demo", "flan.1647722", key)
            else:
                row = {
                    "id": "flan.2213349",
                    "system_prompt": SYS_DETAILED,
                    "question": oversized_question(),
                    "response": "- The committee reviewed a long series of street projects: "
                    "resurfacing, pedestrian signals, drainage repairs, bus service "
                    "extensions and tree planting.\n- Each item came with a cost "
                    "estimate between 120 and 240 thousand dollars.\n"
                    "- Timelines ranged from three to seven months.\n"
                    "- Residents raised concerns about construction noise and "
                    "delivery access.\n- Every item was voted forward to the full "
                    "council.",
                }
                text = dumps(row)
                big = len(text.encode()) + 1
                lines.append(text)
                col.bad_row("orca_demo", "flan.2213349", key)
            continue
        c = CHAT_BY_KEY[(key, "p0")]
        lines.append(
            dumps(
                {
                    "id": rid,
                    "system_prompt": c.system,
                    "question": c.question,
                    "response": c.response,
                }
            )
        )
        col.plant("orca_demo", rid, f"chat:{key}", (), "p0", "text", c.question)
    write_jsonl(OUT / "orca_demo" / name, lines)
    return big


# --------------------------------------------------------------------------------------
# natural_reasoning_demo (facebook/natural_reasoning)
# --------------------------------------------------------------------------------------

NR_ROWS: list[tuple[Any, ...]] = [
    ("incline", ("2.0", "30")),
    ("ice_floats", ()),
    ("projectile", ("20", "15")),
    ("parallel", (6, 12, 24)),
    ("vaccine", ()),
    ("ideal_gas", ("2.0", "10.0", "300")),
    ("water_mass", ("4.0",)),
    ("catalyst", ()),
    ("ph", ("0.0050",)),
    ("BAD", "missing_field"),
    ("half_life", (5730, 17190)),
    ("osmosis", ()),
    ("kinetic", (1200, 25)),
    ("diode", ()),
    ("rod", ("2.0", 100, 10)),
    ("punnett", ()),
    ("heat_water", (250, 20, 80)),
    ("pendulum", ("1.5",)),
    ("BAD", "wrong_type"),
    ("sky_blue", ()),
    ("wavelength", (440,)),
    ("water_mass", ("10.0",)),
    ("ibeam", ()),
    ("capacitor", (47, 12)),
    ("free_fall", (45,)),
    ("enzyme_temp", ()),
    ("pendulum", ("0.50",)),
    ("mitochondria", ()),
]
LLAMA = "Llama-3.3-70B-Instruct"


def build_nr(col: Collector) -> None:
    """Write natural_reasoning_demo/natural_reasoning.jsonl."""
    name, lines = "natural_reasoning.jsonl", []
    for spec in NR_ROWS:
        line_no = len(lines) + 1
        loc = f"{name}:{line_no}"
        if spec[0] == "BAD":
            if spec[1] == "missing_field":
                row: Json = {
                    "question": None,
                    "reference_answer": "About 8.3 minutes",
                    "responses": [
                        {
                            "response_model": LLAMA,
                            "response": "## Step 1: Use t = d / v\n$t = 1.496 \\times 10^{11} / "
                            "3.00 \\times 10^8 \\approx 499$ s.\n\n"
                            "The final answer is: $\\boxed{8.3 \\text{ minutes}}$",
                        }
                    ],
                }
            else:
                row = {
                    "question": "What is the momentum of a 0.15 kg baseball moving at 40 m/s?",
                    "reference_answer": "6.0 kg·m/s",
                    "responses": "## Step 1: Use p = mv\n$p = 0.15 \\times 40 = 6.0$ kg·m/s.\n\n"
                    "The final answer is: $\\boxed{6.0}$",
                }
            lines.append(dumps(row))
            col.bad_row("natural_reasoning_demo", loc, spec[1])
            continue
        family, params = spec
        s = make_sci(family, params)
        resp = s.think_response() if line_no % 3 == 0 else s.step_response()
        lines.append(
            dumps(
                {
                    "question": s.question,
                    "reference_answer": s.reference,
                    "responses": [{"response_model": LLAMA, "response": resp}],
                }
            )
        )
        col.plant("natural_reasoning_demo", loc, f"sci:{family}", params, "p0", "text", s.question)
    write_jsonl(OUT / "natural_reasoning_demo" / name, lines)


# --------------------------------------------------------------------------------------
# Relations
# --------------------------------------------------------------------------------------


def derive_pairs(planted: list[Planted]) -> list[Json]:
    """Derive exact / reworded / number_variant pairs from the planted items."""
    pairs: list[Json] = []
    for a, b in itertools.combinations(planted, 2):
        same_text = norm(a.text) == norm(b.text)
        rel = None
        if a.family == b.family and a.params == b.params:
            if a.phrasing == b.phrasing:
                assert a.style == b.style, ("format-only difference", a, b)
                assert same_text, ("exact pair with different text", a, b)
                rel = "exact"
            else:
                rel = "reworded"
        elif a.family == b.family and a.phrasing == b.phrasing and a.style == b.style:
            rel = "number_variant"
        if rel != "exact":
            assert not same_text, ("unplanned exact duplicate", a, b)
        if rel:
            pairs.append(
                {
                    "relation": rel,
                    "a": {"source": a.source, "row": a.row},
                    "b": {"source": b.source, "row": b.row},
                }
            )
    return pairs


# --------------------------------------------------------------------------------------
# Verification (runs after writing; re-reads every file)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One program run: stdin/stdout comparison or a call-based check."""

    label: str
    code: str
    stdin: str
    expected: str
    call: bool = False


def _run(job: Job) -> bool:
    """Run a job in a fresh python3 process; True if the output matches."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", job.code],
            input=job.stdin,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False
    if proc.returncode != 0:
        return False
    if job.call:
        return json.loads(proc.stdout) == json.loads(job.expected)
    return proc.stdout.strip() == job.expected.strip()


def run_jobs(jobs: list[Job]) -> list[bool]:
    """Run jobs in parallel threads (each in its own subprocess)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as ex:
        return list(ex.map(_run, jobs))


def call_job(label: str, solution: str, fn: str, args: list[Any], expected: Any) -> Job:
    """Job calling ``fn(*args)`` from a call-based solution."""
    harness = (
        "\n"
        "\n"
        "import json as _j, sys as _s\n"
        "_a = _j.loads(_s.stdin.read())\n"
        f"print(_j.dumps({fn}(*_a)))\n"
    )
    return Job(label, solution + harness, json.dumps(args), json.dumps(expected), call=True)


def classify(source: str, raw: Any) -> str | None:
    """Independent re-implementation of the bad-row rules, used to check the manifest."""
    if source in ("openr1_math_demo", "code_contests_demo"):
        text = raw.get("problem") if source == "openr1_math_demo" else raw.get("description")
        if text is None:
            return "missing_field"
        return "empty_problem" if not text.strip() else None
    try:
        row = json.loads(raw)
    except json.JSONDecodeError:
        return "malformed_json"
    if not isinstance(row, dict):
        return "malformed_json"
    if source == "am_distilled_demo":
        user = row["messages"][0]
        text = user.get("content")
        tc = user["info"].get("test_case")
    elif source == "codeforces_demo":
        text = cf_statement(
            row["title"], row["description"], row["input_format"], row["output_format"]
        )
        tc = None
    else:
        text = row.get("problem" if source == "numina_demo" else "question")
        tc = None
    if text is None:
        return "missing_field"
    if not isinstance(text, str):
        return "wrong_type"
    if not text.strip():
        return "empty_problem"
    if len(text) > OVERSIZE_LIMIT:
        return "oversized"
    if source == "natural_reasoning_demo" and not isinstance(row.get("responses"), list):
        return "wrong_type"
    for blob in (row.get("input_output") if source == "apps_demo" else None, tc):
        if blob is not None:
            try:
                json.loads(blob)
            except json.JSONDecodeError:
                return "malformed_field"
    return None


FILES = {
    "numina_demo": "train.jsonl",
    "openr1_math_demo": "default.parquet",
    "am_distilled_demo": "am_0.5M.jsonl",
    "apps_demo": "test.jsonl",
    "code_contests_demo": "train.parquet",
    "codeforces_demo": "problems.jsonl",
    "orca_demo": "orca.jsonl",
    "natural_reasoning_demo": "natural_reasoning.jsonl",
}
ID_FIELD = {
    "openr1_math_demo": "uuid",
    "apps_demo": "problem_id",
    "code_contests_demo": "name",
    "codeforces_demo": "id",
    "orca_demo": "id",
}


def load_rows(source: str) -> list[Any]:
    """Raw lines (JSONL) or row dicts (Parquet) of a source."""
    path = OUT / source / FILES[source]
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def locators(source: str, rows: list[Any]) -> list[str]:
    """The manifest locator of every row, in file order."""
    out = []
    for i, raw in enumerate(rows, 1):
        loc = f"{FILES[source]}:{i}"
        if source in ID_FIELD:
            row = raw if isinstance(raw, dict) else None
            if row is None:
                try:
                    row = json.loads(raw)
                except json.JSONDecodeError:
                    row = None
            if isinstance(row, dict):
                loc = str(row[ID_FIELD[source]])
        out.append(loc)
    return out


def verify(
    manifest: Json,
    numina_checks: list[tuple[int, MathItem]],
    am_checks: list[tuple[int, str, str]],
    cf_tasks: dict[str, CodeTask],
    oversized_bytes: int,
) -> dict[str, int]:
    """Check answers, run all code tests, and validate the manifest; returns row counts."""
    rows = {s: load_rows(s) for s in FILES}
    locs = {s: locators(s, r) for s, r in rows.items()}
    for s, ls in locs.items():
        assert len(set(ls)) == len(ls), f"duplicate locators in {s}"

    # manifest locators exist and bad-row reasons are what an independent classifier finds
    expected_bad = {(b["source"], b["row"]): b["reason"] for b in manifest["bad_rows"]}
    for p in manifest["pairs"]:
        for side in (p["a"], p["b"]):
            assert side["row"] in locs[side["source"]], side
            assert (side["source"], side["row"]) not in expected_bad, side
    found_bad = {}
    for s in FILES:
        for loc, raw in zip(locs[s], rows[s], strict=True):
            reason = classify(s, raw)
            if reason:
                found_bad[(s, loc)] = reason
    assert found_bad == expected_bad, (found_bad, expected_bad)

    # math: brute-force answers, boxed answers in every file
    brute = _brute_answers()
    used: list[MathItem] = [it for _, it in numina_checks]
    used += [make_math(f, p, ph) for f, p, ph, *_ in (r for r in OPENR1_ROWS if r[0] != "BAD")]
    used += [make_math(r[1], r[2], r[3]) for r in AM_ROWS if r[0] == "math"]
    for it in used:
        base = make_math(it.family, it.params, "p0")
        assert str(brute[it.family](*it.params)) == base.answer, (it.family, it.params)
        assert it.wrong != it.answer
    numina_lines = rows["numina_demo"]
    for line_no, it in numina_checks:
        row = json.loads(numina_lines[line_no - 1])
        assert (
            last_boxed(row["solution"]) == it.answer
            and row["messages"][0]["content"] == row["problem"]
        )
    for row in rows["openr1_math_demo"]:
        if row["problem"] is None:
            continue
        assert last_boxed(row["solution"]) == row["answer"]
        flags = [last_boxed(g) == row["answer"] for g in row["generations"]]
        assert flags == row["correctness_math_verify"] and any(flags)
        assert row["correctness_count"] == sum(flags)
        assert len(row["is_reasoning_complete"]) == len(row["generations"])
        assert all(g.startswith("<think>\n") and "\n</think>\n\n" in g for g in row["generations"])
        assert last_boxed(row["messages"][1]["content"]) == row["answer"]
    am_lines = rows["am_distilled_demo"]
    jobs: list[Job] = []
    for line_no, kind, key in am_checks:
        user, asst = json.loads(am_lines[line_no - 1])["messages"]
        info = asst["info"]
        assert asst["content"] == (
            f"<think>\n{info['think_content']}\n</think>\n<answer>\n"
            f"{info['answer_content']}\n</answer>"
        )
        if kind == "math":
            assert last_boxed(info["answer_content"]) == user["info"]["reference_answer"] == key
        else:
            tc = json.loads(user["info"]["test_case"])
            for inp, out in zip(tc["inputs"], tc["outputs"], strict=True):
                jobs.append(Job(f"am:{line_no}", task(key).solution, inp, out))

    # code: every solution against every test, read back from the files
    for raw in rows["apps_demo"]:
        if classify("apps_demo", raw):
            continue
        row = json.loads(raw)
        io = json.loads(row["input_output"])
        for sol in json.loads(row["solutions"]):
            for inp, out in zip(io["inputs"], io["outputs"], strict=True):
                label = f"apps:{row['problem_id']}"
                if "fn_name" in io:
                    jobs.append(call_job(label, sol, io["fn_name"], inp, out[0]))
                else:
                    jobs.append(Job(label, sol, inp, out))
    wrong_jobs: dict[str, list[Job]] = {}
    for row in rows["code_contests_demo"]:
        tests = [row[k] for k in ("public_tests", "private_tests", "generated_tests")]
        pairs = [(i, o) for t in tests for i, o in zip(t["input"], t["output"], strict=True)]
        assert all(lang == PYTHON3 for lang in row["solutions"]["language"])
        for sol in row["solutions"]["solution"]:
            jobs += [Job(f"cc:{row['name']}", sol, i, o) for i, o in pairs]
        for sol in row["incorrect_solutions"]["solution"]:
            wrong_jobs[row["name"]] = [Job(f"cc-wrong:{row['name']}", sol, i, o) for i, o in pairs]
    for raw in rows["codeforces_demo"]:
        row = json.loads(raw)
        if row["id"] not in cf_tasks:
            continue
        assert row["testset_size"] == len(row["official_tests"])
        for t in row["examples"] + row["official_tests"]:
            jobs.append(
                Job(f"cf:{row['id']}", cf_tasks[row["id"]].solution, t["input"], t["output"])
            )
    results = run_jobs(jobs)
    failed = sorted({j.label for j, ok in zip(jobs, results, strict=True) if not ok})
    assert not failed, f"solutions failing their tests: {failed}"
    for name, wj in wrong_jobs.items():
        assert not all(run_jobs(wj)), f"incorrect solution of {name} passes every test"

    # relation counts
    rel = Counter(p["relation"] for p in manifest["pairs"])
    exact_cross = sum(
        1
        for p in manifest["pairs"]
        if p["relation"] == "exact" and p["a"]["source"] != p["b"]["source"]
    )
    within = [
        p
        for p in manifest["pairs"]
        if p["relation"] == "exact" and p["a"]["source"] == p["b"]["source"]
    ]
    assert exact_cross >= 8 and rel["reworded"] >= 8 and rel["number_variant"] >= 6, rel
    assert len(within) == 1 and within[0]["a"]["source"] == "numina_demo", within

    # size budget
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    assert oversized_bytes > OVERSIZE_LIMIT and total - oversized_bytes < SIZE_BUDGET, total
    print(
        f"verified {len(jobs)} program runs, {len(used)} math items; total size {total} "
        f"bytes ({total - oversized_bytes} without the oversized row)"
    )
    return {s: len(r) for s, r in rows.items()}


def main() -> None:
    """Write every demo source plus the manifest, then verify them."""
    col = Collector()
    numina_checks = build_numina(col)
    build_openr1(col)
    am_checks = build_am(col)
    build_apps(col)
    build_cc(col)
    cf_tasks = build_cf(col)
    oversized = build_orca(col)
    build_nr(col)
    manifest = {"pairs": derive_pairs(col.planted), "bad_rows": col.bad}
    (OUT / "demo_manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8", newline=""
    )
    counts = verify(manifest, numina_checks, am_checks, cf_tasks, oversized)
    rel = Counter(p["relation"] for p in manifest["pairs"])
    print("rows:", ", ".join(f"{s}={n}" for s, n in counts.items()))
    print("pairs:", dict(rel), "bad rows:", len(col.bad))


if __name__ == "__main__":
    main()
