"""Site chrome from template conventions other than the seeds', and body text that only looks
like chrome (negative cases)."""

from __future__ import annotations

import pytest

from docrepair import repair_text
from docrepair.ledger import find_lost_offsets, replay
from docrepair.model import Action

DOCUMENT = (
    "国务院办公厅关于加强质量监管工作的通知\n"
    "国办发〔2019〕12号\n"
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
    "为进一步加强质量监管工作，经国务院同意，现就有关事项通知如下。\n"
    "一、完善监管制度\n"
    "（一）健全抽查机制。各地区要建立健全随机抽查制度，加强版权保护和网站备案管理。\n"
    "（二）强化信息公开。及时公开抽查结果，接受社会监督，发布日期等信息应当准确。\n"
    "国务院办公厅\n"
    "2019年3月1日\n"
)

HEADS = [
    "您的位置：首页 > 政务公开 > 政策文件 > 正文\n",
    "当前位置:首页 » 新闻中心 » 通知公告\n来源：市政府办公室 | 发布时间：2019-03-02 | 阅读次数：1024 | 字号：大 中 小\n",
    "首页 > 信息公开 > 文件\n【打印本页】【关闭窗口】\n",
]
TAILS = [
    "上一篇：关于做好春节期间安全生产工作的通知\n下一篇：关于开展环境卫生整治的通知\n",
    "分享到：微信 微博 QQ空间\n扫一扫在手机打开当前页\n主办单位：某市人民政府办公室 | 网站标识码：1234567890 | 京ICP备12345678号 | 京公网安备11010502030000号\n",
    "相关阅读：\n关于我们 | 网站地图 | 联系我们 | 使用帮助 | 隐私声明\nCopyright © 2003-2024 www.example.gov.cn All Rights Reserved\n本网站部分内容来自互联网，如有侵权请联系删除。\n",
    "【责任编辑：张三】\nhttps://www.example.gov.cn/zwgk/2019/0301/12345.html\n",
]


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("tail", TAILS)
def test_chrome_of_other_templates_is_removed_and_the_document_kept_whole(head, tail):
    text = head + DOCUMENT + tail
    result = repair_text(text)
    assert result.text == DOCUMENT
    dropped = [n for n in result.notes if n.action is Action.DROP_CHROME]
    assert dropped and all(n.evidence["rule"] and n.evidence["region"] in ("head", "tail") for n in dropped)
    assert replay(text, result.notes) == result.text and find_lost_offsets(text, result.notes) == []


@pytest.mark.parametrize(
    "line",
    [
        "各级网站要加强版权保护，严厉打击侵权盗版行为，维护权利人合法权益。",
        "发布日期为2019年3月1日的文件同时废止。",
        "（三）规范转载行为。新闻网站转载作品应当注明来源，联系权利人取得许可。",
    ],
)
def test_body_lines_that_mention_chrome_words_stay(line):
    text = DOCUMENT.replace("国务院办公厅\n2019年3月1日\n", line + "\n国务院办公厅\n2019年3月1日\n")
    result = repair_text(text)
    assert line in result.text
    assert not [n for n in result.notes if n.action is Action.DROP_CHROME]


def test_a_clean_document_has_no_chrome_notes():
    assert repair_text(DOCUMENT).notes == ()


def test_metadata_table_rows_become_header_fields():
    table = "索引号: | 000014349/2019-00012 | 主题分类: | 综合政务 |\n发文机关: | 国务院办公厅 | 成文日期: | 2019-03-01 |\n"
    result = repair_text(table + DOCUMENT)
    assert result.text == DOCUMENT
    fields = result.header["document"]["metadata_table"]
    assert fields == {"索引号": "000014349/2019-00012", "主题分类": "综合政务", "发文机关": "国务院办公厅", "成文日期": "2019-03-01"}
    assert result.header["document"]["number"] == "国办发〔2019〕12号"
    assert result.header["document"]["date"] == "2019年3月1日"
    assert [n.action for n in result.notes] == [Action.EXTRACT_METADATA, Action.EXTRACT_METADATA]


