"""Segment: split text into units that know their role in an official document.

Two steps. `find_line_splits` proposes line breaks where scraped run-on text glued units
together (a clause marker after a sentence end, a document number after a title); the ledger
records them. `segment_units` then reads each line as one unit and classifies it: title,
document number, addressees, metadata, numbered clause at its GB/T 9704 level, attribution,
signature, date or paragraph. The pipeline hands `segment_units` to the document view, which
derives every stage's units with it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from ..config import RepairConfig, SegmentConfig
from ..model import Action, Edit, Proposal, Role, Span, Unit
from ..official import DOC_NUMBER, without_letter_spacing
from ..stage import DocumentView, Stage

NAME = "segment"

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL = "零〇一二两三四五六七八九十百千"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_SPACE = " \t\u3000\u00a0"


def parse_chinese_numeral(numeral: str) -> int | None:
    """一 → 1, 十七 → 17, 三十五 → 35, 一百零二 → 102, 二〇 → 20 (digit by digit). None when
    the string is not a well-formed numeral."""
    if not numeral or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in numeral):
        return None
    if not any(ch in _CN_UNITS for ch in numeral):
        value = 0
        for ch in numeral:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    total = 0
    digit: int | None = None
    last_unit = 10**9
    for ch in numeral:
        if ch in _CN_DIGITS:
            if digit is not None and _CN_DIGITS[ch] != 0 and digit != 0:
                return None  # two digits in a row: 二三十
            digit = _CN_DIGITS[ch]
        else:
            unit = _CN_UNITS[ch]
            if unit >= last_unit:
                return None  # 十百
            total += (1 if digit is None else digit) * unit
            last_unit = unit
            digit = None
    if digit:
        total += digit
    return total


@dataclass(frozen=True)
class Marker:
    role: Role
    level: int
    text: str
    number: int


# Clause markers of the GB/T 9704 hierarchy, as they open a line (after optional indentation).
_MARKER_PATTERNS: tuple[tuple[Role, int, re.Pattern[str]], ...] = (
    # 第 1 條 with spaces, as Taiwan's laws write it; 編/節/條 in either script.
    (Role.ARTICLE, 1, re.compile(rf"第[ \u3000]?([{_CN_NUMERAL}]+|\d{{1,4}})[ \u3000]?([编編章节節条條])")),
    (Role.CHAPTER, 1, re.compile(rf"([{_CN_NUMERAL}]{{1,6}})[、,，.．]")),
    (Role.SECTION, 2, re.compile(rf"[（(]([{_CN_NUMERAL}]{{1,6}})[）)]")),
    (Role.ITEM, 3, re.compile(r"(\d{1,5})(?:[．.](?![\d.．])|、)")),
    (Role.SUB_ITEM, 4, re.compile(r"[（(](\d{1,5})[）)]")),
    (Role.CIRCLED, 5, re.compile(rf"([{_CIRCLED}])")),
)


def match_marker(text: str, position: int = 0) -> Marker | None:
    """The clause marker that starts exactly at `position`, if any."""
    for role, level, pattern in _MARKER_PATTERNS:
        found = pattern.match(text, position)
        if not found:
            continue
        raw = found.group(1)
        if role is Role.CIRCLED:
            number = _CIRCLED.index(raw) + 1
        elif raw.isdigit():
            number = int(raw)
        else:
            number = parse_chinese_numeral(raw)
        if number is None or number == 0:
            continue
        if role in (Role.ITEM, Role.SUB_ITEM) and len(raw) == 4 and 1900 <= number <= 2099:
            continue  # a year: （2017）, 2018.
        if role is Role.ARTICLE and found.group(2) in "章编編":
            return Marker(Role.CHAPTER, 1, found.group(0), number)
        if role is Role.ARTICLE:
            return Marker(role, 2 if found.group(2) in "节節" else 3, found.group(0), number)
        if role is Role.CHAPTER and found.group(0)[-1] in ",，.．":
            continue  # 一，/一. only count at line start with more text; see _line_marker
        return Marker(role, level, found.group(0), number)
    return None


def _line_marker(line: str) -> tuple[Marker | None, int]:
    """The marker a line opens with (after indentation) and where it starts."""
    stripped = len(line) - len(line.lstrip(_SPACE))
    # Most lines open with no marker's first characters: one scan of the start pattern settles
    # them (every marker match_marker accepts begins with a _MARKER_START match, and the
    # indentation before `stripped` satisfies its no-digit-before look-behind).
    marker = match_marker(line, stripped) if _MARKER_START.match(line, stripped) else None
    if marker is not None and marker.role is Role.ARTICLE and _CITES_ON.match(line, stripped + len(marker.text)):
        return None, stripped  # 第十條至第十七條之規定…, 第二條第一項…所定: a sentence citing articles
    if marker is None:
        # 一. and 一， are chapter markers only at the start of a line that goes on.
        found = _MARKER_PATTERNS[1][2].match(line, stripped)
        if found and found.end() < len(line) and found.group(0)[-1] in ".．":
            number = parse_chinese_numeral(found.group(1))
            if number:
                marker = Marker(Role.CHAPTER, 1, found.group(0), number)
    return marker, stripped


# -- splitting run-on lines ---------------------------------------------------------------------

#: Marks after which a new clause may begin mid-line.
_SENTENCE_END = "。！？；：!?;:"
_CLOSERS = "）)"
#: Any clause marker start, to find candidates quickly; match_marker confirms each.
_MARKER_START = re.compile(rf"第|[{_CN_NUMERAL}]{{1,6}}、|[（(](?:[{_CN_NUMERAL}]{{1,6}}|\d{{1,5}})[）)]|(?<!\d)\d{{1,5}}[．.、]|[{_CIRCLED}]")
#: Labels of a scraped metadata table or page header: 发布日期:2017-08-28.
_METADATA_LABEL = re.compile(
    r"(?:发布日期|發布日期|成文日期|发文日期|發文日期|索引号|索引號|发布机构|發布機構|发文机关|發文機關|"
    r"主题分类|主題分類|公文种类|公文種類|文号|文號|有效性|来源|來源|发布时间|發布時間|發佈時間|更新时间|更新時間|"
    r"更新日期|录入时间|錄入時間|归档时间|歸檔時間)[:：]"
)
_DATE_VALUE = re.compile(r"[ \u3000]*\d{4}(?:[-/.年]\d{1,2}){2}日?(?:[ \u3000]*\d{1,2}:\d{2}(?::\d{2})?)?")
#: The bracketed year and serial of a document number: 〔2017〕132号, [2018]7號.
_DOC_SERIAL = re.compile(r"[〔\[［【]\d{4}[〕\]］】]第?\d{1,5}[号號]")
#: Longest issuer abbreviation before the bracketed year (冀政办发, 渝府办发, 国办函: 2 to 6).
_MAX_ISSUER_CHARS = 8
#: Words an official title ends with (the document type).
_DOC_TYPES = (
    "通知|通报|通報|意见|意見|方案|办法|辦法|规定|規定|决定|決定|要点|要點|报告|報告|批复|批覆|函|通告|公告|规划|規劃|"
    "细则|細則|条例|條例|纲要|綱要|计划|計劃|措施|指导意见|公报|公報|命令|令|决议|決議|议案|議案|纪要|紀要|规则|規則|规程|規程|准则|準則|标准|標準"
)
#: A title may end with its trial status after the type: 处方药与非处方药分类管理办法（试行）.
_TITLE_END = re.compile(rf"(?:{_DOC_TYPES})(?:[（(](?:试行|試行|暂行|暫行)[）)])?$")
#: Longest document-type word, the window in which _TITLE_END is looked for before a position.
_LONGEST_DOC_TYPE = max(len(word) for word in _DOC_TYPES.split("|"))
#: Multi-character document types, to find where a title glued to an issuer code ends.
_TITLE_WORD = re.compile(
    r"通知|通报|通報|意见|意見|方案|办法|辦法|规定|規定|决定|決定|要点|要點|报告|報告|批复|批覆|通告|公告|规划|規劃|细则|細則|条例|條例|纲要|綱要|计划|計劃|措施"
)
_ADDRESSEES_END = re.compile(r"(?:政府|部门|部門|单位|單位|委员会|委員會|机构|機構|局|厅|廳|办|辦|室|组|組|公司|院|校|会|會)[：:]")


#: What follows a number in a document number, not a clause: （48）院台參字第 314 號, (2019)京01民初1号.
_SERIAL_AFTER = re.compile(r"[\u4e00-\u9fff（）()]{1,12}字第|[\u4e00-\u9fff]{1,4}\d{0,2}[\u4e00-\u9fff]{1,3}\d+号")
#: What follows an article number that a sentence cites rather than a clause it opens: another
#: article or a part of it (第十條至第十七條, 第十條及第十一條, 第二條第一項), or 之規定.
_CITES_ON = re.compile(r"[至及、或与與和]\s*第|第[零〇一二两三四五六七八九十百千\d]+[款项項目]|之?[规規]定")
#: A cited article's parts: 《解释》第一条第二项, 第三条第一款.
_CITED_PART = re.compile(r"第[零〇一二两三四五六七八九十百千\d]+[款项項目]")


def _is_reference(line: str, position: int, marker: Marker, before: str) -> bool:
    """A marker-shaped string mid-line that cites something rather than opening a clause: an
    article of a named law (《解释》第三条, 第一条第二项), the number of a web address
    (www.12339.gov.cn) or the year of a document number (（48）院台參字第 314 號)."""
    after = position + len(marker.text)
    if marker.role in (Role.ARTICLE, Role.CHAPTER) and marker.text.startswith("第"):
        return before in "》」』>" or bool(_CITED_PART.match(line, after))
    if marker.role in (Role.ITEM, Role.SUB_ITEM):
        if before.isascii() and (before.isalnum() or before in "./:-_"):
            return True
        if after < len(line) and line[after].isascii() and line[after].isalpha():
            return True
        return marker.role is Role.SUB_ITEM and bool(_SERIAL_AFTER.match(line, after))
    return False


def propose(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(find_line_splits(view.text, config.segment, dominant_newline(view.input_text)))


STAGE = Stage(NAME, propose)


def dominant_newline(text: str) -> str:
    """The line break the document mostly uses, for the breaks we insert."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def find_line_splits(text: str, config: SegmentConfig, newline: str = "\n") -> list[Edit]:
    """Line breaks to insert where run-on text glued units together. Zero-width edits."""
    positions: dict[int, str] = {}
    line_start = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        for offset, why in _splits_in_line(body, config):
            positions.setdefault(line_start + offset, why)
        line_start += len(line)
    return [
        Edit(position, position, newline, Action.SPLIT_LINE, reason, {"rule": reason.split(":")[0]})
        for position, reason in sorted(positions.items())
    ]


