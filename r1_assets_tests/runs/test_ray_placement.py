from r1_assets.runs.ray_placement import pool_request


def test_a_run_asks_for_the_resources_of_its_mapped_pools_only() -> None:
    mapping = {"llm": {"llm": 1}, "gpu": {"GPU": 1, "llm": 0.5}}
    assert pool_request([], mapping) is None
    assert pool_request(["sandbox"], mapping) is None  # an unmapped pool asks for nothing
    assert pool_request(["llm"], mapping) == {"llm": 1.0}
    # two pools naming one resource: the larger amount, plus the launcher's own
    assert pool_request(["gpu", "llm"], mapping, {"zone_a": 1}) == {
        "zone_a": 1,
        "GPU": 1.0,
        "llm": 1.0,
    }
