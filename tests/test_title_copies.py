"""Copies of the title that differ from it (issue 18): the title with its document number
appended, cut short, after the metadata box, glued to an issuer line or a stamp; and the red header
kept once. Each copy goes with a note naming the kept title; the document is kept whole."""

from __future__ import annotations

import pytest

from docrepair import repair_text
from docrepair.ledger import find_lost_offsets, replay
from docrepair.model import Action

TITLE = "某某市人民政府办公厅关于加强质量监管工作的通知"
NUMBER = "某府办发〔2019〕12号"
BODY = (
    "各区县人民政府，市政府有关部门：\n"
    "为进一步加强质量监管工作，经市政府同意，现就有关事项通知如下。\n"
    "一、完善监管制度\n"
    "（一）健全抽查机制。各地区要建立健全随机抽查制度，加强质量安全管理。\n"
    "（二）强化信息公开。及时公开抽查结果，接受社会监督。\n"
    "二、加强组织领导\n"
    "各地区要加强组织领导，落实工作责任，确保各项措施落到实处。\n"
    "某某市人民政府办公厅\n"
    "2019年3月1日\n"
)
DOCUMENT = f"{TITLE}\n{NUMBER}\n{BODY}"
RED_HEADER = "某某市人民政府办公厅文件"
TABLE = "索引号: | 000014349/2019-00012 | 发布机构: | 某某市人民政府办公厅\n标题: | 关于加强质量监管工作的通知 | 发文字号: | 某府办发〔2019〕12号\n"


def _mid(copy: str) -> str:
    return DOCUMENT.replace("二、加强组织领导", f"{copy}\n二、加强组织领导")