def _marker_splits(line: str, config: SegmentConfig, depth: "_BracketDepths") -> list[tuple[int, str]]:
    """Where a clause marker opens a new unit mid-line: after a sentence end, a closed
    parenthesis, or a short heading of a higher level."""
    splits: list[tuple[int, str]] = []
    segment_start = len(line) - len(line.lstrip(_SPACE))
    opening, _ = _line_marker(line)
    segment_level = opening.level if opening else None
    for found in _MARKER_START.finditer(line):
        position = found.start()
        if position <= segment_start:
            continue
        back = position  # the last non-space character before the marker, found without slicing
        while back > 0 and line[back - 1] in _SPACE:
            back -= 1
        if back == 0:
            continue
        before = line[back - 1]
        may_follow_heading = (
            segment_level is not None
            and position - segment_start <= config.max_heading_chars
            and not any(mark in line[segment_start:position] for mark in "。！？；，,")
        )
        # What stands before decides first: most candidates (every 第 of a sentence) follow
        # none of the three, and then neither the bracket depth nor the marker is worth reading.
        if before not in _SENTENCE_END and before not in _CLOSERS and not may_follow_heading:
            continue
        if depth[position] > 0:
            continue
        marker = match_marker(line, position)
        if marker is None:
            continue
        if _is_reference(line, position, marker, before):
            continue
        is_after_heading = may_follow_heading and segment_level < marker.level
        if before in _SENTENCE_END:
            why = "clause marker after a sentence end"
        elif before in _CLOSERS and marker.role is not Role.SUB_ITEM:
            why = "clause marker after a closing parenthesis"
        elif is_after_heading:
            why = "clause marker after a heading"
        else:
            continue
        if marker.role is Role.CHAPTER and _is_han(before):
            continue
        if marker.role is Role.ARTICLE and not why.endswith("sentence end") and not (opening and opening.text.startswith("第")):
            continue  # 依本法（以下简称本法）第三十二条…, 十七、其他不違反本法第二十九條…: a law cited
        splits.append((position, f"{why}: {marker.text}"))
        segment_start = position
        segment_level = marker.level
    return splits


