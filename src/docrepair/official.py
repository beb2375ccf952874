"""Elements of the official document format (GB/T 9704) that more than one stage reads.

Stages never import each other; a pattern two stages need (the red header: layout must not join
it into a title, dedup keeps it once; the document number: segment reads its line, dedup finds it
appended to a copy of the title; letter spacing: segment reads a letter-spaced title, layout notes
that a join kept it) lives here.
"""

from __future__ import annotations

import re

#: The red header (发文机关标志) above an official document: 某某市人民政府办公厅文件. A title broken
#: before 文件 (…规范性文件 / 的决定) holds 关于, which this leaves out.
RED_HEADER = re.compile(
    r"(?!.*[关關]于)[\u4e00-\u9fff]{2,30}(?:人民政府|办公厅|辦公廳|办公室|辦公室|委员会|委員會|[局厅廳部院署])文件"
)


#: A document number (发文字号): issuer abbreviation, year in brackets, serial: 渝府办发〔2017〕132号.
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［【(（]\d{4}[〕\]］】)）]第?\d{1,5}[号號]")


#: A run of Han characters typeset with letter spacing, as old titles are (几 个 问 题 的 通 知,
#: govcn_guofa-1981-88): three characters at least, each one or two spaces from the next.
LETTER_SPACED = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff](?:[ \u3000]{1,2}[\u3400-\u4dbf\u4e00-\u9fff]){2,}")


def without_letter_spacing(line: str) -> str:
    """The line with the spaces of its letter-spaced runs taken out: how a title's words are read
    (几个问题的通知). For reading only: the text keeps its spacing."""
    return LETTER_SPACED.sub(lambda found: re.sub(r"[ \u3000]", "", found.group()), line)


def is_red_header(line: str) -> bool:
    return bool(RED_HEADER.fullmatch(line.strip()))
