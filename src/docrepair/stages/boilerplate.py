"""Boilerplate: site chrome around a scraped document is removed, line by line, with the rule that
fired.

Chrome lives at the head and the tail of a page, never between the clauses of the document: a
line is a candidate only in the *head run* (before the document's first own line: its title,
number, addressees or first clause) or the *tail run* (after its last clause, signature and
date). Each rule names one convention of site templates (breadcrumbs, view counters, teasers,
related-reading lists, page labels, copyright and licence lines, footer navigation, share and
print bars). A rule is *strong* when its pattern alone identifies chrome; a *weak* rule (words
such as 本站 or 转载) counts only inside a tail run that a strong rule has opened. Metadata
tables (索引号 | … | 发布机构 | …) are not chrome: their fields go to the result's header and
their lines to notes.

Rules are data (name, pattern, strength), documented in one table below, and callers may add
rules (for example lines an archive shows to recur across many documents of one source).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from typing import Iterable, Sequence

from ..config import BoilerplateConfig, ChromeRule, RepairConfig
from ..keys import chrome_key
from ..model import Action, Edit, Proposal, Role, Unit, merge_ranges
from ..stage import DocumentView, Stage

NAME = "boilerplate"


def propose(view: DocumentView, config: RepairConfig) -> Proposal:
    """The metadata table's rows and the chrome go in one step; the table's fields are a fact
    (the header's `document.metadata_table`)."""
    table = find_metadata(view.text, view.units)
    chrome = find_chrome_edits(view.text, view.units, config.boilerplate)
    title = next((unit.text for unit in view.units if unit.role is Role.TITLE), None)
    facts = {"metadata_table": table.fields, "page": read_page_fields([edit.evidence.get("line", "") for edit in chrome], title)}
    return Proposal(table.edits + chrome, facts=facts)


STAGE = Stage(NAME, propose)


def _rule(name: str, pattern: str, strong: bool = True) -> ChromeRule:
    return ChromeRule(name, re.compile(pattern), strong)


#: The conventions of site templates, strong first. Patterns match anywhere in a line unless
#: anchored; all are tested on chrome not taken from the seeds (tests/test_boilerplate.py).
RULES: tuple[ChromeRule, ...] = (
    _rule("breadcrumb", r"^(?:当前位置|您的位置|你的位置|您现在的位置|所在位置|當前位置|您的位置)\s*[:：]|^首页\s*(?:>|»|＞|/|›)|(?:>|»|＞|›)\s*(?:正文|详情|内容)\s*$"),
    _rule("view_counter", r"(?:浏览次数|浏览量|阅读次数|阅读量|点击数|点击量|点击次数|瀏覽次數|閱讀次數|访问量)\s*[:：]?"),
    _rule("byline_bar", r"^(?:作者|来源|來源|发布时间|發布時間|发布者|编辑|时间)\s*[:：][^|｜]{0,40}[|｜].*(?:作者|来源|發布|发布|时间|浏览|字号|字體|字体)"),
    _rule("teaser", r"下面是小编|小编为大家|小编整理|供大家参考|供大家參考|欢迎阅读|欢迎大家阅读|希望对大家有所帮助|希望对您有所帮助"),
    _rule("related_reading", r"^(?:推荐访问|推荐阅读|相关阅读|相关推荐|相关文章|延伸阅读|猜你喜欢|热门文章|热门推荐|相關閱讀|相關文章|相關推薦|推薦閱讀|延伸閱讀|熱門文章|上一篇|下一篇)\s*[:：]?"),
    _rule("page_label", r"^(?:本文标题|本文链接|链接地址|原文地址|原文链接|文章来源|本文地址|本文網址|本文网址|分享链接)\s*[:：]"),
    _rule("url_line", r"^\s*(?:https?://|www\.)\S+\s*$"),
    # A © is a footer's only where it stands as a sign before a year, a name in Han or a domain;
    # after a Latin letter it is mojibake (Ã© is é read wrongly), and a lone © proves nothing.
    _rule(
        "copyright",
        r"[Cc]opyright|(?<![^\s\d\u4e00-\u9fff(（|｜])©\s*(?:(?:19|20)\d{2}|[\u4e00-\u9fff]|[A-Za-z0-9-]+\.[A-Za-z]{2,})"
        r"|版权所有|版權所有|All Rights Reserved|保留所有权利|版权声明|版權聲明|免责声明|免責聲明",
    ),
    _rule("licence", r"(?:ICP备|ICP證|ICP证|ICP備|公网安备|公網安備|网站标识码|網站標識碼)"),
    _rule("footer_navigation", r"^(?:[^|｜]{1,12}[|｜]){3,}[^|｜]{0,12}$"),
    _rule("share_bar", r"(?:分享到|分享至|扫一扫|掃一掃|打印本页|打印本頁|关闭窗口|關閉窗口|【打印】|【关闭】|【關閉】|收藏本页|字号\s*[:：]?\s*[大中小]|字號\s*[:：]?\s*[大中小]|字體\s*[:：]?\s*[大中小]|加入收藏|返回顶部|返回頂部)"),
    # Law mirrors and template sites (label lines the segment stage has split apart, widgets).
    _rule("meta_label", r"^(?:作者|来源|來源|时间|時間|浏览|瀏覽|点击|點擊|录入|錄入|编辑|編輯|人气|人氣)\s*[:：][^。；;，,]{0,24}$"),
    _rule("time_stamp", r"^(?:更新时间|更新時間|归档时间|歸檔時間|录入时间|錄入時間|添加时间|添加時間|入库时间|发布时间|發布時間)\s*[:：]\s*[\d\-/.年月日:\s]*$"),
    _rule("download", r"^(?:下载地址|下載地址|下载链接|下載鏈接|附件下载|附件下載|点击下载|點擊下載)\s*[:：]?|点击此处下载|點擊此處下載"),
    _rule("reading_widget", r"视力保护色|視力保護色|(?:字号|字號|字体|字體)\s*[:：]\s*【"),
    _rule("site_links", r"设为首页|設為首頁|收藏本站|热门站点|熱門站點|网站导航|網站導航"),
    _rule("template_teaser", r"^(?:简介|簡介|导读|導讀)\s*[:：]|为你整理了|為你整理了|^(?:第[一二三四五六七八九十]+篇|篇[一二三四五六七八九十]+)\s*[:：]?\s*$"),
    _rule("article_anchors", r"^(?:第\s*[一二三四五六七八九十百零〇\d]+\s*[条條][\s|｜、,，]*){3,}$"),
    _rule("responsible_editor", r"^[\[【(（]?(?:责任编辑|責任編輯|编辑|審核|审核|校对)\s*[:：]"),
    _rule("site_headline", r"^【[^】]{1,8}】.{4,}$"),
    # Weak: the language of a site's notices, chrome only inside a tail run opened by a strong rule.
    _rule("site_notice", r"本站|本网|本網|网站|網站|转载|轉載|侵犯您|侵犯了您|权益|權益|联系我们|聯繫我們|投稿|来自互联网|來自互聯網|著作权归|著作權歸", strong=False),
)

#: Label words of page widgets and metadata bars (浏览/来源/下载/打印/分享/字号 …), both scripts.
#: Not 日期: 发布日期/成文日期 are the document's own metadata, which stays (seed 003 keeps its
#: 发布日期 line under the title; a page's 发布时间 with a time of day is the site's bar).
_LABEL_WORDS = (
    "作者|来源|來源|时间|時間|浏览|瀏覽|阅读|閱讀|点击|點擊|人气|人氣|录入|錄入|归档|歸檔|更新|发布|發布|發佈|"
    "编辑|編輯|下载|下載|打印|分享|字号|字號|字体|字體|收藏|评论|評論|次数|次數|责编|責編"
)
_LABEL = re.compile(rf"(?:{_LABEL_WORDS})\s*[:：]")
#: Widget words that stand without a colon: buttons and links of the page frame.
_WIDGET = re.compile(r"下载|下載|WORD版|PDF版|打印|分享|返回|收藏|首页|首頁|关闭|關閉|顶部|頂部|评论|評論")

_TIME_STAMP = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s*\d{1,2}[:：]\d{2})?")
_SEPARATORS = re.compile(r"[|｜【】»>›↑]")
_SENTENCE_MARKS = re.compile(r"[。；;，,！？!?]")
#: Words of a document's own title, issuer and clauses: a line with them is the document's.
_DOCUMENT_WORDS = re.compile(r"关于|關於|通知|决定|決定|办法|辦法|规定|規定|条例|條例|意见|意見|人民政府|办公厅|辦公廳|委员会|委員會|[年月]\d|\d+日$")
_DOCUMENT_MARKER = re.compile(r"^\s*(?:第\s*[一二三四五六七八九十百零〇\d]+\s*[章节節条條]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)])")


