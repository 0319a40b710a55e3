"""The lint page in headless Chromium (Debian's package), driven by Playwright, against the live app."""

import os
import shutil

import pytest

from .files import make_pdf
from .texts import MIXED_JD, ML_JD, RS_RESUME

BANNER = "#banner.pass, #banner.mixed, #banner.oos, #banner.fail, #banner.error"

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
    page.wait_for_selector(BANNER, timeout=60_000)
    page.wait_for_function("document.getElementById('lint').textContent === 'Lint'")


def choose_file(page, name, content, mime):
    page.evaluate("document.getElementById('banner').className = ''")
    page.set_input_files("#file", files=[{"name": name, "mimeType": mime, "buffer": content}])
    page.wait_for_selector(BANNER, timeout=60_000)
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


def test_findings_are_listed_by_severity_beside_the_highlights_with_the_pay_read(page):
    lint(page, "", MIXED_JD + "\nWe also pay a bonus.\n")
    items = page.locator("#findings li")
    severities = [items.nth(i).get_attribute("data-severity") for i in range(items.count())]
    assert severities[0] == "error" and severities == sorted(severities, key=["error", "warning", "info"].index)
    assert page.locator("#findings li[data-rule=mixed-archetypes]").count() == 1
    pay = page.locator("#findings li[data-rule=pay-below-market]")
    assert "Read: $150,000-$185,000 USD per year" in pay.inner_text()
    assert "Band compared:" in pay.inner_text() and "seeds/" in pay.inner_text()
    assert "1 error," in page.locator("#counts").inner_text()
    assert "Pay read: $150,000-$185,000 USD per year" in page.locator("#pay").inner_text()
    # clicking a located finding selects its sentence in the text
    page.locator("#findings li[data-rule=mixed-archetypes]").click()
    assert page.locator("#doc mark.selected").get_attribute("data-archetype") == "research_scientist"


def test_title_mismatch_fails_on_the_page(page):
    lint(page, "Research Scientist", ML_JD)
    assert "fail" in page.locator("#banner").get_attribute("class")
    assert "FAIL" in page.locator("#banner").inner_text()
    assert page.locator("#findings li[data-rule=title-mismatch][data-severity=error]").count() == 1
    assert page.locator("#pay.hidden").count() == 1  # no pay stated, nothing to show


def test_pay_with_no_band_says_why(page):
    lint(page, "", ML_JD + "\nSalary: £70,000 - £85,000 a year.\n")
    assert "pass" in page.locator("#banner").get_attribute("class")
    text = page.locator("#pay").inner_text()
    assert "£70,000-£85,000 GBP per year" in text and "exchange rates are never guessed" in text


def test_a_chosen_jd_file_is_linted_and_its_text_shown(page):
    choose_file(page, "jd.pdf", make_pdf(MIXED_JD.splitlines()), "application/pdf")
    assert "mixed" in page.locator("#banner").get_attribute("class")
    assert page.locator("#findings li[data-rule=mixed-archetypes]").count() == 1
    assert "Northwind" in page.locator("#doc").inner_text() and "Northwind" in page.input_value("#jd")


def test_a_dropped_resume_is_classified_with_the_sentences_that_decided_it(page):
    page.evaluate("document.getElementById('banner').className = ''")
    page.evaluate(
        """(text) => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], "cv.txt", { type: "text/plain" }));
            document.getElementById("drop").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true }));
        }""",
        RS_RESUME,
    )
    page.wait_for_selector(BANNER, timeout=60_000)
    page.wait_for_function("document.getElementById('lint').textContent === 'Lint'")
    assert "Resume: Research Scientist" in page.locator("#banner").inner_text()
    assert page.locator("#evidence li").count() >= 1
    assert page.locator("#bar div[data-archetype=research_scientist]").count() == 1
    assert page.locator("#doc-section.hidden").count() == 1


def test_unreadable_and_too_large_files_are_shown(page):
    choose_file(page, "broken.pdf", b"%PDF-1.4 broken", "application/pdf")
    banner = page.locator("#banner")
    assert "error" in banner.get_attribute("class") and "cannot read this PDF" in banner.inner_text()
    choose_file(page, "huge.txt", b"x" * (10 * 1024 * 1024 + 10), "text/plain")
    assert "error" in banner.get_attribute("class") and "upload limit" in banner.inner_text()
    choose_file(page, "tool.exe", b"MZ\x90\x00", "application/octet-stream")
    assert "error" in banner.get_attribute("class") and "tool.exe" in banner.inner_text()
