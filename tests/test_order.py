"""The order stage on small documents: numbering wins, headers follow their clauses, nothing
is invented, documents in order are left alone."""

from __future__ import annotations

from docrepair import repair_text
from docrepair.ledger import find_lost_offsets, replay
from docrepair.model import Action

HEAD = "关于加强知识产权保护工作的通知\n各区县人民政府：\n为做好相关工作，现通知如下。\n"


def _lines(result):
    return [line for line in result.text.splitlines() if line.strip()]


def test_scrambled_items_come_back_in_numbered_order_with_their_headers():
    # Run-on lines (1．… glued to 3．…) show the scrape damaged the document.
    text = HEAD + (
        "一、总体要求\n（一）明确目标。\n1．建立健全协作机制，加强信息共享。"
        "3．开展专项整治行动，严厉打击侵权行为。\n（二）强化监管。\n2．完善日常监督检查制度，落实监管责任。\n"
    )
    result = repair_text(text)
    body = _lines(result)[3:]
    assert [line[:2] for line in body] == ["一、", "（一", "1．", "2．", "（二", "3．"] or [line[:2] for line in body] == ["一、", "（一", "1．", "（二", "2．", "3．"]
    assert replay(text, result.notes) == result.text and find_lost_offsets(text, result.notes) == []


