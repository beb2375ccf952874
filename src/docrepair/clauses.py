"""Clause structure: where every unit of a document stands among its numbered clauses.

Pure functions over the units segment produced (`segment.segment_units`), shared by the stages
that must know a unit's place before they drop, merge or move it. Every numbered unit gets its
*series* (the kind of marker: 第N章, 第N条, 一、, （一）, 1., （1）, ①, decimal 1.1), its number and
its parent; every other unit belongs to the clause it follows (a responsibility note
`（…按职责分工负责）` therefore to the item before it); units before the first clause belong to
none.

The hierarchy is inferred per document from the series it uses, nested in the order of the
standards: a law's 第N编 > 第N章 > 第N节 > 第N条 above GB/T 9704's 一、 > （一） > 1. > （1） > ①,
decimal outlines 1.1 > 1.1.1 under 1.; a document that skips a level simply nests the next one
directly (（一） with no 一、 above it is top-level). The order of first appearance is no guide: an
item pasted before the first chapter would otherwise become every chapter's parent. A series either *continues* through
the document (items 1…39 across all sections) or *restarts* under each parent (一、二、 under every
article of a law); which one is read from the document: the first number under each new parent.
A clause's *key* names it: its series and number, preceded by its parent's key when its series
restarts. Two units with one key are the same clause; the same wording under another key is
not a copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import AbstractSet as Set, Sequence

from .model import Role, Unit

#: Nesting of the series, outermost first: a law's divisions, then GB/T 9704's levels.
_RANKS = {"第编": 0, "第章": 1, "第节": 2, "第条": 3, "一、": 4, "（一）": 5, "1.": 6, "（1）": 7, "①": 8}
_TRADITIONAL = str.maketrans({"編": "编", "節": "节", "條": "条"})
#: Series of the GB/T 9704 roles segment classifies.
_ROLE_SERIES = {Role.CHAPTER: "一、", Role.SECTION: "（一）", Role.ITEM: "1.", Role.SUB_ITEM: "（1）", Role.CIRCLED: "①"}
#: A decimal outline number opening a line, then a space: 1.1 目的, 2.3.4 要求 (segment reads 1.
#: but not 1.1). At most three digits a component, so a date 2017.08.28 is no outline; the space
#: keeps a figure (3.5亿元) out.
_DECIMAL = re.compile(r"(\d{1,3}(?:[.．]\d{1,3})+)(?![\d.．])[ \u3000]+(?=\S)")
#: Series whose headings a table of contents lists.
_HEADING_SERIES = frozenset({"第编", "第章", "第节", "一、"})
#: A line that heads a table of contents.
_TOC_HEADING = re.compile(r"^目\s*录$|^目\s*錄$")

Key = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ClausePosition:
    """The place of one unit among the numbered clauses of its document."""

    series: str | None  # marker kind of a numbered unit, None for any other
    number: int | None
    parent: int | None  # index of the enclosing numbered unit
    owner: int | None  # the numbered unit this unit belongs to: itself when numbered
    key: Key | None  # the clause's name (see the module doc); an unnumbered unit: its owner's
    path: Key  # every enclosing clause and itself, outermost first
    is_toc: bool = False  # an entry of a table of contents: a heading listed, not the heading
    restarts: bool = False  # its series starts again from 1 under each parent
    rank: tuple[float, int] | None = None  # its series' place in the hierarchy, outermost lowest


def series_of(unit: Unit) -> tuple[str, int] | None:
    """The series and number of a numbered unit, None for any other."""
    if unit.number is not None:
        if unit.marker.startswith("第"):
            return "第" + unit.marker[-1].translate(_TRADITIONAL), unit.number
        return _ROLE_SERIES.get(unit.role, unit.role.value), unit.number
    if unit.role is Role.PARAGRAPH:
        found = _DECIMAL.match(unit.text)
        if found:
            parts = re.split(r"[.．]", found.group(1))
            if all(int(part) > 0 for part in parts):
                return "1" + ".1" * (len(parts) - 1), int(parts[-1])
    return None


def find_clause_positions(units: Sequence[Unit]) -> list[ClausePosition]:
    """Every unit's place among the numbered clauses, in one pass for the nesting and one for
    the keys (linear in the units)."""
    marked = [series_of(unit) for unit in units]
    first_seen: dict[str, int] = {}
    for found in marked:
        if found is not None:
            first_seen.setdefault(found[0], len(first_seen))

    def rank(series: str) -> tuple[float, int]:
        if series in _RANKS:
            return (_RANKS[series], 0)
        if series.startswith("1.1"):
            return (_RANKS["1."] + series.count(".") / 10, 0)  # 1.1 and 1.1.1 under 1.
        return (len(_RANKS), first_seen[series])

    parents: list[int | None] = []
    owners: list[int | None] = []
    stack: list[int] = []  # open numbered units, outermost first
    for index, found in enumerate(marked):
        if found is None:
            parents.append(None)
            owners.append(stack[-1] if stack else None)
            continue
        while stack and rank(marked[stack[-1]][0]) >= rank(found[0]):
            stack.pop()
        parents.append(stack[-1] if stack else None)
        owners.append(index)
        stack.append(index)
    restarting = _restarting_series(marked, parents)
    toc = _toc_entries(units, marked)
    keys: list[Key | None] = []
    paths: list[Key] = []
    for index, found in enumerate(marked):
        if found is None:
            owner = owners[index]
            keys.append(None if owner is None else keys[owner])
            paths.append(() if owner is None else paths[owner])
            continue
        parent = parents[index]
        parent_key = () if parent is None else keys[parent]
        parent_path = () if parent is None else paths[parent]
        own = (found[0], found[1])
        keys.append((*parent_key, own) if found[0] in restarting else (own,))
        paths.append((*parent_path, own))
    return [
        ClausePosition(
            None if found is None else found[0],
            None if found is None else found[1],
            parents[index],
            owners[index],
            keys[index],
            paths[index],
            index in toc,
            found is not None and found[0] in restarting,
            None if found is None else rank(found[0]),
        )
        for index, found in enumerate(marked)
    ]


def _restarting_series(marked: list[tuple[str, int] | None], parents: list[int | None]) -> set[str]:
    """Series whose numbering starts again under each parent: more of their parents begin
    them at 1 than further on (and, unless all do, more than one number stands under two
    parents). A clean document shows either every parent beginning at 1 (restarting) or one
    beginning at 1 and the rest further on (continuing); a tie (two parents) only comes with
    damage, or with a continuing series whose numbers never meet."""
    firsts: dict[str, dict[int | None, int]] = {}  # series -> parent -> the first number under it
    parents_of: dict[str, dict[int, set[int | None]]] = {}  # series -> number -> its parents
    for index, found in enumerate(marked):
        if found is not None:
            firsts.setdefault(found[0], {}).setdefault(parents[index], found[1])
            parents_of.setdefault(found[0], {}).setdefault(found[1], set()).add(parents[index])
    restarting = set()
    for series, by_parent in firsts.items():
        if len(by_parent) > 2 and None in by_parent:
            # Clauses above every parent of their series (item 1 pasted above the first
            # heading) are no parent's run: they vote neither way.
            by_parent = {parent: number for parent, number in by_parent.items() if parent is not None}
        ones = sum(1 for number in by_parent.values() if number == 1)
        # Where some parent begins past 1 (damage, or a continuing series), a restarting series
        # still repeats more than its first number under other parents (1, 2 under each
        # article); only item 1 found under two parents can be a pasted copy (item 1 again
        # under the section a damaged page moved it from).
        repeated = sum(1 for under in parents_of[series].values() if len(under) > 1)
        if len(by_parent) > 1 and ones * 2 > len(by_parent) and (ones == len(by_parent) or repeated > 1):
            restarting.add(series)
    return restarting


def _toc_entries(units: Sequence[Unit], marked: list[tuple[str, int] | None]) -> set[int]:
    """Units of a table of contents: the numbered lines after a 目录 line up to the first one
    that repeats an entry (where the body begins), or a run of at least three headings of one
    series with nothing between them whose series and numbers all come again later."""
    entries: set[int] = set()
    for index, unit in enumerate(units):
        if _TOC_HEADING.match(unit.text.strip()):
            seen = set()
            for after in range(index + 1, len(units)):
                found = marked[after]
                if (found is not None and found in seen) or "。" in units[after].text:
                    break
                if found is not None:
                    seen.add(found)
                entries.add(after)
    index = 0
    while index < len(units):
        found = marked[index]
        end = index + 1
        while found is not None and end < len(units) and marked[end] is not None and marked[end][0] == found[0] and marked[end][1] == marked[end - 1][1] + 1:
            end += 1
        if found is not None and end - index >= 3 and found[0] in _HEADING_SERIES and not any("。" in units[i].text for i in range(index, end)):
            later = set(marked[end:])
            if all(marked[i] in later for i in range(index, end)):
                entries.update(range(index, end))
        index = end
    return entries


def find_out_of_order(positions: Sequence[ClausePosition], ignore: Set[int] = frozenset()) -> set[int]:
    """Numbered units that contradict their numbering where they stand: a number not above the
    last one of its series in the same place (a continuing series through the document, a
    restarting one under each parent), or a restarting series' run that opens past 1 under its
    parent (三、四、 under an article with no 一、 before them). Units in `ignore` (known to be out
    of place already) neither count nor set the numbering the others are judged against: a stray
    copy of item 2 pasted before the first section must not make the real items 1 and 2 under it
    look out of order."""
    out: set[int] = set()
    last: dict[tuple, int] = {}
    for index, position in enumerate(positions):
        if position.series is None or position.is_toc or index in ignore:
            continue
        scope = position.key[:-1] + ((position.series, 0),)
        if position.restarts and position.number == 1 and index > 0 and positions[index - 1].series is None:
            # A second list under one parent, after a paragraph that introduces it (董事有下列
            #情事之一者…： 一、…): the numbering starts again, nothing is out of order.
            last[scope] = 1
            continue
        is_headless = position.restarts and last.get(scope, 0) == 0 and position.number != 1
        if is_headless or position.number <= last.get(scope, 0):
            out.add(index)
        if not is_headless:
            last[scope] = max(last.get(scope, 0), position.number)
    return out


def first_children(positions: Sequence[ClausePosition]) -> set[int]:
    """Numbered units that open their heading's clauses, under the heading the hierarchy puts
    right above their series (an item 1． first under a （一）, when the document has （一） at
    all): of two copies of a clause, that one is in place; a copy pasted elsewhere lands after
    other clauses, before any heading, or under a heading of another level (an item after a
    第 3 條, in a law whose items live under （一））."""
    ranks = sorted({_RANKS[position.series] for position in positions if position.series in _RANKS})
    first: dict[int, int] = {}
    for index, position in enumerate(positions):
        if position.series not in _RANKS or position.parent is None:
            continue
        above = [rank for rank in ranks if rank < _RANKS[position.series]]
        if above and _RANKS.get(positions[position.parent].series) == above[-1]:
            first.setdefault(position.parent, index)
    return set(first.values())


def series_ascend(positions: Sequence[ClausePosition]) -> bool:
    """True when every series runs in ascending order where it stands: a continuing series
    through the document, a restarting one under each of its parents from 1; nothing
    repeated."""
    return not find_out_of_order(positions)


def path_label(positions: Sequence[ClausePosition], units: Sequence[Unit], index: int) -> str:
    """二、/（三）/5． style: the markers of the clauses enclosing unit `index`, outermost first,
    and its own (an unnumbered unit: its owner's path)."""
    position = positions[index]
    chain = []
    at = index if position.series is not None else position.owner
    while at is not None:
        marker = units[at].marker or units[at].text.split()[0]
        chain.append(marker.strip())
        at = positions[at].parent
    return "/".join(reversed(chain))


__all__ = ["ClausePosition", "find_clause_positions", "find_out_of_order", "first_children", "path_label", "series_ascend", "series_of"]
