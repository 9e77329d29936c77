from __future__ import annotations

import pytest
import yaml

from r1_assets.catalog.kernel import CatalogError, InvalidEntry
from r1_assets.catalog.spec import SourceSpec, load_catalog


def test_valid_entries_in_catalog_order(make_catalog) -> None:
    catalog = load_catalog(
        make_catalog(
            {"name": "b_src", "format": "gsm8k", "location": "b.jsonl", "priority": 5},
            {"name": "a-src", "format": "math", "location": "a/*.jsonl", "fields": {"id": "id"}},
        ),
        strict=True,
    )
    assert catalog.names == ["b_src", "a-src"]
    entry = catalog.get("a-src")
    assert isinstance(entry, SourceSpec)
    assert entry.field_name("id") == "id" and entry.field_name("problem") == "problem"


@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        ({"format": "nope"}, "format", "unknown format 'nope'"),
        ({"format": "maht"}, "format", "unknown format 'maht' (did you mean 'math'?)"),
        ({"domain": "poetry"}, "domain", "Input should be"),
        ({"fromat": "math"}, "fromat", "Extra inputs are not permitted"),
        ({"fields": {"question": "q"}}, "fields", "unknown role(s) ['question']"),
        ({"priority": "high"}, "priority", "valid integer"),
    ],
)
def test_broken_entry_names_entry_and_field(make_catalog, entry, field, message) -> None:
    path = make_catalog(
        {"name": "good", "format": "math", "location": "x.jsonl"},
        {"name": "bad", "format": "math", "location": "x.jsonl", **entry},
    )
    catalog = load_catalog(path)
    assert isinstance(catalog.get("good"), SourceSpec)  # one bad entry spares the others
    bad = catalog.get("bad")
    assert isinstance(bad, InvalidEntry)
    assert bad.errors[0][0] == field
    text = bad.message(path)
    assert f"source 'bad', field '{field}'" in text and message in text
    with pytest.raises(CatalogError, match=f"source 'bad', field '{field}'"):
        load_catalog(path, strict=True)


def test_missing_license_is_reported(make_catalog) -> None:
    path = make_catalog({"name": "nolicense", "format": "math", "location": "x.jsonl"})
    document = yaml.safe_load(path.read_text())
    del document["sources"][0]["license"]
    path.write_text(yaml.safe_dump(document))
    bad = load_catalog(path).get("nolicense")
    assert isinstance(bad, InvalidEntry) and bad.errors == (("license", "Field required"),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources: [", "not valid YAML"),
        ("sources: {a: 1}", "expected a mapping with a 'sources' list"),
        ("sources:\n  - {format: math}", r"sources\[0\], field 'name'"),
        ("sources:\n  - {name: Bad Name}", r"sources\[0\], field 'name'"),
        ("sources:\n  - {name: a}\n  - {name: a}", "source 'a', field 'name': defined twice"),
    ],
)
def test_unusable_catalog_raises_one_clear_error(tmp_path, text, message) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)


@pytest.mark.parametrize("text", ["sources: [", "sources:\n  - name: a\n   format: math", "a: 'b"])
def test_invalid_yaml_is_one_line_naming_where(tmp_path, text) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    message = str(caught.value)
    assert message.startswith("sources.yaml: not valid YAML: ") and "\n" not in message
    assert " at line " in message


def test_missing_catalog_file(tmp_path) -> None:
    with pytest.raises(CatalogError, match="source catalog not found"):
        load_catalog(tmp_path / "absent.yaml")
