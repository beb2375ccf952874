from dataclasses import replace
from itertools import accumulate

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docrepair.errors import LedgerError
from docrepair.ledger import Ledger, find_lost_offsets, longest_increasing_subsequence, map_offsets, replay, replay_with_origins
from docrepair.model import Action, Edit, Placement, ReplayRule, Span


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
    forged = [replace(notes[0], input_span=Span(0, 0))]
    assert find_lost_offsets(text, forged) == [1]


def test_replay_refuses_notes_that_do_not_match_the_input():
    ledger = Ledger("甲乙丙")
    ledger.apply("t", [_edit(1, 2, "")])
    with pytest.raises(LedgerError):
        replay("甲丁丙", ledger.notes())


def test_longest_increasing_subsequence_is_minimal_and_deterministic():
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


def _shuffled_ledger(blocks: list[str], order: list[int], drops: list[int]):
    """A ledger that drops some blocks, then puts the rest in the given order."""
    text = "".join(blocks)
    ledger = Ledger(text)
    starts = [0, *accumulate(map(len, blocks))][:-1]
    ledger.apply("t", [_edit(starts[i], starts[i] + len(blocks[i]), "") for i in sorted(set(drops))])
    kept = [i for i in range(len(blocks)) if i not in set(drops)]
    spans, cursor = {}, 0
    for i in kept:
        spans[i] = (cursor, cursor + len(blocks[i]))
        cursor += len(blocks[i])
    ledger.reorder("t", [Placement(*spans[i], reason="order") for i in order if i in spans])
    return text, ledger


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(st.permutations(range(n)), st.lists(st.integers(0, n - 1), max_size=n // 3))))
def test_replay_of_any_reorder_gives_the_ledgers_text_and_origins(case):
    order, drops = case
    blocks = [f"第{i}条内容{'。' * (i % 3)}\n" for i in range(len(order))]
    text, ledger = _shuffled_ledger(blocks, order, drops)
    notes = ledger.notes()
    replayed, origin = replay_with_origins(text, notes)
    assert replayed == ledger.text and origin.tolist() == ledger.origin.tolist()
    assert find_lost_offsets(text, notes) == []


def test_replay_of_five_thousand_moves_gives_the_output_and_loses_nothing():
    # Reversed pairs: half the blocks move. The time (replay linear, faster than the repair) is
    # benchmarks/replay.py's to measure; the per-move rebuild it replaced took seconds here.
    count = 10_000
    order = [i ^ 1 for i in range(count)]
    text, ledger = _shuffled_ledger([f"{i}．第{i}项。\n" for i in range(count)], order, [])
    notes = ledger.notes()
    assert sum(n.action is Action.MOVE for n in notes) == count // 2
    assert replay(text, notes) == ledger.text and find_lost_offsets(text, notes) == []


def test_a_move_onto_another_block_is_refused():
    text, ledger = _shuffled_ledger(["甲\n", "乙\n", "丙\n"], [2, 0, 1], [])
    (move,) = [n for n in ledger.notes() if n.action is Action.MOVE]
    assert move.before == "丙\n" and move.to == 0
    clash = replace(move, id="n9999", at=Span(0, 2), before="甲\n", after="甲\n")  # 甲 to the same place
    with pytest.raises(LedgerError, match="onto another"):
        replay(text, [move, clash])


def test_the_offset_map_comes_from_the_results_origins_without_a_replay(monkeypatch):
    import docrepair.ledger as ledger_module
    from docrepair import repair_text

    text = "关于加强安全管理的通知\n各单位：\n2．第二项。\n1．第一项。\n2．第二项。\n"
    result = repair_text(text)
    by_replay = map_offsets(replace(result, origin=None))
    origin = np.asarray(replay_with_origins(text, result.notes)[1])
    with_origin = replace(result, origin=origin)

    def no_replay(*args, **kwargs):
        raise AssertionError("map_offsets replayed although the result carries its origins")

    monkeypatch.setattr(ledger_module, "replay_with_origins", no_replay)
    offsets = map_offsets(with_origin)
    assert offsets.output_at.tolist() == by_replay.output_at.tolist() and offsets.output_length == len(result.text)
    for note in result.notes:
        assert offsets.position(note) == by_replay.position(note)
        assert offsets.removal_point(note) == by_replay.removal_point(note)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_input_spans_of_many_ranges_agree_with_one_at_a_time(data):
    """The vectorised input_spans (reduceat over the ranges' bounds, inserted text skipped by an
    unsigned view) gives, range by range, what input_span gives: for sorted ranges (a text's
    units, zero-width ones and ones ending at the text's end included) and for unsorted ones."""
    ledger = Ledger("甲乙丙丁戊己庚辛壬癸")
    for _ in range(data.draw(st.integers(0, 3))):  # inserted and dropped text, then reordered
        at = data.draw(st.integers(0, len(ledger.text)))
        ledger.apply("t", [_edit(at, min(len(ledger.text), at + data.draw(st.integers(0, 2))), data.draw(st.sampled_from(["", "\n", "子丑"])), Action.SPLIT_LINE)])
    size = len(ledger.text)
    cuts = sorted(data.draw(st.lists(st.integers(0, size), min_size=2, max_size=12)))
    ranges = list(zip(cuts[::2], cuts[1::2]))
    if data.draw(st.booleans()):
        ranges = data.draw(st.permutations(ranges))
    expected = [ledger.input_span(start, end) for start, end in ranges]
    assert ledger.input_spans([start for start, _ in ranges], [end for _, end in ranges]) == expected


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_step_of_many_edits_gives_the_text_and_per_character_arrays_of_one_by_one_splicing(data):
    """apply builds the new origin and placed_by arrays from a mask of removed characters and
    one vectorised insertion (not from pieces): over several steps of adjacent, empty, replacing
    and inserting edits, they agree with splicing a list of (character, origin, note) by hand."""
    text = "甲乙丙丁戊己庚辛壬癸子丑寅卯"
    ledger = Ledger(text)
    reference = [(ch, offset, -1) for offset, ch in enumerate(text)]
    for _ in range(data.draw(st.integers(1, 3))):
        cuts = sorted(data.draw(st.lists(st.integers(0, len(reference)), min_size=2, max_size=10)))
        ranges = list(zip(cuts[::2], cuts[1::2]))
        afters = [data.draw(st.sampled_from(["", "", "\n", "子丑", "甲"])) for _ in ranges]
        edits = [_edit(start, end, after, Action.SPLIT_LINE) for (start, end), after in zip(ranges, afters)]
        first_note = len(ledger.recorded())
        ledger.apply("t", edits)
        real = [(start, end, after) for (start, end), after in zip(ranges, afters) if "".join(ch for ch, _, _ in reference[start:end]) != after]
        for number, (start, end, after) in reversed(list(enumerate(real))):
            reference[start:end] = [(ch, -1, first_note + number) for ch in after]
        assert ledger.text == "".join(ch for ch, _, _ in reference)
        assert ledger.origin.tolist() == [origin for _, origin, _ in reference]
        assert ledger.placed_by.tolist() == [note for _, _, note in reference]
