"""Rendering of code statements in each dataset's own style (APPS, CodeContests, codeio,
Codeforces)."""

from __future__ import annotations

import datetime as dt

from demo_sources.code_tasks import CodeTask

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
