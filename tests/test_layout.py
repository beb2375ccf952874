"""Joined titles and sentences, repaired citations, flagged quotes."""

from __future__ import annotations

from docrepair import repair_text
from docrepair.model import Action

BODY = "各区县人民政府：\n为做好有关工作，现通知如下。\n一、总体要求\n（一）加强组织领导。各部门要高度重视。\n"


def test_a_title_broken_over_lines_is_joined():
    result = repair_text("关于进一步加强安全生产\n\n监督管理工作的通知\n" + BODY)
    assert result.text.splitlines()[0] == "关于进一步加强安全生产监督管理工作的通知"
    assert [n.action for n in result.notes] == [Action.JOIN_LINES]


def test_two_titles_in_a_row_are_not_joined():
    text = "关于印发实施方案的通知\n安全生产监督管理实施方案\n" + BODY
    assert repair_text(text).text == text


def test_an_attachment_label_is_not_half_a_title():
    text = BODY + "附件\n安全生产监督管理实施方案\n"
    assert repair_text(text).text == text


def test_a_sentence_cut_by_the_scrape_is_joined():
    text = BODY + "为贯彻落实党中央国务院关于安全生产工作的决策部署，进一步压实各方责任，切实防范化解重大安全\n风险，结合本市实际，制定本方案。\n"
    result = repair_text(text)
    assert "切实防范化解重大安全风险，结合本市实际" in result.text


def test_a_number_with_year_and_serial_run_together_is_repaired_and_noted():
    text = BODY.replace("现通知如下。", "根据《关于加强监管的意见》(冀政办发〔201541)，现通知如下。")
    result = repair_text(text)
    assert "(冀政办发〔2015〕41号)" in result.text
    (note,) = [n for n in result.notes if n.action is Action.REPAIR_CITATION]
    assert note.before == "〔201541" and note.evidence["year"] == "2015"


def test_correct_numbers_are_left_alone():
    text = BODY.replace("现通知如下。", "根据《关于加强监管的意见》(冀政办发〔2015〕41号)，现通知如下。")
    assert repair_text(text).notes == ()


def test_a_quote_missing_its_opening_half_is_flagged():
    text = BODY.replace("各部门要高度重视。", "充分应用全国12365”等平台。")
    result = repair_text(text)
    assert result.text == text
    (flag,) = [n for n in result.notes if n.action is Action.FLAG]
    assert flag.before == "”"


def test_a_title_broken_over_three_lines_is_joined_whole():
    doc = (
        "国务院办公厅关于印发\n国家组织药品集中采购和\n使用试点方案的通知\n国办发〔2019〕2号\n"
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
        "《国家组织药品集中采购和使用试点方案》已经国务院同意，现印发给你们，请认真贯彻执行。\n国务院办公厅\n2019年1月1日\n"
    )
    result = repair_text(doc)
    assert result.text.splitlines()[0] == "国务院办公厅关于印发国家组织药品集中采购和使用试点方案的通知"
    assert result.header["document"]["title"] == "国务院办公厅关于印发国家组织药品集中采购和使用试点方案的通知"
    assert [note.action for note in result.notes] == [Action.JOIN_LINES, Action.JOIN_LINES]
