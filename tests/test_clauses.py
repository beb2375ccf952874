"""The clause structure: series, numbers, parents, keys, owners, for every numbering system."""

from __future__ import annotations

from docrepair.clauses import find_clause_positions, path_label, series_ascend
from docrepair.config import SegmentConfig
from docrepair.stages.segment import segment_units


def _positions(text):
    units = segment_units(text, SegmentConfig())
    return units, find_clause_positions(units)


def _by_text(units, positions, prefix, nth=0):
    found = [i for i, unit in enumerate(units) if unit.text.startswith(prefix)]
    return positions[found[nth]], found[nth]


def test_gbt_9704_levels_nest():
    text = "一、总体要求\n（一）指导思想。\n1．坚持问题导向。\n（1）突出重点。\n①加强协调。\n二、主要任务\n"
    units, positions = _positions(text)
    assert [p.series for p in positions] == ["一、", "（一）", "1.", "（1）", "①", "一、"]
    assert path_label(positions, units, 4) == "一、/（一）/1．/（1）/①"
    assert positions[5].parent is None and positions[1].parent == 0 and positions[4].parent == 3


def test_law_divisions_nest_whatever_appears_first():
    text = "第一编 总则\n第一章 一般规定\n第一节 适用\n第一条 为了规范管理，制定本法。\n（一）机关；\n1．事业单位。\n"
    units, positions = _positions(text)
    assert [p.series for p in positions] == ["第编", "第章", "第节", "第条", "（一）", "1."]
    assert [p.parent for p in positions] == [None, 0, 1, 2, 3, 4]


def test_taiwan_articles_with_spaces_and_traditional_characters():
    text = "第 一 章 總則\n第 1 條\n本辦法依本法訂定之。\n第 2 條\n申請時應說明下列事項：\n一、仲裁方式。\n二、仲裁人資格。\n第 3 條\n有下列情形之一者：\n一、當事人不適格。\n"
    units, positions = _positions(text)
    articles = [p for p in positions if p.series == "第条"]
    assert [p.number for p in articles] == [1, 2, 3]
    first, index = _by_text(units, positions, "一、", 0)
    again, _ = _by_text(units, positions, "一、", 1)
    assert first.restarts and first.key != again.key  # 一、 under 第 2 條 and under 第 3 條
    assert path_label(positions, units, index) == "第 一 章/第 2 條/一、"
    assert series_ascend(positions)


def test_decimal_outlines():
    text = "1．总则\n1.1 目的\n1.2 范围\n1.2.1 适用对象\n2．要求\n2.1 基本要求\n"
    units, positions = _positions(text)
    assert [p.series for p in positions] == ["1.", "1.1", "1.1", "1.1.1", "1.", "1.1"]
    assert [p.number for p in positions] == [1, 1, 2, 1, 2, 1]
    assert positions[3].parent == 2 and positions[5].parent == 4
    assert series_ascend(positions)


def test_a_series_that_continues_across_parents_is_keyed_by_its_number_alone():
    text = "（一）强化整治。\n1．专项整治。\n2．日常监管。\n（二）加强协作。\n3．执法协作。\n4．信息通报。\n（三）区域联动。\n5．联席会议。\n"
    units, positions = _positions(text)
    items = [p for p in positions if p.series == "1."]
    assert not any(p.restarts for p in items)
    assert [p.key for p in items] == [(("1.", n),) for n in range(1, 6)]


def test_a_series_that_restarts_under_each_parent_is_keyed_under_its_parent():
    text = "一、总体要求\n（一）指导思想。\n（二）工作目标。\n二、主要任务\n（一）加强协作。\n（二）强化监管。\n"
    units, positions = _positions(text)
    sections = [p for p in positions if p.series == "（一）"]
    assert all(p.restarts for p in sections)
    assert len({p.key for p in sections}) == 4
    assert series_ascend(positions)


def test_paragraphs_and_responsibility_notes_belong_to_the_clause_before_them():
    text = "关于加强工作的通知\n各区县人民政府：\n1．坚持问题导向。\n（市农委、市商务委按职责分工负责）\n2．完善监督检查。\n推进信息共享。\n（市工商局牵头）\n"
    units, positions = _positions(text)
    assert positions[0].owner is None and positions[1].owner is None  # the head belongs to no clause
    note, _ = _by_text(units, positions, "（市农委")
    assert note.series is None and note.owner == 2 and note.key == (("1.", 1),)
    lead, _ = _by_text(units, positions, "（市工商局")
    assert lead.owner == 4 and lead.key == (("1.", 2),)


def test_series_that_do_not_ascend_are_seen():
    _, positions = _positions("1．第一项。\n3．第三项。\n2．第二项。\n")
    assert not series_ascend(positions)
    _, positions = _positions("一、总体要求\n（二）工作目标。\n（一）指导思想。\n二、任务\n（一）协作。\n")
    assert not series_ascend(positions)


def test_a_table_of_contents_is_told_from_the_body():
    text = "目录\n第一章 总则\n第二章 管理\n第三章 附则\n第一章 总则\n第一条 为了规范管理，制定本办法。\n第二章 管理\n第二条 应当加强管理。\n第三章 附则\n第三条 本办法自公布之日起施行。\n"
    units, positions = _positions(text)
    assert [p.is_toc for p in positions[1:4]] == [True, True, True]
    assert not any(p.is_toc for p in positions[4:])


def test_a_second_list_under_one_article_after_its_introducing_paragraph_is_in_order():
    from docrepair.clauses import find_out_of_order

    text = (
        "某某條例\n第 1 條\n董事有下列情形之一者，不得擔任：\n一、受監護宣告。\n二、褫奪公權尚未復權。\n"
        "董事有下列情事之一者，得予解聘：\n一、行為不檢。\n二、怠忽職責。\n"
        "第 2 條\n申請應備下列文件：\n一、申請書。\n二、身分證明文件。\n第 3 條\n本條例自公布日施行。\n"
    )
    units = segment_units(text, SegmentConfig())
    assert find_out_of_order(find_clause_positions(units)) == set()


def test_a_sentence_that_opens_by_citing_articles_is_no_article():
    for line in ["第十條至第十七條之規定，於仲裁準用之。", "第十條及第十一條有關專任輔導人員之規定。", "第二條第一項第十一款所定董事。"]:
        (unit,) = segment_units(line + "\n", SegmentConfig())
        assert unit.number is None, line
    (unit,) = segment_units("第十条 本条例自公布之日起施行。\n", SegmentConfig())
    assert unit.number == 10


def test_item_1_found_under_two_parents_when_another_begins_past_1_is_a_copy_not_a_restart():
    # Items 1…4 continue across sections; a damaged page put 1, 3, 4 above the headings and a
    # copy of item 1 under （一）. Only number 1 stands under two parents: the series continues.
    text = "1．建立机制。\n3．开展整治。\n4．强化考核。\n（二）强化监管。\n2．完善制度。\n一、总体要求\n（一）明确目标。\n1．建立机制，加强共享。\n"
    units, positions = _positions(text)
    items = [p for p in positions if p.series == "1."]
    assert not any(p.restarts for p in items)
    assert len({p.key for p in items if p.number == 1}) == 1  # both copies of item 1 name one clause


def test_lists_under_two_articles_restart_even_when_one_has_a_single_item():
    text = "第一条 申请时应说明下列事项：\n一、仲裁方式。\n二、仲裁人资格。\n第二条 有下列情形之一者：\n一、当事人不适格。\n"
    units, positions = _positions(text)
    assert all(p.restarts for p in positions if p.series == "一、")
    assert series_ascend(positions)
