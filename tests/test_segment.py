import pytest

from docrepair.config import SegmentConfig
from docrepair.model import Role
from docrepair.stages.segment import find_line_splits, match_marker, parse_chinese_numeral, segment_units


@pytest.mark.parametrize(
    "numeral, value",
    [("一", 1), ("十", 10), ("十七", 17), ("三十五", 35), ("九十九", 99), ("一百", 100), ("一百零二", 102), ("二〇", 20), ("十百", None), ("二三十", None)],
)
def test_parse_chinese_numeral(numeral, value):
    assert parse_chinese_numeral(numeral) == value


@pytest.mark.parametrize(
    "text, role, number, level",
    [
        ("一、总体要求", Role.CHAPTER, 1, 1),
        ("（十七）加强执法", Role.SECTION, 17, 2),
        ("(三)加快推进", Role.SECTION, 3, 2),
        ("12．建立完善", Role.ITEM, 12, 3),
        ("3.加强", Role.ITEM, 3, 3),
        ("（2）开展", Role.SUB_ITEM, 2, 4),
        ("③落实", Role.CIRCLED, 3, 5),
        ("第十二条 本办法", Role.ARTICLE, 12, 3),
        ("第三章 附则", Role.CHAPTER, 3, 1),
    ],
)
def test_markers_at_every_level(text, role, number, level):
    marker = match_marker(text)
    assert (marker.role, marker.number, marker.level) == (role, number, level)


@pytest.mark.parametrize("text", ["（此件公开发布）", "（以下简称打击侵权假冒）", "2017年8月", "（市农委、市商务委按职责分工负责）", "3.5亿元", "（2017）", "统一、规范"])
def test_look_alikes_are_not_markers(text):
    assert match_marker(text) is None


def _split(text):
    edits = find_line_splits(text, SegmentConfig())
    out = text
    for edit in sorted(edits, key=lambda e: -e.start):
        out = out[: edit.start] + edit.after + out[edit.end :]
    return out.split("\n")


def test_run_on_text_is_split_at_markers_after_sentence_ends_and_headings():
    text = "现就有关任务分工通知如下。一、推进跨部门综合治理（一）强化重点领域整治。1．坚持专项整治与日常监管相结合。（市农委、市商务委按职责分工负责）2．完善日常监督检查制度。"
    assert _split(text) == [
        "现就有关任务分工通知如下。",
        "一、推进跨部门综合治理",
        "（一）强化重点领域整治。",
        "1．坚持专项整治与日常监管相结合。",
        "（市农委、市商务委按职责分工负责）",
        "2．完善日常监督检查制度。",
    ]


def test_glued_page_head_is_split_into_title_metadata_number_and_addressees():
    title = "重庆市人民政府办公厅关于加强打击侵权工作的通知"
    text = f"{title}发布日期:2017-08-28{title}渝府办发〔2017〕132号各区县人民政府，市政府有关部门：为贯彻落实《意见》（国发〔2017〕14号）要求，现通知如下。"
    assert _split(text) == [title, "发布日期:2017-08-28", title, "渝府办发〔2017〕132号", "各区县人民政府，市政府有关部门：", "为贯彻落实《意见》（国发〔2017〕14号）要求，现通知如下。"]


def test_markers_inside_brackets_quotes_or_words_do_not_split():
    for text in ["依据《条例》（一）项规定执行。", "坚持统一、规范、高效的原则。", "按照第三条（二）的要求办理。", "资金3.5亿元。2.0版本上线。"]:
        assert _split(text) == [text]


def test_clean_lines_with_attribution_are_not_split():
    text = "1．坚持专项整治与日常监管相结合。（市农委、市商务委按职责分工负责）"
    assert _split(text) == [text]


def test_units_know_their_roles():
    text = "关于加强打击侵权工作的通知\n渝府办发〔2017〕132号\n各区县人民政府，市政府有关部门：\n为贯彻落实要求，现通知如下。\n一、总体要求\n（一）指导思想。\n1．坚持依法治理。\n（市农委按职责分工负责）\n重庆市人民政府办公厅\n2017年8月25日\n"
    roles = [unit.role for unit in segment_units(text, SegmentConfig())]
    assert roles == [Role.TITLE, Role.DOC_NUMBER, Role.ADDRESSEES, Role.PARAGRAPH, Role.CHAPTER, Role.SECTION, Role.ITEM, Role.ATTRIBUTION, Role.SIGNATURE, Role.DATE]


@pytest.mark.parametrize(
    "line",
    [
        "一、删除《解释》第一条第二项。",  # an article of a named law, and its part
        "二、在《解释》第三条后增加一条，作为修改后《解释》第四条。",
        "（二）登录国家安全机关互联网举报受理平台网站www.12339.gov.cn；",  # a web address
        "1.中華民國四十八年八月二十五日司法院（48）院台參字第 314  號令訂定發布全文 14 條",  # a document number's year
    ],
)
def test_references_that_look_like_markers_do_not_split_a_line(line):
    assert find_line_splits(line + "\n", SegmentConfig()) == []
