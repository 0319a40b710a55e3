"""The lint page in headless Chromium (Debian's package), driven by Playwright, against the live app."""

import os
import shutil

import pytest

from .texts import MIXED_JD, ML_JD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium for the page test (see .ci/run)")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def page(live_server, tmp_path_factory):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        page.goto(live_server.url + "/")
        yield page
        browser.close()


def lint(page, title, text):
    page.fill("#title", title)
    page.fill("#jd", text)
    page.click("#lint")
    page.wait_for_selector("#banner.pass, #banner.mixed, #banner.oos, #banner.error", timeout=60_000)
    page.wait_for_function("document.getElementById('lint').textContent === 'Lint'")


def test_mixed_jd_shows_as_mixed_with_both_archetypes_highlighted(page, tmp_path):
    lint(page, "Machine Learning Engineer", MIXED_JD)
    banner = page.locator("#banner")
    assert "mixed" in banner.get_attribute("class")
    assert "Mixed" in banner.inner_text() and "Research Scientist" in banner.inner_text()
    marks = page.locator("#doc mark")
    archetypes = {marks.nth(i).get_attribute("data-archetype") for i in range(marks.count())}
    assert {"ml_engineer", "research_scientist"} <= archetypes
    # neutral sentences stay plain: the benefits line is not highlighted
    assert "25 days of holiday" not in " ".join(marks.all_inner_texts())
    assert "25 days of holiday" in page.locator("#doc").inner_text()
    # shares bar has a segment per archetype present
    assert page.locator("#bar div[data-archetype=research_scientist]").count() == 1
    # clicking a highlight explains it
    page.locator("#doc mark[data-archetype=research_scientist]").first.click()
    assert "Research Scientist" in page.locator("#finding").inner_text()
    assert page.locator("#suggestions li").count() >= 1
    page.screenshot(path=str(tmp_path / "mixed.png"), full_page=True)


def test_single_archetype_jd_passes(page):
    lint(page, "Senior Machine Learning Engineer", ML_JD)
    assert "pass" in page.locator("#banner").get_attribute("class")
    assert page.locator("#suggestions-section.hidden").count() == 1


def test_error_is_shown_not_swallowed(page):
    lint(page, "", "   ")
    assert "error" in page.locator("#banner").get_attribute("class")
    assert "empty" in page.locator("#banner").inner_text()
