"""Copies of the title that exact and near matching cannot pair with it: the title with its document
number appended, with an issuer glued before it, cut short, pasted on its typeset lines, its last
line pasted with the lines after it, and the red header again. Part of the dedup stage: it runs
after the twins are decided and leaves units they dropped to their notes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from ...keys import comparison_keys
from ...model import Action, Edit, Role, Unit
from ...official import DOC_NUMBER, is_red_header
from .lines import line_extent, preview

if TYPE_CHECKING:  # the twins are dedup's; only their `kept` is read here
    from . import Twin

#: A document number appended to a copy of the title: （国办发〔2019〕12号）, (渝府办发[2017]132號).
_APPENDED_NUMBER = re.compile(rf"\s*[（(]?\s*(?:{DOC_NUMBER.pattern})\s*[）)]?\s*$")
#: An issuing body (what a signature or issuer line holds) glued before a copy of the title.
_ISSUER = re.compile(r"[\u4e00-\u9fff、]{2,40}(?:人民政府办公厅|人民政府办公室|人民政府|人民政府辦公廳|办公厅|辦公廳|办公室|辦公室|委员会|委員會|[局厅廳部院署])")
#: A cut copy must keep this share of the title's characters (and at least 8): half a title
#: is what a copy whose second line was lost shows; less could be any phrase of the title.
_MIN_CUT_TITLE_SHARE = 0.5
_MIN_CUT_TITLE_CHARS = 8
#: A title is typeset on at most this many lines, so a copy pasted unjoined spans at most as many.
_MAX_TITLE_LINES = 4
_COPY_KINDS = {
    "number_appended": "with its document number appended",
    "issuer_glued": "with an issuer glued before it",
    "cut": "cut short (its last line missing)",
    "lines": "on the lines the title is typeset on, whole or cut short",
    "last_line": "its last line, pasted with the lines that follow the title",
    "red_header": "the red header again",
}


def find_title_copies(
    text: str, units: Sequence[Unit], keys: Sequence[str], dropped: dict[int, tuple[Twin, list[int] | None]]
) -> list[Edit]:
    """Copies of the title that exact and near matching cannot pair with it: the title with its
    document number appended, with an issuer line glued before it, cut short, pasted on its
    typeset lines (whole or cut), or its last line pasted with the lines that follow it; and the
    red header (…办公厅文件) again. The title is the first title line, with the issuers' line above
    it where a joint title keeps them apart; each copy is dropped with a note naming the title as
    the kept twin. Units already dropped are left to their notes."""
    title = _find_title(units, keys, dropped)
    red_header = next((index for index, unit in enumerate(units) if is_red_header(unit.text)), None)
    issuers = _issuer_line(units, title)
    # The whole title: a cut copy that reaches past the issuers' line is cut from this.
    whole_key = "" if title is None else (keys[issuers] if issuers is not None else "") + keys[title]
    copies: dict[int, tuple[int, str]] = {}
    for index, unit in enumerate(units):
        if not _may_be_title_copy(units, dropped, index):
            continue
        if red_header is not None and index > red_header and unit.text.strip() == units[red_header].text.strip():
            copies[index] = (red_header, "red_header")
        elif title is not None and index not in (title, issuers):
            kind = _title_copy_kind(unit.text, keys[index], keys[title], whole_key)
            if kind:
                copies[index] = (title, kind)
    if title is not None:
        for index in _title_line_copies(units, keys, dropped, title, issuers, whole_key):
            copies.setdefault(index, (title, "lines"))
        for index in _last_line_copies(units, keys, dropped, title):
            copies.setdefault(index, (title, "last_line"))
    edits = []
    for index, (kept_index, kind) in sorted(copies.items()):
        unit, kept = units[index], units[kept_index]
        start, end = line_extent(text, unit)
        evidence = {
            "match": "title_copy",
            "copy": kind,
            "kept_span": kept.span.as_list(),
            "kept_input_span": None if kept.input_span is None else kept.input_span.as_list(),
            "kept_text": preview(kept.text),
        }
        reason = f"a copy of the title, {_COPY_KINDS[kind]}; the title is kept once: {preview(kept.text)}"
        edits.append(Edit(start, end, "", Action.DROP_DUPLICATE, reason, evidence))
    return edits


def _may_be_title_copy(units: Sequence[Unit], dropped: dict, index: int) -> bool:
    unit = units[index]
    return index not in dropped and unit.number is None and unit.role in (Role.TITLE, Role.PARAGRAPH)


def _issuer_line(units: Sequence[Unit], title: int | None) -> int | None:
    """The line right above the title that holds its issuers and nothing else (国务院办公厅、中央
    军委办公厅 above 关于…的通知: a joint title keeps them on a line of their own)."""
    if title is None or title == 0:
        return None
    above = units[title - 1]
    return title - 1 if above.number is None and above.role is not Role.TITLE and _ISSUER.fullmatch(above.text.strip()) else None


def _is_cut_title(key: str, whole_key: str, title_key: str) -> bool:
    """`key` begins the title line, or the whole title where the issuers stand on a line of their
    own and it reaches past them into the title; and it is no accident (half of what it is cut
    from, and 8 characters at least)."""
    return any(
        key != of and of.startswith(key) and len(key) >= max(_MIN_CUT_TITLE_CHARS, _MIN_CUT_TITLE_SHARE * len(of))
        for of in (title_key, whole_key)
        if of == title_key or len(key) > len(whole_key) - len(title_key)
    )


def _title_line_copies(
    units: Sequence[Unit], keys: Sequence[str], dropped: dict, title: int, issuers: int | None, whole_key: str
) -> list[int]:
    """Runs of 2 to 4 consecutive lines that together read as the title, whole or cut short
    (its first lines pasted again, as the page typesets them): each line of title characters
    only, none of them the title itself."""
    found: list[int] = []
    own = {title} if issuers is None else {title, issuers}
    for first in range(len(units)):
        if first in own or not _is_title_piece(units, dropped, first):
            continue
        joined = ""
        for last in range(first, min(first + _MAX_TITLE_LINES, len(units))):
            if last in own or not _is_title_piece(units, dropped, last) or not whole_key.startswith(joined + keys[last]):
                break
            joined += keys[last]
            if last > first and (joined == whole_key or _is_cut_title(joined, whole_key, keys[title])):
                found.extend(index for index in range(first, last + 1) if index not in found)
    return found


def _is_title_piece(units: Sequence[Unit], dropped: dict, index: int) -> bool:
    """A line that may be one typeset line of a title: no sentence mark, no clause marker; a
    first line that names the issuer (国务院办公厅转发国家地震局) reads as a signature."""
    unit = units[index]
    return (
        index not in dropped
        and unit.number is None
        and unit.role in (Role.TITLE, Role.PARAGRAPH, Role.SIGNATURE)
        and not any(mark in unit.text for mark in "。，,；;：:！？!?")
    )


def _last_line_copies(units: Sequence[Unit], keys: Sequence[str], dropped: dict, title: int) -> list[int]:
    """The title's last line(s) pasted right before a dropped copy of the line that follows the
    title (a repeated body that starts mid-title): a line that ends the title, with its document
    type (几 个 问 题 的 通 知 is short) or of 8 characters at least."""
    found = []
    for index in range(len(units) - 1):
        after = dropped.get(index + 1)
        if (
            index != title
            and after is not None
            and after[0].kept == title + 1
            and _is_title_piece(units, dropped, index)
            and keys[index] != keys[title]
            and keys[title].endswith(keys[index])
            and (units[index].role is Role.TITLE or len(keys[index]) >= _MIN_CUT_TITLE_CHARS)
        ):
            found.append(index)
    return found


def _find_title(units: Sequence[Unit], keys: Sequence[str], dropped: dict | frozenset = frozenset()) -> int | None:
    """The first title line right above the document number (neither of them a dropped copy);
    else the first title line that is no variant of another: without a document number appended
    and without an issuer glued before another title line. (A title may begin with its issuer's
    words, 国务院办公厅转发国家地震局关于…: the document number says which line it is.)"""
    titles = [index for index, unit in enumerate(units) if unit.role is Role.TITLE and not _APPENDED_NUMBER.search(unit.text)]
    for index in titles:
        if index not in dropped and index + 1 < len(units) and units[index + 1].role is Role.DOC_NUMBER and index + 1 not in dropped:
            return index
    for index in titles:
        if not any(_title_copy_kind(units[index].text, keys[index], keys[other]) == "issuer_glued" for other in titles if other != index):
            return index
    return None


def _title_copy_kind(line: str, key: str, title_key: str, whole_key: str = "") -> str | None:
    """How `line` is a copy of the title, or None. Keys are comparison keys (script, width and
    punctuation folded); `whole_key` is the title's with its issuers' line above it, where a
    joint title has one."""
    if not key or not title_key or any(mark in line for mark in "。；;！？"):
        return None
    number = _APPENDED_NUMBER.search(line)
    core = comparison_keys([line[: number.start()]])[0] if number else key
    if number and core == title_key:
        return "number_appended"
    if core.endswith(title_key) and core != title_key:
        # What stands before the title's words must be an issuer (or issuers joined by 、).
        head = _head_of(line.strip(), len(core) - len(title_key))
        if _ISSUER.fullmatch(head.strip()):
            return "number_appended" if number else "issuer_glued"
    # A signature (the issuer alone) begins many titles: a cut copy reaches past the issuer.
    if key != title_key and not _ISSUER.fullmatch(line.strip()) and _is_cut_title(key, whole_key or title_key, title_key):
        return "cut"
    return None


def _head_of(line: str, key_chars: int) -> str:
    """The start of `line` that holds its first `key_chars` characters of key (letters, digits,
    Han), counted in the line so that a letter-spaced title's spaces do not shift it."""
    count = 0
    for position, char in enumerate(line):
        if count == key_chars:
            return line[:position]
        count += bool(_NOT_KEY.sub("", char))
    return line


#: What a comparison key leaves out (punctuation, symbols, white space).
_NOT_KEY = re.compile(r"[\W_]")
