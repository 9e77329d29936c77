"""Drawing teacher samples: a fixed number per problem and teacher, or adaptively — until a
problem has the wanted number of verified responses from that teacher or the teacher's most
attempts are spent (AM's "sample each teacher until verified"; DeepDistill's pass-rate rounds).

Adaptive rounds: the first draws ``wanted`` samples of every (problem, teacher); each later round
draws one more sample for the pairs still short of ``wanted`` accepted responses, until none is
or every pair has had its ``n_samples`` attempts. Sample i of a problem is the same request
(same cache key) in both modes, so an adaptive run's samples are a fixed run's first ones and
either run reuses the other's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from r1_assets.distill.responses import RESPONSE_SCHEMA, distill_requests, teacher_rows
from r1_assets.distill.teachers import Teacher
from r1_assets.llm.types import Completion, Request

Generate = Callable[[Teacher, list[Request]], list[Completion]]
Accept = Callable[[pl.DataFrame], pl.Series]  # responses -> accepted (bool per row)


@dataclass
class SamplingReport:
    fixed_k_samples: int = 0  # what drawing every teacher's n_samples would have drawn
    drawn: int = 0
    rounds: list[dict] = field(default_factory=list)  # round, teacher, open pairs, drawn, accepted

    @property
    def saved(self) -> int:
        return self.fixed_k_samples - self.drawn

    def rounds_table(self) -> pl.DataFrame:
        schema = {"round": pl.Int32, "teacher_name": pl.String, "open_problems": pl.Int64}
        schema |= {"drawn": pl.Int64, "accepted": pl.Int64}
        return pl.DataFrame(self.rounds, schema=schema)


def draw_samples(
    problems: pl.DataFrame,
    teachers: list[Teacher],
    generate: Generate,
    prefill_think: bool = True,
    accept: Accept | None = None,
    wanted: int = 1,
    log: Callable[[str], None] | None = None,
) -> tuple[pl.DataFrame, SamplingReport]:
    """Rows of ``distilled_responses`` (teacher samples) for ``problems``: each teacher's
    ``n_samples`` per problem, or with ``accept`` adaptively (see the module's docstring). A
    sample that failed (finish_reason error) counts as an attempt and is retried by the next run,
    as the cache keeps no failure."""
    report = SamplingReport(fixed_k_samples=problems.height * sum(t.n_samples for t in teachers))
    frames = []
    for teacher in teachers:
        if accept is None:
            requests, owners = distill_requests(
                problems, teacher.n_samples, teacher.sampling, prefill_think
            )
            rows = _rows(teacher, requests, owners, generate)
            report.drawn += rows.height
            report.rounds.append(_round(0, teacher, problems.height, rows, None))
            frames.append(rows)
            continue
        if wanted < 1:
            raise ValueError(f"adaptive sampling wants >= 1 verified response, got {wanted}")
        open_problems, attempts, round_ = problems, 0, 0
        found = pl.DataFrame(schema={"problem_uid": pl.String, "source_row_id": pl.String})
        while open_problems.height and attempts < teacher.n_samples:
            count = min(wanted, teacher.n_samples) if round_ == 0 else 1
            requests, owners = distill_requests(
                open_problems, count, teacher.sampling, prefill_think, first_index=attempts
            )
            rows = _rows(teacher, requests, owners, generate)
            ok = accept(rows)
            report.drawn += rows.height
            report.rounds.append(_round(round_, teacher, open_problems.height, rows, ok))
            frames.append(rows)
            found = pl.concat([found, rows.filter(ok).select("problem_uid", "source_row_id")])
            enough = (
                found.group_by("problem_uid", "source_row_id").len().filter(pl.col("len") >= wanted)
            )
            open_problems = open_problems.join(
                enough, on=["problem_uid", "source_row_id"], how="anti"
            )
            attempts += count
            round_ += 1
            if log:
                log(
                    f"{teacher.name} round {round_}: {int(ok.sum())} of {rows.height} accepted; "
                    f"{open_problems.height} problems still short of {wanted}"
                )
    responses = pl.concat(frames) if frames else pl.DataFrame(schema=RESPONSE_SCHEMA)
    return responses, report


def _rows(
    teacher: Teacher, requests: list[Request], owners: list[dict], generate: Generate
) -> pl.DataFrame:
    completions = generate(teacher, requests)
    return teacher_rows(requests, owners, completions, teacher.model_id, teacher.name)


def _round(
    index: int, teacher: Teacher, open_problems: int, rows: pl.DataFrame, ok: pl.Series | None
) -> dict:
    return {
        "round": index,
        "teacher_name": teacher.name,
        "open_problems": open_problems,
        "drawn": rows.height,
        "accepted": None if ok is None else int(ok.sum()),
    }