def _splits_in_line(line: str, config: SegmentConfig) -> list[tuple[int, str]]:
    depth = _BracketDepths(line)
    # 1. A clause marker after a sentence end, a closed parenthesis, or a short heading.
    splits = _marker_splits(line, config, depth)
    # 2. Head of a page glued together: metadata labels, document numbers, titles, addressees.
    is_table_row = "|" in line  # a scraped metadata table keeps its rows whole
    for found in _METADATA_LABEL.finditer(line):
        # A label opening a cell of a metadata table (| 发布日期: |) stays in its row; a stamp
        # glued after a title is cut out even where a line of |-separated links follows it.
        if found.start() == 0 or depth[found.start()] > 0 or _opens_table_cell(line, found.start()):
            continue
        splits.append((found.start(), f"metadata label: {found.group(0)}"))
        value = _DATE_VALUE.match(line, found.end())
        if value and value.end() < len(line):
            splits.append((value.end(), "end of a metadata value"))
            _split_title_before(line, found.start(), splits, config)
    for found in () if is_table_row else _DOC_SERIAL.finditer(line):
        start = _issuer_start(line, found.start())
        if start == found.start() or depth[start] > 0 or _inside_quote(line, start):
            continue
        if start > 0 and line[start - 1] not in _SENTENCE_END + "\u3000 ":
            if not _TITLE_END.search(line, max(0, start - _LONGEST_DOC_TYPE), start) and not _is_split(splits, start):
                continue
        if start > 0:
            splits.append((start, f"document number: {line[start:found.end()]}"))
            _split_title_before(line, start, splits, config)
        if found.end() < len(line):
            splits.append((found.end(), "end of a document number"))
            addressees = _ADDRESSEES_END.search(line, found.end(), found.end() + config.max_title_chars + 60)
            if addressees and "。" not in line[found.end() : addressees.end()] and addressees.end() < len(line):
                splits.append((addressees.end(), "end of the addressees"))
    # 3. A clause's responsible bodies, （市农委、…按职责分工负责）, after its last sentence, in
    # a line already known to be run-on (a clean line "1．…。（市农委负责）" stays whole).
    for found in _ATTRIBUTION_RUN.finditer(line) if splits else ():
        if found.start() > 0 and line[found.start() - 1] in _SENTENCE_END and depth[found.start()] == 0:
            splits.append((found.start(), "responsible bodies after a clause"))
            if found.end() < len(line):
                splits.append((found.end(), "end of the responsible bodies"))
    return sorted(set(splits))


