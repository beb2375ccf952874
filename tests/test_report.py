"""The HTML report: self-contained, opening on the notes to review, each highlighted on both sides,
routine notes summarised per kind, document text escaped, a page under 5 times its input.

The first half checks the HTML string. The second half (marker `browser`) opens the reports in a
real headless Chromium (Debian's chromium + chromedriver, driven by Selenium) and asserts on the
DOM; it skips, naming what is missing, where there is no browser (`pytest -m "not browser"` skips
it on purpose). It saves a screenshot of seed 003's report to tests/artifacts/report-003.png, and
with --update-golden also to docs/report-003.png (the README's picture, changed only on purpose).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import time
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from docrepair import repair_file, repair_text
from docrepair.cli import main
from docrepair.model import Action, Note, RepairResult, Span
from docrepair.render.outline import outline
from docrepair.render.report import _COLOURS, _DEFAULT_COLOUR, _colour, _highlight, _Mark, _tree_levels, render_report
from docrepair.render.twin_diff import is_near_drop, render_twin_diff

HOSTILE = (
    "关于加强安全管理的通知\n<script>window.pwned=1;alert(1)</script>\n各单位：\n"
    "</script><img src=x onerror=\"window.pwned=2;alert(2)\"> &amp; &lt;b&gt; <!-- x\n"
)


#: Every element the report itself writes; a scraped tag would add to these.
REPORT_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "span", "p", "div", "label",
               "input", "b", "button", "main", "section", "small", "pre", "mark", "aside", "script",
               "details", "summary", "ol", "ul", "li", "del", "ins"}


#: A clause pasted again with one character mistyped (整冶 for 整治): dedup drops the copy as a
#: near duplicate of the first.
NEAR_COPY = (
    "关于加强安全管理的通知\n各单位：\n一、总体要求\n"
    "（一）坚持专项整治与日常监管相结合，以关系生命健康、财产安全和环境保护的商品以及农村市场为重点，开展集中整治。\n"
    "（二）完善以随机抽查为重点的日常监督检查制度，强化对互联网、农村市场和城乡结合部等侵权假冒高发多发领域和地区的监管。\n"
    "（一）坚持专项整治与日常监管相结合，以关系生命健康、财产安全和环境保护的商品以及农村市场为重点，开展集中整冶。\n"
    "二、保障措施\n（三）加强组织领导。\n"
)


def _seed(prefix: str) -> Path:
    return next(path for path in SAMPLES if path.name.startswith(prefix))


class _Page(HTMLParser):
    """The report's panes as the browser will parse them: each pane's text, its marks, and
    whether every element closes where it should."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.pane: str | None = None
        self.text = {"input": [], "output": []}
        self.marks: list[dict[str, str]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.balanced = True
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        self.tags.add(tag)
        if tag in ("meta", "input", "br"):
            return
        self.stack.append(tag)
        if tag == "pre":
            self.pane = attributes.get("id")
        if tag == "mark":
            self.marks.append(attributes)
        if tag == "script":
            self.scripts.append((attributes, ""))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.balanced = False
            return
        self.stack.pop()
        if tag == "pre":
            self.pane = None

    def handle_data(self, data):
        if self.pane:
            self.text[self.pane].append(data)
        if self.stack and self.stack[-1] == "script":
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)


