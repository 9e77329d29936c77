"""The code verifier over a batch of hundreds of responses with hostile ones among them: every
response gets its verdict, through the real sandbox."""

from __future__ import annotations

import polars as pl

from r1_assets.sandbox import Sandbox, SandboxLimits
from r1_assets.verify.verdicts import VerdictCache, verify_responses
from r1_assets.verify.verifiers import VerifySettings, build_verifiers
from r1_assets_tests.verify.test_rules import REASONING, response

TESTS = [{"kind": "call", "input": "[2, 3]", "output": "5", "fn_name": "add", "split": "test"}]
ALWAYS_EQUAL = """
class Anything:
    def __eq__(self, other):
        return True
def add(a, b):
    return Anything()
"""
DEEP = "def add(a, b):\n    x = []\n    for _ in range(5000):\n        x = [x]\n    return x\n"
BIG = "def add(a, b):\n    return 10**400\n"


def code_response(uid: str, program: str, tests: object = TESTS) -> dict:
    answer = f"Here it is:\n```python\n{program}\n```"
    return response(
        content=f"<think>\n{REASONING}\n</think>\n{answer}",
        answer=answer,
        domain="code",
        problem="Write add(a, b) returning the sum.",
        has_tests=True,
    ) | {
        "response_uid": uid,
        "problem_uid": "p",
        "source": "demo",
        "source_row_id": uid,
        "source_revision": "rev",
        "origin": "teacher",
        "teacher": "t",
        "reference_answer": None,
        "test_cases": tests,
    }


def test_hostile_responses_do_not_cost_the_batch_its_verdicts(tmp_path) -> None:
    # 200 distinct programs (the cache would judge identical ones once), odd ones wrong
    program = "def add(a, b):\n    offset = {}  # response {}\n    return a + b + offset\n"
    rows = [code_response(f"r{n}", program.format(n % 2, n)) for n in range(200)]
    hostile = {
        "r13": code_response("r13", ALWAYS_EQUAL),
        "r57": code_response("r57", DEEP),
        "r101": code_response("r101", BIG),
        "r150": code_response("r150", "def add(a, b):\n    return a + b\n", [{"kind": "magic"}]),
    }
    rows = [hostile.get(row["response_uid"], row) for row in rows]
    limits = SandboxLimits(wall_s=5, cpu_s=2, memory_mb=256)
    with Sandbox(limits, workers=2) as sandbox:
        verifiers = build_verifiers(VerifySettings(), sandbox=lambda: sandbox)
        verdicts, _ = verify_responses(rows, verifiers, VerdictCache(tmp_path))
    code = verdicts.filter(pl.col("verifier") == "code_tests")
    assert code.height == 200  # every response has its verdict
    passed = dict(zip(code["response_uid"], code["passed"], strict=True))
    for n in range(200):
        uid = f"r{n}"
        assert passed[uid] == (n % 2 == 0 and uid not in hostile), uid
    detail = dict(zip(code["response_uid"], code["detail"], strict=True))
    assert detail["r150"].startswith("judge error: ValueError: test 0: unknown kind")
    assert "nested deeper than 100 levels" in detail["r57"]
