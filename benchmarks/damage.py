"""A seeded damage generator: each kind of damage the seeds show, as a named function of a clean
document and a random generator. The clean document is the truth a repair is scored against.

Every function takes the text and a `random.Random` and returns damaged text; `damage(text,
kinds, seed)` applies several in a fixed order (byte-level damage first, as on the real sites:
a mirror garbles bytes, then a template wraps the page).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable

from .structure import SERIES, clauses, line_series, sibling_groups

_SERIES_RANK = {series: rank for series, rank, _ in SERIES}
_FULL_WIDTH_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _join(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


# -- duplication and order ---------------------------------------------------------------------


def body_repeat(text: str, rng: random.Random) -> str:
    """The whole body, from the second line to the end, pasted again (seed 001)."""
    lines = _lines(text)
    return _join(lines + lines[1:])


def block_repeat(text: str, rng: random.Random) -> str:
    """A run of consecutive lines repeated somewhere later."""
    lines = _lines(text)
    start = rng.randrange(1, max(2, len(lines) - 3))
    block = lines[start : start + rng.randint(2, 6)]
    at = rng.randint(start + len(block), len(lines))
    return _join(lines[:at] + block + lines[at:])


def title_repeat(text: str, rng: random.Random) -> str:
    """The title (and the line after it) again in the middle of the text (seeds 003, 004)."""
    lines = _lines(text)
    at = rng.randint(len(lines) // 3, max(len(lines) // 3, 2 * len(lines) // 3))
    return _join(lines[:at] + lines[:2] + lines[at:])


def scramble(text: str, rng: random.Random) -> str:
    """Numbered clauses shuffled among their siblings at one level of the structure, chosen at
    random among the levels the document has: articles of a law, 一、 sections, （一） items under a
    section, 1. points, （1） sub-points, 第 N 條 articles, items under one article. A clause moves with
    its block (its unnumbered continuation lines and everything numbered under it), as copies of
    clauses do on mirror sites (seed 003)."""
    lines = _lines(text)
    groups = sibling_groups(lines)
    if not groups:
        return _join(lines)
    series = rng.choice(sorted({group[0].series for group in groups}, key=_SERIES_RANK.get))
    candidates = [group for group in groups if group[0].series == series]
    chosen = rng.sample(candidates, k=min(len(candidates), rng.randint(1, 3)))
    # Replace from the last group up, so earlier indices stay valid.
    for group in sorted(chosen, key=lambda group: group[0].line, reverse=True):
        blocks = [lines[clause.line : clause.end] for clause in group]
        order = list(range(len(blocks)))
        while order == sorted(order):
            rng.shuffle(order)
        lines[group[0].line : group[-1].end] = [line for index in order for line in blocks[index]]
    return _join(lines)


def clause_repeat(text: str, rng: random.Random) -> str:
    """Copies of numbered clauses at one level of the structure pasted among their siblings or
    elsewhere: the whole clause line, or cut after its first sentence or at a random point (seed
    003's truncated copies). Only the clause's own line is copied, as on the seed."""
    lines = _lines(text)
    found = [clause for clause in clauses(lines) if len(lines[clause.line]) > len(clause.marker) + 4]
    if not found:
        return _join(lines)
    series = rng.choice(sorted({clause.series for clause in found}, key=_SERIES_RANK.get))
    at_level = [clause for clause in found if clause.series == series]
    insertions = []
    for _ in range(rng.randint(1, 4)):
        clause = rng.choice(at_level)
        line = lines[clause.line]
        cut = rng.random()
        if cut < 0.4:
            copy = line
        elif cut < 0.8 and "。" in line[:-1]:
            copy = line[: line.index("。") + 1]
        else:
            copy = line[: rng.randint(len(clause.marker) + 4, len(line))]
        # Near its own clause (among its siblings) or anywhere after the opening lines.
        position = rng.randint(clause.line, clause.end) if rng.random() < 0.5 else rng.randint(1, len(lines))
        insertions.append((position, copy))
    for position, copy in sorted(insertions, reverse=True):
        lines.insert(position, copy)
    return _join(lines)


def glue_lines(text: str, rng: random.Random) -> str:
    """Line breaks before clause markers of any level lost: run-on text (seed 003)."""
    out = ""
    for index, line in enumerate(_lines(text)):
        glue = index and out.endswith(("。", "：", "）", "；")) and line_series(line) and rng.random() < 0.7
        out += ("" if glue else ("\n" if index else "")) + line
    return out + "\n"


# -- characters --------------------------------------------------------------------------------


def pinyin(text: str, rng: random.Random) -> str:
    """A tone-marked reading glued after some characters, 發(fā) (seed 000)."""
    from pypinyin import Style, lazy_pinyin

    out = []
    for ch in text:
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and rng.random() < 0.08:
            out.append(f"({lazy_pinyin(ch, style=Style.TONE)[0]})")
    return "".join(out)


def stray_commas(text: str, rng: random.Random) -> str:
    """A half-width comma glued before other marks: `,、` `,,` `,。` (seeds 000, 002)."""
    return re.sub(r"(?=[、，。,])", lambda _: "," if rng.random() < 0.15 else "", text)


def gbk_shift(text: str, rng: random.Random) -> str:
    """Some lines' GBK bytes read one byte off, full-width letters then folded (seeds 000, 002)."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if len(line) > 4 and rng.random() < 0.1:
            try:
                data = line.encode("gbk")
            except UnicodeEncodeError:
                continue
            cut = rng.randrange(0, min(len(data), 40))
            shifted = data[:cut] + data[cut + 1 :]
            lines[index] = shifted.decode("gbk", errors="replace").replace("\ufffd", "?").translate(_FULL_WIDTH_ASCII)
    return "\n".join(lines)


def utf8_as_gbk(text: str, rng: random.Random) -> str:
    """Some lines' UTF-8 bytes read as GBK."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line and rng.random() < 0.1:
            lines[index] = line.encode("utf-8").decode("gbk", errors="replace")
    return "\n".join(lines)


# -- layout ------------------------------------------------------------------------------------

_HEADS = [
    "当前位置：首页 > 政务公开 > 政策文件 >",
    "您的位置: 首页 » 信息公开 » 通知公告",
    "首页 > 专题范文 > 公文范文 > 正文",
]
_BYLINES = [
    "作者: | 发布时间:2023-05-13 19:36:02 | 浏览次数:",
    "来源：市政府办公室 | 发布时间：2021-03-02 | 阅读次数：1024",
    "发布时间：2019-07-01 | 点击量：87 | 字号：大 中 小",
]
_TAILS = [
    ["推荐访问:政策 文件 通知", "本文标题:{title}", "链接地址:https://www.example.com/doc/118850.html"],
    ["上一篇：关于做好春节期间安全生产工作的通知", "下一篇：关于开展环境卫生整治的通知", "【打印本页】【关闭窗口】"],
    ["分享到：微信 微博 QQ空间", "关于我们 | 网站地图 | 联系我们 | 使用帮助 | 隐私声明", "Copyright © 2003-2024 www.example.gov.cn All Rights Reserved", "京ICP备12345678号"],
    ["版权声明:", "1.本站资料来自互联网以及用户的投稿,仅供学习参考。", "2.如果本网所转载内容侵犯了您的权益,请联系我们删除。", "备案号:苏ICP备16063874号-2"],
]


@dataclass(frozen=True)
class ChromeInsertion:
    """A page after a chrome kind wrapped it, with what it inserted: `spans` are the (start, end)
    offsets of each inserted piece of chrome in `text` (a whole line, or a stamp glued inside a
    line), so a repair can be scored on the chrome it removed and the body it kept."""

    text: str
    spans: tuple[tuple[int, int], ...]


def _assemble(pieces: list[tuple[str, bool]]) -> ChromeInsertion:
    """Lines of (text, is_chrome), joined; a line may also be a list of (text, is_chrome) parts
    glued on one line."""
    text, spans = "", []
    for line in pieces:
        parts = line if isinstance(line, list) else [line]
        for part, is_chrome in parts:
            if is_chrome:
                spans.append((len(text), len(text) + len(part)))
            text += part
        text += "\n"
    return ChromeInsertion(text, tuple(spans))


def chrome_insertion(text: str, rng: random.Random) -> ChromeInsertion:
    """Site chrome at the head and the tail of the page (seed 004), in several templates."""
    lines = _lines(text)
    head = [rng.choice(_HEADS), rng.choice(_BYLINES)]
    tail = [line.format(title=lines[0]) for line in rng.choice(_TAILS)]
    return _assemble([(line, True) for line in head] + [(line, False) for line in lines] + [(line, True) for line in tail])


def chrome(text: str, rng: random.Random) -> str:
    return chrome_insertion(text, rng).text


_SITES = ["法律图书馆", "中国法律网", "律师365", "法规库", "政策汇编网", "公文范文网"]
_LINK_TITLES = [
    "关于进一步加强安全生产工作的通知", "关于做好年度考核工作的通知", "某市城市管理条例实施细则",
    "关于印发促进就业若干措施的通知", "关于开展环境卫生整治行动的实施方案", "某省物业管理条例",
]


def _stamp(rng: random.Random) -> str:
    return f"{rng.randint(2003, 2023)}-{rng.randint(1, 12)}-{rng.randint(1, 28)} {rng.randint(0, 23)}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


#: Spellings of the same widget on other templates (what a fixed list of phrases would miss).
_COUNTERS = ["浏览:", "浏览次数:", "点击:", "阅读:"]
_WIDGETS = ["视力保护色: 字号:【{sizes}", "【字体:{sizes}】【打印】【关闭】", "字号: T | T", "【字号:{sizes}】"]
_SITE_LINKS = ["{site}| 收藏本站| 设为首页", "网站首页 | 法律法规 | 司法解释 | 地方法规 | 合同范本", "设为首页 | 加入收藏 | 联系我们"]
_TEASERS = ["简介:{title}…小编为你整理了多篇相关的范文，供你参考。", "导读:{title}…为你整理了多篇范文，希望对你有所帮助。"]
_PART_LABELS = ["第一篇:", "篇一:", "第二篇:"]
_DOWNLOADS = ["下载地址: 点击此处下载", "附件下载:", "点击下载: WORD版", "【下载WORD版】"]
_TOPS = ["返回顶部", "【返回顶部】", "↑返回顶部"]
_ARCHIVE_STAMPS = ["归档时间:{date}", "更新时间:{date}", "录入时间:{date}"]
_RELATED_HEADERS = ["相关文章:", "相关文章", "相关阅读:", "相关文章推荐"]
_GLUED_STAMPS = ["更新时间:{date}", "发布时间:{date}"]


def _template_spelling(lines: list[str], rng: random.Random) -> list[str]:
    """One template's way of writing its chrome: a traditional-script mirror (OpenCC s2t: 瀏覽,
    相關文章, 返回頂部) on a third of the pages, full-width colons after labels on half of them."""
    if rng.random() < 1 / 3:
        import opencc

        converter = opencc.OpenCC("s2t")
        lines = [converter.convert(line) for line in lines]
    if rng.random() < 0.5:
        lines = [re.sub(r"(?<=[\u4e00-\u9fff]):", "：", line) for line in lines]
    return lines


def mirror_chrome_insertion(text: str, rng: random.Random) -> ChromeInsertion:
    """Chrome of law mirrors and template sites (issue 18's classes): a meta line of several
    labels, a bare view counter, reading widgets, a line of |-separated site links, a teaser and
    its `第一篇:` label, a line of anchors to the articles; placed at the top or after the title
    and document number; an update stamp glued between the title and the next line; download
    lines, `返回顶部`, an archive stamp and a related-articles list whose last title is cut. Each
    piece in one of the spellings templates use, in either script."""
    lines = _lines(text)
    date = _stamp(rng)
    site = rng.choice(_SITES)
    labels = [f"作者:{rng.choice(['佚名', '', '管理员'])}", f"时间:{date.split()[0]}", f"浏览:{rng.randint(1, 9999)}", f"来源:{site}"]
    if rng.random() < 0.5:
        labels = rng.sample(labels, k=len(labels))
    sizes = rng.choice(["大 中 小", ""])
    pool = [
        rng.choice([" ", "  ", "　"]).join(labels),
        rng.choice(_COUNTERS),
        rng.choice(_WIDGETS).format(sizes=sizes),
        rng.choice(_SITE_LINKS).format(site=rng.choice(["热门站点", "网站首页"])),
        rng.choice(_TEASERS).format(title=lines[0][:12]),
        rng.choice(_PART_LABELS),
    ]
    articles = [found.group(0) for line in lines if (found := re.match(r"第\s?[一二三四五六七八九十百零\d]+\s?[条條]", line))]
    if len(articles) >= 3:
        pool.append(rng.choice([" ", "  ", " | "]).join(articles[: rng.randint(3, min(12, len(articles)))]))
    head = _template_spelling(rng.sample(pool, k=rng.randint(2, 4)), rng)
    title_end = 2 if len(lines) > 1 and re.search(r"〔\d{4}〕\d+号", lines[1]) else 1
    head_pieces: list = [(line, True) for line in head]
    body_pieces: list = [(line, False) for line in lines]
    if rng.random() < 0.5:
        pieces = head_pieces + body_pieces
    else:
        pieces = body_pieces[:title_end] + head_pieces + body_pieces[title_end:]
    if rng.random() < 0.3:
        # Glued after the title, before what follows it (the first paragraph or a chrome line).
        at = pieces.index(body_pieces[0])
        stamp = _template_spelling([rng.choice(_GLUED_STAMPS).format(date=_stamp(rng))], rng)[0]
        pieces[at : at + 2] = [[pieces[at], (stamp, True), pieces[at + 1]]]
    links = rng.sample(_LINK_TITLES, k=rng.randint(2, 4))
    links[-1] = links[-1][: rng.randint(4, len(links[-1]) - 2)]
    tails = [[rng.choice(_DOWNLOADS)], [rng.choice(_TOPS)], [rng.choice(_ARCHIVE_STAMPS).format(date=date)], [rng.choice(_RELATED_HEADERS), *links]]
    tail = _template_spelling([line for group in rng.sample(tails, k=rng.randint(1, 3)) for line in group], rng)
    return _assemble(pieces + [(line, True) for line in tail])


def mirror_chrome(text: str, rng: random.Random) -> str:
    return mirror_chrome_insertion(text, rng).text


def broken_title(text: str, rng: random.Random) -> str:
    """The title broken over two lines with a blank line between (seed 004)."""
    lines = _lines(text)
    title = lines[0]
    cut = rng.randint(max(2, len(title) // 3), max(3, 2 * len(title) // 3))
    return _join([title[:cut], "", title[cut:]] + lines[1:])


def script_flip(text: str, rng: random.Random) -> str:
    """The other script (OpenCC): a traditional mirror of a simplified page, or back."""
    import opencc

    traditional = len(re.findall(r"[國會發關於與為這個們說來時對經當]", text)) > 5
    return opencc.OpenCC("t2s" if traditional else "s2t").convert(text)


KINDS: dict[str, Callable[[str, random.Random], str]] = {
    "body_repeat": body_repeat,
    "block_repeat": block_repeat,
    "title_repeat": title_repeat,
    "scramble": scramble,
    "clause_repeat": clause_repeat,
    "glue_lines": glue_lines,
    "pinyin": pinyin,
    "stray_commas": stray_commas,
    "gbk_shift": gbk_shift,
    "utf8_as_gbk": utf8_as_gbk,
    "chrome": chrome,
    "mirror_chrome": mirror_chrome,
    "broken_title": broken_title,
    "script_flip": script_flip,
}
#: The order damage is applied in when combined: structure first, bytes, then page layout.
ORDER = ["scramble", "clause_repeat", "block_repeat", "body_repeat", "title_repeat", "glue_lines", "stray_commas", "pinyin", "gbk_shift", "utf8_as_gbk", "script_flip", "broken_title", "chrome", "mirror_chrome"]
#: Combinations that occur together on real pages.
COMBINATIONS = [
    ("scramble", "clause_repeat", "title_repeat", "glue_lines"),
    ("body_repeat", "chrome"),
    ("pinyin", "stray_commas", "gbk_shift"),
    ("broken_title", "chrome", "title_repeat"),
    ("script_flip", "block_repeat"),
]


#: The chrome kinds, which can say what they inserted (benchmarks/chrome_recall.py scores it).
CHROME_KINDS: dict[str, Callable[[str, random.Random], ChromeInsertion]] = {
    "chrome": chrome_insertion,
    "mirror_chrome": mirror_chrome_insertion,
}


def damage(text: str, kinds: tuple[str, ...], seed: int) -> str:
    return damage_with_chrome(text, kinds, seed).text


def damage_with_chrome(text: str, kinds: tuple[str, ...], seed: int) -> ChromeInsertion:
    """The damaged text and the spans of the chrome inserted in it (the same random draws as
    `damage`). Chrome kinds come last in ORDER, so their spans hold in the final text; a plan
    with two chrome kinds keeps the spans of both, the first shifted by what the second put
    before it."""
    rng = random.Random(seed)
    spans: tuple[tuple[int, int], ...] = ()
    for kind in sorted(kinds, key=ORDER.index):
        if kind in CHROME_KINDS:
            inserted = CHROME_KINDS[kind](text, rng)
            spans = _shifted(spans, text, inserted) + inserted.spans
            text = inserted.text
        else:
            text = KINDS[kind](text, rng)
    return ChromeInsertion(text, tuple(sorted(spans)))


def _shifted(spans: tuple[tuple[int, int], ...], before: str, after: ChromeInsertion) -> tuple[tuple[int, int], ...]:
    """Spans of `before` moved to where the same text stands in `after` (outside its new chrome)."""
    if not spans:
        return ()
    import difflib

    matcher = difflib.SequenceMatcher(None, before, after.text, autojunk=False)
    moved = []
    for start, end in spans:
        for a, b, size in matcher.get_matching_blocks():
            if a <= start and end <= a + size:
                moved.append((b + start - a, b + end - a))
                break
    return tuple(moved)
