"""Attributions: which clause a responsibility note (`（…按职责分工负责）`, `（…牵头）`) belongs to
when the copies of a clause disagree.

A 任务分工 document puts after each item the list of bodies responsible for it; that list is
the point of the item. A scrape that pastes items about pastes their lists with them, so after
dedup the copies of one clause may be followed by different lists, and headings may stand with
a list that is an item's. These pure functions, over the units and the copies dedup found, say
which of those notes are stray copies: the dedup stage drops them as duplicates of the copy
that stays, so no text is lost and no clause shows a second list, or another clause's.
"""

from __future__ import annotations

from typing import AbstractSet as Set, Mapping, NamedTuple, Sequence

from .clauses import ClausePosition
from .model import Role, Unit

#: Why a clause's own note is the one it is; the words end a drop's reason.
ONLY_HERE_BASIS, IN_PLACE_BASIS, HEADING_BASIS = "only_here", "in_place", "heading"
BASIS_WORDS = {
    ONLY_HERE_BASIS: "stands after no other clause, so it is the clause's",
    IN_PLACE_BASIS: "follows the clause's copy in place, so it is the clause's",
    HEADING_BASIS: "is a heading whose clauses carry their own notes",
}


class StrayNote(NamedTuple):
    """A note pasted with a copy of a clause: the unit index of the note, of the equal note that
    stays (after another clause), of the clause copy that decided, and why (a *_BASIS)."""

    note: int
    kept: int
    owner: int
    basis: str


def find_stray_notes(
    units: Sequence[Unit],
    copy_of: Mapping[int, int],
    keys: Sequence[str],
    positions: Sequence[ClausePosition],
    out_of_place: Set[int],
    openers: Set[int],
) -> list[StrayNote]:
    """Responsibility notes pasted with copies of a clause, in unit order. `copy_of` maps every
    unit dedup drops to the unit kept for it; `keys` are the comparison keys (equal key, same
    text); `out_of_place` and `openers` say which numbered units stand against their numbering
    or parent, and which open their heading's clauses.

    When the copies of one clause are followed by different notes (item 2 in place with its
    list, a copy of item 2 among other items' lists with another), one of them is the clause's:
    the only one that stands after no other clause (a list found nowhere else has no other
    owner), else the one after the copy that stands in place; a heading over clauses of its own
    has none (they carry theirs). A note after another copy of the clause is stray only when it
    is an exact copy of a note that stays after another clause: nothing of its text is lost.
    A note with no copy elsewhere stays (a reviewer sees it)."""
    copies_of: dict[int, list[int]] = {}
    for index, kept in copy_of.items():
        if units[index].number is not None:
            copies_of.setdefault(kept, [kept]).append(index)
    first_numbered = next((index for index, unit in enumerate(units) if unit.number is not None), len(units))
    headings = {position.parent for position in positions if position.series is not None and position.parent is not None}

    def note_after(index: int) -> int | None:
        after = index + 1
        # The page head pasted again after a clause (title, document number, opening paragraph)
        # stands between the clause and its note; it goes, and the note is the clause's.
        while after in copy_of and copy_of[after] < first_numbered:
            after += 1
        if after < len(units) and units[after].role is Role.ATTRIBUTION and after not in copy_of and keys[after]:
            return after
        return None

    standing: dict[str, list[int]] = {}  # note key -> the notes that stay with that text
    for index, key in enumerate(keys):
        if units[index].role is Role.ATTRIBUTION and index not in copy_of and key:
            standing.setdefault(key, []).append(index)
    strays: dict[int, tuple[int, str]] = {}  # stray note -> (the copy whose note is the clause's, why)
    for members in copies_of.values():
        notes = {member: note for member in sorted(members) if (note := note_after(member)) is not None}
        keeper = members[0]
        if notes and keeper not in notes and keeper in headings:
            # A heading over clauses of its own (（二）加强部门间执法协作。 above items 3-4): its
            # clauses carry the notes; a note after a copy of it came with the paste.
            for note in notes.values():
                strays.setdefault(note, (keeper, HEADING_BASIS))
            continue
        if len({keys[note] for note in notes.values()}) < 2:
            continue
        after_copies = set(notes.values())
        alone = [m for m, note in notes.items() if all(other in after_copies for other in standing[keys[note]])]
        if len({keys[notes[m]] for m in alone}) == 1:
            owner, why = alone[0], ONLY_HERE_BASIS
        else:
            in_place = [m for m in notes if m not in out_of_place]
            if not in_place:
                continue
            owner, why = min(in_place, key=lambda m: (m not in openers, m)), IN_PLACE_BASIS
        for member, note in notes.items():
            if keys[note] != keys[notes[owner]] and (member in out_of_place or why != IN_PLACE_BASIS):
                strays.setdefault(note, (owner, why))
    if copies_of:
        # In a document whose clauses were pasted about, a heading (of a series whose clauses
        # mostly head clauses of their own) standing with a note that stays after another
        # clause too: the note came with the paste.
        parents_by_series: dict[str, list[bool]] = {}
        for index, position in enumerate(positions):
            if position.series is not None and index not in copy_of:
                parents_by_series.setdefault(position.series, []).append(index in headings)
        heading_series = {series for series, parent in parents_by_series.items() if sum(parent) * 2 > len(parent)}
        for heading, position in enumerate(positions):
            note = None if heading in copy_of or position.series not in heading_series else note_after(heading)
            if note is not None and len(standing[keys[note]]) > 1:
                strays.setdefault(note, (heading, HEADING_BASIS))
    found = []
    for note, (owner, why) in sorted(strays.items()):
        kept = [other for other in standing[keys[note]] if other not in strays]
        if kept:
            found.append(StrayNote(note, kept[0], owner, why))
    return found
