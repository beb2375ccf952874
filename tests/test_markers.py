"""The markers stage: section markers destroyed by garbled bytes, restored from the numbering."""

from __future__ import annotations

from docrepair import repair_text
from docrepair.model import Action
from docrepair.stages.markers import chinese_numeral
from docrepair.stages.segment import parse_chinese_numeral


def test_numerals_read_back_as_the_numbers_they_write():
    assert [chinese_numeral(n) for n in (1, 10, 17, 35, 100, 105, 110, 999)] == ["一", "十", "十七", "三十五", "一百", "一百零五", "一百一十", "九百九十九"]
    assert all(parse_chinese_numeral(chinese_numeral(n)) == n for n in range(1, 1000))


def test_a_damaged_marker_after_section_99_becomes_section_100():
    """It raised IndexError (the numeral table stopped at 99) and so failed the whole repair."""
    lines = ["一、总体要求"] + [f"（{chinese_numeral(n)}）第{n}项工作要求落实到位。" for n in range(1, 100)]
    lines += ["□）第100项工作要求落实到位。", "二、保障措施", "（一）加强组织领导。"]
    result = repair_text("\n".join(lines) + "\n")
    restored = [note for note in result.notes if note.action is Action.RESTORE_MARKER]
    assert [(note.stage, note.before, note.after) for note in restored] == [("markers", "□）", "（一百）")]
    assert "（一百）第100项" in result.text


def test_a_marker_that_kept_part_of_its_numeral_is_restored_only_with_the_number_it_agrees_with():
    # A byte-level repair leaves (二十□) where it could not tell 六 from 八 by the bytes.
    lines = ["一、总体要求"] + [f"（{chinese_numeral(n)}）第{n}项工作要求落实到位。" for n in range(20, 26)]
    lines += ["（二十□）第26项工作要求落实到位。", "（二十七）第27项工作要求落实到位。"]
    result = repair_text("\n".join(lines) + "\n")
    restored = [note for note in result.notes if note.action is Action.RESTORE_MARKER]
    assert [(note.before, note.after) for note in restored] == [("（二十□）", "（二十六）")]
    # (十□) cannot be 二十六: nothing is restored.
    result = repair_text("\n".join(lines).replace("（二十□）", "（十□）") + "\n")
    assert not [note for note in result.notes if note.action is Action.RESTORE_MARKER]


def test_a_damaged_last_item_before_the_numbering_starts_again_gets_the_next_number():
    lines = ["第十八条 禁止下列行为：", "（一）将作业设备转让给他人；", "（二）将作业设备用于无关的活动；", "（□）使用年检不合格的作业设备。"]
    lines += ["第十九条 有下列行为之一的，依法处理：", "（一）违反规定实施作业的；", "（二）擅自调运的。"]
    result = repair_text("\n".join(lines) + "\n")
    restored = [note for note in result.notes if note.action is Action.RESTORE_MARKER]
    assert [(note.before, note.after) for note in restored] == [("（□）", "（三）")]
