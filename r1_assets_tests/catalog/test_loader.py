"""Bad input never crashes a source and is never dropped silently: every rejected row lands in
the quarantine with a reason code, and the good rows around it are kept."""

from __future__ import annotations

import json

import polars as pl

from r1_assets.catalog.loader import Limits, load_source
from r1_assets.catalog.schema import QUARANTINE_REASONS, QUARANTINE_SCHEMA
from r1_assets.catalog.spec import load_catalog
from r1_assets_tests.catalog.helpers import load_rows
from r1_assets_tests.conftest import write_jsonl

GOOD = {"problem": "What is 1+1?", "solution": r"\boxed{2}"}


def reasons(result) -> list[str]:
    return result.quarantine["reason"].to_list()


def test_a_repeated_record_is_quarantined_a_repeated_text_is_kept(make_catalog, tmp_path):
    rows = [
        {"id": "a", "problem": "What is 1+1?", "answer": "2"},
        {"id": "b", "problem": "What is 1 + 1?", "answer": "2"},  # same text, its own row
        {"id": "a", "problem": "what is 1+1?", "answer": "2"},  # the same record again
    ]
    result = load_rows(make_catalog, tmp_path, "generic", rows)
    assert result.problems["source_row_id"].to_list() == ["a", "b"]
    [row] = result.quarantine.rows(named=True)
    assert row["reason"] == "duplicate_in_source" and row["source_row_id"] == "a"
    assert "rows.jsonl:1" in row["detail"]


def test_each_kind_of_bad_row_gets_its_reason_and_good_rows_survive(make_catalog, tmp_path):
    rows = [
        GOOD,
        '{"problem": "truncated',  # malformed JSON
        "[1, 2, 3]",  # JSON, but not an object
        {"solution": "no problem field"},
        {"problem": None},
        {"problem": "   \n\t "},
        {"problem": 42},
        {"problem": ["a", "list"]},
        {"problem": "x" * 40_000},
        {"problem": "Long row", "solution": "y" * 5_000},
        {"problem": "What is 2+2?", "solution": r"\boxed{4}"},
        {"problem": "  what IS 1+1? "},  # same normalized text as the first row: kept
    ]
    result = load_rows(
        make_catalog,
        tmp_path,
        "numina_math",
        rows,
        limits=Limits(max_row_bytes=4_000, max_problem_chars=32_000),
    )
    assert result.rows_read == len(rows)
    problems = result.problems
    assert problems["problem"].to_list() == ["What is 1+1?", "What is 2+2?", "what IS 1+1?"]
    assert problems["problem_uid"][0] == problems["problem_uid"][2]  # deduped_pool decides
    assert reasons(result) == [
        "malformed_json",
        "malformed_json",
        "missing_field",
        "missing_field",
        "empty_problem",
        "wrong_type",
        "wrong_type",
        "oversized",
        "oversized",
    ]
    quarantine = result.quarantine
    assert quarantine.schema == QUARANTINE_SCHEMA
    assert set(quarantine["reason"]) <= set(QUARANTINE_REASONS)
    # every quarantined row says where it was and why, and keeps a look at the raw input
    assert quarantine["location"].to_list()[:3] == ["rows.jsonl:2", "rows.jsonl:3", "rows.jsonl:4"]
    assert quarantine.filter(pl.col("reason") == "wrong_type")["field"].to_list() == [
        "problem",
        "problem",
    ]
    assert "expected string, got int" in quarantine.row(5, named=True)["detail"]
    assert quarantine.row(0, named=True)["raw"] == '{"problem": "truncated'
    assert result.problems.height + quarantine.height == len(rows)  # nothing silently lost


def test_oversized_problem_text_even_when_the_row_fits(make_catalog, tmp_path):
    result = load_rows(
        make_catalog,
        tmp_path,
        "generic",
        [{"problem": "word " * 1000}],
        limits=Limits(max_problem_chars=1_000),
    )
    assert reasons(result) == ["oversized"]
    assert "limit 1,000" in result.quarantine.row(0, named=True)["detail"]


def test_malformed_field_content(make_catalog, tmp_path):
    rows = [
        {"problem_id": 1, "question": "Q", "solutions": "[]", "input_output": "{not json"},
        {
            "problem_id": 2,
            "question": "Q2",
            "solutions": "[]",
            "input_output": json.dumps({"inputs": ["1"], "outputs": []}),
        },
    ]
    result = load_rows(make_catalog, tmp_path, "apps", rows, domain="code")
    assert reasons(result) == ["malformed_field", "malformed_field"]
    assert result.quarantine["field"].to_list() == ["input_output", "input_output"]
    assert result.quarantine["source_row_id"].to_list() == ["1", "2"]  # the row's own id


def test_wrong_type_in_nested_lists(make_catalog, tmp_path):
    rows = [
        {"question": "Q", "reference_answer": "A", "responses": "not a list"},
        {"question": "Q2", "reference_answer": "A", "responses": [{"response": 5}]},
    ]
    result = load_rows(make_catalog, tmp_path, "natural_reasoning", rows, domain="science")
    assert reasons(result) == ["wrong_type", "wrong_type"]
    assert result.quarantine["field"].to_list() == ["responses", "responses[0].response"]


