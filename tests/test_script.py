"""The script stage: the output keeps the input's script unless asked; a conversion (OpenCC) is
one note per run of changed characters, and detection says which script a document is in."""

from __future__ import annotations

import pytest

from docrepair import repair_text
from docrepair.config import OutputConfig, RepairConfig
from docrepair.ledger import Ledger, find_lost_offsets, replay
from docrepair.model import Action
from docrepair.stages.script import detect_script, find_conversion_edits

TRADITIONAL = "關於加強知識產權保護工作的通知\n各區縣人民政府：\n為做好相關工作，現通知如下。\n"
SIMPLIFIED = "关于加强知识产权保护工作的通知\n各区县人民政府：\n为做好相关工作，现通知如下。\n"


def _converted(text: str, target: str) -> str:
    ledger = Ledger(text)
    ledger.apply("script", find_conversion_edits(text, target))
    return ledger.text


@pytest.mark.parametrize(
    ("text", "script"),
    [(TRADITIONAL, "traditional"), (SIMPLIFIED, "simplified"), ("Annual report 2024\n", "unknown"), ("", "unknown")],
    ids=["traditional", "simplified", "latin", "empty"],
)
def test_the_script_of_a_document_is_detected(text, script):
    assert detect_script(text) == script


@pytest.mark.parametrize("target", [None, "keep"])
def test_keeping_the_script_proposes_nothing(target):
    assert find_conversion_edits(TRADITIONAL, target) == []


def test_text_already_in_the_target_script_is_left_alone():
    assert find_conversion_edits(SIMPLIFIED, "simplified") == []
    assert find_conversion_edits(TRADITIONAL, "traditional") == []


def test_conversion_gives_opencc_text_with_one_edit_per_changed_run():
    edits = find_conversion_edits(TRADITIONAL, "simplified")
    assert _converted(TRADITIONAL, "simplified") == SIMPLIFIED
    assert all(edit.action is Action.CONVERT_SCRIPT and edit.evidence == {"opencc": "t2s"} for edit in edits)
    for edit in edits:  # each edit is a maximal run: its neighbours are unchanged characters
        assert TRADITIONAL[edit.start : edit.end] != edit.after
        assert edit.start == 0 or TRADITIONAL[edit.start - 1] in SIMPLIFIED
    assert [e.start for e in edits] == sorted(e.start for e in edits)
    back = _converted(SIMPLIFIED, "traditional")  # OpenCC's s2t writes 爲 for 為: not a round trip
    assert detect_script(back) == "traditional" and _converted(back, "simplified") == SIMPLIFIED


def test_line_breaks_are_never_converted():
    text = TRADITIONAL.replace("\n", "\r\n")
    assert _converted(text, "simplified") == SIMPLIFIED.replace("\n", "\r\n")


def test_a_repair_with_script_conversion_is_noted_and_replays():
    result = repair_text(TRADITIONAL, RepairConfig(output=OutputConfig(script="simplified")))
    assert result.text == SIMPLIFIED
    assert {note.action for note in result.notes} == {Action.CONVERT_SCRIPT}
    assert all(note.stage == "script" for note in result.notes)
    assert replay(TRADITIONAL, result.notes) == result.text and find_lost_offsets(TRADITIONAL, result.notes) == []
    assert repair_text(TRADITIONAL).text == TRADITIONAL  # by default the script is kept
