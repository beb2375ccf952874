"""`docrepair batch --report`: each document's HTML report under OUTDIR/reports/, and an index,
OUTDIR/report.html, that lists them with the most notes to review first and links each."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from docrepair import repair_file
from docrepair.cli import main
from docrepair.render.index import ReportEntry, render_report_index
from docrepair.render.report import render_report


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, ["batch", *args, "--quiet"], input=input, catch_exceptions=False)


class _Index(HTMLParser):
    """The index's rows: (review notes, notes, link, id) in page order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        if tag == "td":
            self._cell = []
        if tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _index(out: Path) -> _Index:
    parsed = _Index()
    parsed.feed((out / "report.html").read_text(encoding="utf-8"))
    parsed.rows = [row for row in parsed.rows if row]  # the header row has th cells only
    return parsed


def _review_count(result) -> int:
    return sum(note.risk == "review" for note in result.notes)


@pytest.mark.slow
def test_the_index_lists_every_document_by_review_count_and_links_its_report(tmp_path):
    samples = tmp_path / "in"
    samples.mkdir()
    for path in SAMPLES:
        (samples / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    assert run(str(samples), "-o", str(out), "--report", "--jobs", "2").exit_code == 0

    expected = {path.name: repair_file(samples / path.name) for path in SAMPLES}
    index = _index(out)
    shown = [(int(row[0]), int(row[1]), row[2]) for row in index.rows]
    assert sorted(name for _, _, name in shown) == sorted(expected)
    assert [review for review, _, _ in shown] == sorted((review for review, _, _ in shown), reverse=True)
    for review, notes, name in shown:
        assert review == _review_count(expected[name]) and notes == len(expected[name].notes)
    for link, (_, _, name) in zip(index.links, shown):
        report = out / unquote(link)
        assert report == out / "reports" / f"{name}.html"
        assert report.read_text(encoding="utf-8") == render_report(expected[name], title=name)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:[a-z]+:)?//""", page, re.I) and "<script" not in page
    # The clean texts are where they always are.
    assert (out / SAMPLES[0].name).read_text(encoding="utf-8") == expected[SAMPLES[0].name].text


def test_a_rerun_keeps_the_index_and_a_run_without_report_is_completed_by_one_with_it(tmp_path):
    samples = tmp_path / "in"
    samples.mkdir()
    seeds = [path for path in SAMPLES if path.name.startswith(("003", "004"))]
    for path in seeds:
        (samples / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    assert run(str(samples), "-o", str(out)).exit_code == 0
    assert not (out / "report.html").exists() and not (out / "reports").exists()
    # Done before without --report: the documents are done again, for their reports.
    assert run(str(samples), "-o", str(out), "--report").exit_code == 0
    first = (out / "report.html").read_text(encoding="utf-8")
    assert len(_index(out).rows) == 2 and all((out / "reports" / f"{path.name}.html").exists() for path in seeds)
    # A rerun skips them all and writes the same index from their markers.
    result = CliRunner().invoke(main, ["batch", str(samples), "-o", str(out), "--report"])
    assert "0 repaired, 2 already done" in result.stderr
    assert (out / "report.html").read_text(encoding="utf-8") == first
    # A deleted report is made again.
    (out / "reports" / f"{seeds[0].name}.html").unlink()
    result = CliRunner().invoke(main, ["batch", str(samples), "-o", str(out), "--report"])
    assert "1 repaired, 1 already done" in result.stderr and (out / "reports" / f"{seeds[0].name}.html").exists()


def test_jsonl_records_get_reports_under_their_source_and_odd_ids_link_right(tmp_path):
    text = next(path for path in SAMPLES if path.name.startswith("004")).read_text(encoding="utf-8")
    source = tmp_path / "crawl.jsonl"
    records = [{"id": "a b#1?.txt", "text": text}, {"id": "<b>", "text": text}, {"id": "blank", "text": " "}]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    assert run(str(source), "-o", str(out), "--report").exit_code == 1  # the blank record fails
    index = _index(out)
    assert sorted(row[2] for row in index.rows) == ["<b>", "a b#1?.txt"]
    for link in index.links:
        assert (out / unquote(link)).is_file() and unquote(link).startswith("reports/crawl.jsonl/")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<b>" not in page and ">&lt;b&gt;</a>" in page
    assert "1 could not be repaired" in page


def test_report_without_an_outdir_is_a_usage_error():
    result = CliRunner().invoke(main, ["batch", "-", "--report"], input=b'{"id": "a", "text": "x"}\n')
    assert result.exit_code == 2 and "--report needs -o OUTDIR" in result.stderr


def test_the_index_orders_by_review_notes_then_notes_then_id_and_escapes():
    entries = [
        ReportEntry("b", "reports/b.html", 0, 9),
        ReportEntry("c", "reports/c.html", 2, 1),
        ReportEntry("a", "reports/a.html", 2, 1),
        ReportEntry("d", "reports/d.html", 2, 5, title="<script>alert(1)</script>"),
    ]
    page = render_report_index(entries)
    assert [re.search(r">(\w)</a>", row).group(1) for row in page.split("<tr")[2:]] == ["d", "a", "c", "b"]
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "4 documents, 3 with notes to review (6 review notes of 16 in all)" in page