def test_missing_source_file_is_one_quarantine_row(make_catalog, tmp_path):
    catalog = load_catalog(
        make_catalog({"name": "gone", "format": "generic", "location": "nowhere/*.jsonl"})
    )
    result = load_source(catalog.get("gone"), catalog)
    assert result.problems.is_empty() and result.source_failed
    row = result.quarantine.row(0, named=True)
    assert (row["reason"], row["field"]) == ("source_missing", "location")
    assert "nowhere/*.jsonl" in row["detail"]


def test_unknown_format_quarantines_with_the_entry_and_field_named(make_catalog, tmp_path):
    write_jsonl(tmp_path / "rows.jsonl", [GOOD])
    catalog = load_catalog(
        make_catalog({"name": "weird", "format": "csv-ish", "location": "rows.jsonl"})
    )
    result = load_source(catalog.get("weird"), catalog)
    assert result.problems.is_empty() and result.source_failed
    row = result.quarantine.row(0, named=True)
    assert (row["reason"], row["field"]) == ("invalid_catalog_entry", "format")
    assert "source 'weird', field 'format': unknown format 'csv-ish'" in row["detail"]


def test_corrupt_parquet_keeps_the_other_files(make_catalog, tmp_path):
    pl.DataFrame({"problem": ["a?", "b?"]}).write_parquet(tmp_path / "part-0.parquet")
    (tmp_path / "part-1.parquet").write_bytes(b"PAR1 this is not parquet")
    catalog = load_catalog(
        make_catalog({"name": "pq", "format": "generic", "location": "part-*.parquet"})
    )
    result = load_source(catalog.get("pq"), catalog)
    assert result.problems["problem"].to_list() == ["a?", "b?"]
    assert reasons(result) == ["source_unreadable"]
    assert "part-1.parquet" in result.quarantine.row(0, named=True)["detail"]