def _opens_table_cell(line: str, position: int) -> bool:
    """The label at `position` opens a cell of a table row: a separator (| or ｜) right before it."""
    return line[:position].rstrip(" \u3000").endswith(("|", "｜"))


def _issuer_start(line: str, serial_start: int) -> int:
    """Where the issuer code before a bracketed year begins: the Han run before it, at most
    _MAX_ISSUER_CHARS long, cut after a title's last document-type word (…的通知渝府办发)."""
    start = serial_start
    while start > 0 and serial_start - start < _MAX_ISSUER_CHARS and _is_han(line[start - 1]):
        start -= 1
    run = line[start:serial_start]
    cut = 0
    for word in _TITLE_WORD.finditer(run[:-1]):
        cut = word.end()
    return start + cut


def _split_title_before(line: str, position: int, splits: list[tuple[int, str]], config: SegmentConfig) -> None:
    """A title glued after a sentence (…执法。重庆市人民政府办公厅关于…的通知发布日期:…) gets
    its own line when the run before `position` ends like a title."""
    window = max(0, position - config.max_title_chars - 1)  # a longer run is no title anyway
    start = max(line.rfind(mark, window, position) for mark in "。！？；") + 1
    if start <= 0:
        return
    candidate = line[start:position]
    if 0 < len(candidate) <= config.max_title_chars and _TITLE_END.search(candidate):
        splits.append((start, f"title after a sentence: {candidate[:20]}"))