def _has_only_labels(line: str, labels: int) -> bool:
    """Nothing but labels and their short values (阅读：, 字号: T | T, 浏览：12 来源：本站): at most
    three words of up to 12 characters per label (大 中 小), no sentence mark."""
    values = _SEPARATORS.sub(" ", _LABEL.sub(" ", line)).split()
    return len(values) <= 3 * labels and all(len(value) <= 12 for value in values) and not _SENTENCE_MARKS.search(line)


@dataclass(frozen=True)
class ChromeScore:
    """The score of one line and the features it is the sum of (name -> weight × count)."""

    score: float
    features: dict[str, float]


def score_chrome_line(line: str) -> ChromeScore:
    """How much a line looks like a page's chrome, by the features a reviewer would name: label
    words with a colon (浏览: 来源: 字号:) and widget words (下载, 打印, 返回顶部), a time stamp, link
    separators, little Han text, against sentence marks, length and the words of a document's own
    title, issuer and clauses. Position is not a weight: only lines of the head and tail runs are
    scored at all (find_chrome_edits). Weights are round numbers a reader can check by hand:
    a label counts 2 (up to three), a line of labels alone 2 more, a widget word 2, a stamp 1 (2 with its time of day), separators ½ each up
    to 1½; a sentence mark −3 each, a document word −2, a clause marker −4, every 20 characters
    beyond 30 −1."""
    stripped = line.strip()
    features: dict[str, float] = {}
    labels = len(_LABEL.findall(stripped))
    if labels:
        features["labels"] = 2.0 * min(labels, 3)
        if _has_only_labels(stripped, labels):
            features["labels_only"] = 2.0
    if _WIDGET.search(stripped):
        features["widget_word"] = 2.0
    stamp = _TIME_STAMP.search(stripped)
    if stamp:
        features["time_stamp"] = 2.0 if re.search(r"[:：]\d{2}", stamp.group(0)) else 1.0
    separators = len(_SEPARATORS.findall(stripped))
    if separators:
        features["separators"] = min(0.5 * separators, 1.5)
    han = len(re.findall(r"[\u4e00-\u9fff]", stripped))
    if stripped and han / len(stripped.replace(" ", "")) < 0.5:
        features["little_han"] = 1.0
    marks = len(_SENTENCE_MARKS.findall(stripped))
    if marks:
        features["sentence_marks"] = -3.0 * marks
    words = len(_DOCUMENT_WORDS.findall(stripped))
    if words:
        features["document_words"] = -2.0 * words
    if _DOCUMENT_MARKER.match(stripped):
        features["clause_marker"] = -4.0
    if len(stripped) > 30:
        features["length"] = -float((len(stripped) - 30 + 19) // 20)
    return ChromeScore(sum(features.values()), features)


#: The site headline (【栏目】标题) counts only in the head run: in the body 【】 quotes a name.
_HEAD_ONLY = frozenset({"site_headline"})
#: Roles that mark the document's own head: chrome stops where these begin.
_DOCUMENT_START = frozenset({Role.DOC_NUMBER, Role.ADDRESSEES, Role.CHAPTER, Role.SECTION, Role.ITEM, Role.ARTICLE})


def find_chrome_edits(text: str, units: Sequence[Unit], config: BoilerplateConfig | None = None) -> list[Edit]:
    """Line removals for the chrome of the head and tail runs."""
    config = config or BoilerplateConfig()
    rules = RULES + config.extra_rules
    if not units:
        return []
    head_end = _head_end(units, rules, config)
    tail_start = _tail_start(units, head_end, rules, config)
    related = _related_list_start(units, head_end, rules, config)
    if related is not None:
        tail_start = min(tail_start, related)
    # Chrome a template prints between the document's title (and number) and its text.
    after_title = head_end
    while after_title < tail_start and units[after_title].role in (Role.TITLE, Role.DOC_NUMBER):
        after_title += 1
    title_zone_end = after_title
    while title_zone_end < tail_start and _strong_rule(units[title_zone_end].text, rules, False, config):
        title_zone_end += 1
    edits = []
    for index in [*range(head_end), *range(after_title, title_zone_end), *range(tail_start, len(units))]:
        unit = units[index]
        if is_metadata_row(unit.text):
            continue  # find_metadata reads it
        in_head = index < head_end
        rule = _strong_rule(unit.text, rules, in_head, config)
        if rule is None and index >= tail_start:
            rule = _weak_rule(unit.text, rules)
            if rule is None and related is not None and index > related and _is_link_title(unit.text):
                rule = _RELATED_LINK
        if rule is None:
            continue
        region = "head" if index < tail_start else "tail"
        reason = f"site chrome in the {region} of the page ({rule.name.replace('_', ' ')})"
        evidence = {"rule": rule.name, "region": region, "line": unit.text.strip()}
        if rule is _KNOWN_LINE:
            seen = dict(config.known_line_counts).get(chrome_key(unit.text))
            reason = f"site chrome in the {region} of the page: a line " + (f"seen in {seen} documents of this archive" if seen else "known as chrome")
            evidence["documents"] = seen
        if rule is _SCORED_LINE:
            scored = score_chrome_line(unit.text)
            reason = f"site chrome in the {region} of the page: its features score {scored.score:g} (threshold {config.min_chrome_score:g})"
            evidence.update(score=scored.score, features=scored.features, threshold=config.min_chrome_score)
        start, end = _line_extent(text, unit)
        edits.append(
            Edit(start, end, "", Action.DROP_CHROME, reason, evidence)
        )
    # Chrome surrounds a document: where nothing would be left, what matched was the document.
    if edits and not _leaves_body(units, edits):
        return []
    return edits


#: A page label and its value in a chrome line: 来源：市政府办公室, 发布时间：2021-03-02 10:00.
_PAGE_FIELD = re.compile(
    r"(作者|来源|來源|发布时间|發布時間|发布日期|發布日期|时间|時間)\s*[:：]\s*([^|｜\s][^|｜]*?)\s*(?=$|[|｜]|\s+[\u4e00-\u9fff]{1,6}\s*[:：])"
)
_PAGE_FIELD_NAMES = {"作者": "author", "来源": "source", "來源": "source", "发布时间": "published", "發布時間": "published",
                     "发布日期": "published", "發布日期": "published", "时间": "published", "時間": "published"}
#: An issuing body right before a title's 关于 (the site's copy of the title keeps its issuer).
_ISSUER_BEFORE_TITLE = re.compile(
    r"([\u4e00-\u9fff]{2,24}?(?:人民政府办公厅|人民政府办公室|人民政府|人民政府辦公廳|办公厅|辦公廳|办公室|辦公室|委员会|委員會|[局厅廳部院]))关于|關於"
)


def read_page_fields(chrome_lines: Sequence[str], title: str | None) -> dict[str, str]:
    """What the page's chrome says about the document, read before the lines go: the issuer
    (from a site's copy of the title that keeps it: 【栏目】石家庄市人民政府办公厅关于…, only when
    the rest is the document's own title), the author, source and publication time it shows."""
    fields: dict[str, str] = {}
    for line in chrome_lines:
        for found in _PAGE_FIELD.finditer(line):
            name, value = _PAGE_FIELD_NAMES[found.group(1)], found.group(2).strip()
            if value and name not in fields:
                fields[name] = value
        issuer = _ISSUER_BEFORE_TITLE.search(line)
        # The title may still be broken over lines here (layout joins it later): its first line
        # must stand, nearly whole, right after the issuer.
        if title and len(title) >= 6 and issuer and issuer.group(1) and "issuer" not in fields:
            rest = re.sub(r"[的之\s]", "", line[issuer.end(1) :])
            if fuzz.partial_ratio(re.sub(r"[的之\s]", "", title), rest[: len(title) + 4]) >= 90:
                fields["issuer"] = issuer.group(1)
    return dict(sorted(fields.items()))


def _leaves_body(units: Sequence[Unit], edits: Sequence[Edit]) -> bool:
    """Some line with Han or Latin letters outside the removed spans."""
    removed = merge_ranges((edit.start, edit.end) for edit in edits)
    for unit in units:
        if any(start <= unit.span.start < end for start, end in removed):
            continue
        if re.search(r"[\u4e00-\u9fffA-Za-z]", unit.text):
            return True
    return False


def _strong_rule(line: str, rules: Iterable[ChromeRule], in_head: bool, config: BoilerplateConfig) -> ChromeRule | None:
    """The rule that names a line chrome on its own: a known line, a strong rule, or else a
    score of the line's features at or above the config's threshold."""
    if config.known_lines and chrome_key(line) in config.known_lines:
        return _KNOWN_LINE
    for rule in rules:
        if rule.strong and (in_head or rule.name not in _HEAD_ONLY) and rule.pattern.search(line):
            return rule
    if score_chrome_line(line).score >= config.min_chrome_score:
        return _SCORED_LINE
    return None


def _weak_rule(line: str, rules: Iterable[ChromeRule]) -> ChromeRule | None:
    return next((rule for rule in rules if not rule.strong and rule.pattern.search(line)), None)


def _head_end(units: Sequence[Unit], rules: Iterable[ChromeRule] = RULES, config: BoilerplateConfig | None = None) -> int:
    """Index of the first unit of the document itself: its title right before its number or
    addressees, or else its first number, addressees or clause. A line a strong rule names is no
    start (a line of anchors `第一条 第二条 …` opens with a marker)."""
    config = config or BoilerplateConfig()
    for index, unit in enumerate(units):
        if unit.role in _DOCUMENT_START and not _strong_rule(unit.text, rules, True, config):
            # A title (or a title broken over lines) right before belongs to the document.
            start = index
            while start > 0 and units[start - 1].role is Role.TITLE:
                start -= 1
            return start
    return 0


def _tail_start(units: Sequence[Unit], head_end: int, rules, config: BoilerplateConfig) -> int:
    """Index where the tail run begins: the longest run of lines at the end that all look like
    chrome (strong or weak rules), starting at its first strongly identified line. A signature,
    a date or any plain body line ends the run."""
    start = len(units)
    while start > head_end and (_strong_rule(units[start - 1].text, rules, False, config) or _weak_rule(units[start - 1].text, rules)):
        start -= 1
    while start < len(units) and not _strong_rule(units[start].text, rules, False, config):
        start += 1
    return start


#: A line the config names as chrome (learned from an archive: docrepair.chrome).
_KNOWN_LINE = ChromeRule("known_chrome_line", re.compile(""))
#: A related-reading list: the titles under its header are links, even where a line was cut.
_RELATED_LINK = ChromeRule("related_link", re.compile(""))
#: A line no rule names whose features score it as chrome (score_chrome_line).
_SCORED_LINE = ChromeRule("chrome_score", re.compile(""))
_RELATED_HEADER = re.compile(r"^(?:推荐访问|推荐阅读|相关阅读|相关推荐|相关文章|延伸阅读|猜你喜欢|热门文章|热门推荐|相關閱讀|相關文章|相關推薦|推薦閱讀|延伸閱讀|熱門文章)")


def _is_link_title(line: str) -> bool:
    """A short line with no sentence punctuation: what a list of links to other pages shows."""
    stripped = line.strip()
    return 0 < len(stripped) <= 40 and not re.search(r"[。；;，,：:！？!?]", stripped)


def _related_list_start(units: Sequence[Unit], floor: int, rules, config: BoilerplateConfig) -> int | None:
    """Index where a tail with a related-reading list begins: the list's header, whose every
    following line is chrome or a link title, and the chrome lines right before it."""
    start = None
    index = len(units)
    while index > floor:
        line = units[index - 1].text
        if _RELATED_HEADER.match(line.strip()):
            start = index - 1
        elif not (_strong_rule(line, rules, False, config) or _weak_rule(line, rules) or _is_link_title(line)):
            break
        index -= 1
    # Chrome lines right before the header (a download line, 返回顶部) belong to the same tail.
    while start is not None and start > floor and _strong_rule(units[start - 1].text, rules, False, config):
        start -= 1
    return start


#: Field labels of the metadata tables government portals print above a document (GB/T 9704
#: elements and the portal's index fields), both scripts.
_OFFICIAL_LABEL = re.compile(
    r"(索引[号號]|发布机构|發布機構|发文机关|發文機關|发文单位|發文單位|成文日期|发布日期|發布日期|发文日期|發文日期|"
    r"文[号號]|发文字号|發文字號|有效性|公文种类|公文種類|主题分类|主題分類|主题词|主題詞|体裁分类|體裁分類|标题|標題|名称|名稱)\s*[:：]"
)


def is_metadata_row(line: str) -> bool:
    """A row of a portal's metadata table: official field labels between | separators."""
    return line.count("|") + line.count("｜") >= 2 and bool(_OFFICIAL_LABEL.search(line)) and not any(
        rule.name == "view_counter" and rule.pattern.search(line) for rule in RULES
    )


@dataclass(frozen=True)
class MetadataTable:
    """The fields of a scraped metadata table, and the edits that move its rows out of the text."""

    fields: dict[str, str]
    edits: list[Edit]


def find_metadata(text: str, units: Sequence[Unit]) -> MetadataTable:
    """Rows of a metadata table in the head of the page become header fields; the rows leave
    the text (their text stays in the notes), so the document keeps its official layout."""
    fields: dict[str, str] = {}
    edits = []
    for unit in units[: _head_end(units) or len(units)]:
        if not is_metadata_row(unit.text):
            continue
        cells = [cell.strip() for cell in re.split(r"[|｜]", unit.text)]
        row_fields = {}
        for label, value in zip(cells, cells[1:]):
            found = _OFFICIAL_LABEL.fullmatch(label.replace(" ", ""))
            if found and value and not _OFFICIAL_LABEL.fullmatch(value.replace(" ", "")):
                row_fields[found.group(1)] = value
        if not row_fields:
            continue
        fields.update(row_fields)
        start, end = _line_extent(text, unit)
        edits.append(Edit(start, end, "", Action.EXTRACT_METADATA, "a row of the page's metadata table moved to the header", {"fields": row_fields}))
    return MetadataTable(fields, edits)


def _line_extent(text: str, unit: Unit) -> tuple[int, int]:
    start = text.rfind("\n", 0, unit.span.start) + 1
    newline = text.find("\n", unit.span.end)
    end = len(text) if newline < 0 else newline + 1
    # Blank lines after a removed line go with it, so removal leaves no gap.
    while end < len(text):
        next_newline = text.find("\n", end)
        line_end = len(text) if next_newline < 0 else next_newline + 1
        if text[end:line_end].strip():
            break
        end = line_end
    return start, end
