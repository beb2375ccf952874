"""`docrepair explain`: one summary line in words, then the notes grouped by clause in output order."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from conftest import ROOT, SAMPLES
from docrepair import repair_text
from docrepair.ledger import map_offsets
from docrepair.model import Action
from docrepair.render.explain import (
    _SUMMARY_WORDS,
    explain,
    explain_note,
    group_notes_by_clause,
    say_count,
    summarize,
)

SUMMARY = re.compile(r"^kept \d+ units?(, [^,()]+)* \(\d+ → \d+ characters\)(; \d+ to review)?$")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_the_summary_is_one_line_with_every_action_counted(path, sample_results):
    result = sample_results[path.name]
    line = summarize(result)
    assert SUMMARY.match(line), line
    assert line.startswith(f"kept {len(result.units)} unit")
    for action_name, count in result.header["counts"].items():
        assert say_count(Action.from_name(action_name), count) in line
    assert explain(result).splitlines()[0] == line
    review = [note for note in result.notes if note.risk == "review"]
    assert line.endswith(f"; {len(review)} to review") if review else "to review" not in line


def test_explain_lists_the_notes_to_review_first(sample_results):
    result = sample_results[next(p.name for p in SAMPLES if p.name.startswith("000"))]
    lines = explain(result).splitlines()
    review = [note for note in result.notes if note.risk == "review"]
    assert len(review) == 18 and lines[1] == "── to review first (18): the changes a person should check"
    assert [line.split()[0] for line in lines[2:20]] == [note.id for note in review]
    assert {note.action for note in review} == {Action.REPAIR_MOJIBAKE, Action.RESTORE_MARKER}


def test_the_summary_leads_with_structure_in_the_issues_order(sample_results):
    line = summarize(sample_results[next(p.name for p in SAMPLES if p.name.startswith("003"))])
    assert re.search(r"^kept \d+ units, dropped \d+ duplicates, moved \d+, \d+ gaps, ", line), line


def test_counts_are_said_in_words_singular_and_plural():
    assert say_count(Action.DROP_DUPLICATE, 1) == "dropped 1 duplicate"
    assert say_count(Action.DROP_DUPLICATE, 69) == "dropped 69 duplicates"
    assert say_count(Action.MOVE, 12) == "moved 12"
    assert say_count(Action.RESTORE_MARKER, 3) == "restored 3 markers"
    assert say_count(Action.GAP, 8) == "8 gaps" and say_count(Action.GAP, 1) == "1 gap"


def test_every_action_has_words_and_an_unknown_one_is_named():
    assert set(Action) <= set(_SUMMARY_WORDS)

    @dataclass(frozen=True)
    class FutureAction:
        value: str

    assert say_count(FutureAction("recolour_seal"), 2) == "recolour_seal 2"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_every_note_is_listed_once_in_the_group_of_its_clause(path, sample_results):
    result = sample_results[path.name]
    offsets = map_offsets(result)
    groups = group_notes_by_clause(result, offsets)
    listed = [note.id for group in groups for note in group.notes]
    assert sorted(listed) == sorted(note.id for note in result.notes)
    starts = [group.span.start for group in groups]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), "groups follow the output, one per clause"
    for group in groups:
        for note in group.notes:
            assert group.span.start <= offsets.position(note) <= group.span.end or group is groups[0], (note.id, group.heading)


def test_a_dropped_duplicate_is_listed_with_the_clause_it_gave_way_to(sample_results):
    result = sample_results[next(p.name for p in SAMPLES if p.name.startswith("001"))]
    offsets = map_offsets(result)
    for group in group_notes_by_clause(result, offsets):
        for note in group.notes:
            if note.action is Action.DROP_DUPLICATE:
                twin = offsets.twin_output_span(note)
                assert twin is not None and group.span.start <= twin.start < group.span.end


def test_the_explanation_has_a_heading_per_clause_then_its_notes():
    text = "关于加强安全管理的通知\n各单位：\n一、总体要求\n做好安全管理工作，落实各项责任。\n" * 2
    result = repair_text(text)
    lines = explain(result).splitlines()
    assert lines[0] == summarize(result)
    assert lines[1].startswith("── (head) 关于加强安全管理的通知")
    note_lines = [line for line in lines if line.startswith("   ")]
    assert len(note_lines) == len(result.notes) and all(line[3:] in map(explain_note, result.notes) for line in note_lines)
    headings = [line for line in lines[1:] if line.startswith("── ")]
    assert any(heading.startswith("── 一、总体要求") for heading in headings)
    assert all(re.search(r"\[output \d+-\d+\]$", heading) for heading in headings)


def test_a_clean_document_is_a_summary_alone():
    result = repair_text("关于加强安全管理的通知\n各单位：\n做好安全管理工作。\n")
    assert not result.notes
    assert explain(result) == summarize(result) + "\n"


def test_the_documented_example_is_current(sample_results, update_golden):
    """docs/explain-001.txt is what `docrepair explain` prints for seed 001 (--update-golden rewrites it)."""
    path = ROOT / "docs" / "explain-001.txt"
    text = explain(sample_results[next(p.name for p in SAMPLES if p.name.startswith("001"))])
    if update_golden:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with --update-golden to write it, and read the diff"
    assert path.read_text(encoding="utf-8") == text
