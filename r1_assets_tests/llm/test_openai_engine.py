"""The OpenAI-compatible backend against a local server that answers 429, 500, slowly or 400."""

from __future__ import annotations

import json
import logging

import dagster as dg
import pytest

from r1_assets.llm.backends.openai import OpenAIEngine
from r1_assets.llm.types import Request, Sampling, user
from r1_assets.resources import LLMResource
from r1_assets_tests.llm.chat_server import ChatServer

SECRET = "sk-test-do-not-leak-1234"


def request(text: str, max_tokens: int = 20, prefill: str = "") -> Request:
    return Request(user(text, prefill), Sampling(max_tokens=max_tokens))


def engine(server: ChatServer, model: str = "teacher-x", **overrides) -> OpenAIEngine:
    settings = {"timeout_s": 1.0, "max_retries": 3, "backoff_s": 0.01, **overrides}
    return OpenAIEngine(server.base_url, model, "R1_TEST_API_KEY", **settings)


def test_retries_429_and_500_then_answers(monkeypatch) -> None:
    monkeypatch.setenv("R1_TEST_API_KEY", SECRET)
    with ChatServer() as server:
        out = engine(server).generate([request("429x2 a"), request("500x2 b"), request("ok c")])
    assert [c.finish_reason for c in out] == ["stop", "stop", "stop"]
    assert out[0].text == "echo 429x2 a sample"
    assert server.attempts == {"429x2 a": 3, "500x2 b": 3, "ok c": 1}
    assert out[2].prompt_tokens == 2 and out[2].completion_tokens == 4


def test_a_slow_answer_times_out_and_is_retried() -> None:
    with ChatServer(slow_s=2.0) as server:
        [completion] = engine(server, timeout_s=0.5).generate([request("slow d")])
    assert completion.ok and server.attempts["slow d"] == 2


def test_a_bad_request_is_not_retried_and_a_dead_server_gives_up() -> None:
    with ChatServer() as server:
        bad, down, fine = engine(server).generate(
            [request("bad e"), request("down f"), request("g")]
        )
    assert bad.finish_reason == "error" and "HTTP 400" in bad.error
    assert server.attempts["bad e"] == 1
    assert down.finish_reason == "error" and "gave up after 4 attempts" in down.error
    assert server.attempts["down f"] == 4
    assert fine.ok  # one failure never costs the samples around it


def test_concurrency_is_bounded() -> None:
    with ChatServer(answer_delay_s=0.2) as server:
        out = engine(server, max_concurrency=3).generate([request(f"ok {i}") for i in range(12)])
    assert all(c.ok for c in out)
    assert server.max_in_flight == 3


def test_length_finish_and_prefill_and_sampling_reach_the_server() -> None:
    with ChatServer() as server:
        [c] = engine(server).generate([request("ok long text here", 3, prefill="<think>\n")])
    assert c.finish_reason == "length"
    assert c.text.startswith("<think>\n")
    [body] = server.bodies
    assert body["continue_final_message"] is True and body["add_generation_prompt"] is False
    assert (body["temperature"], body["top_p"], body["max_tokens"]) == (0.6, 0.95, 3)
    assert body["messages"][-1] == {"role": "assistant", "content": "<think>\n"}


def test_each_provider_continues_a_prefill_its_own_way(caplog) -> None:
    """vLLM: continue_final_message; DeepSeek: prefix completion (a DeepSeek-style server refuses
    the vLLM extension); OpenAI: no prefill sent, the budget as max_completion_tokens."""
    with ChatServer(style="deepseek") as server:
        [refused] = engine(server).generate([request("q1", prefill="<think>\n")])
        [kept] = engine(server, provider="deepseek").generate([request("q2", prefill="<think>\n")])
        with caplog.at_level(logging.WARNING):
            engine(server, provider="deepseek", model="deepseek-reasoner")
    assert refused.finish_reason == "error" and "HTTP 400" in refused.error
    assert kept.ok and kept.text == "<think>\necho q2 sample"
    sent = server.bodies[-1]
    assert sent["messages"][-1] == {"role": "assistant", "content": "<think>\n", "prefix": True}
    assert "continue_final_message" not in sent and sent["max_tokens"] == 20
    assert "deepseek-reasoner ignores temperature and top_p" in caplog.text

    with ChatServer() as server:
        [plain, filtered] = engine(server, provider="openai").generate(
            [request("q3", prefill="<think>\n"), request("filtered q4")]
        )
    first = server.bodies[0]
    assert first["max_completion_tokens"] == 20 and "max_tokens" not in first
    assert [m["role"] for m in first["messages"]] == ["user"]  # the prefill is not sent
    assert plain.text == "echo q3 sample"  # ... nor put in front of the answer
    assert filtered.finish_reason == "content_filter"  # as the server said
    with pytest.raises(ValueError, match="unknown provider"):
        engine(server, provider="anthropic")