PAGES = {
    "number appended before the title": (f"{TITLE}({NUMBER})\n{DOCUMENT}", "number_appended"),
    "number appended in the body": (_mid(f"{TITLE}（{NUMBER}）"), "number_appended"),
    "cut copy (second line missing)": (_mid("某某市人民政府办公厅关于加强"), "cut"),
    "issuer line glued before a copy": (f"某某市人民政府办公厅{TITLE}\n{DOCUMENT}", "issuer_glued"),
    "issuer glued before a copy in the body": (_mid(f"某某市人民政府办公厅{TITLE}"), "issuer_glued"),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_title_copy_goes_with_a_note_naming_the_title(name):
    page, kind = PAGES[name]
    result = repair_text(page)
    assert result.text == DOCUMENT
    copies = [note for note in result.notes if note.action is Action.DROP_DUPLICATE and note.evidence.get("match") == "title_copy"]
    assert [note.evidence["copy"] for note in copies] == [kind]
    assert copies[0].evidence["kept_text"] == TITLE and TITLE in copies[0].reason
    assert replay(page, result.notes) == result.text and find_lost_offsets(page, result.notes) == []


def test_a_title_broken_over_two_lines_with_a_cut_copy_keeps_the_whole_title():
    broken = DOCUMENT.replace(TITLE, "某某市人民政府办公厅关于加强\n质量监管工作的通知", 1)
    page = broken.replace("二、加强组织领导", "某某市人民政府办公厅关于加强\n二、加强组织领导")
    assert repair_text(page).text == DOCUMENT


def test_a_copy_after_the_metadata_box_goes_and_the_box_moves_to_the_header():
    page = f"{TITLE}\n{TABLE}{TITLE}\n{NUMBER}\n{BODY}"
    result = repair_text(page)
    assert result.text == DOCUMENT
    assert result.header["document"]["metadata_table"]["发布机构"] == "某某市人民政府办公厅"


def test_a_copy_glued_to_a_stamp_loses_the_stamp_and_goes():
    page = f"{TITLE}发布时间：2019-03-02 10:00\n{DOCUMENT}"
    assert repair_text(page).text == DOCUMENT


@pytest.mark.parametrize(
    "page",
    [
        f"{RED_HEADER}\n{RED_HEADER}\n{DOCUMENT}",
        f"{RED_HEADER}\n" + _mid(RED_HEADER),
    ],
)
def test_the_red_header_is_kept_once_and_never_joined_to_the_title(page):
    result = repair_text(page)
    assert result.text == f"{RED_HEADER}\n{DOCUMENT}"
    assert any(note.evidence.get("copy") == "red_header" or note.evidence.get("match") == "exact" for note in result.notes if note.action is Action.DROP_DUPLICATE)


def test_a_single_red_header_is_left_as_it_stands():
    page = f"{RED_HEADER}\n{DOCUMENT}"
    assert repair_text(page).text == page
    assert not [note for note in repair_text(page).notes if note.action is Action.JOIN_LINES]


@pytest.mark.parametrize(
    "line",
    [
        "某某市人民政府办公厅",  # the issuer alone: a signature, not a cut title (too short a share)
        "关于加强质量监管工作的意见",  # another document's title (a different type)
        "质量监管工作",  # a phrase of the title, not its beginning
    ],
)
def test_lines_that_share_words_with_the_title_stay(line):
    page = _mid(line)
    assert repair_text(page).text == page


def test_a_signature_that_begins_a_short_title_is_no_cut_copy():
    title = "某某市人民政府办公厅关于印发方案的通知"
    page = DOCUMENT.replace(TITLE, title)
    assert repair_text(page).text == page


def test_a_copy_with_both_issuers_and_the_number_of_a_joint_title_goes():
    """A joint title whose issuer line (with 、) stands above its title line: the copy holds both,
    and the number."""
    joint = "某某市人民政府办公厅、某某军分区司令部\n关于加强民兵训练工作的通知\n" + f"{NUMBER}\n{BODY}"
    page = joint.replace("二、加强组织领导", f"某某市人民政府办公厅、某某军分区司令部关于加强民兵训练工作的通知（{NUMBER}）\n二、加强组织领导")
    result = repair_text(page)
    assert result.text == joint
    assert [note.evidence.get("copy") for note in result.notes if note.action is Action.DROP_DUPLICATE] == ["number_appended"]


# -- titles over three lines with 、 in their 关于 half, letter-spaced titles, copies over lines ---

BULLETIN_LINES = ("国务院办公厅关于山西、安徽省", "四起特大煤矿瓦斯爆炸事故", "调查处理情况的通报")
BULLETIN = "".join(BULLETIN_LINES)
BULLETIN_NUMBER = "国办发〔2004〕7号"
BULLETIN_BODY = (
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
    "经调查认定，山西、安徽省发生的4起特大煤矿瓦斯爆炸事故均为责任事故。\n"
    "一、严格落实安全生产责任制\n"
    "各地区要认真吸取事故教训，切实加强煤矿安全生产工作。\n"
    "二、加强瓦斯治理\n"
    "各煤矿企业要加强通风管理，严防瓦斯超限作业。\n"
    "国务院办公厅\n"
    "二〇〇四年一月十五日\n"
)
BULLETIN_PAGE = "\n".join(BULLETIN_LINES) + f"\n{BULLETIN_NUMBER}\n{BULLETIN_BODY}"
BULLETIN_DOCUMENT = f"{BULLETIN}\n{BULLETIN_NUMBER}\n{BULLETIN_BODY}"


def _bulletin_mid(copy: str) -> str:
    return BULLETIN_PAGE.replace("二、加强瓦斯治理", f"{copy}\n二、加强瓦斯治理")


def _title_copy_notes(result) -> list:
    return [note for note in result.notes if note.action is Action.DROP_DUPLICATE and note.evidence.get("match") == "title_copy"]


def test_a_title_whose_about_half_lists_places_is_joined_whole_and_nothing_else_changes():
    result = repair_text(BULLETIN_PAGE)
    assert result.text == BULLETIN_DOCUMENT
    assert {note.action for note in result.notes} == {Action.JOIN_LINES}
    assert all(note.evidence["joined"] == BULLETIN for note in result.notes)


@pytest.mark.parametrize(
    ("copy", "kind"),
    [
        (f"{BULLETIN}（{BULLETIN_NUMBER}）", "number_appended"),
        (BULLETIN[:22], "cut"),
        (f"某某市人民政府办公厅{BULLETIN}", "issuer_glued"),
        ("\n".join(BULLETIN_LINES[:2]), "lines"),  # its first two lines pasted again, unjoined
    ],
)
def test_a_copy_of_a_title_with_places_in_its_about_half_goes(copy, kind):
    page = _bulletin_mid(copy)
    result = repair_text(page)
    assert result.text == BULLETIN_DOCUMENT
    copies = _title_copy_notes(result)
    assert {note.evidence["copy"] for note in copies} == {kind}
    assert all(note.evidence["kept_text"] == BULLETIN for note in copies)
    assert replay(page, result.notes) == result.text and find_lost_offsets(page, result.notes) == []


@pytest.mark.parametrize(
    "above",
    [
        "北京、天津、河北",  # places listed without 关于: no half of a title
        "国务院办公厅关于山西、安徽省，",  # another sentence mark besides 、
    ],
)
def test_a_line_with_places_but_no_about_half_is_not_joined_to_the_title(above):
    page = f"{above}\n调查处理情况的通报\n{BULLETIN_NUMBER}\n{BULLETIN_BODY}"
    assert repair_text(page).text == page


def test_a_bulletin_line_in_a_sentence_is_no_title():
    page = BULLETIN_DOCUMENT.replace("各煤矿企业要加强通风管理，严防瓦斯超限作业。", "对违反规定的，予以通报。")
    assert repair_text(page).text == page


def test_the_last_title_line_pasted_with_the_body_after_it_goes():
    """A body pasted again from the title's last line on (the page repeated from mid-title)."""
    lines = BULLETIN_DOCUMENT.splitlines()
    page = "\n".join(BULLETIN_LINES) + "\n" + "\n".join(lines[1:]) + "\n" + "\n".join([BULLETIN_LINES[2], *lines[1:]]) + "\n"
    result = repair_text(page)
    assert result.text == BULLETIN_DOCUMENT
    assert [note.evidence["copy"] for note in _title_copy_notes(result)] == ["last_line"]


def test_a_line_that_ends_like_the_title_elsewhere_stays():
    """The title's last words on a line of their own, not before a copy of what follows the title."""
    page = BULLETIN_DOCUMENT.replace("二、加强瓦斯治理", "附件：调查处理情况的通报\n二、加强瓦斯治理")
    assert repair_text(page).text == page
    page = BULLETIN_DOCUMENT.replace("二、加强瓦斯治理", "调查处理情况的通报\n二、加强瓦斯治理")
    assert repair_text(page).text == page


SPACED_LINES = ("国务院关于棉粮、糖粮挂钩奖售粮", "几 个 问 题 的 通 知")
SPACED_TITLE = "".join(SPACED_LINES)
SPACED_PAGE = "\n".join(SPACED_LINES) + f"\n国发〔1981〕88号\n{BODY}"
SPACED_DOCUMENT = f"{SPACED_TITLE}\n国发〔1981〕88号\n{BODY}"


def test_a_letter_spaced_title_is_joined_with_its_spacing_kept_and_noted():
    result = repair_text(SPACED_PAGE)
    assert result.text == SPACED_DOCUMENT
    [join] = result.notes
    assert join.action is Action.JOIN_LINES and join.evidence["letter_spacing"] == "kept" and "letter spacing kept" in join.reason


@pytest.mark.parametrize(
    ("copy", "kind"),
    [
        ("国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知（国发〔1981〕88号）", "number_appended"),
        ("国务院关于棉粮、糖粮挂钩奖售粮几 个", "cut"),
        ("某某市人民政府办公厅国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知", "issuer_glued"),
    ],
)
def test_an_unspaced_copy_of_a_letter_spaced_title_goes(copy, kind):
    page = SPACED_PAGE.replace("二、加强组织领导", f"{copy}\n二、加强组织领导")
    result = repair_text(page)
    assert result.text == SPACED_DOCUMENT
    assert [note.evidence["copy"] for note in _title_copy_notes(result)] == [kind]
    assert _title_copy_notes(result)[0].evidence["kept_text"] == SPACED_TITLE


def test_an_unspaced_copy_of_a_letter_spaced_title_goes_as_an_exact_copy():
    page = SPACED_PAGE.replace("二、加强组织领导", "国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知\n二、加强组织领导")
    result = repair_text(page)
    assert result.text == SPACED_DOCUMENT
    [drop] = [note for note in result.notes if note.action is Action.DROP_DUPLICATE]
    assert drop.evidence["kept_text"] == SPACED_TITLE


@pytest.mark.parametrize("line", ["国 务 院", "特 别 说 明", "第 一 章 总 则"])
def test_letter_spaced_lines_that_are_no_title_stay(line):
    page = DOCUMENT.replace("二、加强组织领导", f"{line}\n二、加强组织领导")
    assert repair_text(page).text == page


JOINT_LINES = ("国务院办公厅、中央军委办公厅", "关于加强对侵华日军遗弃化学武器", "调查和管理工作的通知")
JOINT_PAGE = "\n".join(JOINT_LINES) + f"\n国办发〔1996〕25号\n{BODY}"
JOINT_DOCUMENT = f"{JOINT_LINES[0]}\n{JOINT_LINES[1]}{JOINT_LINES[2]}\n国办发〔1996〕25号\n{BODY}"


def test_a_cut_copy_that_reaches_past_the_issuers_line_goes():
    """Cut after the first line break: longer than the issuers' line, a copy of the whole title."""
    page = JOINT_PAGE.replace("二、加强组织领导", "国务院办公厅、中央军委办公厅关于加强对侵华日军遗\n二、加强组织领导")
    result = repair_text(page)
    assert result.text == JOINT_DOCUMENT
    [copy] = _title_copy_notes(result)
    assert copy.evidence["copy"] == "cut" and copy.evidence["kept_text"] == "关于加强对侵华日军遗弃化学武器调查和管理工作的通知"


@pytest.mark.parametrize(
    "line",
    [
        "国务院办公厅、中央军委办公厅",  # the issuers alone: a signature
        "国务院办公厅、中央军委办公厅关于加强",  # less than half of the whole title
    ],
)
def test_the_issuers_line_or_a_short_cut_of_a_joint_title_stays(line):
    page = JOINT_DOCUMENT.replace("二、加强组织领导", f"{line}\n二、加强组织领导")
    assert repair_text(page).text == page


FORWARD_LINES = ("国务院办公厅转发国家地震局", "关于加强防震减灾工作", "意见报告的通知")
FORWARD = "".join(FORWARD_LINES)
FORWARD_DOCUMENT = f"{FORWARD}\n国办发〔1996〕2号\n{BODY}"


def test_a_title_that_begins_with_its_issuer_is_the_line_above_the_document_number():
    """The body pasted again from the title's second line on: joined, that copy reads like the
    title without its issuer, and the document number says which line is the title."""
    body = FORWARD_DOCUMENT.split("\n", 1)[1]
    page = "\n".join(FORWARD_LINES) + f"\n{body}" + "\n".join(FORWARD_LINES[1:]) + f"\n{body}"
    result = repair_text(page)
    assert result.text == FORWARD_DOCUMENT
    [copy] = _title_copy_notes(result)
    assert copy.evidence["copy"] == "last_line" and copy.evidence["kept_text"] == FORWARD


def test_the_first_lines_of_a_title_that_begins_with_its_issuer_go_together():
    """国务院办公厅转发国家地震局 reads as a signature on its own; with the next title line it is a
    cut copy of the title."""
    page = "\n".join(FORWARD_LINES) + "\n国办发〔1996〕2号\n" + BODY.replace("二、加强组织领导", "\n".join(FORWARD_LINES[:2]) + "\n二、加强组织领导")
    result = repair_text(page)
    assert result.text == FORWARD_DOCUMENT
    assert [note.evidence["copy"] for note in _title_copy_notes(result)] == ["lines", "lines"]


def test_a_short_last_line_of_a_letter_spaced_title_pasted_with_the_body_goes():
    """几 个 问 题 的 通 知 holds fewer than 8 characters: its document type and the copy of the
    document number after it say it is the title's end."""
    body = SPACED_PAGE.split("\n", 2)[2]
    page = SPACED_PAGE + f"{SPACED_LINES[1]}\n{body}"
    result = repair_text(page)
    assert result.text == SPACED_DOCUMENT
    assert [note.evidence["copy"] for note in _title_copy_notes(result)] == ["last_line"]


TRIAL = "处方药与非处方药分类管理办法（试行）"
TRIAL_DOCUMENT = f"{TRIAL}\n第一条 为保障人民用药安全有效、使用方便，制定本办法。\n第二条 根据药品品种、规格、适应症、剂量及给药途径不同，对药品分别按处方药与非处方药进行管理。\n第三条 本办法自2000年1月1日起施行。\n"


@pytest.mark.parametrize(("copy", "kind"), [(f"{TRIAL}（国药管安〔1999〕7号）", "number_appended"), ("处方药与非处方药分类管理", "cut")])
def test_a_title_that_ends_with_its_trial_status_is_a_title_and_its_copies_go(copy, kind):
    page = TRIAL_DOCUMENT.replace("第三条", f"{copy}\n第三条")
    result = repair_text(page)
    assert result.text == TRIAL_DOCUMENT
    assert [note.evidence["copy"] for note in _title_copy_notes(result)] == [kind]
    assert repair_text(TRIAL_DOCUMENT).text == TRIAL_DOCUMENT and not repair_text(TRIAL_DOCUMENT).notes


RULES = (
    "刑事補償事件審理規則\n"
    "1.中華民國四十八年八月二十五日司法院院台參字第 314 號令訂定發布全文 14 條\n"
    "第 1 條\n本規則依刑事補償法第四十條規定訂定之。\n"
    "第 2 條\n補償請求事件，由原處分或判決之法院管轄；本規則未規定者，準用刑事訴訟法。\n"
)


@pytest.mark.parametrize("title", ["刑事補償事件審理規則", "文化部文化資產局處務規程", "學校財團法人捐助章程訂定準則", "醫療器材行政規費收費標準"])
def test_rules_procedures_and_standards_are_titles_whose_copies_go(title):
    """規則, 規程, 準則 and 標準 end titles as 办法 and 规定 do (Taiwan's regulations): a copy
    with the document number appended goes; the word inside a sentence makes no title."""
    page = RULES.replace("刑事補償事件審理規則", title, 1)
    pasted = page.replace("第 2 條\n", f"{title}(某府办发〔2020〕7号)\n第 2 條\n")
    result = repair_text(pasted)
    assert result.text == page
    (copy,) = [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
    assert copy.evidence["kept_input_span"] == [0, len(title)]
    # A sentence that ends in the word is no title: 本規則 in the body stays where it is.
    assert repair_text(page).text == page