def test_a_header_goes_before_the_clause_that_followed_it_in_the_input():
    text = HEAD + (
        "一、总体要求\n（一）明确目标。\n1．建立健全协作机制，加强信息共享。\n"
        "3．开展专项整治行动，严厉打击侵权行为。\n2．完善日常监督检查制度，落实监管责任。\n"
        # A second copy shows (二) right before item 3.
        "（二）强化监管。\n3．开展专项整治行动，严厉打击侵权行为。\n"
    )
    result = repair_text(text)
    body = [line[:2] for line in _lines(result)[3:]]
    assert body == ["一、", "（一", "1．", "2．", "（二", "3．"]
    # The copy of item 3 kept is the one right under (二), the heading it opens; the one after
    # item 1 is the stray, so the rest needs no move.
    drops = [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
    assert len(drops) == 1 and drops[0].evidence["kept_input_span"][0] == text.rindex("3．")
    assert all(n.reason for n in result.notes if n.action is Action.MOVE)


def test_missing_numbers_are_gaps_and_nothing_is_invented():
    text = HEAD + "1．第一项工作内容说明。\n2．第二项工作内容说明。\n5．第五项工作内容说明。\n"
    result = repair_text(text)
    assert result.text == text  # in order: unchanged
    gaps = [n for n in result.notes if n.action is Action.GAP]
    assert [n.evidence["number"] for n in gaps] == [3, 4]
    assert all(n.output_span is not None and result.text[n.output_span.start :].startswith("5．") for n in gaps)


def test_restarting_numbering_is_not_reordered():
    text = HEAD + (
        "一、总体要求\n1．坚持问题导向，突出工作重点。\n2．坚持协同推进，形成工作合力。\n"
        "二、主要任务\n1．加强执法协作，建立联动机制。\n2．强化信息公开，接受社会监督。\n"
    )
    result = repair_text(text)
    assert result.text == text and result.notes == ()


def test_unnumbered_text_travels_with_the_clause_it_followed():
    text = HEAD + (
        "2．完善日常监督检查制度，落实监管责任。\n（市工商局负责）"
        "1．建立健全协作机制，加强信息共享。\n（市商务委负责）\n"
    )
    result = repair_text(text)
    assert _lines(result)[3:] == ["1．建立健全协作机制，加强信息共享。", "（市商务委负责）", "2．完善日常监督检查制度，落实监管责任。", "（市工商局负责）"]


def test_the_last_clause_can_move_when_the_text_has_no_final_line_break():
    text = HEAD + "2．完善日常监督检查制度，落实监管责任。1．建立健全协作机制，加强信息共享。"
    result = repair_text(text)
    assert _lines(result)[3:] == ["1．建立健全协作机制，加强信息共享。", "2．完善日常监督检查制度，落实监管责任。"]
    assert replay(text, result.notes) == result.text


def test_siblings_numbered_as_a_complete_permutation_are_sorted_even_without_other_damage():
    """Siblings numbered 2, 1 (each number of a range once) are no writing a clean document
    shows: they are sorted, and the move says it rests on the numbering alone (risk review)."""
    text = HEAD + "2．完善日常监督检查制度，落实监管责任。\n1．建立健全协作机制，加强信息共享。\n"
    result = repair_text(text)
    assert _lines(result)[3:] == ["1．建立健全协作机制，加强信息共享。", "2．完善日常监督检查制度，落实监管责任。"]
    moves = [n for n in result.notes if n.action is Action.MOVE]
    assert moves and all(n.evidence["damage_seen"] is False and n.risk == "review" for n in moves)
    assert "numbering alone" in moves[0].reason
    assert replay(text, result.notes) == result.text


def test_descending_numbers_with_a_gap_or_a_repeat_and_no_damage_are_left_alone():
    """Numbers out of order that are not a permutation (one missing, one repeated) may be a
    quotation or a typo: without other damage nothing moves."""
    gap = HEAD + "3．完善日常监督检查制度，落实监管责任。\n1．建立健全协作机制，加强信息共享。\n"
    repeat = HEAD + "2．完善日常监督检查制度，落实监管责任。\n1．建立健全协作机制，加强信息共享。\n2．强化考核问责。\n"
    for text in (gap, repeat):
        result = repair_text(text)
        assert result.text == text
        assert not [n for n in result.notes if n.action is Action.MOVE]


def test_sections_shuffled_under_each_chapter_are_sorted_inside_their_chapter():
    text = HEAD + (
        "一、总体要求\n（二）坚持统筹。统筹推进各项工作。\n（一）坚持问题导向。聚焦突出问题。\n"
        "二、主要任务\n（一）完善制度。建立健全制度体系。\n（三）强化监督。加强监管。\n（二）加强服务。提升服务水平。\n"
        "三、保障措施\n加强组织领导，落实工作责任。\n"
    )
    result = repair_text(text)
    assert _lines(result)[3:] == [
        "一、总体要求", "（一）坚持问题导向。聚焦突出问题。", "（二）坚持统筹。统筹推进各项工作。",
        "二、主要任务", "（一）完善制度。建立健全制度体系。", "（二）加强服务。提升服务水平。", "（三）强化监督。加强监管。",
        "三、保障措施", "加强组织领导，落实工作责任。",
    ]
    assert {n.evidence["basis"] for n in result.notes if n.action is Action.MOVE} == {"siblings"}


def test_chapters_shuffled_carry_their_sorted_sections_and_paragraphs():
    text = HEAD + (
        "二、主要任务\n（二）加强服务。提升服务水平。\n服务要到位。\n（一）完善制度。建立健全制度体系。\n"
        "一、总体要求\n（一）坚持问题导向。\n"
    )
    result = repair_text(text)
    assert _lines(result)[3:] == [
        "一、总体要求", "（一）坚持问题导向。",
        "二、主要任务", "（一）完善制度。建立健全制度体系。", "（二）加强服务。提升服务水平。", "服务要到位。",
    ]
    assert replay(text, result.notes) == result.text


def test_a_document_whose_series_ascend_is_never_reordered():
    # Damage (a run-on line) but every series ascends where it stands: nothing moves.
    text = HEAD + "第一章 总则\n第一条 为了规范管理，制定本办法。第二条 本办法适用于全市。\n（一）机关；\n（二）事业单位。\n第二章 附则\n第三条 本办法自公布之日起施行。\n"
    result = repair_text(text)
    assert not [n for n in result.notes if n.action is Action.MOVE]


def test_a_law_s_articles_are_its_backbone_not_the_history_lines_above_them():
    """A Taiwan law lists its amendments as 1. 2. 3. above 第 1 條 (the same marker level as
    items): scrambled, with its title pasted again and an item copied, the articles are put in
    order and the history lines stay above them; the items stay under their article."""
    text = (
        "警械使用條例\n"
        "1.中華民國二十二年國民政府訓令制定公布全文。\n2.中華民國五十七年總統令修正公布全文。\n3.中華民國九十一年總統令修正公布條文。\n"
        "第 1 條\n警察人員執行職務時得依本條例使用警械。\n"
        "第 3 條\n警察人員執行職務時，遇有下列各款情形之一者，得使用警棍制止：\n一、協助偵查犯罪時。\n二、依法令執行職務，遭受脅迫時。\n"
        "警械使用條例\n二、依法令執行職務，遭受脅迫時。\n"
        "第 2 條\n警察人員執行職務時，遇有下列各款情形之一者，得使用警棍指揮：\n一、指揮交通。\n二、疏導群眾。\n"
        "第 4 條\n本條例自公布日施行。\n"
    )
    lines = _lines(repair_text(text))
    assert lines == [
        "警械使用條例",
        "1.中華民國二十二年國民政府訓令制定公布全文。", "2.中華民國五十七年總統令修正公布全文。", "3.中華民國九十一年總統令修正公布條文。",
        "第 1 條", "警察人員執行職務時得依本條例使用警械。",
        "第 2 條", "警察人員執行職務時，遇有下列各款情形之一者，得使用警棍指揮：", "一、指揮交通。", "二、疏導群眾。",
        "第 3 條", "警察人員執行職務時，遇有下列各款情形之一者，得使用警棍制止：", "一、協助偵查犯罪時。", "二、依法令執行職務，遭受脅迫時。",
        "第 4 條", "本條例自公布日施行。",
    ]


def test_items_pasted_above_their_headings_go_back_under_them():
    # Items above the headings, item 1 among them cut short, and item 1 whole under （一): the
    # whole one is in place; the cut copy goes and items 2 and 3 follow item 1 under （一）.
    text = HEAD + (
        "1．建立健全协作机制。\n2．完善日常监督检查制度，落实监管责任。\n3．开展专项整治行动，严厉打击侵权行为。\n"
        "一、总体要求\n（一）明确目标。\n1．建立健全协作机制。加强信息共享。\n"
    )
    result = repair_text(text)
    assert _lines(result)[3:] == [
        "一、总体要求", "（一）明确目标。",
        "1．建立健全协作机制。加强信息共享。", "2．完善日常监督检查制度，落实监管责任。", "3．开展专项整治行动，严厉打击侵权行为。",
    ]
    assert find_lost_offsets(text, result.notes) == []


def test_articles_after_a_stray_copy_stay_in_their_chapter():
    """A copy of 第二条 pasted into the last chapter, and a few words of 第三条 again (too short to
    be dropped, so articles are no global series and travel with their chapters): the articles
    after the stray copy still follow 第四条, where they stood."""
    text = (
        "某某条例\n第一章 总则\n第一条 为了规范管理工作，制定本条例。\n第二条 本条例适用于本市行政区域内的管理活动。\n"
        "第三条 市人民政府负责本条例的组织实施工作。\n第三条 市人民政府\n"
        "第二章 附则\n第四条 违反本条例规定的，依法承担法律责任。\n第二条 本条例适用于本市行政区域内的管理活动。\n"
        "第五条 本条例自公布之日起施行。\n第六条 本条例由市人民政府负责解释。\n"
    )
    lines = _lines(repair_text(text))
    assert lines[-4:] == ["第二章 附则", "第四条 违反本条例规定的，依法承担法律责任。", "第五条 本条例自公布之日起施行。", "第六条 本条例由市人民政府负责解释。"]


def test_paragraphs_after_a_copy_cut_mid_sentence_stay_with_their_own_article():
    """第三条 违反本条 (a few words of 第三条, cut mid-sentence) pasted into 第一条: it goes, and
    the paragraphs after it stay with 第一条; a cut copy's text never reached them."""
    first = ["第一条 建设单位应当向施工单位提供工程款支付担保。", "建设单位未按约定拨付工程款的，应当以未结清的工程款为限先行垫付。", "建设单位应当建立工资拖欠预防机制。"]
    rest = ["第二条 施工单位应当按月足额发放工资。", "第三条 违反本条例规定的，依法追究责任。", "第四条 本条例自公布之日起施行。"]
    text = "\n".join(["保障工资支付条例", first[0], "第三条 违反本条", *first[1:], *rest]) + "\n"
    result = repair_text(text)
    assert _lines(result) == ["保障工资支付条例", *first, *rest]
    assert not [n for n in result.notes if n.action is Action.MOVE]


def test_a_paragraph_after_a_stray_copy_of_an_item_stays_with_its_own_article():
    text = (
        "刑事补偿事件审理规则\n"
        "第 1 條\n声请重审应附具下列文件：\n一、原决定书。\n二、关于遵守不变期间之证据及其他相关文件。\n"
        "第 2 條\n受理机关认为声请重审有理由者，应撤销原决定。\n二、关于遵守不变期间之证据及其他相关文件。\n声请重审无理由者，受理机关应以决定驳回之。\n"
        "第 4 條\n本规则自发布日施行。\n第 3 條\n重审之决定应记载下列事项：\n一、声请人。\n二、主文。\n"
    )
    lines = _lines(repair_text(text))
    at = lines.index("第 2 條")
    assert lines[at : at + 3] == ["第 2 條", "受理机关认为声请重审有理由者，应撤销原决定。", "声请重审无理由者，受理机关应以决定驳回之。"]
    assert lines.count("二、关于遵守不变期间之证据及其他相关文件。") == 1


def test_a_clause_never_gets_a_second_list_of_responsible_bodies_from_a_copy():
    """Item 1 with its list, then a pasted copy of item 1 followed by another list: that list
    is not item 1's second; it stays after what stood before the copy (item 2 and its list)."""
    text = HEAD + (
        "1．建立健全协作机制，加强信息共享。\n（市商务委负责）\n"
        "2．完善日常监督检查制度，落实监管责任。\n（市工商局负责）\n"
        "1．建立健全协作机制，加强信息共享。\n（市公安局、市检察院负责）\n"
        "3．开展专项整治行动，严厉打击侵权行为。2．完善日常监督检查制度，落实监管责任。\n"
    )
    lines = _lines(repair_text(text))[3:]
    at = lines.index("1．建立健全协作机制，加强信息共享。")
    assert lines[at + 1 : at + 3] == ["（市商务委负责）", "2．完善日常监督检查制度，落实监管责任。"]
    assert lines.count("（市公安局、市检察院负责）") == 1


_TASKS = (
    "关于做好打击侵权假冒工作任务分工的通知\n各区县人民政府，市政府有关部门：\n"
    "为做好打击侵权假冒工作，经市政府同意，现将任务分工通知如下。\n"
)


def test_a_list_pasted_with_a_stray_copy_of_an_item_goes_and_the_item_keeps_its_own():
    """A scrambled 任务分工 document: item 4 stands in place with the page head pasted between it
    and its list, and again, longer, under the next section followed by item 6's list. Item 4
    keeps the list of its copy in place; the list after the stray copy is a copy of item 6's
    and goes (it was shown under item 4, item 6's list under item 3, before)."""
    text = _TASKS + (
        "一、加强统筹协调\n"
        "1．完善工作协调机制，建立联席会议制度，定期研究解决重大问题。\n（市发展改革委负责）\n"
        "2．强化日常监督检查，开展专项整治行动，严厉打击违法行为。\n（市商务委、市工商局按职责分工负责）\n"
        "3．推进执法信息共享，建立全市统一的信息共享平台。\n（市公安局负责）\n"
        "4．加强部门执法协作，对重大案件线索开展联合执法。\n" + _TASKS + "（市财政局、市农委按职责分工负责）\n"
        "二、强化工作保障\n"
        "5．落实属地管理责任，健全考核评价机制，加强督促检查。\n（市人力社保局负责）\n"
        "4．加强部门执法协作，对重大案件线索开展联合执法。必要时共同研究案情，形成工作合力。\n（市委宣传部负责）\n"
        "6．加大新闻宣传力度，营造全社会共同参与的良好氛围。\n（市委宣传部负责）\n"
    )
    result = repair_text(text)
    lines = _lines(result)[3:]
    assert [line[:2] for line in lines] == ["一、", "1．", "（市", "2．", "（市", "3．", "（市", "4．", "（市", "二、", "5．", "（市", "6．", "（市"]
    assert lines[lines.index("3．推进执法信息共享，建立全市统一的信息共享平台。") + 1] == "（市公安局负责）"
    assert lines[lines.index("4．加强部门执法协作，对重大案件线索开展联合执法。必要时共同研究案情，形成工作合力。") + 1] == "（市财政局、市农委按职责分工负责）"
    assert lines.count("（市委宣传部负责）") == 1 and lines[-1] == "（市委宣传部负责）"
    stray = [n for n in result.notes if n.action is Action.DROP_DUPLICATE and n.before.strip() == "（市委宣传部负责）"]
    assert len(stray) == 1 and "a copy of 4．" in stray[0].reason and stray[0].evidence["clause_note_basis"] == "only_here"
    in_place = text.index("4．加强部门执法协作")
    assert stray[0].evidence["clause_copy_input_span"][0] == in_place
    assert replay(text, result.notes) == result.text and find_lost_offsets(text, result.notes) == []


def test_items_whose_lists_are_the_same_stay_each_with_its_list():
    """Two items with the same list, a stray copy of item 1 with that list too: every list
    that follows its own item stays; only the copy's goes."""
    same = "（市农委、市商务委、市公安局按职责分工负责）"
    text = _TASKS + (
        "一、加强统筹协调\n"
        f"1．完善工作协调机制，建立联席会议制度，定期研究解决重大问题。\n{same}\n"
        f"2．强化日常监督检查，开展专项整治行动，严厉打击违法行为。\n{same}\n"
        "3．推进执法信息共享，建立全市统一的信息共享平台。\n（市公安局负责）\n"
    )
    assert repair_text(text).text == text
    damaged = text + f"1．完善工作协调机制，建立联席会议制度，定期研究解决重大问题。\n{same}\n"
    lines = _lines(repair_text(damaged))[3:]
    assert lines.count(same) == 2
    assert lines[2] == same and lines[4] == same and lines[5].startswith("3．")


def test_a_note_after_a_stray_copy_of_a_chapter_heading_stays_with_its_section():
    """Notes follow sections （N） in this document, never a chapter heading: a copy of 二、
    pasted between （五） and its note leaves the note with （五）, not under 二、."""
    text = HEAD + (
        "一、支持企业稳定发展\n（一）加大稳岗支持力度，对不裁员或少裁员的企业返还失业保险费。\n（人力资源社会保障部、财政部负责）\n"
        "（二）发挥政府性融资担保机构作用，支持小微企业发展。\n（财政部、人民银行负责）\n"
        "二、鼓励支持就业创业\n（三）加大创业担保贷款贴息及奖补政策支持力度。\n（财政部、人民银行负责）\n"
        "（四）扩大就业见习补贴范围，实施三年百万青年见习计划。\n二、鼓励支持就业创业\n（人力资源社会保障部等有关部门和单位负责）\n"
        "三、积极实施培训\n（五）支持困难企业开展职工在岗培训。\n（人力资源社会保障部负责）\n"
    )
    result = repair_text(text)
    lines = _lines(result)[3:]
    assert lines.count("二、鼓励支持就业创业") == 1
    at = lines.index("（四）扩大就业见习补贴范围，实施三年百万青年见习计划。")
    assert lines[at + 1 : at + 3] == ["（人力资源社会保障部等有关部门和单位负责）", "三、积极实施培训"]
    assert lines[lines.index("二、鼓励支持就业创业") + 1].startswith("（三）")
    assert replay(text, result.notes) == result.text and find_lost_offsets(text, result.notes) == []


def test_items_pasted_across_two_sections_are_not_read_as_a_restarting_series():
    """Item 1 pasted above the first chapter, item 2 into the first section and item 1 after
    the second: the series continues (1 under the first （一）, 2 under the second). The copy
    above every heading is no section's run, so it does not vote for a series that restarts
    under each section (found by hypothesis in test_properties)."""
    item_one = "1．所做系从平人数所些果加无级分而里些们发上十点得次子五所，本当十决合分。"
    item_two = "2．时而次性各提几实应出理起者表民将都有九长府变、表高有期同系们明部义西已么提着此文头。"
    head = HEAD + "一、水他工次反那\n（一）资心别先并也意。\n"
    truth = head + f"{item_one}\n二、路而各可\n（一）主第想接制分据。\n{item_two}\n"
    damaged = HEAD + f"{item_one}\n" + head[len(HEAD) :] + f"{item_one}\n{item_two}\n二、路而各可\n（一）主第想接制分据。\n{item_two}\n{item_one}\n"
    assert repair_text(damaged).text == truth


def test_the_list_found_nowhere_else_is_the_item_s_own():
    """Item 3 in place is followed by a copy of item 5's list; a stray copy of item 3 further on
    by a list that stands after no other item. That one is item 3's: the copy of item 5's goes."""
    text = _TASKS + (
        "一、加强统筹协调\n"
        "1．完善工作协调机制，建立联席会议制度，定期研究解决重大问题。\n（市发展改革委负责）\n"
        "2．强化日常监督检查，开展专项整治行动，严厉打击违法行为。\n（市商务委、市工商局按职责分工负责）\n"
        "3．推进执法信息共享，建立全市统一的信息共享平台。\n（市人力社保局负责）\n"
        "4．加强部门执法协作，对重大案件线索开展联合执法。\n（市财政局、市农委按职责分工负责）\n"
        "3．推进执法信息共享，建立全市统一的信息共享平台。\n（市公安局、市经济信息委按职责分工负责）\n"
        "5．落实属地管理责任，健全考核评价机制，加强督促检查。\n（市人力社保局负责）\n"
    )
    result = repair_text(text)
    lines = _lines(result)[3:]
    assert lines[lines.index("3．推进执法信息共享，建立全市统一的信息共享平台。") + 1] == "（市公安局、市经济信息委按职责分工负责）"
    assert lines.count("（市人力社保局负责）") == 1 and lines[-1] == "（市人力社保局负责）"
    assert [line[:2] for line in lines] == ["一、"] + ["1．", "（市", "2．", "（市", "3．", "（市", "4．", "（市", "5．", "（市"]
    assert replay(text, result.notes) == result.text and find_lost_offsets(text, result.notes) == []


def test_a_list_pasted_under_a_heading_of_items_goes_when_it_stays_after_its_item():
    """Sections head items here, and the items carry the lists. In a document whose items were
    pasted about, a section standing with a copy of an item's list lost nothing by its going;
    a list found nowhere else would stay."""
    text = _TASKS + (
        "一、加强统筹协调\n（一）健全工作机制。\n"
        "1．完善工作协调机制，建立联席会议制度，定期研究解决重大问题。\n（市发展改革委负责）\n"
        "（二）强化监督检查。\n（市商务委、市工商局按职责分工负责）\n"
        "2．强化日常监督检查，开展专项整治行动，严厉打击违法行为。\n（市商务委、市工商局按职责分工负责）\n"
        "3．推进执法信息共享，建立全市统一的信息共享平台。\n（市公安局负责）\n"
        "1．完善工作协调机制，建立联席会议制度，定期研究解决重大问题。\n"
        "（三）加强宣传引导。\n（市委宣传部、市文化委按职责分工负责）\n"
        "4．加大新闻宣传力度，营造全社会共同参与的良好氛围。\n（市委宣传部负责）\n"
    )
    result = repair_text(text)
    lines = _lines(result)[3:]
    assert lines[lines.index("（二）强化监督检查。") + 1].startswith("2．")
    assert lines.count("（市商务委、市工商局按职责分工负责）") == 1
    assert lines[lines.index("（三）加强宣传引导。") + 1] == "（市委宣传部、市文化委按职责分工负责）"
    dropped = [n for n in result.notes if n.action is Action.DROP_DUPLICATE and n.evidence.get("clause_note_basis") == "heading"]
    assert [n.before.strip() for n in dropped] == ["（市商务委、市工商局按职责分工负责）"]
    assert replay(text, result.notes) == result.text and find_lost_offsets(text, result.notes) == []
    # Without the pasted copy of item 1 nothing shows damage: the same text passes untouched.
    clean = text.replace("（市公安局负责）\n1．完善工作协调机制，建立联席会议制度，定期研究解决重大问题。\n", "（市公安局负责）\n")
    assert clean != text and repair_text(clean).text == clean