def test_a_separate_reasoning_content_comes_back_in_r1_shape() -> None:
    from r1_assets.catalog.schema import split_think

    with ChatServer() as server:
        prefilled, plain = engine(server).generate(
            [request("reason a", prefill="<think>\n"), request("reason b")]
        )
    assert prefilled.text == "<think>\nstep one, step two\n</think>\n\necho reason a sample"
    assert split_think(plain.text) == ("step one, step two", "echo reason b sample")


def test_a_chain_cut_or_continued_keeps_r1_shape_without_a_made_up_closing_tag() -> None:
    def parsed(prefill: str, reasoning: str, content: str, finish: str) -> str:
        message = {"role": "assistant", "content": content, "reasoning_content": reasoning}
        payload = {"choices": [{"message": message, "finish_reason": finish}], "usage": {}}
        return OpenAIEngine._parse(request("q", prefill=prefill), payload, 0.0).text

    # cut inside the reasoning: the chain stays open, as the model left it
    assert parsed("<think>\n", "step one, st", "", "length") == "<think>\nstep one, st"
    # a cut chain continued (llm.budgets): the reasoning goes on from the prefill's last character
    continued = parsed("<think>\nstep one, st", "ep two", "4", "stop")
    assert continued == "<think>\nstep one, step two\n</think>\n\n4"
    # cut in the answer: the chain was closed
    assert parsed("", "step", "The ans", "length") == "<think>\nstep\n</think>\n\nThe ans"


def test_the_api_key_comes_from_the_environment_and_never_shows(
    monkeypatch, tmp_path, caplog
) -> None:
    monkeypatch.setenv("R1_TEST_API_KEY", SECRET)
    caplog.set_level(logging.DEBUG)
    with ChatServer() as server:
        resource = LLMResource(
            backend="openai",
            model="teacher-x",
            base_url=server.base_url,
            api_key_env="R1_TEST_API_KEY",
            models_dir=str(tmp_path / "models"),
            cache_dir=str(tmp_path / "cache"),
        )
        out, stats = resource.generate([request("ok h"), request("ok i")])
        assert server.auth == [f"Bearer {SECRET}"] * 2
        assert stats.generated == 2
        # a rerun is served by the cache: zero requests
        again, stats = resource.generate([request("ok h"), request("ok i")])
        assert len(server.auth) == 2 and stats.cache_hits == 2
        assert [c.text for c in again] == [c.text for c in out]
    shown = json.dumps(resource.describe()) + repr(resource.engine()) + caplog.text
    shown += json.dumps(resource.model_dump())
    assert SECRET not in shown
    assert "R1_TEST_API_KEY" in json.dumps(resource.model_dump())  # only the variable's name


def test_errors_are_not_cached_and_the_rerun_retries_only_them(tmp_path) -> None:
    with ChatServer() as server:
        resource = LLMResource(
            backend="openai",
            model="teacher-x",
            base_url=server.base_url,
            max_retries=0,
            models_dir=str(tmp_path / "models"),
            cache_dir=str(tmp_path / "cache"),
        )
        first, stats = resource.generate([request("500x2 j"), request("ok k")])
        assert [c.ok for c in first] == [False, True] and stats.failed == 1
        second, stats = resource.generate([request("500x2 j"), request("ok k")])
        assert [c.ok for c in second] == [False, True]  # second 500
        third, stats = resource.generate([request("500x2 j"), request("ok k")])
        assert all(c.ok for c in third) and stats.cache_hits == 1 and stats.generated == 1
        assert server.attempts == {"500x2 j": 3, "ok k": 1}


def test_openai_backend_without_base_url_fails_clearly(tmp_path) -> None:
    resource = LLMResource(
        backend="openai", models_dir=str(tmp_path), cache_dir=str(tmp_path / "cache")
    )
    with pytest.raises(dg.Failure, match="base_url"):
        resource.generate([request("ok l")])


def test_a_garbled_answer_is_retried_then_an_error_row() -> None:
    with ChatServer() as server:
        garbled, fine = engine(server, max_retries=1).generate([request("garbled m"), request("n")])
    assert garbled.finish_reason == "error" and "gave up after 2 attempts" in garbled.error
    assert server.attempts["garbled m"] == 2 and fine.ok


def test_choices_are_held_by_each_providers_structured_outputs() -> None:
    """Labels: vLLM's structured outputs choice, OpenAI's JSON schema (read back to the choice);
    DeepSeek has neither, so its answer is free text for the labeler to parse."""
    labels = ("math", "code", "science")
    label = Request(user("label o"), Sampling(0.0, 1.0, 8, choices=labels))
    with ChatServer() as server:
        [vllm] = engine(server).generate([label])
        [openai] = engine(server, provider="openai").generate([label])
    assert vllm.text == openai.text == "science"
    vllm_body, openai_body = server.bodies
    assert vllm_body["structured_outputs"] == {"choice": list(labels)}
    schema = openai_body["response_format"]["json_schema"]
    assert schema["strict"] is True and schema["schema"]["properties"]["answer"]["enum"] == list(
        labels
    )
    with ChatServer(style="deepseek") as server:
        [free] = engine(server, provider="deepseek").generate([label])
    assert free.text == "echo label o sample"
    assert not {"response_format", "structured_outputs"} & set(server.bodies[0])