def test_a_copyright_sign_in_running_or_garbled_text_is_no_footer():
    for line in ["Iggy Pop (nÃƒÂ© Jim Osterberg)", "TroisiÃ¨me Ã©dition pour ce festival", "[x]\xa0©", "Ø±Ø³Ø§Ù„Ø©"]:
        assert repair_text(line).text.strip() == line.strip()


def test_a_copyright_footer_still_goes():
    for footer in ["Copyright © 2003-2024 www.example.gov.cn All Rights Reserved", "©2019 北京市人民政府 主办", "© example.gov.cn"]:
        result = repair_text(DOCUMENT + footer + "\n")
        assert footer not in result.text and result.text == DOCUMENT


def test_chrome_rules_never_empty_a_document():
    page = "当前位置：首页 > 政务公开\n浏览次数：1024\n分享到：微信 微博\n"
    result = repair_text(page)
    assert result.text == page and not result.notes


MIRROR_HEADS = [
    "作者:本站编辑 时间:2012-03-04 浏览:56 来源:某某法规网\n",
    "浏览：\n视力保护色： 字号：【 大 中 小 】\n",
    "网站首页 | 设为首页 | 收藏本站\n",
    "简介：各位读者，本文汇编为你整理了多篇相关文件。\n第二篇：\n",
]
MIRROR_TAILS = [
    "附件下载：点击此处下载\n返回顶部\n",
    "归档时间：2011-09-30 08:15:00\n",
    "推荐阅读\n关于开展全市爱国卫生月活动的通知\n某县农村公路养护管理办法\n关于加快推进\n",
]


@pytest.mark.parametrize("head", MIRROR_HEADS)
@pytest.mark.parametrize("tail", MIRROR_TAILS)
def test_law_mirror_and_template_chrome_is_removed_and_the_document_kept(head, tail):
    result = repair_text(head + DOCUMENT + tail)
    assert result.text == DOCUMENT
    assert {note.action for note in result.notes} <= {Action.DROP_CHROME, Action.SPLIT_LINE}


def test_chrome_after_the_title_and_number_is_removed():
    title, number, rest = DOCUMENT.split("\n", 2)
    page = f"{title}\n{number}\n作者：管理员 时间：2019-03-05 浏览：88\n网站首页 | 设为首页 | 收藏本站\n{rest}"
    assert repair_text(page).text == DOCUMENT


def test_an_update_stamp_glued_between_title_and_addressees_is_cut_out():
    title, rest = DOCUMENT.split("\n", 1)
    number, rest = rest.split("\n", 1)
    page = f"{title}更新时间:2010-11-12 7:32:44{number}\n{rest}"
    result = repair_text(page)
    assert "更新时间" not in result.text and title in result.text and number in result.text
    assert any(note.action is Action.DROP_CHROME and "更新时间" in note.before for note in result.notes)


def test_a_line_of_article_anchors_is_chrome_not_the_first_article():
    law = "某市物业管理条例\n第一条 为了规范物业管理活动，制定本条例。\n第二条 本条例适用于本市行政区域。\n第三条 市住房城乡建设部门负责全市物业管理活动的监督管理。\n"
    result = repair_text("第一条 第二条 第三条\n" + law)
    assert result.text == law


def test_link_titles_without_a_related_header_are_body():
    """Short unpunctuated lines at the end are chrome only under a related-reading header."""
    text = DOCUMENT + "附件：\n关于开展全市爱国卫生月活动的通知\n"
    assert repair_text(text).text == text


def test_what_the_chrome_says_is_read_into_the_header_before_it_goes():
    title = "关于加强质量监管工作的通知"
    page = (
        f"【通知公告】某市人民政府办公厅{title}\n"
        "来源：市政府办公室 | 发布时间：2019-03-02 10:15 | 阅读次数：1024\n"
        f"{title}\n各区县人民政府：\n为进一步加强质量监管工作，现就有关事项通知如下。\n一、完善监管制度\n（一）健全抽查机制。各地区要建立健全随机抽查制度。\n"
    )
    document = repair_text(page).header["document"]
    assert document["page"] == {"issuer": "某市人民政府办公厅", "published": "2019-03-02 10:15", "source": "市政府办公室"}
    assert document["issuer"] == "某市人民政府办公厅"  # no signature of its own


