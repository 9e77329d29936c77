"""The main Dagster UI journeys in a real headless Chromium (Debian's chromium, driven by
Playwright): `r1-assets dev` (webserver + daemon) on 127.0.0.1 with a fresh DAGSTER_HOME and
data root over the demo catalog, then, the way a person does it: find every asset in the graph,
materialize one source partition of raw_problems, backfill two sources through verification,
audit a demo benchmark and find the planted contamination. A screenshot of every step lands in
$R1_ASSETS_BROWSER_ARTIFACTS (default: browser-artifacts/).

Run with `pytest -m browser` (see the README for the one-time set-up)."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from r1_assets import settings
from r1_assets.definitions import build_definitions
from r1_assets.storage.warehouse import Warehouse
from r1_assets_tests.conftest import free_port, subprocess_env
from r1_assets_tests.test_webserver_e2e import dagster_dev, wait_for_location

# the backfill runs labeling and distillation of two sources on the CPU: ~7 min here
pytestmark = [pytest.mark.browser, pytest.mark.timeout(1500)]

CHROMIUM = os.environ.get("R1_ASSETS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("R1_ASSETS_BROWSER_ARTIFACTS", settings.PROJECT_ROOT / "browser-artifacts")
)
# Debian's chromium as root in a container, on a machine without internet: no sandbox, no GPU,
# and none of the background connections it would otherwise try (and fail) at every start
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PLANTED = json.loads(
    (settings.PROJECT_ROOT / "data" / "sources" / "forum_scrape_demo" / "planted.json").read_text()
)
SOURCE = "forum_scrape_demo"  # the demo source with planted contamination
BACKFILLED = ("forum_scrape_demo", "codeforces_demo")
RUN_TIMEOUT = 1200  # seconds for the backfill: labeling and distillation on the CPU


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("ui")
    data, home = root / "data", root / "dagster_home"
    env = subprocess_env(settings.DEFAULT_CATALOG_PATH, data, home)
    with dagster_dev(env, free_port(), root / "dagster_dev.log") as url:
        wait_for_location(url)
        yield url, data


@pytest.fixture(scope="module")
def page(server):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: apt-get install -y chromium chromium-driver (README, "
            "'The browser tests'), or set R1_ASSETS_CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    skip = page.get_by_role("button", name="Skip")  # the one-time "join the community" dialog
    try:
        skip.wait_for(state="visible", timeout=3_000)
        skip.click()
    except Exception:
        pass


def confirm_if_asked(page) -> None:
    """Dagster asks "Are you sure?" when upstream partitions are not all materialized, and names
    the other outputs of a multi-asset that come along: both are expected here."""
    confirm = page.get_by_role("button", name="Confirm")
    try:
        confirm.wait_for(state="visible", timeout=3_000)
    except Exception:  # nothing to confirm
        return
    confirm.click()


def launch(page, button: str) -> None:
    """Click the dialog's launch button and wait until the launch went through: the request is
    asynchronous, and leaving the page at once can cancel it."""
    page.get_by_role("button", name=button).click()
    confirm_if_asked(page)
    page.locator(".dagster-dialog").wait_for(state="hidden", timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(2_000)


def matches_label(name: str, label: str) -> bool:
    """The zoomed-out graph shortens long names in the middle: contaminat…_report."""
    if "…" not in label:
        return name == label
    head, tail = label.split("…", 1)
    return name.startswith(head) and name.endswith(tail) and len(name) >= len(head + tail)


def pick_partitions(page, names: tuple[str, ...], dimension: int = 0) -> None:
    """In the launch dialog: choose partitions one by one in the Custom selector of one
    dimension (per-source stages: 0 is shard, 1 is source)."""
    selector = page.locator(".dagster-dialog [class*=TagSelector_tagSelectorContainer]")
    for name in names:
        item = page.get_by_role("menuitem").filter(has_text=name).filter(has_not_text="Select all")
        for attempt in range(3):
            # the dialog sometimes renders its selectors before their options arrive, and a
            # click then opens an empty popover (seen 1 run in ~5): close it and open it again
            selector.nth(dimension).click()
            page.keyboard.press("Control+A")  # the search keeps the last name typed
            page.keyboard.type(name)
            shot(page, f"pick_{name}")
            try:
                item.first.wait_for(state="visible", timeout=10_000)
                break
            except Exception:
                if attempt == 2:
                    raise
                page.keyboard.press("Escape")
                page.wait_for_timeout(2_000)
        item.first.click()
        page.keyboard.press("Escape")
        page.wait_for_timeout(500)  # the popover fades out


def pick_sources(page, names: tuple[str, ...]) -> None:
    """A per-source backfill is one selection: these sources on the source dimension, every
    shard on the shard dimension (the demo's sources are one shard each)."""
    pick_partitions(page, names, dimension=1)
    page.locator(".dagster-dialog").get_by_role("button", name="All").first.click()
    page.wait_for_timeout(500)
    assert_partitions(page, len(names))


def assert_partitions(page, count: int) -> None:
    dialog = page.locator(".dagster-dialog")
    assert f"{count} partition" in dialog.inner_text()


def runs_table(page, url: str) -> str:
    open_page(page, f"{url}/runs")
    page.get_by_text("Created at").first.wait_for()
    page.wait_for_timeout(1_000)  # the rows arrive after the header
    text = page.locator("body").inner_text()
    return text[text.index("Created at") :]


def wait_for_runs(page, url: str, count: int, timeout: float) -> str:
    """Watch the Runs page until ``count`` runs show Success; fail at once on a failed run."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = runs_table(page, url)
        if "Failure" in text:
            shot(page, "failed_run")
            pytest.fail(f"a run failed:\n{text}")
        if text.count("Success") >= count:
            return text
        time.sleep(10)
    shot(page, "runs_timeout")
    pytest.fail(f"{count} successful runs not seen in {timeout}s:\n{text}")


def test_1_the_asset_graph_shows_every_asset_by_stage(server, page) -> None:
    url, _ = server
    open_page(page, f"{url}/asset-groups")
    page.mouse.click(1000, 750, button="right")  # the graph's context menu
    page.get_by_role("menuitem", name="Expand all groups").click()
    labels = page.locator("[class*=AssetNode_assetName]")
    labels.first.wait_for()
    shown = labels.all_inner_texts()
    defs = build_definitions(settings.DEFAULT_CATALOG_PATH, settings.data_dir())
    assets = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    missing = sorted(a for a in assets if not any(matches_label(a, s) for s in shown))
    shot(page, "1_asset_graph")
    assert not missing, f"not in the graph: {missing} (shown: {shown})"
    body = page.locator("body").inner_text()
    for group in ("ingest", "dedup", "select", "distill", "verify", "audit", "train", "evaluate"):
        assert group in body


def test_2_materialize_one_raw_partition(server, page) -> None:
    url, data = server
    open_page(page, f"{url}/assets/raw_problems")
    shot(page, "2_raw_problems")
    page.get_by_role("button", name="Materialize…").first.click()
    confirm_if_asked(page)  # raw_problems_quarantine comes along
    pick_sources(page, (SOURCE,))
    shot(page, "2_launch_dialog")
    launch(page, "Launch 1 run")
    runs = wait_for_runs(page, url, 1, 300)
    shot(page, "2_run_succeeded")
    assert SOURCE in runs
    assert Warehouse(data).partitions("raw_problems") == [f"{SOURCE}.0000"]


def test_3_backfill_two_sources_through_verification(server, page) -> None:
    url, data = server
    open_page(page, f"{url}/asset-groups")
    page.locator(".CodeMirror").first.click()
    page.keyboard.type('+key:"verified_set"')
    page.keyboard.press("Enter")
    page.wait_for_timeout(1_500)
    shot(page, "3_selection")
    page.get_by_role("button", name=re.compile("Materialize")).first.click()
    confirm_if_asked(page)  # the multi-assets' other outputs
    pick_sources(page, BACKFILLED)
    shot(page, "3_backfill_dialog")
    launch(page, "Launch backfill")
    deadline = time.monotonic() + RUN_TIMEOUT
    status = ""
    while time.monotonic() < deadline:
        open_page(page, f"{url}/overview/backfills")
        page.get_by_text("Created at").first.wait_for()
        page.wait_for_timeout(1_000)
        text = page.locator("body").inner_text()
        status = text[text.index("Created at") :]  # the one backfill's row
        if re.search(r"\b(Failure|Failed|Canceled)\b", status):
            shot(page, "3_backfill_failed")
            pytest.fail(f"the backfill failed:\n{status}")
        if re.search(r"\b(Success|Completed)\b", status):
            break
        time.sleep(30)  # a reload of the UI costs CPU the runs need
    else:
        shot(page, "3_backfill_timeout")
        pytest.fail(f"the backfill did not finish in {RUN_TIMEOUT}s:\n{status}")
    shot(page, "3_backfill_done")
    store = Warehouse(data)
    assert {f"{name}.0000" for name in BACKFILLED} <= set(store.partitions("verified_set"))
    assert store.partitions("deduped_pool") == ["data"]
    # the pool "llm" (dagster.yaml: default_limit 1) kept the two runs' LLM steps apart: one
    # engine already takes both cores, two at once would each run at half speed
    steps = llm_steps(data.parent / "dagster_home")
    assert {run for run, *_ in steps} and len({run for run, *_ in steps}) == len(BACKFILLED)
    overlapping = [
        (a, b)
        for i, a in enumerate(steps)
        for b in steps[i + 1 :]
        if a[0] != b[0] and a[2] < b[3] - 0.5 and b[2] < a[3] - 0.5
    ]
    assert not overlapping, f"LLM steps of two runs ran at once: {overlapping}"


def llm_steps(home: Path) -> list[tuple[str, str, float, float]]:
    """(run id, step, start, end) of every step in the pool "llm" of the backfill's runs."""
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    defs = build_definitions(settings.DEFAULT_CATALOG_PATH, settings.data_dir())
    graph = defs.resolve_asset_graph()
    pooled = {
        graph.get(key).assets_def.op.name
        for key in graph.get_all_asset_keys()
        if graph.get(key).assets_def.op.pool == "llm"
    }
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        runs = [r for r in instance.get_runs() if r.tags.get("dagster/backfill")]
        return [
            (run.run_id, stat.step_key, stat.start_time, stat.end_time)
            for run in runs
            for stat in instance.get_run_step_stats(run.run_id)
            if stat.step_key in pooled and stat.start_time and stat.end_time
        ]


def test_4_the_contamination_report_shows_the_planted_copies(server, page) -> None:
    url, data = server
    done_before = runs_table(page, url).count("Success")
    open_page(page, f"{url}/assets/contamination_report")
    page.get_by_role("button", name="Materialize…").first.click()
    confirm_if_asked(page)  # only two sources are materialized upstream
    pick_partitions(page, ("demo_math",))
    assert_partitions(page, 1)
    launch(page, "Launch 1 run")
    wait_for_runs(page, url, done_before + 1, 300)
    open_page(page, f"{url}/assets/contamination_report?partition=demo_math")
    table = page.get_by_text("contaminated_item_table").first
    table.wait_for()
    table.scroll_into_view_if_needed()  # the screenshot shows the metadata, not the schema
    shot(page, "4_contamination_report")
    body = page.locator("body").inner_text()
    planted = {
        p["item_id"]
        for p in PLANTED
        if p["benchmark"] == "demo_math" and p["kind"] != "number_variant"
    }
    missing = [item for item in planted if item not in body]
    assert not missing, f"planted items not shown in the report's metadata: {missing}"
    report = Warehouse(data).read("contamination_report")
    assert set(report.filter(report["verdict"] == "contaminated")["item_id"]) == planted