def _is_split(splits: list[tuple[int, str]], position: int) -> bool:
    return any(offset == position for offset, _ in splits)


#: The characters that change bracket depth: openers, closers and the full stop that resets it.
_DEPTH_EVENT = re.compile(r"[（(《〈）)》〉。]")


class _BracketDepths:
    """Depth inside （）()《》〈〉 at an offset of a line: markers inside a parenthetical or a cited
    title are not clause starts. Only the bracket characters are visited (a regex scan), and
    only when a candidate position asks, so a plain line costs nothing."""

    def __init__(self, line: str) -> None:
        self._line = line
        self._positions: list[int] | None = None
        self._depths: list[int] = []

    def __getitem__(self, position: int) -> int:
        if self._positions is None:
            self._scan()
        index = bisect.bisect_left(self._positions, position)
        # The depth just before `position`: an opening bracket itself belongs to the outer
        # level, so （一） at depth 0 is a marker.
        return self._depths[index - 1] if index else 0

    def _scan(self) -> None:
        positions: list[int] = []
        depths: list[int] = []
        depth = 0
        for found in _DEPTH_EVENT.finditer(self._line):
            ch = found.group()
            if ch in "（(《〈":
                depth += 1
            elif ch == "。":
                depth = 0  # a bracket left open by damage must not hide the rest of the line
            else:
                depth = max(0, depth - 1)
            positions.append(found.start())
            depths.append(depth)
        self._positions, self._depths = positions, depths


def _inside_quote(line: str, position: int) -> bool:
    return line.count("“", 0, position) > line.count("”", 0, position)


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


# -- classifying lines ---------------------------------------------------------------------------

#: A short label and a colon opening a line: 本文标题:…, 来源：…, 责任编辑: (page furniture or
#: metadata, never a clause; such lines are not compared as copies of body text).
_LABEL_LINE = re.compile(r"^[\u4e00-\u9fff]{2,6}[:：]")
_ATTRIBUTION_RUN = re.compile(r"[（(][^（）()。]{2,200}?(?:负责|負責|牵头|牽頭|配合|参与|參與)[）)]")
_ATTRIBUTION = re.compile(r"^[（(][^（）()]{2,}(?:负责|負責|牵头|牽頭|配合|参与|參與)[）)]$")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$|^[二〇零一三四五六七八九十○]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日$")
_SIGNATURE = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}(?:政府|办公厅|辦公廳|办公室|辦公室|委员会|委員會|小组|小組|局|部|厅|廳|院|办|辦)$")


