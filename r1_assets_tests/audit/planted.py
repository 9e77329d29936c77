"""Planted contamination: MATH-500 items (rows 6-25 of the real test split) copied into a training
source three ways — verbatim, reformatted (whitespace, line breaks, LaTeX spelling), reworded
(by hand, numbers kept) — and four items left out as the unrelated control."""

from __future__ import annotations

import json
import re

from r1_assets_tests.conftest import REAL_ROWS

ITEMS_FILE = REAL_ROWS / "math500_test_rows_6_25.jsonl"
PLANTED_ITEMS = 16  # the first 16 items are planted; the last 4 are never copied

# hand rewordings of the first 16 items: same problem, same numbers, other words
REWORDED = [
    "Six equilateral triangles make up a regular hexagon. One of these triangles has a "
    "perimeter of 21 inches. Find the perimeter of the hexagon, in inches.",
    "Find the smallest positive perfect cube which equals the sum of three consecutive integers.",
    "Consider the line of all points $(x,y,z)$ with \\[2x = 3y = -z\\] and the line of all "
    "points $(x,y,z)$ with \\[6x = -y = -4z\\]. What is the angle between these two lines, in "
    "degrees?",
    "Find the distance in units between the points $(2, -6)$ and $(-4, 3)$. Give the answer in "
    "simplest radical form.",
    "Because multiplication comes before addition, $2\\cdot 3 \\cdot 4\\cdot 5+1$ equals 121. "
    "Inserting parentheses can change the value: for instance \\[(2\\cdot (3\\cdot 4)) \\cdot "
    "(5+1) = 144.\\] How many different values can be obtained from $2\\cdot 3\\cdot 4 \\cdot 5 "
    "+ 1$ by inserting parentheses only (terms may not be rearranged)?",
    "Find the smallest positive multiple of 30 whose decimal digits are all 0 or 2.",
    "Suppose $p(x)$ is a polynomial of degree 5 with \\[p(n) = \\frac{n}{n^2 - 1}\\] for "
    "$n = 2, 3, 4, \\dots, 7$. What is $p(8)$?",
    "A proper divisor of an integer $N$ is a positive divisor of $N$ smaller than $N$; for "
    "example, 12 has proper divisors 1, 2, 3, 4 and 6. Compute the sum of the proper divisors "
    "of the sum of the proper divisors of 284.",
    "The cylinder below has a volume of $45\\pi$ cubic cm. Find its height in centimeters. "
    "[asy]\nsize(120);\ndraw(shift(2.2,0)*yscale(0.3)*Circle((0,0), 1.2));\n\n"
    "draw((1,0)--(1,-2));\ndraw((3.4,0)--(3.4,-2));\n\ndraw((1,-2)..(2.2,-2.36)..(3.4,-2));\n\n"
    'label("$h$",midpoint((3.4,0)--(3.4,-2)),E);\n\ndraw (((2.2,0)--(3.4,0)));\n\n'
    'label("$r=3$",midpoint((2.2,0)--(3.4,0)),N);\n\n[/asy]',
    "In the diagram below, $\\sin D = 0.7$. Find $DE$. [asy]\npair D,E,F;\nF = (0,0);\n"
    "D = (sqrt(51),7);\nE = (0,7);\ndraw(D--E--F--D);\ndraw(rightanglemark(D,E,F,15));\n"
    'label("$D$",D,NE);\nlabel("$E$",E,NW);\nlabel("$F$",F,SW);\nlabel("$7$",(E+F)/2,W);\n'
    "[/asy]",
    "Let $z = 2 + \\sqrt{2} - (3 + 3 \\sqrt{2})i$ and $c = 2 - 3i$. Rotating $z$ "
    "counter-clockwise about $c$ by $\\frac{\\pi}{4}$ gives the number $w$.\n\n[asy]\n"
    "unitsize(0.6 cm);\n\npair C, W, Z;\n\nZ = (2 + sqrt(2), -3 - 3*sqrt(2));\nC = (2,-3);\n"
    'W = rotate(45,C)*(Z);\n\ndraw(Z--C--W);\n\ndot("$c$", C, N);\ndot("$w$", W, SE);\n'
    'dot("$z$", Z, S);\nlabel("$\\frac{\\pi}{4}$", C + (0.6,-1));\n[/asy]\n\nWhat is $w$?',
    "Evaluate the sum $1-2+3-4+5- \\dots +99-100$.",
    "The graph below shows $y = a \\sin (bx + c) + d$, where $a,$ $b,$ $c,$ $d$ are positive "
    "constants. What is the smallest possible value of $c$?\n\n[asy]import TrigMacros;\n\n"
    "size(400);\n\nreal f(real x)\n{\n\treturn 2*sin(3*x + pi) + 1;\n}\n\n"
    "draw(graph(f,-3*pi,3*pi,n=700,join=operator ..),red);\n"
    "trig_axes(-3*pi,3*pi,-4,4,pi/2,1);\nlayer();\nrm_trig_labels(-5,5, 2);\n\n"
    'label("$1$", (0,1), E);\nlabel("$2$", (0,2), E);\nlabel("$3$", (0,3), E);\n'
    'label("$-1$", (0,-1), E);\nlabel("$-2$", (0,-2), E);\nlabel("$-3$", (0,-3), E);\n[/asy]',
    "Segment $\\overline{BC}$ is parallel to the segment through $A$, and $AB = BC$. How many "
    "degrees does $x$ represent?\n\n[asy]\ndraw((0,0)--(10,0));\ndraw((0,3)--(10,3));\n"
    'draw((2,3)--(8,0));\ndraw((2,3)--(4,0));\nlabel("$A$",(2,3),N);\n'
    'label("$B$",(4,0),S);\nlabel("$C$",(8,0),S);\nlabel("$124^{\\circ}$",(2,3),SW);\n'
    'label("$x^{\\circ}$",(4.5,3),S);\n[/asy]',
    "Suppose $a$ is a positive real number for which every root of \\[x^3 + ax^2 + ax + 1 = "
    "0\\] is real. What is the smallest possible value of $a$?",
    "Compute $(1+2i)6-3i$.",
]


