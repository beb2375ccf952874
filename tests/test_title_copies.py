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