def _is_label_line(line: str) -> bool:
    """本文标题:…, but not a sentence that happens to open with a word and a colon: the label
    must be followed by something other than a full sentence-long run (heuristic: the line
    holds no sentence end)."""
    return bool(_LABEL_LINE.match(line)) and "。" not in line


def segment_units(
    text: str,
    config: SegmentConfig,
    memo: dict | None = None,
    input_spans: Callable[[list[int], list[int]], list[Span]] | None = None,
) -> list[Unit]:
    """One unit per non-blank line, classified.

    `memo`: a dict the caller keeps for one document (with one config) between segmentations of
    its successive versions. A line's class depends only on its text and on whether body text
    came before it, so lines a stage left alone are not classified again.

    `input_spans`: given the units' starts and ends, their covering spans in the decoded input
    (Ledger.input_spans); without it `input_span` is None, for the caller to fill. Each unit is
    built once, with its input span (a frozen unit costs ~2 µs; the document view reads every
    version of every document's lines)."""
    lines: list[tuple[int, str, Unit]] = []  # (start, text, the line's class)
    position = 0
    seen_body = False
    memo = {} if memo is None else memo
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip(_SPACE)
        if stripped:
            start = position + (len(body) - len(body.lstrip(_SPACE)))
            found = memo.get((stripped, seen_body))
            if found is None:
                found = memo[stripped, seen_body] = _classify(stripped, config, seen_body)
            seen_body = seen_body or found.role in _BODY_ROLES
            lines.append((start, stripped, found))
        position += len(line)
    if input_spans is None:
        covering: Iterable[Span | None] = [None] * len(lines)
    else:
        covering = input_spans([start for start, _, _ in lines], [start + len(line) for start, line, _ in lines])
    return [
        Unit(found.role, Span(start, start + len(line)), in_input, line, found.marker, found.number, found.level)
        for (start, line, found), in_input in zip(lines, covering)
    ]


#: Roles after which a line that reads as a signature is one (a document's body came first).
_BODY_ROLES = frozenset({Role.PARAGRAPH, Role.CHAPTER, Role.SECTION, Role.ITEM, Role.ARTICLE})


#: The span of a line's class as `_classify` returns it (segment_units gives each unit its own).
_NO_SPAN = Span(0, 0)


def _classify(line: str, config: SegmentConfig, seen_body: bool) -> Unit:
    span = _NO_SPAN
    marker, _ = _line_marker(line)
    if marker is not None:
        return Unit(marker.role, span, None, line, marker.text, marker.number, marker.level)
    if _ATTRIBUTION.match(line):
        return Unit(Role.ATTRIBUTION, span, None, line)
    if DOC_NUMBER.fullmatch(line):
        return Unit(Role.DOC_NUMBER, span, None, line)
    if _METADATA_LABEL.match(line) or ("|" in line and _METADATA_LABEL.search(line)) or _is_label_line(line):
        return Unit(Role.METADATA, span, None, line)
    if _DATE_LINE.match(line):
        return Unit(Role.DATE, span, None, line)
    # A title typeset with letter spacing (几 个 问 题 的 通 知) ends in its document type as well.
    if len(line) <= config.max_title_chars and _TITLE_END.search(without_letter_spacing(line).rstrip("”\"")) and not any(m in line for m in "。；，,"):
        return Unit(Role.TITLE, span, None, line)
    if len(line) <= config.max_title_chars + 60 and _ADDRESSEES_END.search(line[-8:]) and line[-1] in "：:" and "。" not in line:
        return Unit(Role.ADDRESSEES, span, None, line)
    if seen_body and _SIGNATURE.match(line):
        return Unit(Role.SIGNATURE, span, None, line)
    return Unit(Role.PARAGRAPH, span, None, line)
