"""Glued pinyin and stray commas: removed where they are damage, left where they are text."""

from __future__ import annotations

import random

import pytest

from docrepair import repair_text
from docrepair.ledger import find_lost_offsets, replay
from docrepair.model import Action

CLEAN = (
    "关于进一步加强知识产权保护工作的通知\n各区县人民政府，市政府各部门：\n"
    "为贯彻落实国务院的决策部署，现就加强知识产权保护工作通知如下。\n"
    "一、总体要求\n（一）指导思想。坚持依法治理、打建结合、统筹协作和社会共治原则，改革创新监管制度和机制。\n"
)


def _gloss(text: str, share: float, seed: int = 7) -> str:
    """Glue a tone-marked reading after a share of the characters, as mirror sites do."""
    from pypinyin import Style, lazy_pinyin

    rng = random.Random(seed)
    return "".join(ch + (f"({lazy_pinyin(ch, style=Style.TONE)[0]})" if "\u4e00" <= ch <= "\u9fff" and rng.random() < share else "") for ch in text)


def test_glued_readings_are_removed_with_a_note_each():
    damaged = _gloss(CLEAN, 0.3)
    result = repair_text(damaged)
    assert result.text == CLEAN
    notes = [n for n in result.notes if n.action is Action.STRIP_PINYIN]
    assert len(notes) == damaged.count("(") and all(n.evidence["pinyin"] for n in notes)
    assert replay(damaged, result.notes) == result.text and find_lost_offsets(damaged, result.notes) == []


def test_real_parentheses_stay_beside_glued_readings():
    damaged = _gloss(CLEAN, 0.3) + "各縣(區(qū))人民政府，本办法(试行)自发布之日起施行，北京(Beijing)。\n"
    result = repair_text(damaged)
    assert "各縣(區)人民政府" in result.text and "(试行)" in result.text and "北京(Beijing)" in result.text


@pytest.mark.parametrize(
    "text",
    [
        CLEAN + "“重(zhòng)点”一词的读音请注意。\n",  # one author's gloss: a document of glosses it is not
        CLEAN + "本办法(试行)由市政府办公室负责解释，联系电话(023)12345678。\n",
        CLEAN + "统计口径见附表(1)、(2)，单位：万元(人民币)。\n",
    ],
    ids=["a lone gloss", "real parentheses", "numbered parentheses"],
)
def test_text_with_legitimate_parentheses_is_untouched(text):
    result = repair_text(text)
    assert result.text == text and result.notes == ()


def test_stray_commas_before_marks_are_removed():
    damaged = CLEAN.replace("国务院的", "国务院,的").replace("依法治理、", "依法治理,、").replace("通知如下。", "通知如下,。")
    damaged = damaged.replace("国务院,的", "国务院的")  # a comma before a character is text
    result = repair_text(damaged)
    assert result.text == CLEAN
    assert [n.action for n in result.notes] == [Action.DROP_STRAY_PUNCT, Action.DROP_STRAY_PUNCT]


def test_numbers_and_ascii_commas_are_untouched():
    text = CLEAN + "共计1,000万元，覆盖A,B,C三类企业。\n"
    assert repair_text(text).notes == ()


def test_a_gloss_with_a_space_inside_is_removed_too():
    text = "各縣(xiàn)區(qū)人民政府(fǔ)要召開會(huì )議，部署工作(zuò )。\n"
    result = repair_text(text)
    assert result.text == "各縣區人民政府要召開會議，部署工作。\n"
