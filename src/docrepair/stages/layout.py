"""Layout: lines the scrape broke are joined, damaged citations are repaired or flagged.

- A title broken over lines (`关于加强互联网领域侵权` / blank / `假冒行为治理的实施意见`) is joined:
  a short line without punctuation right before a line that ends like a title.
- A body line cut mid-sentence (a long paragraph line ending in a Han character, continued on the
  next line without a marker) is joined to its continuation.
- A document number whose brackets lost their middle (`〔201541)`: year and serial run together)
  is repaired to `〔2015〕41号` when the digits split one way only (a year 1949–2099 then a
  serial); a quotation mark without its other half is flagged.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..config import LayoutConfig, RepairConfig, SegmentConfig
from ..model import Action, Edit, Flag, Proposal, Role, Unit
from ..official import LETTER_SPACED, is_red_header
from ..stage import DocumentView, Stage

NAME = "layout"


def propose(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(find_layout_edits(view.text, view.units, config.layout, config.segment.max_title_chars))


def propose_flags(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(flags=find_layout_flags(view.units))


# Two points of the pipeline: the joins and repairs before the markers stage (which reads the
# joined lines), the flags after it, on the lines as they then stand.
STAGE = Stage(NAME, propose)
FLAGS = Stage(NAME, propose_flags)

_SENTENCE_MARKS = "。，,；;：:！？!?、"
#: The 关于 half of a title may list places or bodies with 、 (国务院办公厅关于山西、安徽省 /
#: 四起特大煤矿瓦斯爆炸事故 / 调查处理情况的通报, govcn_guobanfa-2004-7): its other marks still
#: make it no half.
_ABOUT = re.compile(r"[关關]于")
#: Lines that head an attachment or a list and are never the first half of a title.
_NOT_A_TITLE_HALF = re.compile(r"^(?:附件|附表|附录|附錄)\s*\d*\s*[:：]?$")
#: A bracketed year run into its serial, the closing bracket lost: 〔201541) or [201541号.
_RUN_TOGETHER_NUMBER = re.compile(r"([〔\[［【])((?:19[4-9]|20\d)\d)(\d{1,4})(?=[)）号號]|$)")
#: What the halves of an official title are made of: Han characters, digits, and the marks
#: titles use (《》“”（）、·—). A line with anything else (Latin words, U+FFFD) is no half title.
_TITLE_CHARS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff0-9０-９《》〈〉“”‘’（）()、·—\-]+")
_DOUBLE_QUOTES = {"“": "”", "「": "」", "『": "』"}
#: Either half of each pair, compiled once (the flags pass reads every line three times).
_QUOTE_MARKS = {opening: re.compile(f"[{opening}{closing}]") for opening, closing in _DOUBLE_QUOTES.items()}


def find_layout_edits(
    text: str, units: Sequence[Unit], config: LayoutConfig | None = None, max_title_chars: int = SegmentConfig.max_title_chars
) -> list[Edit]:
    """Joins of broken titles (up to `max_title_chars`, the segment stage's title limit) and cut
    sentences, and repairs of run-together document numbers."""
    config = config or LayoutConfig()
    edits = _title_joins(text, units, config, max_title_chars) + _sentence_joins(text, units, config)
    edits += _citation_repairs(units)
    return sorted(edits, key=lambda edit: (edit.start, edit.end))


def find_layout_flags(units: Sequence[Unit]) -> list[Flag]:
    """Damage to flag and leave: quotation marks without their other half."""
    flags = []
    for unit in units:
        for opening, closing in _DOUBLE_QUOTES.items():
            if opening not in unit.text and closing not in unit.text:
                continue  # most lines quote nothing: no scan
            depth = 0
            for found in _QUOTE_MARKS[opening].finditer(unit.text):
                if found.group() == opening:
                    depth += 1
                elif depth:
                    depth -= 1
                else:
                    at = unit.span.start + found.start()
                    flags.append(Flag(at, at + 1, Action.FLAG, f"a closing {closing} without its opening {opening}: a quotation lost its first half", {"mark": closing}))
            if depth:
                at = unit.span.start + unit.text.rfind(opening)
                flags.append(Flag(at, at + 1, Action.FLAG, f"an opening {opening} never closed in its line: a quotation lost its second half", {"mark": opening}))
    return flags


def _gap(text: str, first: Unit, second: Unit) -> str:
    return text[first.span.end : second.span.start]


def _title_joins(text: str, units: Sequence[Unit], config: LayoutConfig, max_title_chars: int) -> list[Edit]:
    """A title line (it ends with the document type) and the title halves right before it, up to
    `max_title_lines` lines in all (gov.cn breaks long titles over two or three)."""
    edits = []
    for index, last in enumerate(units):
        if last.role is not Role.TITLE:
            continue
        length = len(last.text)
        first = index - 1
        while first >= 0 and index - first < config.max_title_lines and _is_title_half(text, units[first], units[first + 1], config):
            length += len(units[first].text)
            if length > max_title_chars:
                break
            first -= 1
        halves = units[first + 1 : index + 1]
        joined = "".join(unit.text for unit in halves)
        reason, evidence = "a title broken over lines joined", {"rule": "broken title", "joined": joined}
        if LETTER_SPACED.search(joined):
            # Letter spacing (几 个 问 题 的 通 知) is how the page typeset the title, not damage:
            # it stays, and the note says so.
            reason, evidence = f"{reason} (its letter spacing kept)", {**evidence, "letter_spacing": "kept"}
        for upper, lower in zip(halves, halves[1:]):
            edits.append(Edit(upper.span.end, lower.span.start, "", Action.JOIN_LINES, reason, evidence))
    return edits


def _is_title_half(text: str, first: Unit, second: Unit, config: LayoutConfig) -> bool:
    gap = _gap(text, first, second)
    return (
        first.role is Role.PARAGRAPH  # a whole title before it is another title
        and first.text[0] not in "（(【[〔"
        and bool(_TITLE_CHARS.fullmatch(first.text))
        and not any(mark in first.text for mark in _SENTENCE_MARKS if mark != "、" or not _ABOUT.search(first.text))
        and not _NOT_A_TITLE_HALF.match(first.text)
        and not is_red_header(first.text)  # 某某市人民政府办公厅文件 stands above the title
        and gap.strip() == ""
        and gap.count("\n") <= config.max_blank_lines + 1
    )


def _sentence_joins(text: str, units: Sequence[Unit], config: LayoutConfig) -> list[Edit]:
    edits = []
    for first, second in zip(units, units[1:]):
        gap = _gap(text, first, second)
        if (
            first.role is Role.PARAGRAPH
            and second.role is Role.PARAGRAPH
            and len(first.text) >= config.min_cut_line_chars
            and "\u4e00" <= first.text[-1] <= "\u9fff"
            and "\u4e00" <= second.text[0] <= "\u9fff"
            and gap in ("\n", "\r\n")
        ):
            edits.append(Edit(first.span.end, second.span.start, "", Action.JOIN_LINES, "a sentence the scrape cut over two lines joined", {"rule": "cut sentence"}))
    return edits


def _citation_repairs(units: Sequence[Unit]) -> list[Edit]:
    edits = []
    closing = {"〔": "〕", "[": "]", "［": "］", "【": "】"}
    for unit in units:
        for found in _RUN_TOGETHER_NUMBER.finditer(unit.text):
            bracket, year, serial = found.groups()
            after = unit.text[found.end() : found.end() + 1]
            repaired = f"{bracket}{year}{closing[bracket]}{serial}" + ("" if after in "号號" and after else "号")
            start = unit.span.start + found.start()
            edits.append(
                Edit(
                    start,
                    start + len(found.group()),
                    repaired,
                    Action.REPAIR_CITATION,
                    f"a document number whose year and serial ran together repaired ({year} then {serial})",
                    {"rule": "year and serial run together", "year": year, "serial": serial},
                )
            )
    return edits