def test_an_issuer_before_another_title_is_not_taken():
    page = "【热门】某省教育厅关于做好招生工作的通知\n" + DOCUMENT
    document = repair_text(page).header["document"]
    assert "issuer" not in document["page"] and document["issuer"] == "国务院办公厅"


# -- the scored line classifier and the spellings other templates use ---------------------------

from docrepair.config import BoilerplateConfig, RepairConfig  # noqa: E402
from docrepair.stages.boilerplate import score_chrome_line  # noqa: E402

#: Chrome no rule names, in spellings the rules were not written from: each must score as chrome.
UNRULED_CHROME = [
    "阅读：",
    "字号: T | T",
    "【下载WORD版】",
    "【字號：大 中 小】",
    "時間：2006-5-1　瀏覽：311　來源：某某法律網　作者：",
    "评论：0 | 收藏：12",
]


@pytest.mark.parametrize("line", UNRULED_CHROME)
def test_the_classifier_scores_chrome_no_rule_names_and_says_why(line):
    scored = score_chrome_line(line)
    assert scored.score >= BoilerplateConfig().min_chrome_score, scored
    result = repair_text(line + "\n" + DOCUMENT)
    assert result.text == DOCUMENT
    note = next(n for n in result.notes if n.action is Action.DROP_CHROME)
    assert note.evidence["line"] and note.evidence["line"] in line  # segment may split a bar at its labels


def test_a_scored_line_names_its_features_and_the_threshold():
    result = repair_text("【下载WORD版】\n" + DOCUMENT)
    note = next(n for n in result.notes if n.action is Action.DROP_CHROME)
    assert note.evidence["rule"] == "chrome_score"
    assert note.evidence["features"]["widget_word"] == 2.0 and note.evidence["threshold"] == 4.0
    assert "score" in note.reason


@pytest.mark.parametrize(
    "line",
    [
        "时间：2021年3月15日上午9时",  # a meeting notice's own time: a date in words
        "联系人：张三，电话：12345678。",
        "本办法自发布之日起施行，由市人民政府办公厅负责解释。",
        "附件：1．某市物业管理收费标准",
        "发布日期:2017-08-28",  # the document's own metadata (seed 003 keeps it)
    ],
)
def test_document_lines_with_label_words_score_below_the_threshold(line):
    assert score_chrome_line(line).score < BoilerplateConfig().min_chrome_score


def test_the_threshold_is_config():
    page = "【下载WORD版】\n" + DOCUMENT
    strict = RepairConfig.from_dict({"boilerplate": {"min_chrome_score": 99}})
    assert repair_text(page).text == DOCUMENT
    assert "【下载WORD版】" in repair_text(page, strict).text


@pytest.mark.parametrize(
    "tail",
    [
        "相關文章：\n關於開展全市愛國衛生月活動的通知\n某縣農村公路養護管\n",
        "相关文章推荐\n关于开展全市爱国卫生月活动的通知\n某县农村公路养护管\n",
        "篇一：\n",
    ],
)
def test_related_lists_in_either_script_and_part_labels_are_chrome(tail):
    assert repair_text(DOCUMENT + tail).text == DOCUMENT


@pytest.mark.parametrize("anchors", ["第 1 條  第 2 條  第 3 條", "第一条 | 第二条 | 第三条 | 第四条"])
def test_anchors_with_spaces_or_separators_are_chrome(anchors):
    law = "某市物业管理条例\n第一条 为了规范物业管理活动，制定本条例。\n第二条 本条例适用于本市行政区域。\n第三条 市住房城乡建设部门负责全市物业管理活动的监督管理。\n"
    assert repair_text(anchors + "\n" + law).text == law


@pytest.mark.parametrize("stamp", ["發佈時間:2005-10-20 18:17:45", "录入时间：2011-05-24 14:15:01"])
def test_a_stamp_glued_between_the_title_and_a_line_of_links_is_cut_out(stamp):
    title, rest = DOCUMENT.split("\n", 1)
    page = f"{title}{stamp}网站首页 | 设为首页 | 收藏本站\n{rest}"
    result = repair_text(page)
    assert result.text == DOCUMENT
    assert any(note.action is Action.DROP_CHROME and stamp[:4] in note.before for note in result.notes)