def test_hf_locations_are_hub_snapshots_read_as_local_files(make_catalog, tmp_path, monkeypatch):
    """hf://datasets/owner/name[@revision]/path: the repo's files at a commit, fetched once under
    the data root from a Hub (here a local server speaking its API) and read by the local
    readers, sharded and quarantined as local files are; source_revision is the commit."""
    from huggingface_hub import HfApi

    from r1_assets.catalog.loader import count_records
    from r1_assets.catalog.shards import RecordCounts
    from r1_assets_tests.dataset.hub_server import HubServer

    monkeypatch.setenv("R1_ASSETS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    repo = tmp_path / "repo"
    write_jsonl(repo / "data" / "part-0.jsonl", [GOOD, {"problem": "b?", "solution": "2"}, "{oops"])
    (repo / "README.md").write_text("# math\n")
    catalog = load_catalog(
        make_catalog(
            {"name": "hub", "format": "numina_math", "location": "hf://datasets/team/math/data"},
            {"name": "old", "format": "numina_math", "location": "hf://team/math"},
        ),
        strict=True,
    )
    counts = RecordCounts(tmp_path / "counts.json")
    with HubServer(token="hf_test") as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        api = HfApi(endpoint=hub.endpoint, token="hf_test")
        api.create_repo("team/math", repo_type="dataset")
        first = api.upload_folder(folder_path=repo, repo_id="team/math", repo_type="dataset")
        # planning never downloads: one shard's worth until a run fetched it
        assert count_records(catalog.get("hub"), catalog, counts, Limits()) == 0
        result = load_source(catalog.get("hub"), catalog)
        assert result.problems["problem"].to_list() == [GOOD["problem"], "b?"]
        assert reasons(result) == ["malformed_json"]  # per-row quarantine, as for local files
        assert set(result.problems["source_revision"]) == {first.oid} == {result.revision}
        assert result.files == ["part-0.jsonl"] and hub.downloads == ["data/part-0.jsonl"]
        assert count_records(catalog.get("hub"), catalog, counts, Limits()) == 3
        again = load_source(catalog.get("hub"), catalog)  # the same commit: nothing fetched
        assert hub.downloads == ["data/part-0.jsonl"] and again.revision == first.oid

        write_jsonl(repo / "data" / "part-0.jsonl", [GOOD, {"problem": "c?", "solution": "3"}])
        second = api.upload_folder(folder_path=repo, repo_id="team/math", repo_type="dataset")
        newer = load_source(catalog.get("hub"), catalog)
        assert newer.revision == second.oid and newer.problems["problem"][1] == "c?"
        pinned = load_catalog(
            make_catalog(
                {
                    "name": "hub",
                    "format": "numina_math",
                    "location": f"hf://datasets/team/math@{first.oid}/data/*.jsonl",
                }
            ),
            strict=True,
        )
        old = load_source(catalog.get("old"), catalog)
    # a pinned commit already fetched reads without the Hub
    assert load_source(pinned.get("hub"), pinned).problems["problem"][1] == "b?"
    row = old.quarantine.row(0, named=True)
    assert row["reason"] == "source_unreadable" and "hf://datasets/owner/name" in row["detail"]
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens: no Hub
    gone = load_catalog(
        make_catalog({"name": "x", "format": "numina_math", "location": "hf://datasets/a/b"})
    )
    row = load_source(gone.get("x"), gone).quarantine.row(0, named=True)
    assert row["reason"] == "source_unreadable" and "hf://datasets/a/b" in row["detail"]


def test_revision_tracks_content(make_catalog, tmp_path):
    first = load_rows(make_catalog, tmp_path, "generic", [{"problem": "a?"}])
    same = load_rows(make_catalog, tmp_path, "generic", [{"problem": "a?"}])
    changed = load_rows(make_catalog, tmp_path, "generic", [{"problem": "a?"}, {"problem": "b"}])
    assert first.revision == same.revision != changed.revision
    assert first.problems["source_revision"].to_list() == [first.revision]


def test_hostile_rows_are_quarantined_not_crashing(make_catalog, tmp_path):
    rows = [
        GOOD,
        '{"problem": "big", "answer": ' + "1" * 5000 + "}",  # int beyond Python's digit limit
        "[" * 100_000,  # nesting beyond the recursion limit
        '{"problem": "lone surrogate \\ud800 here"}',  # valid JSON, not storable Unicode
        {"problem": "What is 2+2?", "messages": [None]},
        {"problem": "Fine too?", "messages": "not a list"},
    ]
    result = load_rows(make_catalog, tmp_path, "numina_math", rows)
    assert result.problems["problem"].to_list() == ["What is 1+1?"]
    assert reasons(result) == [
        "malformed_json",
        "malformed_json",
        "malformed_field",
        "wrong_type",
        "wrong_type",
    ]
    assert "surrogates not allowed" in result.quarantine["detail"][2]
    assert result.problems.height + result.quarantine.height == len(rows)


def test_descriptive_fields_of_unexpected_types_do_not_reject_rows(make_catalog, tmp_path):
    # the real open-r1/codeforces dump stores contest_id as a string and rating as a float
    row = {
        "id": "1A",
        "description": "Print 1.",
        "contest_id": "1",
        "rating": 800.0,
        "tags": None,
        "time_limit": "2s",
        "examples": [{"input": "", "output": "1\n"}],
    }
    result = load_rows(make_catalog, tmp_path, "codeforces", [row], domain="code")
    assert result.quarantine.is_empty(), result.quarantine.to_dicts()
    metadata = json.loads(result.problems["metadata"][0])
    assert (metadata["contest_id"], metadata["rating"]) == ("1", 800)


def test_non_string_solutions_and_null_tests(make_catalog, tmp_path):
    contests = [
        {
            "name": "x",
            "description": "Sum.",
            "solutions": {"language": [3], "solution": [123]},
            "public_tests": {"input": ["1\n"], "output": ["1\n"]},
        },
        {
            "name": "y",
            "description": "Null test.",
            "public_tests": {"input": [None], "output": ["1\n"]},
        },
    ]
    result = load_rows(make_catalog, tmp_path, "code_contests", contests, domain="code")
    assert result.problems["reference_solution"].to_list() == [None]
    assert reasons(result) == ["malformed_field"]


def test_corrupt_gzip_is_a_source_failure_with_rows_kept(make_catalog, tmp_path):
    import gzip

    payload = gzip.compress(
        ("\n".join(json.dumps({"problem": f"p{i}?"}) for i in range(2000)) + "\n").encode()
    )
    broken = bytearray(payload)
    broken[len(broken) // 2] ^= 0xFF
    (tmp_path / "rows.jsonl.gz").write_bytes(bytes(broken))
    catalog = load_catalog(
        make_catalog({"name": "gz", "format": "generic", "location": "rows.jsonl.gz"})
    )
    result = load_source(catalog.get("gz"), catalog)
    assert result.source_failed and reasons(result)[-1] == "source_unreadable"


def test_giant_line_is_skipped_without_reading_it_whole(make_catalog, tmp_path):
    giant = '{"problem": "' + "x" * 3_000_000 + '"}'
    result = load_rows(
        make_catalog,
        tmp_path,
        "generic",
        [giant, {"problem": "after?"}],
        limits=Limits(max_row_bytes=10_000),
    )
    assert reasons(result) == ["oversized"]
    assert result.quarantine["raw_bytes"][0] > 3_000_000
    assert result.problems["problem"].to_list() == ["after?"]  # the next line is intact


def test_non_utf8_bytes_are_quarantined(make_catalog, tmp_path):
    path = tmp_path / "src" / "rows.jsonl"
    path.parent.mkdir()
    path.write_bytes(
        b'{"problem": "fine?"}\n{"problem": "caf\xe9 \xff\xfe?"}\n{"problem": "ok?"}\n'
    )
    catalog = load_catalog(
        make_catalog({"name": "src", "format": "generic", "location": "src/rows.jsonl"})
    )
    result = load_source(catalog.get("src"), catalog)
    assert result.problems["problem"].to_list() == ["fine?", "ok?"]
    assert reasons(result) == ["malformed_json"]
    assert "utf-8" in result.quarantine["detail"][0].lower()
