"""Golden outputs and cheap expectations for the samples. Change a golden file only on purpose:
`pytest --update-golden`, then read the diff."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, SAMPLES
from docrepair.ledger import find_lost_offsets, replay
from docrepair.model import Action
from docrepair.render.notes import notes_to_jsonl

GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_golden_output(path, sample_results, update_golden):
    result = sample_results[path.name]
    golden_text = GOLDEN / f"{path.stem}.txt"
    golden_notes = GOLDEN / f"{path.stem}.notes.jsonl"
    if update_golden:
        golden_text.write_text(result.text, encoding="utf-8")
        golden_notes.write_text(notes_to_jsonl(result.notes), encoding="utf-8")
    assert result.text == golden_text.read_text(encoding="utf-8")
    assert notes_to_jsonl(result.notes) == golden_notes.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_replay_and_nothing_lost(path, sample_results):
    result = sample_results[path.name]
    assert replay(result.input_text, result.notes) == result.text
    assert find_lost_offsets(result.input_text, result.notes) == []


def _nonblank(text):
    return [line for line in text.splitlines() if line.strip()]


def test_001_every_body_line_once_in_original_order(sample_results):
    name = next(p.name for p in SAMPLES if p.name.startswith("001"))
    result = sample_results[name]
    lines = _nonblank(result.input_text)
    # The body (line 2 to the end) appears twice; the first copy is the document.
    half = (len(lines) - 1) // 2
    first_copy = lines[: 1 + half]
    assert lines[1 + half :] == lines[1 : 1 + half]
    assert _nonblank(result.text) == first_copy
    sections = re.findall(r"^\(([一二三四五六七八九十]+)\)", result.text, flags=re.M)
    assert len(sections) == 35 and len(set(sections)) == 35
    drops = [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
    assert len(drops) == half and all(n.evidence["kept_input_span"] for n in drops)


@pytest.mark.parametrize("prefix", ["003", "004"])
def test_repeated_title_appears_once_as_a_line(prefix, sample_results):
    name = next(p.name for p in SAMPLES if p.name.startswith(prefix))
    result = sample_results[name]
    input_lines = _nonblank(result.input_text)
    titles = {line.strip() for line in _nonblank(result.text) if line.strip().endswith(("通知", "实施意见")) and len(line) < 80}
    assert titles
    for title in titles:
        assert [line.strip() for line in _nonblank(result.text)].count(title) == 1
    assert result.input_text.count(next(iter(titles))) >= 2 or any(l.count(next(iter(titles))) for l in input_lines)


def test_clean_sample_lines_survive(sample_results):
    """002 is mostly clean: nothing of it may be dropped as a duplicate."""
    name = next(p.name for p in SAMPLES if p.name.startswith("002"))
    result = sample_results[name]
    assert not [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
