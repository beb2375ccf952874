"""The report in a real headless Chromium (Debian's chromium and chromedriver, Selenium): every
note highlighted, a click shows its reason, filters hide and show, scraped <script> stays text.
Run by CI; skipped where no browser is installed (pytest -m "not browser" skips it on purpose)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES
from docrepair import repair_text
from docrepair.render.report import render_report

pytestmark = pytest.mark.browser
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[browser]')")
if not (shutil.which("chromium") or shutil.which("chromium-browser")) or not shutil.which("chromedriver"):
    pytest.skip("no chromium/chromedriver on this machine (apt-get install chromium chromium-driver)", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    yield driver
    driver.quit()


def _open(browser, tmp_path: Path, page: str, name: str = "report.html"):
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    browser.get(path.as_uri())
    return browser


def test_each_sample_report_highlights_every_note_and_shows_its_reason(browser, tmp_path, sample_results):
    for sample in SAMPLES:
        result = sample_results[sample.name]
        _open(browser, tmp_path, render_report(result), f"{sample.stem}.html")
        marks = browser.find_elements(By.CSS_SELECTOR, "mark[data-note]")
        for side in ("input", "output"):
            on_side = [m for m in marks if m.get_attribute("data-side") == side]
            shown = {m.get_attribute("data-note") for m in on_side} | {i for m in on_side for i in (m.get_attribute("data-also") or "").split()}
            assert {note.id for note in result.notes} <= shown, (sample.name, side)
        if not result.notes:
            continue
        first = next(m for m in marks if m.is_displayed())
        browser.execute_script("arguments[0].scrollIntoView({block:'center'});", first)
        first.click()
        box = browser.find_element(By.ID, "note")
        note = next(n for n in result.notes if n.id == first.get_attribute("data-note"))
        assert box.is_displayed() and note.reason in box.text


def test_filters_hide_and_show_an_action(browser, tmp_path, sample_results):
    result = sample_results[next(p.name for p in SAMPLES if p.name.startswith("003"))]
    _open(browser, tmp_path, render_report(result))
    toggle = browser.find_element(By.CSS_SELECTOR, 'input[data-action="move"]')
    moves = browser.find_elements(By.CSS_SELECTOR, 'mark[data-action="move"]')
    assert moves
    toggle.click()
    assert all("hidden" in m.get_attribute("class") for m in moves)
    toggle.click()
    assert not any("hidden" in (m.get_attribute("class") or "") for m in moves)
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    browser.save_screenshot(str(artifacts / "report-003.png"))


def test_scraped_script_shows_as_text_and_never_runs(browser, tmp_path):
    text = "关于加强安全管理的通知\n<script>document.title='pwned'</script>\n各单位：\n<img src=x onerror=\"document.title='pwned'\">\n"
    _open(browser, tmp_path, render_report(repair_text(text * 2)))
    assert "pwned" not in browser.title
    assert "<script>document.title='pwned'</script>" in browser.find_element(By.ID, "input").text
