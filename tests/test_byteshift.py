"""The byte-shift stage's public entry (`find_edits`) on its own: clean text gets no edit; a GBK
line read one byte out of step is re-read from its bytes."""

from __future__ import annotations

from docrepair.ledger import Ledger, find_lost_offsets, replay
from docrepair.model import Action
from docrepair.stages.byteshift import find_edits

#: Context that names 海口海关 in full, so the document's own pairs confirm the reading.
CONTEXT = (
    "关于加强海口海关和海口市口岸管理工作的通知\n各有关单位：\n"
    "海口海关、海口市商务局要加强口岸管理，海关监管部门要落实责任。\n"
    "省商务厅、省农业厅、省工商局按职责分工负责。\n"
)
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def shifted(phrase: str) -> str:
    """A mirror's reading of a phrase: its GBK bytes from the second on, undecodable pairs as ?,
    full-width letters folded to ASCII."""
    return phrase.encode("gbk")[1:].decode("gbk", errors="replace").replace("\ufffd", "?").translate(_FOLD)


def _apply(text, edits):
    ledger = Ledger(text)
    ledger.apply("byteshift", edits)
    return ledger


def test_clean_chinese_text_gets_no_edit():
    assert find_edits(CONTEXT) == []


def test_clean_text_with_question_marks_latin_accents_and_digits_gets_no_edit():
    text = "Café à la carte? 100% sure?! résumé\n" + CONTEXT + "是否同意？请于2024年1月5日前回复。\n"
    assert find_edits(text) == []


def test_a_synthetic_gbk_shifted_name_is_read_back_from_its_bytes():
    garbled = shifted("海口海关")
    assert garbled == "?诤9?"  # what the shift makes of it: 口 and 关 each keep one byte
    text = CONTEXT + f"省商务厅、{garbled}、省工商局按职责分工负责。\n"
    (edit,) = find_edits(text)
    assert text[edit.start : edit.end] == garbled
    assert edit.action is Action.REPAIR_MOJIBAKE and edit.after == "口海关"
    assert edit.evidence["encoding"] == "gbk" and edit.evidence["bytes"]
    ledger = _apply(text, [edit])
    assert ledger.text.splitlines()[-1] == "省商务厅、口海关、省工商局按职责分工负责。"
    notes = ledger.notes()
    assert replay(text, notes) == ledger.text and find_lost_offsets(text, notes) == []


def test_the_edits_are_the_same_on_every_call():
    text = CONTEXT + f"省商务厅、{shifted('海口海关')}、省工商局按职责分工负责。\n"
    assert find_edits(text) == find_edits(text)
