"""Garbled GBK runs: re-read from their bytes where the document confirms the reading, □ where
bytes are gone, flagged where nothing can be read; clean text untouched."""

from __future__ import annotations

import pytest

from docrepair import repair_text
from docrepair.ledger import find_lost_offsets, replay
from docrepair.model import Action
from docrepair.stages.mojibake import MISSING, find_mojibake_edits

FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
CONTEXT = (
    "关于加强海口海关和海口市口岸管理工作的通知\n各有关单位：\n"
    "海口海关、海口市商务局要加强口岸管理，海关监管部门要落实责任。\n"
    "省商务厅、省农业厅、省工商局按职责分工负责。\n"
)


def shifted(phrase: str, drop: int = 0) -> str:
    """What a mirror makes of a phrase: its GBK bytes read one byte off (the byte at `drop`
    lost), undecodable bytes shown as ?, full-width letters folded to ASCII."""
    data = phrase.encode("gbk")
    return (data[:drop] + data[drop + 1 :]).decode("gbk", errors="replace").replace("\ufffd", "?").translate(FOLD)


def test_a_shifted_name_is_reread_from_its_bytes_with_the_lost_character_marked():
    garbled = shifted("海口海关")
    assert garbled != "海口海关" and "?" in garbled
    text = CONTEXT + f"省商务厅、{garbled}、省工商局按职责分工负责。\n"
    result = repair_text(text)
    # 海 lost its lead byte, 关 its trail byte: both □; 口 and 海 are read from the bytes.
    assert f"{MISSING}口海{MISSING}" in result.text
    (note,) = [n for n in result.notes if n.action is Action.REPAIR_MOJIBAKE]
    assert note.before.startswith("?") and note.evidence["encoding"] == "gb18030" and note.evidence["bytes"]
    assert replay(text, result.notes) == result.text and find_lost_offsets(text, result.notes) == []


def test_the_seed_002_organisation_name_is_recovered_everywhere(sample_results):
    name = next(name for name in sample_results if name.startswith("002"))
    result = sample_results[name]
    assert "??诤jP" not in result.text
    assert result.text.count("口海關") >= 8


def test_a_garble_nothing_confirms_becomes_one_missing_mark_not_a_guess():
    text = CONTEXT + "一、工作要求\nㄒ唬┲笇枷\n"
    edits, flags = find_mojibake_edits(text)
    (edit,) = edits
    assert edit.action is Action.MARK_MISSING and edit.after == MISSING
    assert edit.evidence["run"] == "ㄒ唬┲笇枷"  # the garbled text stays in the note


@pytest.mark.parametrize(
    "line",
    [
        "这是否符合规定?请各单位核实。",
        "网址为www.example.gov.cn，联系电话12345。",
        "《中华人民共和国著作权法》第五条规定，官方文件不受保护。",
        "生僻字如犇、骉、鱻、龘在文件中偶有出现。",
    ],
    ids=["question mark", "ascii", "book title", "rare characters"],
)
def test_clean_text_is_untouched(line):
    text = CONTEXT + line + "\n"
    result = repair_text(text)
    assert result.text == text and result.notes == ()


def test_a_destroyed_section_marker_is_restored_from_the_numbering():
    text = CONTEXT + "（一）加强组织领导。\n□（□）完善工作机制。\n（三）强化监督检查。\n"
    result = repair_text(text)
    assert "（二）完善工作机制。" in result.text
    (note,) = [n for n in result.notes if n.action is Action.RESTORE_MARKER]
    assert note.evidence["number"] == 2


def test_a_line_of_utf8_read_as_gbk_is_reread():
    line = "省农业厅、海口市商务局和海关监管部门要加强口岸管理工作。"
    garbled = line.encode("utf-8").decode("gb18030", errors="replace")  # as a browser would
    assert garbled != line
    text = CONTEXT + garbled + "\n"
    result = repair_text(text)
    # Bytes the wrong decoding dropped leave their character as □; the rest is read back.
    repaired = result.text[len(CONTEXT) :].rstrip("\n")
    assert len(repaired) == len(line) and all(a == b or a == MISSING for a, b in zip(repaired, line))
    assert repaired.count(MISSING) <= 3
    (note,) = [n for n in result.notes if n.action is Action.REPAIR_MOJIBAKE]
    assert note.evidence["encoding"] == "utf-8 read as gb18030"


def test_a_lost_character_is_named_by_its_glued_reading_and_the_documents_own_pairs():
    text = CONTEXT.replace("监管部门", "监(jiān)管部门") + "海关要加强□O(jiān)管。依法开展□zhí)法工作，严格执法。\n"
    result = repair_text(text)
    # □O: O is what is left of 监; the □ before it may stand for more, so it stays.
    assert "加强□监管" in result.text and "开展执法工作" in result.text
    restored = [n for n in result.notes if n.action is Action.REPAIR_MOJIBAKE]
    assert {n.after for n in restored} == {"监", "执"} and all(n.evidence["pinyin"] for n in restored)


def test_a_reading_that_names_several_characters_of_the_document_restores_none():
    # Two characters of the document read jiān and come before 管 (监管, 兼管): ambiguous.
    text = CONTEXT + "监管兼管两种说法都有。加强□O(jiān)管。\n"
    result = repair_text(text)
    assert "加强□O(jiān)管" in result.text  # 监管 and 兼管 both fit: no guess