def items() -> list[dict]:
    return [json.loads(line) for line in ITEMS_FILE.read_text().splitlines()]


def reformatted(text: str) -> str:
    """A copy as a scraper might store it: other spacing and line breaks, other LaTeX spellings
    of the same formula (\\dfrac, $$ display math, x^{2} braces, \\( \\) inline math, numbers
    set in math mode). Never only whitespace: the loader would merge that with the verbatim copy."""
    prose, asy, rest = text.partition("[asy]")
    # math segments ($...$ and \\[...\\]) keep their numbers; prose numbers go into math mode
    pieces = re.split(r"(\$[^$]*\$|\\\[.*?\\\])", prose, flags=re.S)
    pieces[::2] = [re.sub(r"\b(\d+)\b", r"$\1$", piece) for piece in pieces[::2]]
    prose = "".join(pieces)
    prose = re.sub(r"\$([^$]+)\$", r"\\(\1\\)", prose)  # inline math as \( \)
    prose = prose.replace("\\frac", "\\dfrac").replace("\\[", "$$").replace("\\]", "$$")
    prose = re.sub(r"\^(\d)", r"^{\1}", prose)
    if " ".join(prose.split()) == " ".join(text.partition("[asy]")[0].split()):
        first, _, tail = prose.partition(" ")
        prose = f"\\textbf{{{first}}} {tail}"
    prose = re.sub(r"\. ", ".\n", prose).replace(", ", " ,  ")
    return "  " + prose + asy + rest + "\n"


UNRELATED_FILES = (REAL_ROWS / "math500_test_first5.jsonl", REAL_ROWS / "gsm8k_train.jsonl")


def unrelated_problems() -> list[tuple[str, str]]:
    """(problem, answer) of real math problems that are not benchmark items (MATH-500 rows 1-5
    and GSM8K train rows): same domain and style, the negative control."""
    out = []
    for path in UNRELATED_FILES:
        for line in path.read_text().splitlines():
            row = json.loads(line)
            answer = row["answer"].split("####")[-1].strip()
            out.append((row.get("problem") or row["question"], answer))
    return out


PREFIX = "Solve the following math problem. Put the final answer in \\boxed{}.\n\n"
SUFFIX = "\n\nPlease reason step by step, and put your final answer within \\boxed{}."


def without_figure(text: str) -> str:
    """The item as a source that drops figures stores it: the [asy] block gone."""
    return re.sub(r"\[asy\].*?\[/asy\]", " ", text, flags=re.S)


def planted_rows() -> list[tuple[str, str, dict]]:
    """(kind, training text, item) for every planted copy: verbatim, reformatted, reworded,
    in another prompt format (an instruction before and after), and — for the items with a
    figure — without the figure, in the other prompt format."""
    out = []
    for item, reworded in zip(items()[:PLANTED_ITEMS], REWORDED, strict=True):
        out.append(("verbatim", item["problem"], item))
        out.append(("reformatted", reformatted(item["problem"]), item))
        out.append(("reworded", reworded, item))
        out.append(("prompt_format", PREFIX + item["problem"] + SUFFIX, item))
        if "[asy]" in item["problem"]:
            out.append(("figure_removed", without_figure(item["problem"]) + SUFFIX, item))
    return out


AIME_FILE = REAL_ROWS / "aime24_test_problems.jsonl"
AIME_PLANTED = (60, 62, 66, 70, 75, 81, 84, 88)  # ids: copied in another prompt format


def aime_items() -> list[dict]:
    return [json.loads(line) for line in AIME_FILE.read_text().splitlines()]


# Other problems that end as AIME's do ("... relatively prime positive integers. Find m+n."):
# written for this test; they share only that sentence with the benchmark
CLOSING_ONLY = [
    (
        "A bag contains 6 red marbles and 4 green marbles. Three marbles are drawn at random "
        "without replacement. The probability that exactly two of them are red is "
        "$\\frac{m}{n}$, where $m$ and $n$ are relatively prime positive integers. Find $m+n$.",
        "3",
    ),
    (
        "Two fair six-sided dice are rolled. The probability that the product of the two numbers "
        "rolled is a perfect square is $\\frac{m}{n}$, where $m$ and $n$ are relatively prime "
        "positive integers. Find $m+n$.",
        "11",
    ),
    (
        "The sum of the reciprocals of the positive divisors of $360$ is $\\frac{m}{n}$, where "
        "$m$ and $n$ are relatively prime positive integers. Find $m+n$.",
        "15",
    ),
    (
        "A fair coin is tossed $8$ times. The probability that no two consecutive tosses are both "
        "heads is $\\frac{m}{n}$, where $m$ and $n$ are relatively prime positive integers. "
        "Find $m+n$.",
        "311",
    ),
]


def aime_rows() -> list[tuple[str, str, dict]]:
    """(kind, training text, item): AIME items in another prompt format — without the figure
    where the item has one."""
    out = []
    for item in aime_items():
        if item["id"] in AIME_PLANTED:
            kind = "aime_figure_removed" if "[asy]" in item["problem"] else "aime_prompt_format"
            out.append((kind, PREFIX + without_figure(item["problem"]) + SUFFIX, item))
    return out
