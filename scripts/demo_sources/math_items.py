"""Math problem families (``m_*``): templates whose answers, worked solutions and plausible
wrong attempts are computed from their parameters."""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from demo_sources.common import Params, factor_tex, factorize, lower_first, ordinal, tex_num


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


def brute_answers() -> dict[str, Callable[..., object]]:
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
