"""The merge stage: copies of one numbered clause that each hold sentences the other lacks become
one clause; clauses that only share a number, or only a short sentence, are different clauses."""

from __future__ import annotations

from docrepair import repair_text
from docrepair.ledger import find_lost_offsets, replay
from docrepair.model import Action

HEAD = "关于加强知识产权保护工作的通知\n各区县人民政府：\n为做好相关工作，现通知如下。\n"


def _lines(result):
    return [line for line in result.text.splitlines() if line.strip()]


def test_copies_of_a_clause_that_each_hold_other_sentences_are_merged():
    first = "3．开展专项整治行动，严厉打击侵权行为。加强重点领域监管，建立长效机制。"
    second = "3．开展专项整治行动，严厉打击侵权行为。完善举报投诉渠道，鼓励社会监督。"
    text = HEAD + f"1．建立健全协作机制，加强信息共享。\n{first}\n2．完善日常监督检查制度，落实监管责任。\n{second}\n"
    result = repair_text(text)
    lines = _lines(result)[3:]
    assert [line[:2] for line in lines] == ["1．", "2．", "3．"]
    assert lines[2] == "3．开展专项整治行动，严厉打击侵权行为。加强重点领域监管，建立长效机制。完善举报投诉渠道，鼓励社会监督。"
    merges = [n for n in result.notes if n.action is Action.MERGE]
    assert len(merges) == 1 and merges[0].after == "完善举报投诉渠道，鼓励社会监督。"
    assert replay(text, result.notes) == result.text and find_lost_offsets(text, result.notes) == []


def test_clauses_with_one_number_but_no_shared_sentence_are_not_merged():
    text = HEAD + "一、总体要求\n1．坚持问题导向，突出工作重点。\n二、主要任务\n1．加强执法协作，建立联动机制。\n"
    result = repair_text(text)
    assert result.text == text and result.notes == ()


def test_copies_that_share_only_a_short_sentence_are_not_merged():
    # 加强监管。 is shorter than the 8 characters that make two clauses copies of one another.
    first = "3．加强监管。开展专项整治行动，严厉打击侵权行为。"
    second = "3．加强监管。完善举报投诉渠道，鼓励社会监督。"
    text = HEAD + f"1．建立健全协作机制，加强信息共享。\n{first}\n2．完善日常监督检查制度，落实监管责任。\n{second}\n"
    result = repair_text(text)
    assert not [n for n in result.notes if n.action is Action.MERGE]
    assert first in _lines(result) and second in _lines(result)
    assert replay(text, result.notes) == result.text and find_lost_offsets(text, result.notes) == []


def test_a_merge_note_names_the_copy_its_sentences_came_from():
    first = "3．开展专项整治行动，严厉打击侵权行为。加强重点领域监管，建立长效机制。"
    second = "3．开展专项整治行动，严厉打击侵权行为。完善举报投诉渠道，鼓励社会监督。"
    text = HEAD + f"1．建立健全协作机制，加强信息共享。\n{first}\n2．完善日常监督检查制度，落实监管责任。\n{second}\n"
    result = repair_text(text)
    (merge,) = [n for n in result.notes if n.action is Action.MERGE]
    assert merge.stage == "merge" and merge.before == "" and merge.reason
    source = merge.evidence["from_input_span"]
    assert text[source[0] : source[1]] == second and merge.evidence["aligner"] in ("cydifflib", "difflib")
    assert result.text[merge.output_span.start : merge.output_span.end] == merge.after
    # The second copy itself goes, as a dropped duplicate whose text is kept in its note.
    dropped = [n for n in result.notes if n.action is Action.DROP_DUPLICATE and second in n.before]
    assert len(dropped) == 1 and dropped[0].output_span is None
