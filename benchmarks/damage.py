"""A seeded damage generator: each kind of damage the seeds show, as a named function of a clean
document and a random generator. The clean document is the truth a repair is scored against.

Every function takes the text and a `random.Random` and returns damaged text; `damage(text,
kinds, seed)` applies several in a fixed order (byte-level damage first, as on the real sites:
a mirror garbles bytes, then a template wraps the page).
"""

from __future__ import annotations

import random
import re
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


def chrome(text: str, rng: random.Random) -> str:
    """Site chrome at the head and the tail of the page (seed 004), in several templates."""
    lines = _lines(text)
    head = [rng.choice(_HEADS), rng.choice(_BYLINES)]
    tail = [line.format(title=lines[0]) for line in rng.choice(_TAILS)]
    return _join(head + lines + tail)


_SITES = ["法律图书馆", "中国法律网", "律师365", "法规库", "政策汇编网", "公文范文网"]
_LINK_TITLES = [
    "关于进一步加强安全生产工作的通知", "关于做好年度考核工作的通知", "某市城市管理条例实施细则",
    "关于印发促进就业若干措施的通知", "关于开展环境卫生整治行动的实施方案", "某省物业管理条例",
]


def _stamp(rng: random.Random) -> str:
    return f"{rng.randint(2003, 2023)}-{rng.randint(1, 12)}-{rng.randint(1, 28)} {rng.randint(0, 23)}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def mirror_chrome(text: str, rng: random.Random) -> str:
    """Chrome of law mirrors and template sites (issue 18's classes): a meta line of several
    labels, a bare view counter, reading widgets, a line of |-separated site links, a teaser and
    its `第一篇:` label, a line of anchors to the articles; placed at the top or after the title
    and document number; an update stamp glued between the title and the next line; download
    lines, `返回顶部`, an archive stamp and a related-articles list whose last title is cut."""
    lines = _lines(text)
    date = _stamp(rng)
    pool = [
        f"作者:{rng.choice(['佚名', '', '管理员'])} 时间:{date.split()[0]} 浏览:{rng.randint(1, 9999)} 来源:{rng.choice(_SITES)}",
        "浏览:",
        f"视力保护色: 字号:【{rng.choice(['大 中 小', ''])}",
        f"{rng.choice(['热门站点', '网站首页'])}| 收藏本站| 设为首页",
        f"简介:{lines[0][:12]}…小编为你整理了多篇相关的范文，供你参考。",
        "第一篇:",
    ]
    articles = [found.group(0) for line in lines if (found := re.match(r"第[一二三四五六七八九十百零]+条", line))]
    if len(articles) >= 3:
        pool.append(" ".join(articles[: rng.randint(3, min(12, len(articles)))]))
    head = rng.sample(pool, k=rng.randint(2, 4))
    title_end = 2 if len(lines) > 1 and re.search(r"〔\d{4}〕\d+号", lines[1]) else 1
    if rng.random() < 0.5:
        lines = head + lines
    else:
        lines = lines[:title_end] + head + lines[title_end:]
    if rng.random() < 0.3:
        at = lines.index(next(line for line in lines if line not in head))
        lines[at : at + 2] = [lines[at] + f"更新时间:{_stamp(rng)}" + lines[at + 1]]
    links = rng.sample(_LINK_TITLES, k=rng.randint(2, 4))
    links[-1] = links[-1][: rng.randint(4, len(links[-1]) - 2)]
    tails = [["下载地址: 点击此处下载"], ["返回顶部"], [f"归档时间:{date}"], [rng.choice(["相关文章:", "相关文章"]), *links]]
    tail = [line for group in rng.sample(tails, k=rng.randint(1, 3)) for line in group]
    return _join(lines + tail)


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


def damage(text: str, kinds: tuple[str, ...], seed: int) -> str:
    rng = random.Random(seed)
    for kind in sorted(kinds, key=ORDER.index):
        text = KINDS[kind](text, rng)
    return text
