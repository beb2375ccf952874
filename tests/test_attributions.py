"""Which clause a responsibility note belongs to when copies disagree (docrepair.attributions),
on units and copies given directly: the dedup stage supplies both in a real run."""

from __future__ import annotations

from docrepair.attributions import HEADING_BASIS, IN_PLACE_BASIS, ONLY_HERE_BASIS, find_stray_notes
from docrepair.clauses import find_clause_positions
from docrepair.config import SegmentConfig
from docrepair.stages.segment import segment_units

LINES = [
    "一、加强统筹协调",  # 0
    "1．完善工作协调机制，建立联席会议制度。",  # 1
    "（市发展改革委负责）",  # 2
    "2．强化日常监督检查，开展专项整治行动。",  # 3
    "（市商务委负责）",  # 4
    "3．推进执法信息共享，建立信息共享平台。",  # 5
    "（市公安局负责）",  # 6
    "1．完善工作协调机制，建立联席会议制度。",  # 7: a copy of item 1
    "（市商务委负责）",  # 8: item 2's list pasted with it
]


def _find(lines, copy_of, out_of_place=frozenset(), openers=frozenset()):
    units = segment_units("\n".join(lines) + "\n", SegmentConfig())
    keys = [unit.text for unit in units]  # equal text, equal key: enough for these lines
    return find_stray_notes(units, copy_of, keys, find_clause_positions(units), set(out_of_place), set(openers))


def test_the_note_after_a_copy_out_of_place_is_stray_when_it_stays_after_another_item():
    # Item 1's list in place is found after no other item: it is item 1's.
    strays = _find(LINES, {7: 1}, out_of_place={7})
    assert [(s.note, s.kept, s.owner, s.basis) for s in strays] == [(8, 4, 1, ONLY_HERE_BASIS)]
    # Both lists stand after other items too: the copy in place decides.
    shared = LINES[:2] + ["（市公安局负责）"] + LINES[3:]
    strays = _find(shared, {7: 1}, out_of_place={7})
    assert [(s.note, s.kept, s.owner, s.basis) for s in strays] == [(8, 4, 1, IN_PLACE_BASIS)]
    # Where neither copy stands in place, nothing is decided.
    assert _find(shared, {7: 1}, out_of_place={1, 7}) == []


def test_a_note_found_after_no_other_item_is_the_item_s_own_wherever_its_copy_stands():
    # Item 1 in place shows item 2's list; its copy further on shows a list found nowhere else.
    lines = LINES[:2] + ["（市商务委负责）"] + LINES[3:7] + [LINES[7], "（市财政局负责）"]
    strays = _find(lines, {7: 1}, out_of_place={7})
    assert [(s.note, s.kept, s.owner, s.basis) for s in strays] == [(2, 4, 7, ONLY_HERE_BASIS)]


def test_nothing_is_stray_without_copies_or_without_a_note_staying_elsewhere():
    assert _find(LINES, {}) == []
    unique = LINES[:8] + ["（市财政局负责）"]
    # Two different lists after item 1's copies, the stray one found nowhere else: it stays.
    assert _find(unique, {7: 1}, out_of_place={7}) == []


def test_a_note_after_a_copy_of_a_heading_of_items_is_stray():
    lines = LINES[:7] + ["一、加强统筹协调", "（市商务委负责）"]
    strays = _find(lines, {7: 0})
    assert [(s.note, s.kept, s.owner, s.basis) for s in strays] == [(8, 4, 0, HEADING_BASIS)]
