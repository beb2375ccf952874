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
