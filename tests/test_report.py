"""The HTML report: self-contained, every note highlighted, document text escaped."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from docrepair import repair_text
from docrepair.cli import main
from docrepair.render.report import render_report


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_every_note_is_highlighted_and_counted(path, sample_results):
    result = sample_results[path.name]
    page = render_report(result)
    shown = set(re.findall(r'data-note="([^"]+)"', page)) | {i for group in re.findall(r'data-also="([^"]+)"', page) for i in group.split()}
    assert {note.id for note in result.notes} <= shown
    for action, count in result.header["counts"].items():
        assert f'data-action="{action}"> {action} {count}</label>' in page
    # On the output side too: kept text highlighted, removed text marked where it was.
    output = page[page.index('<pre id="output">') :]
    assert {note.id for note in result.notes} <= set(re.findall(r'data-note="([^"]+)"', output)) | {i for g in re.findall(r'data-also="([^"]+)"', output) for i in g.split()}


def test_the_page_needs_nothing_from_the_network(sample_results):
    page = render_report(next(iter(sample_results.values())))
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page)
    assert "@import" not in page and "<link" not in page


def test_document_text_and_notes_are_escaped():
    text = "关于加强安全管理的通知\n<script>alert(1)</script>\n</script><img src=x onerror=alert(2)>\n&amp; 各单位：\n" * 2
    page = render_report(repair_text(text))
    start = page.index('id="notes-data">')
    end = page.index("</script>", start)
    data, markup = page[start:end], page[:start] + page[end:]
    # The notes travel as JSON text that no "</" can close; the markup holds only escaped text.
    assert "</" not in data and "<\\/script>" in data
    assert "alert(1)</script>" not in markup and "<img" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup


def test_fix_and_report_commands_write_the_report(tmp_path):
    sample = str(SAMPLES[3])
    target = tmp_path / "r.html"
    assert CliRunner().invoke(main, ["fix", sample, "-o", str(tmp_path / "out.txt"), "--report", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    other = tmp_path / "s.html"
    assert CliRunner().invoke(main, ["report", sample, "-o", str(other)]).exit_code == 0
    assert other.read_text(encoding="utf-8") == target.read_text(encoding="utf-8")


def test_a_hostile_file_name_is_escaped_in_the_report(tmp_path):
    from docrepair import repair_file

    path = tmp_path / "<script>alert(1)<"
    path.write_text("关于加强安全管理的通知\n各单位：\n", encoding="utf-8")
    page = render_report(repair_file(path))
    assert "<script>alert(1)<" not in page and "&lt;script&gt;alert(1)&lt;" in page
