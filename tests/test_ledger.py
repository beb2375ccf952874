import pytest

from docrepair.errors import LedgerError
from docrepair.ledger import Ledger, longest_increasing_subsequence, find_lost_offsets, replay
from docrepair.model import Action, Edit, Placement, ReplayRule


def _edit(start, end, after, action=Action.DROP_DUPLICATE):
    return Edit(start, end, after, action, "test", {})


def test_apply_records_one_note_per_real_change_and_keeps_input_offsets():
    ledger = Ledger("甲乙丙丁戊")
    changed = ledger.apply("t", [_edit(1, 2, ""), _edit(3, 3, "\n", Action.SPLIT_LINE), _edit(4, 5, "戊")])
    assert changed == 2  # replacing 戊 by 戊 is no change and gets no note
    assert ledger.text == "甲丙\n丁戊"
    notes = ledger.notes()
    assert [n.before for n in notes] == ["乙", ""]
    assert notes[0].input_span.as_list() == [1, 2] and notes[0].output_span is None
    assert notes[1].input_span.as_list() == [3, 3] and notes[1].output_span.as_list() == [2, 3]
    assert ledger.input_span(3, 5).as_list() == [3, 5]


def test_overlapping_edits_are_refused():
    ledger = Ledger("abcdef")
    with pytest.raises(LedgerError):
        ledger.apply("t", [_edit(0, 3, ""), _edit(2, 4, "")])


def test_replay_rebuilds_edits_and_moves_over_several_steps():
    text = "一一\n二二\n三三\n四四\n"
    ledger = Ledger(text)
    ledger.apply("t", [_edit(3, 6, "")])  # drop 二二
    ledger.apply("t", [_edit(0, 0, "题\n", Action.SPLIT_LINE)])
    blocks = [(0, 2), (2, 5), (5, 8), (8, 11)]  # 题\n 一一\n 三三\n 四四\n
    order = [0, 3, 1, 2]
    ledger.reorder("t", [Placement(*blocks[i], reason="order") for i in order])
    assert ledger.text == "题\n四四\n一一\n三三\n"
    notes = ledger.notes()
    assert sum(n.action.rule is ReplayRule.MOVE for n in notes) == 1  # only 四四 moved
    assert replay(text, notes) == ledger.text
    assert find_lost_offsets(text, notes) == []


def test_lost_offsets_are_found_when_a_note_is_missing():
    text = "甲乙丙"
    ledger = Ledger(text)
    ledger.apply("t", [_edit(1, 2, "")])
    notes = ledger.notes()
    # Forge a note set that claims 乙 was replaced by nothing but names the wrong input span.
    from dataclasses import replace

    from docrepair.model import Span

    forged = [replace(notes[0], input_span=Span(0, 0))]
    assert find_lost_offsets(text, forged) == [1]


def test_replay_refuses_notes_that_do_not_match_the_input():
    ledger = Ledger("甲乙丙")
    ledger.apply("t", [_edit(1, 2, "")])
    with pytest.raises(LedgerError):
        replay("甲丁丙", ledger.notes())


def testlongest_increasing_subsequence_is_minimal_and_deterministic():
    assert longest_increasing_subsequence([0, 3, 1, 2]) == [0, 2, 3]
    assert longest_increasing_subsequence([2, 1, 0]) == [2]
    assert longest_increasing_subsequence([]) == []


def test_non_strict_subsequence_keeps_equal_values():
    assert longest_increasing_subsequence([1, 1, 0, 1], strict=False) == [0, 1, 3]
    assert longest_increasing_subsequence([1, 1, 0, 1]) == [2, 3]


def test_flag_changes_nothing_and_points_into_the_output():
    ledger = Ledger("甲乙丙")
    ledger.flag("t", Action.FLAG, 1, 2, "looks odd", {"why": 1})
    notes = ledger.notes()
    assert ledger.text == "甲乙丙" and notes[0].output_span.as_list() == [1, 2]
    assert replay("甲乙丙", notes) == "甲乙丙"
