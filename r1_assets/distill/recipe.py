"""The DeepSeek-R1 prompting recipe: no system prompt, the instruction in the user turn,
temperature 0.6, top-p 0.95, and the response opened with "<think>\\n" (DeepSeek's advice: the
model otherwise sometimes skips its reasoning)."""

from __future__ import annotations

MATH_INSTRUCTION = "Please reason step by step, and put your final answer within \\boxed{}."
CODE_STDIO_INSTRUCTION = (
    "Please reason step by step, then give your final solution as one Python 3 program in a "
    "```python code block. It reads from standard input and writes to standard output."
)
CODE_CALL_INSTRUCTION = (
    "Please reason step by step, then give your final solution as Python 3 code in a ```python "
    "code block defining the function `{fn_name}`."
)
THINK_PREFILL = "<think>\n"


def user_prompt(problem: str, domain: str, test_kinds: list[str], fn_name: str | None) -> str:
    """The user turn for one problem: math gets the boxed-answer instruction, code the form
    its tests expect, everything else the problem alone."""
    if domain == "math":
        return f"{problem}\n\n{MATH_INSTRUCTION}"
    if domain == "code":
        if fn_name and "stdio" not in test_kinds:
            return f"{problem}\n\n{CODE_CALL_INSTRUCTION.format(fn_name=fn_name)}"
        return f"{problem}\n\n{CODE_STDIO_INSTRUCTION}"
    return problem