def _parse(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    parsed.close()
    return parsed


def _focusable_ids(parsed: _Page, side: str) -> list[str]:
    return [m["data-note"] for m in parsed.marks if m.get("data-side") == side and "cont" not in m["class"].split()]


# ---------------------------------------------------------------------------------------------
# The HTML string


def _review(result) -> list[Note]:
    return [note for note in result.notes if note.risk == "review"]


def _routine_spans(page: str) -> dict[str, list[tuple[int, int]]]:
    """The routine notes' input spans as the page's script reads them: [start delta, length] pairs."""
    parsed = _parse(page)
    flat = json.loads(next(text for attributes, text in parsed.scripts if attributes.get("id") == "routine-data"))
    spans = {}
    for action, numbers in flat.items():
        start, spans[action] = 0, []
        for delta, length in zip(numbers[::2], numbers[1::2]):
            start += delta
            spans[action].append((start, start + length))
    return spans


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_every_review_note_is_highlighted_once_on_each_side_and_routine_ones_are_counted_by_kind(path, sample_results):
    result = sample_results[path.name]
    page = render_report(result)
    parsed = _parse(page)
    review = _review(result)
    ids = sorted(note.id for note in review)
    for side in ("input", "output"):
        assert sorted(_focusable_ids(parsed, side)) == ids, side
    for action in {note.action.value for note in review}:
        count = sum(note.action.value == action for note in review)
        assert f'data-action="{action}"> {action} <b>{count}</b></label>' in page
    routine = [note for note in result.notes if note.risk == "routine"]
    spans = _routine_spans(page)
    for action in {note.action.value for note in routine}:
        of_kind = sorted((note.input_span.start, note.input_span.end) for note in routine if note.action.value == action)
        assert f'{action}</span> <b>{len(of_kind)}</b>' in page
        assert spans[action] == of_kind  # ◀ ▶ reach every one of them, in input order
    assert sorted(spans) == sorted({note.action.value for note in routine})
    assert f"{len(result.notes)} notes, {len(review)} highlighted" in page


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_the_panes_hold_exactly_the_texts_and_the_markup_nests(path, sample_results):
    result = sample_results[path.name]
    parsed = _parse(render_report(result))
    assert parsed.balanced and not parsed.stack
    assert "".join(parsed.text["input"]) == result.input_text
    assert "".join(parsed.text["output"]) == result.text


def test_removed_text_is_marked_where_it_was_and_gaps_where_they_fall(sample_results):
    result = sample_results[_seed("003").name]
    parsed = _parse(render_report(result))
    output_marks = {m["data-note"]: m for m in parsed.marks if m.get("data-side") == "output" and "cont" not in m["class"]}
    for note in _review(result):
        classes = output_marks[note.id]["class"].split()
        if note.output_span is None:
            assert {"point", "removed"} <= set(classes), note.id
        if note.action is Action.GAP:
            assert "point" in classes and output_marks[note.id]["data-label"] == f"gap: {note.evidence['number']}"


def test_the_page_needs_nothing_from_the_network(sample_results):
    for result in sample_results.values():
        page = render_report(result)
        assert not re.search(r"""(?:src|href|action)\s*=\s*["']?(?:[a-z]+:)?//""", page, re.I)
        assert "@import" not in page and "<link" not in page and "url(" not in page
        assert "<script src" not in page and "@font-face" not in page


def test_document_text_and_notes_are_escaped():
    result = repair_text(HOSTILE * 2)
    page = render_report(result)
    parsed = _parse(page)
    # The panes show the scraped markup as text, character for character.
    assert "".join(parsed.text["input"]) == result.input_text
    # The only elements are the report's own: no <img>, and three scripts, two of them JSON.
    assert "<img" not in page and parsed.tags <= REPORT_TAGS
    assert [attributes.get("type") for attributes, _ in parsed.scripts] == ["application/json"] * 4 + [None]
    assert "pwned" not in parsed.scripts[-1][1]
    # The notes travel as JSON with no "<" at all, and read back to the notes.
    data = parsed.scripts[0][1]
    assert "<" not in data and ">" not in data and "&" not in data
    notes = json.loads(data)
    assert [note["id"] for note in notes] == [note.id for note in _review(result)]
    # The copies dropped are routine: their examples show the scraped markup as text.
    assert "<script>window" not in page and "&lt;script&gt;window.pwned=1" in page


def test_a_hostile_file_name_and_title_are_escaped(tmp_path):
    path = tmp_path / "<script>alert(1)<"
    path.write_text("关于加强安全管理的通知\n各单位：\n", encoding="utf-8")
    page = render_report(repair_file(path))
    assert "<script>alert(1)<" not in page and "&lt;script&gt;alert(1)&lt;" in page
    page = render_report(repair_file(path), title="</title><script>alert(3)</script>")
    assert "alert(3)</script>" not in page and "&lt;/title&gt;" in page


def test_every_action_has_a_colour_and_an_unknown_one_gets_the_default():
    assert set(_COLOURS) == {action.value for action in Action}

    @dataclass(frozen=True)
    class FutureAction:
        value: str

    assert _colour(FutureAction("recolour_seal")) == _DEFAULT_COLOUR


def test_spans_that_cross_are_cut_into_nested_pieces():
    text = "abcdefgh"
    marks = [
        _Mark(1, 5, "<mark id=a>", "<mark class=cont-a>", "</mark>"),
        _Mark(3, 7, "<mark id=b>", "<mark class=cont-b>", "</mark>"),
        _Mark(3, 3, "<mark id=p>", "", "</mark>"),
        _Mark(5, 5, "<mark id=q>", "", "</mark>"),
        _Mark(8, 8, "<mark id=r>", "", "</mark>"),
    ]
    assert _highlight(text, marks) == (
        "a<mark id=a>bc<mark id=p></mark><mark id=b>de</mark></mark>"
        "<mark id=q></mark><mark class=cont-b>fg</mark>h<mark id=r></mark>"
    )


def test_a_large_document_renders_in_one_pass():
    """1 MB of input with 10,000 notes (flags over spans, and positions) renders in seconds."""
    line = "（一）加强重点领域治理，严厉打击侵权假冒违法犯罪行为，维护公平竞争的市场秩序。\n"
    text = line * (1_000_000 // len(line))
    notes = []
    for index in range(10_000):
        start = index * 97
        end = start if index % 5 == 0 else start + 40
        span = Span(start, end)
        action = Action.GAP if start == end else Action.FLAG
        notes.append(
            Note(f"n{index:05d}", 1, "order", action, span, span, span, None, text[start:end], text[start:end],
                 "a synthetic note <b>", {"number": index})
        )
    result = RepairResult(text=text, input_text=text, notes=tuple(notes), units=(), header={"counts": {}})
    started = time.perf_counter()
    page = render_report(result)
    elapsed = time.perf_counter() - started
    assert elapsed < 20, f"{elapsed:.1f}s"
    assert page.count('tabindex="0"') == 2 * len(notes)  # flags and gaps are all to review: all drawn


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_a_report_is_under_five_times_its_input(path, sample_results):
    """Seed 000 (745 routine notes of 763) was 609 KB for 16 KB when every note was drawn."""
    page = render_report(sample_results[path.name]).encode("utf-8")
    assert len(page) < 5 * path.stat().st_size, f"{len(page)} bytes for {path.stat().st_size}"


def test_seed_000s_report_opens_on_its_review_notes_and_summarises_the_routine_ones(sample_results):
    result = sample_results[_seed("000").name]
    page = render_report(result)
    review = _review(result)
    assert len(review) == 18 and len(result.notes) > 700
    # The list of notes to review comes first, open, in note order, before the routine summary and the texts.
    listed = re.findall(r'data-go="(n\d+)"', page)
    assert listed == [note.id for note in review]
    assert page.index('class="review" open') < page.index('class="routine"') < page.index("<main>")
    assert '<details class="routine">' in page  # closed: the routine changes are on demand
    # A pinyin removal is summarised with an example in context, not drawn.
    pinyin = next(note for note in result.notes if note.action is Action.STRIP_PINYIN)
    assert f'data-note="{pinyin.id}"' not in page
    assert f"<del>{pinyin.before}</del>" in page
    assert "498</b>" in page and "234</b>" in page


def test_without_review_notes_the_routine_summary_is_open(sample_results):
    page = render_report(sample_results[_seed("001").name])
    assert "nothing to review" in page and '<details class="routine" open>' in page


def test_routine_positions_count_in_utf16_units_as_the_browser_does():
    text = "关于𠀀加强管理的通知\n各单位：\n\u200b第一条　内容。\n"
    result = repair_text(text * 2)
    invisible = next(note for note in result.notes if note.action is Action.DROP_INVISIBLE)
    spans = _routine_spans(render_report(result))
    astral_before = result.input_text[: invisible.input_span.start].count("𠀀")
    start = invisible.input_span.start + astral_before
    assert (start, start + 1) in spans["drop_invisible"]


def _twin_rows(fragment: str) -> tuple[str, str]:
    """The dropped and kept rows of a twin diff's markup."""
    rows = re.findall(r'<span class="copy">(.*?)</span><span class="who">', fragment + '<span class="who">')
    return rows[0], rows[1]


def _review_item(page: str, note_id: str) -> str:
    return re.search(rf'<li><button type="button" data-go="{note_id}">.*?</li>', page).group(0)


def test_a_near_copy_dropped_is_shown_beside_its_kept_twin_with_the_differing_characters_marked():
    result = repair_text(NEAR_COPY)
    (drop,) = [note for note in result.notes if note.action is Action.DROP_DUPLICATE]
    assert drop.evidence["match"] == "near" and is_near_drop(drop)
    item = _review_item(render_report(result), drop.id)
    dropped, kept = _twin_rows(item)
    assert re.findall(r"<del>(.*?)</del>", dropped) == ["冶"] and "<ins>" not in dropped
    assert re.findall(r"<ins>(.*?)</ins>", kept) == ["治"] and "<del>" not in kept
    # Both rows open with the clause's first words and end where the copies end.
    assert dropped.startswith("（一）坚持专项整治与日常<span class=\"elided\"") and kept.startswith("（一）坚持专项整治与日常<span")
    assert dropped.endswith("开展集中整<del>冶</del>。") and kept.endswith("开展集中整<ins>治</ins>。")
    assert "1 character only in the dropped copy, 1 character only in the kept one" in item


def test_each_partial_copy_of_seed_003_is_diffed_against_its_kept_clause_and_exact_copies_are_not(sample_results):
    result = sample_results[_seed("003").name]
    page = render_report(result)
    near = [note for note in _review(result) if is_near_drop(note)]
    assert len(near) == 4 and all(note.evidence["match"] == "partial" for note in near)
    assert page.count('<div class="twin"') == len(near)
    for note in near:
        dropped, kept = _twin_rows(_review_item(page, note.id))
        # A partial copy is wholly inside its kept clause: nothing of it is marked, and what the
        # kept clause has besides is.
        assert "<del>" not in dropped and "<ins>" in kept, note.id
        assert "0 characters only in the dropped copy" in _review_item(page, note.id)
        start, end = note.evidence["kept_input_span"]
        assert _without_tags(kept).startswith(result.input_text[start : start + 12]), note.id
    # Exact copies are routine: seed 001 drops 68 of them and shows no diff.
    assert '<div class="twin"' not in render_report(sample_results[_seed("001").name])


def test_a_near_drop_whose_twin_has_no_input_span_shows_no_diff():
    result = repair_text(NEAR_COPY)
    notes = tuple(
        replace(note, evidence={**note.evidence, "kept_input_span": None}) if note.action is Action.DROP_DUPLICATE else note
        for note in result.notes
    )
    page = render_report(replace(result, notes=notes))
    assert '<div class="twin"' not in page and 'data-go="n0001"' in page


def test_a_twin_diff_cuts_long_identical_runs_and_never_claims_what_it_did_not_compare():
    clause = "（一）坚持专项整治与日常监管相结合，以关系生命健康、财产安全和环境保护的商品以及农村市场为重点。" * 6
    page = render_twin_diff(clause + "开展集中整冶。" + clause, clause + "开展集中整治。" + clause)
    dropped, kept = _twin_rows(page)
    assert re.findall(r"<del>(.*?)</del>", dropped) == ["冶"] and re.findall(r"<ins>(.*?)</ins>", kept) == ["治"]
    # Two copies of 600 characters: each row is the two ends of the runs around the difference.
    assert len(_without_tags(dropped)) == len(_without_tags(kept)) == 4 * 12 + 2 + 1
    assert page.count('identical characters">') == 4
    # Copies longer than the aligner is given: what lies beyond is counted, not called identical.
    long_page = render_twin_diff("甲" * 3000 + "乙", "甲" * 3000 + "丙")
    assert "<del>" not in long_page and "2001 more characters, not compared" in long_page
    assert "(of the first 1000 of each)" in long_page and len(long_page) < 1000


def _without_tags(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _outline_entries(page: str) -> list[tuple[int, int, int]]:
    """The outline as the page's script reads it: (level, start, end) from the triples."""
    parsed = _parse(page)
    flat = json.loads(next(text for attributes, text in parsed.scripts if attributes.get("id") == "outline-data"))
    entries, start = [], 0
    for level, delta, length in zip(flat[::3], flat[1::3], flat[2::3]):
        start += delta
        entries.append((level, start, start + length))
    return entries


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_the_outline_panel_carries_every_numbered_clause_with_its_line_and_level(path, sample_results):
    result = sample_results[path.name]
    page = render_report(result)
    entries = outline(result)
    assert entries and f"outline: {len(entries)} numbered clauses" in page
    shown = _outline_entries(page)
    assert [(start, end) for _, start, end in shown] == [tuple(entry["span"]) for entry in entries]
    assert [result.text[start:end] for _, start, end in shown] == [entry["text"] for entry in entries]
    # The samples nest without skipping a level: a clause's level is its depth less one.
    assert [level for level, _, _ in shown] == [entry["depth"] - 1 for entry in entries]


def test_an_outline_that_skips_a_depth_still_nests_one_level_at_a_time():
    assert _tree_levels([1, 3, 3, 2, 1, 2]) == [0, 1, 1, 1, 0, 1]
    assert _tree_levels([2, 1, 3]) == [0, 0, 1]


def test_a_document_without_numbered_clauses_has_no_outline_panel():
    page = render_report(repair_text(HOSTILE * 2))
    assert 'class="outline"' not in page and _outline_entries(page) == []


# ---------------------------------------------------------------------------------------------
# The CLI (the wiring the lead owns; checked here so the report and its commands agree)


def test_fix_and_report_commands_write_the_same_report(tmp_path):
    sample = str(_seed("003"))
    target = tmp_path / "r.html"
    assert CliRunner().invoke(main, ["fix", sample, "-o", str(tmp_path / "out.txt"), "--report", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    other = tmp_path / "s.html"
    assert CliRunner().invoke(main, ["report", sample, "-o", str(other)]).exit_code == 0
    assert other.read_text(encoding="utf-8") == target.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# In a real headless Chromium


def _find_browser() -> tuple[str, str] | str:
    """(chromium, chromedriver), or why there is none."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[browser]')"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        return "no chromium/chromedriver on this machine (apt-get install chromium chromium-driver fonts-wqy-zenhei)"
    return chromium, driver


@pytest.fixture(scope="module")
def browser():
    found = _find_browser()
    if isinstance(found, str):
        pytest.skip(found)
    from selenium import webdriver

    chromium, driver_path = found
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900", "--lang=en"):
        options.add_argument(argument)
    # An alert is never dismissed behind the test's back: it stays, and alert_is_present sees it.
    options.set_capability("unhandledPromptBehavior", "ignore")
    try:
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=driver_path))
    except Exception as error:  # a browser that cannot start here is a skip, with its reason
        pytest.skip(f"chromium did not start: {str(error).splitlines()[0]}")
    yield driver
    driver.quit()


def _open(browser, tmp_path: Path, page: str, name: str = "report.html"):
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    browser.get(path.as_uri())
    return browser


def _assert_no_dialog(browser):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        alert = WebDriverWait(browser, 1).until(expected_conditions.alert_is_present())
    except TimeoutException:
        return
    message = alert.text
    alert.dismiss()
    pytest.fail(f"the report opened a dialog: {message!r}")


def _click(browser, element):
    browser.execute_script("arguments[0].scrollIntoView({block:'center'});", element)
    element.click()


_IDS_ON_SIDES = """
var out = {input: [], output: [], unseen: []};
document.querySelectorAll('mark[data-note][tabindex]').forEach(function(m){
  out[m.dataset.side].push(m.dataset.note);
  if (!m.getClientRects().length) out.unseen.push(m.dataset.note + '/' + m.dataset.side);
});
return out;
"""


@pytest.mark.browser
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_each_sample_shows_every_review_note_on_both_sides_and_a_click_shows_its_reason(browser, tmp_path, path, sample_results):
    from selenium.webdriver.common.by import By

    result = sample_results[path.name]
    _open(browser, tmp_path, render_report(result), f"{path.stem}.html")
    _assert_no_dialog(browser)
    found = browser.execute_script(_IDS_ON_SIDES)
    ids = sorted(note.id for note in _review(result))
    assert sorted(found["input"]) == ids and sorted(found["output"]) == ids
    assert found["unseen"] == [], "every highlight is rendered"
    box = browser.find_element(By.ID, "note")
    assert not box.is_displayed()
    by_id = {note.id: note for note in result.notes}
    for action in sorted({note.action.value for note in _review(result)}):  # one of each action, on each side
        for side in ("input", "output"):
            mark = browser.find_element(By.CSS_SELECTOR, f'mark[data-action="{action}"][data-side="{side}"][tabindex]')
            _click(browser, mark)
            note = by_id[mark.get_attribute("data-note")]
            assert box.is_displayed() and box.get_attribute("data-note") == note.id
            assert note.reason in box.text, (action, side)


@pytest.mark.browser
def test_the_kept_twin_is_a_link_that_scrolls_to_it(browser, tmp_path, sample_results):
    from selenium.webdriver.common.by import By

    result = sample_results[_seed("003").name]
    _open(browser, tmp_path, render_report(result))
    note = next(n for n in reversed(_review(result)) if n.action is Action.DROP_DUPLICATE and "kept_input_span" in n.evidence)
    _click(browser, browser.find_element(By.CSS_SELECTOR, f'mark[data-note="{note.id}"][data-side="input"]'))
    start, end = note.evidence["kept_input_span"]
    link = browser.find_element(By.LINK_TEXT, f"input {start}–{end}")
    link.click()
    target = browser.find_element(By.CSS_SELECTOR, f'span.ref[data-ref="in-{start}-{end}"]')
    assert target.text.strip() == result.input_text[start:end].strip()
    in_view = browser.execute_script(
        "var r = arguments[0].getBoundingClientRect(), p = document.getElementById('input').getBoundingClientRect();"
        "return r.bottom > p.top && r.top < p.bottom;",
        target,
    )
    assert in_view, "the kept copy was scrolled into its pane"


@pytest.mark.browser
def test_the_keyboard_reaches_a_highlight_and_enter_opens_it(browser, tmp_path, sample_results):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    result = sample_results[_seed("004").name]
    _open(browser, tmp_path, render_report(result))
    browser.find_element(By.TAG_NAME, "body").click()
    first = browser.find_element(By.CSS_SELECTOR, "mark[tabindex]")
    browser.execute_script("arguments[0].focus();", first)
    active = browser.switch_to.active_element
    assert active.get_attribute("data-note") == first.get_attribute("data-note")
    active.send_keys(Keys.ENTER)
    box = browser.find_element(By.ID, "note")
    note = next(n for n in result.notes if n.id == first.get_attribute("data-note"))
    assert box.is_displayed() and note.reason in box.text
    active.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("tabindex") == "0", "Tab goes on to the next highlight or link"
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert not box.is_displayed()


@pytest.mark.browser
def test_the_arrows_of_a_routine_kind_select_each_change_in_the_input(browser, tmp_path, sample_results):
    from selenium.webdriver.common.by import By

    result = sample_results[_seed("000").name]
    _open(browser, tmp_path, render_report(result))
    pinyin = sorted((n for n in result.notes if n.action is Action.STRIP_PINYIN), key=lambda n: n.input_span.start)
    browser.find_element(By.CSS_SELECTOR, "details.routine summary").click()
    selected = "return window.getSelection().toString()"
    shown = 'return document.querySelector(\'.at[data-at="strip_pinyin"]\').textContent'
    _click(browser, browser.find_element(By.CSS_SELECTOR, 'button[data-step="strip_pinyin"][data-by="1"]'))
    first = pinyin[0].input_span
    assert browser.execute_script(selected) == result.input_text[first.start : first.end]
    assert browser.execute_script(shown) == f"1 / {len(pinyin)}"
    _click(browser, browser.find_element(By.CSS_SELECTOR, 'button[data-step="strip_pinyin"][data-by="1"]'))
    second = pinyin[1].input_span
    assert browser.execute_script(selected) == result.input_text[second.start : second.end]
    _click(browser, browser.find_element(By.CSS_SELECTOR, 'button[data-step="strip_pinyin"][data-by="-1"]'))
    _click(browser, browser.find_element(By.CSS_SELECTOR, 'button[data-step="strip_pinyin"][data-by="-1"]'))
    last = pinyin[-1].input_span  # from the first, back round to the last
    assert browser.execute_script(selected) == result.input_text[last.start : last.end]
    assert browser.execute_script(shown) == f"{len(pinyin)} / {len(pinyin)}"
    in_view = browser.execute_script(
        "var r = window.getSelection().getRangeAt(0).getBoundingClientRect(), p = document.getElementById('input').getBoundingClientRect();"
        "return r.bottom > p.top && r.top < p.bottom;"
    )
    assert in_view, "the selected change was scrolled into the input pane"


@pytest.mark.browser
def test_n_and_p_step_through_the_notes_to_review(browser, tmp_path, sample_results):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    result = sample_results[_seed("000").name]
    review = _review(result)
    _open(browser, tmp_path, render_report(result))
    box = browser.find_element(By.ID, "note")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("n")
    assert box.is_displayed() and box.get_attribute("data-note") == review[0].id
    browser.switch_to.active_element.send_keys("n")
    assert box.get_attribute("data-note") == review[1].id
    browser.switch_to.active_element.send_keys("p")
    browser.switch_to.active_element.send_keys("p")
    assert box.get_attribute("data-note") == review[-1].id  # round from the first to the last
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert not box.is_displayed()


_BUTTON_DEPTHS = """
var panel = arguments[0];
return Array.from(panel.querySelectorAll('button[data-line]')).map(function(b){
  var depth = 0;
  for (var e = b; e !== panel; e = e.parentElement) if (e.tagName === 'UL') depth++;
  return [depth, b.textContent];
});
"""


@pytest.mark.browser
def test_the_outline_is_a_tree_whose_entries_select_their_line_in_the_output(browser, tmp_path, sample_results):
    from selenium.webdriver.common.by import By

    result = sample_results[_seed("003").name]
    entries = outline(result)
    _open(browser, tmp_path, render_report(result))
    panel = browser.find_element(By.CSS_SELECTOR, "details.outline")
    assert not browser.execute_script("return arguments[0].open", panel), "closed until asked for"
    panel.find_element(By.TAG_NAME, "summary").click()
    # One button per clause, nested as deep as its path (一、 > （一） > 1．), showing its opening words.
    nesting = browser.execute_script(_BUTTON_DEPTHS, panel)
    assert [depth for depth, _ in nesting] == [entry["depth"] for entry in entries]
    assert [label for _, label in nesting] == [e["text"] if len(e["text"]) <= 24 else e["text"][:23] + "…" for e in entries]
    item = next(entry for entry in entries if entry["series"] == "1." and entry["number"] == 20)
    button = panel.find_element(By.CSS_SELECTOR, f'button[data-line="{item["span"][0]},{item["span"][1]}"]')
    _click(browser, button)
    assert browser.execute_script("return window.getSelection().toString()") == item["text"]
    assert button.get_attribute("aria-current") == "true"
    in_view = browser.execute_script(
        "var r = window.getSelection().getRangeAt(0).getBoundingClientRect(), p = document.getElementById('output').getBoundingClientRect();"
        "return r.height > 0 && r.top >= p.top && r.bottom <= p.bottom;"
    )
    assert in_view, "the output pane scrolled to the clause"


@pytest.mark.browser
def test_a_near_drops_diff_shows_in_the_review_list_with_its_differences_coloured(browser, tmp_path):
    from selenium.webdriver.common.by import By

    _open(browser, tmp_path, render_report(repair_text(NEAR_COPY)))
    twin = browser.find_element(By.CSS_SELECTOR, "details.review li .twin")
    assert twin.is_displayed()
    deleted, inserted = twin.find_element(By.TAG_NAME, "del"), twin.find_element(By.TAG_NAME, "ins")
    assert (deleted.text, inserted.text) == ("冶", "治")
    background = "return getComputedStyle(arguments[0]).backgroundColor"
    assert browser.execute_script(background, deleted) not in ("rgba(0, 0, 0, 0)", "transparent")
    assert browser.execute_script(background, inserted) not in ("rgba(0, 0, 0, 0)", "transparent")
    # The dropped copy is the upper row, its kept twin the lower.
    assert deleted.location["y"] < inserted.location["y"]


@pytest.mark.browser
def test_filters_hide_and_show_an_action(browser, tmp_path, sample_results):
    from selenium.webdriver.common.by import By

    result = sample_results[_seed("003").name]
    _open(browser, tmp_path, render_report(result))
    background = "return getComputedStyle(arguments[0]).backgroundColor"
    toggle = browser.find_element(By.CSS_SELECTOR, 'input[data-action="move"]')
    moves = browser.find_elements(By.CSS_SELECTOR, 'mark[data-action="move"]')
    others = browser.find_elements(By.CSS_SELECTOR, 'mark[data-action="drop_duplicate"]')
    assert moves and others
    toggle.click()
    assert all("hidden" in m.get_attribute("class") for m in moves)
    assert browser.execute_script(background, moves[0]) == "rgba(0, 0, 0, 0)"
    assert not any("hidden" in m.get_attribute("class") for m in others)
    toggle.click()
    assert not any("hidden" in m.get_attribute("class") for m in moves)
    assert browser.execute_script(background, moves[0]) != "rgba(0, 0, 0, 0)"
    browser.find_element(By.CSS_SELECTOR, 'button[data-all="0"]').click()
    assert all("hidden" in m.get_attribute("class") for m in browser.find_elements(By.CSS_SELECTOR, "mark[data-note]"))
    gaps = browser.find_elements(By.CSS_SELECTOR, 'mark[data-action="gap"]')
    assert gaps and not any(g.is_displayed() for g in gaps), "a hidden position takes no room"
    browser.find_element(By.CSS_SELECTOR, 'button[data-all="1"]').click()
    assert not any("hidden" in (m.get_attribute("class") or "") for m in browser.find_elements(By.CSS_SELECTOR, "mark[data-note]"))


@pytest.mark.browser
def test_scraped_script_shows_as_text_and_runs_nothing(browser, tmp_path):
    from selenium.webdriver.common.by import By

    result = repair_text(HOSTILE * 2)
    _open(browser, tmp_path, render_report(result, title="<script>alert(3)</script>"))
    _assert_no_dialog(browser)
    assert browser.execute_script("return window.pwned === undefined")
    assert browser.find_elements(By.TAG_NAME, "img") == []
    shown = browser.execute_script("return document.getElementById('input').textContent")
    assert shown == result.input_text
    assert "<script>alert(3)</script>" in browser.title
    # The dropped copies are routine: their examples show the script as text, and stepping to them runs nothing.
    assert browser.execute_script("return document.querySelector('details.routine').open"), "nothing to review: open"
    assert "<script>window.pwned=1;alert(1)</script>"[:20] in browser.find_element(By.CSS_SELECTOR, "details.routine").text
    for _ in range(2):  # the first copy dropped is the title, the second the script
        _click(browser, browser.find_element(By.CSS_SELECTOR, 'button[data-step="drop_duplicate"][data-by="1"]'))
    _assert_no_dialog(browser)
    assert "<script>window.pwned=1;alert(1)</script>" in browser.execute_script("return window.getSelection().toString()")
    assert browser.execute_script("return window.pwned === undefined")


@pytest.mark.browser
def test_it_prints_both_texts_without_the_controls(browser, tmp_path, sample_results):
    import base64

    _open(browser, tmp_path, render_report(sample_results[_seed("003").name]))
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = browser.execute_script(
            "return [getComputedStyle(document.getElementById('note')).display,"
            " getComputedStyle(document.querySelector('input[data-action]')).display,"
            " getComputedStyle(document.querySelector('main')).display,"
            " getComputedStyle(document.getElementById('output')).overflow]"
        )
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert hidden == ["none", "none", "block", "visible"]
    from selenium.webdriver.common.print_page_options import PrintOptions

    pdf = base64.b64decode(browser.print_page(PrintOptions()))
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 2, "both texts, over pages"


@pytest.mark.browser
def test_a_screenshot_of_seed_003s_report(browser, tmp_path, sample_results, update_golden):
    """Saved for people to look at: tests/artifacts/ every run, docs/ with --update-golden."""
    from selenium.webdriver.common.by import By

    result = sample_results[_seed("003").name]
    _open(browser, tmp_path, render_report(result))
    browser.set_window_size(1400, 900)
    note = next(n for n in _review(result) if n.action is Action.DROP_DUPLICATE)
    _click(browser, browser.find_element(By.CSS_SELECTOR, f'mark[data-note="{note.id}"][data-side="input"]'))
    browser.execute_script("document.querySelectorAll('.flash').forEach(function(m){ m.classList.remove('flash'); });"
                           "document.activeElement.blur();")
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(artifacts / "report-003.png"))
    if update_golden:
        shutil.copyfile(artifacts / "report-003.png", ROOT / "docs" / "report-003.png")
