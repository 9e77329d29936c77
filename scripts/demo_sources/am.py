"""The am_distilled_demo source in the AM-DeepSeek-R1-Distilled format."""

from __future__ import annotations

from demo_sources.chat import CHAT_BY_KEY
from demo_sources.code_tasks import CodeTask, task, uniq
from demo_sources.common import OUT, dumps, perturb, row_plan, write_jsonl
from demo_sources.math_items import make_math, math_think
from demo_sources.planted import Collector
from demo_sources.render import plain, render_codeio
from demo_sources.science import make_sci
from r1_assets.catalog.am_rows import am_row, stdio_test_case

AM_ROWS = row_plan("am_distilled_demo")


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
                    "InfinityInstruct",
                    "",
                    "The user's message is empty, so there is no question to answer. I "
                    "should ask what they need help with.",
                    "It looks like your message was empty. What would you like help with?",
                )
            else:
                t = task("count_words")
                think, answer = codeio_answer(t, 0)
                good = stdio_test_case(list(t.examples), [t.expected(x) for x in t.examples])
                row = am_row(
                    "codeio", render_codeio(t, 0), think, answer, test_case=good[: len(good) - 7]
                )
            lines.append(dumps(row))
            col.bad_row("am_distilled_demo", loc, spec[1])
            continue
        if kind == "math":
            _, family, params, phrasing, mode = spec
            item = make_math(family, params, phrasing)
            q = perturb(item.problem, mode)
            think = math_think(item, line_no)
            row = am_row("NuminaMath", q, think, item.solution, reference_answer=item.answer)
            col.plant("am_distilled_demo", loc, f"math:{family}", params, phrasing, "text", q)
            checks.append((line_no, "math", item.answer))
        elif kind == "sci":
            _, family, params, phrasing, mode = spec
            s = make_sci(family, params, phrasing)
            q = perturb(s.question, mode)
            row = am_row("natural_reasoning", q, s.think(), s.final, reference_answer=s.reference)
            col.plant("am_distilled_demo", loc, f"sci:{family}", params, phrasing, "text", q)
        elif kind == "chat":
            _, key, phrasing, mode = spec
            c = CHAT_BY_KEY[(key, phrasing)]
            q = perturb(c.question, mode)
            row = am_row("InfinityInstruct", q, c.think, c.response)
            col.plant("am_distilled_demo", loc, f"chat:{key}", (), phrasing, "text", q)
        else:
            _, family, ph = spec
            t = task(family)
            ins = codeio_tests(t)
            tc = stdio_test_case(ins, [t.expected(x) for x in ins])
            think, answer = codeio_answer(t, ph)
            q = render_codeio(t, ph)
            row = am_row("codeio", q, think, answer, test_case=tc)
            col.plant("am_distilled_demo", loc, f"code:{family}", (), f"p{ph}", "codeio", q)
            checks.append((line_no, "code", family))
        lines.append(dumps(row))
    write_jsonl(OUT / "am_distilled_demo" / name, lines)
    return checks
