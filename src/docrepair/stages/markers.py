"""Markers: clause markers destroyed by garbled bytes are restored from the numbering around them.

A line that opens with what is left of a section marker (□（□）, □）, （□）, or a lone closing
bracket when the decoder dropped （六 without a trace) gets the one number the sections around it
leave free: between two sections, before the first one (numbers from 1), or one line before the
next chapter or the end. Where the count of damaged lines and free numbers differ, nothing is
restored. It runs after layout (which joins the lines) and before dedup (which compares clauses
by their markers).
"""

from __future__ import annotations

import re
from typing import Sequence

from ..config import RepairConfig
from ..model import Action, Edit, Proposal, Role, Unit
from ..stage import DocumentView, Stage

NAME = "markers"


def propose(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(find_marker_restorations(view.units))


STAGE = Stage(NAME, propose)


#: A line opening with a clause marker the garble destroyed: □ where the numeral was, in or
#: beside the brackets (□（□）, □）, （□）), or only its closing bracket left (）加強, when the
#: decoder dropped the bytes of （六 without a trace), or part of its numeral left ((二十□), whose
#: last character a byte-level repair could not tell from the other numerals).
_DAMAGED_MARKER = re.compile(r"^[（(][一二三四五六七八九十百零〇□]*□[一二三四五六七八九十百零〇□]*[）)]|^□*[（(]?□+[）)]|^□*[（(]□*[）)]|^□*[（(]□+|^□+[）)]|^[）)](?=[^\s）)])|^□+(?=[^（(□])")
_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 17 → 十七, 35 → 三十五, 100 → 一百, 105 → 一百零五, 110 → 一百一十 (1 to 999;
    the segment stage's parse_chinese_numeral reads them back)."""
    if not 0 < number < 1000:
        raise ValueError(f"no section numeral for {number}")
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    if not hundreds:
        if number < 10:
            return _CN_DIGITS[number]
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + ("" if units == 0 else _CN_DIGITS[units])
    if not rest:
        return _CN_DIGITS[hundreds] + "百"
    middle = _CN_DIGITS[tens] + "十" if tens else "零"
    return _CN_DIGITS[hundreds] + "百" + middle + ("" if units == 0 else _CN_DIGITS[units])


def find_marker_restorations(units: Sequence[Unit]) -> list[Edit]:
    """Section markers the garble destroyed, restored where the numbering around them leaves
    exactly as many numbers missing as there are damaged lines: between two sections, before the
    first one (numbers from 1), or one line before the next chapter or the end."""
    sections = [unit for unit in units if unit.role is Role.SECTION]
    if not sections:
        return []
    brackets = ("(", ")") if sections[0].marker.startswith("(") else ("（", "）")
    edits: list[Edit] = []
    previous = 0
    damaged: list[tuple[Unit, re.Match[str]]] = []
    for unit in [*units, None]:
        found = _DAMAGED_MARKER.match(unit.text) if unit is not None and unit.marker == "" else None
        if found:
            damaged.append((unit, found))
            continue
        if unit is not None and unit.role is Role.SECTION:
            if damaged and len(damaged) == unit.number - previous - 1 and _numerals_agree(previous, damaged):
                edits.extend(_restored(previous, damaged, brackets, f"between sections {previous} and {unit.number}"))
            elif previous and len(damaged) == 1 and unit.number <= previous and _has_bracket(damaged[0][1].group()) and _numerals_agree(previous, damaged):
                # The numbering starts again (the items of the next article): the damaged line,
                # if a bracket shows it was an item ((□), not □、 of a heading), was the last.
                edits.extend(_restored(previous, damaged, brackets, f"after section {previous}, the last before the numbering starts again"))
            previous, damaged = unit.number, []
        elif unit is None or unit.role is Role.CHAPTER:
            if previous and len(damaged) == 1 and _numerals_agree(previous, damaged):
                edits.extend(_restored(previous, damaged, brackets, f"after section {previous}, the last before the next chapter"))
                previous += 1
                damaged = []
            # Otherwise the damaged lines wait: the next section's number may account for them
            # (（一）（二） garbled under the first chapter, （三） under the second).
    return edits


def _numerals_agree(previous: int, damaged: list[tuple[Unit, re.Match[str]]]) -> bool:
    """Numerals a damaged marker kept ((二十□)) must be those of the number it is given."""
    for offset, (_, match) in enumerate(damaged, start=1):
        kept = re.sub(r"^□*[（(]|[）)]$", "", match.group())
        if kept.strip("□") and not re.fullmatch(kept.replace("□", "."), chinese_numeral(previous + offset)):
            return False
    return True


def _has_bracket(damaged: str) -> bool:
    """A damaged marker with a bracket left is replaced; a bare □ (a lost heading whose marker
    went with it) stays, and the marker goes before it."""
    return any(mark in damaged for mark in "（()）")


def _restored(previous: int, damaged: list[tuple[Unit, re.Match[str]]], brackets: tuple[str, str], where: str) -> list[Edit]:
    opening, closing = brackets
    edits = []
    for offset, (line, match) in enumerate(damaged, start=1):
        numeral = chinese_numeral(previous + offset)
        replaced = match.group() if _has_bracket(match.group()) else ""
        # Each □ stands for at least one lost character: those the numeral and its closing
        # bracket cannot account for were text after the marker, and stay □ (（□□□□ → （十四）□).
        inside = re.split(r"[（(]", replaced, maxsplit=1)[-1]  # □ before the bracket were before the marker
        surplus = inside.count("□") - len(numeral) - (0 if any(mark in replaced for mark in "）)") else 1)
        edits.append(
            Edit(
                line.span.start,
                line.span.start + len(replaced),
                f"{opening}{numeral}{closing}" + "□" * max(0, surplus),
                Action.RESTORE_MARKER,
                f"a section marker destroyed by garbled bytes restored as {previous + offset}: the only number free {where}",
                {"number": previous + offset, "after": previous, "missing_after_marker": max(0, surplus)},
            )
        )
    return edits
