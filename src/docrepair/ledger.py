"""The one recording path for changes: offsets back to the input, notes, replay, no-loss check.

The ledger keeps the current text and, for each of its characters, the input offset it came from
(-1 for text a note inserted) and the note that last placed it (-1 for none). A stage proposes a
batch of edits or a reorder; the ledger applies the whole batch in one linear pass (so a stage
with k edits costs O(n + k), not O(n * k)) and writes one note per real change.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .errors import LedgerError
from .model import Action, Edit, Note, Placement, Proposal, RepairResult, ReplayRule, Span

_NO_ORIGIN = -1
#: Removed texts up to this long are stored once per document (see Ledger._short_texts).
_SHARED_TEXT_CHARS = 8


def _owned(evidence: Mapping[str, Any]) -> dict[str, Any]:
    """A proposal's evidence as the note's dict. A stage builds a new dict for each change and
    never touches it again, so that dict is kept, not copied (a copy per note was 0.14 MB on a
    document with 770 notes); any other mapping is copied into one."""
    return evidence if type(evidence) is dict else dict(evidence)


class _Draft:
    """A note before the output span is known (that needs the final text)."""

    __slots__ = ("index", "step", "stage", "action", "input_span", "at", "to", "before", "after", "reason", "evidence")

    def __init__(self, index, step, stage, action, input_span, at, to, before, after, reason, evidence):
        self.index = index
        self.step = step
        self.stage = stage
        self.action = action
        self.input_span = input_span
        self.at = at
        self.to = to
        self.before = before
        self.after = after
        self.reason = reason
        self.evidence = evidence


class Ledger:
    def __init__(self, input_text: str) -> None:
        self.input_text = input_text
        self.text = input_text
        # Input offsets and note indices per character: int32 (half of int64's 16 bytes a character
        # for the two arrays, more than the UTF-8 text itself), int64 only past 2**31 characters.
        self._offsets = np.int32 if len(input_text) < 2**31 - 1 else np.int64
        self.origin = np.arange(len(input_text), dtype=self._offsets)
        self.placed_by = np.full(len(input_text), -1, dtype=self._offsets)
        self._drafts: list[_Draft] = []
        # One copy of each short removed text (a glued reading, a stray comma, an invisible
        # character: a document with hundreds of notes repeats a few of them).
        self._short_texts: dict[str, str] = {}
        self._step = 0
        # Index of the last input-derived character at or before each position; built on first
        # use after a change, so mapping many zero-width points costs one pass, not one each.
        self._last_real: np.ndarray | None = None
        self._last_change_step = 0

    # -- mapping back to the input ------------------------------------------------------------

    def input_span(self, start: int, end: int) -> Span:
        """The covering input range of current [start, end); a point for inserted-only text."""
        origins = self.origin[start:end]
        real = origins[origins >= 0]
        if real.size:
            return Span(int(real.min()), int(real.max()) + 1)
        point = self._input_point(start)
        return Span(point, point)

    def input_spans(self, starts: Sequence[int], ends: Sequence[int]) -> list[Span]:
        """`input_span` for many ranges in one vectorised pass (the units of a whole text)."""
        if not len(starts):
            return []
        starts_array = np.asarray(starts, dtype=np.int64)
        ends_array = np.asarray(ends, dtype=np.int64)
        real = self.origin >= 0
        # Prefix counts of real characters tell, per range, whether it holds any.
        real_before = np.concatenate(([0], np.cumsum(real, dtype=np.int32)))
        has_real = real_before[ends_array] > real_before[starts_array]
        # A range's input span runs from the least to the greatest origin of its real characters.
        # Inserted characters (origin -1) are out of the way of both without a masked copy: -1 is
        # below every origin for the maximum, and read as unsigned it is above every one for the
        # minimum. (Ranges without a real character never read these.)
        unsigned = self.origin.view(np.dtype(f"u{self.origin.itemsize}"))
        bounds = np.column_stack((starts_array, ends_array)).ravel()
        if bounds.size and bounds[-1] == self.origin.size:
            bounds = bounds[:-1]  # reduceat's last cell runs to the end of the text anyway
        if bounds.size and np.all(np.diff(bounds) >= 0) and bounds[-1] < self.origin.size:
            # Sorted, disjoint ranges (a text's units): reduceat over [s0, e0, s1, e1, …] gives
            # each range's min and max at the even positions in one pass.
            lows = np.minimum.reduceat(unsigned, bounds)[::2]
            highs = np.maximum.reduceat(self.origin, bounds)[::2]
        else:
            lows = np.array([unsigned[a:b].min() if b > a else 0 for a, b in zip(starts_array, ends_array)], dtype=unsigned.dtype)
            highs = np.array([self.origin[a:b].max() if b > a else 0 for a, b in zip(starts_array, ends_array)], dtype=self.origin.dtype)
        spans = []
        # Python ints throughout the loop (tolist): a numpy scalar per range costs more than the range.
        for start, holds_real, lowest, highest in zip(starts_array.tolist(), has_real.tolist(), lows.tolist(), highs.tolist()):
            if holds_real:
                spans.append(Span(lowest, highest + 1))
            else:
                point = self._input_point(start)
                spans.append(Span(point, point))
        return spans

    def _input_point(self, position: int) -> int:
        """The input offset a zero-width position stands at: just after the nearest real char."""
        if self._last_real is None:
            indices = np.where(self.origin >= 0, np.arange(self.origin.size), -1)
            self._last_real = np.maximum.accumulate(indices) if indices.size else indices
        if position > 0 and self._last_real[position - 1] >= 0:
            return int(self.origin[self._last_real[position - 1]]) + 1
        after = np.flatnonzero(self.origin[position:] >= 0)
        return int(self.origin[position + after[0]]) if after.size else len(self.input_text)

    # -- the recording path -------------------------------------------------------------------

    def apply(self, stage: str, edits: Iterable[Edit]) -> int:
        """Apply non-overlapping edits (offsets in the current text) as one step; return how many
        changed the text. An edit whose `after` equals the text it covers is no change and is
        not recorded."""
        ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
        real = [edit for _, edit in ordered if self.text[edit.start : edit.end] != edit.after]
        if not real:
            return 0
        self._step += 1
        input_spans = self.input_spans([edit.start for edit in real], [edit.end for edit in real])
        text_parts: list[str] = []
        removed = np.zeros(len(self.text), dtype=bool)
        # Where each edit's `after` goes in the kept characters, and its note.
        insert_at: list[int] = []
        inserted: list[tuple[int, int]] = []  # (note index, length)
        removed_before = 0
        cursor = 0
        for edit, input_span in zip(real, input_spans):
            if edit.action.rule is not ReplayRule.EDIT:
                raise LedgerError(f"{edit.action.value} is not an edit action")
            if edit.start < cursor or edit.end > len(self.text):
                raise LedgerError(f"{stage}: overlapping or out-of-range edit at [{edit.start}, {edit.end})")
            index = len(self._drafts)
            at = Span(edit.start, edit.end)
            if at == input_span:  # Spans are immutable: before the first move the two are often equal
                at = input_span
            before = self.text[edit.start : edit.end]
            if len(before) <= _SHARED_TEXT_CHARS:
                before = self._short_texts.setdefault(before, before)
            self._drafts.append(
                _Draft(
                    index,
                    self._step,
                    stage,
                    edit.action,
                    input_span,
                    at,
                    None,
                    before,
                    edit.after,
                    edit.reason,
                    _owned(edit.evidence),
                )
            )
            text_parts.append(self.text[cursor : edit.start])
            removed[edit.start : edit.end] = True
            if edit.after:  # most edits drop text: nothing to place
                text_parts.append(edit.after)
                insert_at.append(edit.start - removed_before)
                inserted.append((index, len(edit.after)))
            removed_before += edit.end - edit.start
            cursor = edit.end
        text_parts.append(self.text[cursor:])
        self.text = "".join(text_parts)
        self._last_real = None
        self._last_change_step = self._step
        # The per-character arrays in two vectorised passes (a mask of the kept characters, then
        # the inserted ones), not a list of numpy views of the pieces to concatenate: two views
        # per edit held ~110 bytes each (0.35 MB for 770 edits, more than the arrays), for about
        # the same time.
        kept = ~removed
        self.origin = self.origin[kept]
        self.placed_by = self.placed_by[kept]
        if inserted:
            notes, lengths = (np.array(column, dtype=np.int64) for column in zip(*inserted))
            points = np.repeat(np.array(insert_at, dtype=np.int64), lengths)
            self.origin = np.insert(self.origin, points, np.array(_NO_ORIGIN, dtype=self._offsets))
            self.placed_by = np.insert(self.placed_by, points, np.repeat(notes, lengths).astype(self._offsets))
        return len(real)

    def reorder(self, stage: str, placements: Sequence[Placement]) -> int:
        """Rearrange the text as the given blocks, in the given order. The blocks must partition
        the current text. The fewest blocks are recorded as moved: those outside a longest run
        that keeps its relative order (a longest increasing subsequence of old positions)."""
        spans = sorted((p.start, p.end) for p in placements)
        cursor = 0
        for start, end in spans:
            if start != cursor or end < start:
                raise LedgerError(f"{stage}: reorder blocks do not partition the text at {cursor}")
            cursor = end
        if cursor != len(self.text):
            raise LedgerError(f"{stage}: reorder blocks do not cover the text")
        starts = [p.start for p in placements]
        staying = set(longest_increasing_subsequence(starts))
        if len(staying) == len(placements):
            return 0
        self._step += 1
        # Filled block by block: no list of numpy views to concatenate (see apply).
        new_origin = np.empty_like(self.origin)
        new_placed = np.empty_like(self.placed_by)
        offset = 0
        moved = 0
        for position, placement in enumerate(placements):
            length = placement.end - placement.start
            new_origin[offset : offset + length] = self.origin[placement.start : placement.end]
            new_placed[offset : offset + length] = self.placed_by[placement.start : placement.end]
            if position not in staying and length:
                index = len(self._drafts)
                block = self.text[placement.start : placement.end]
                self._drafts.append(
                    _Draft(
                        index,
                        self._step,
                        stage,
                        Action.MOVE,
                        self.input_span(placement.start, placement.end),
                        Span(placement.start, placement.end),
                        offset,
                        block,
                        block,
                        placement.reason,
                        _owned(placement.evidence),
                    )
                )
                new_placed[offset : offset + length] = index
                moved += 1
            offset += length
        self.text = "".join(self.text[p.start : p.end] for p in placements)
        self._last_real = None
        self._last_change_step = self._step
        self.origin = new_origin
        self.placed_by = new_placed
        return moved

    def flag(self, stage: str, action: Action, start: int, end: int, reason: str, evidence: Mapping[str, Any]) -> None:
        """Record damage seen, or a decision, that leaves the text as it is."""
        if action.rule is not ReplayRule.NONE:
            raise LedgerError(f"{action.value} changes text; use apply()")
        self._step += 1
        span = Span(start, end)
        text = self.text[start:end]
        self._drafts.append(
            _Draft(len(self._drafts), self._step, stage, action, self.input_span(start, end), span, None, text, text, reason, _owned(evidence))
        )

    def record(self, stage: str, proposal: Proposal) -> dict[str, int]:
        """Record a stage's proposal: its flags, then its edits as one step, then its reorder as
        one step (see Proposal). Returns how many notes it wrote, by action."""
        before = len(self._drafts)
        for flag in proposal.flags:
            self.flag(stage, flag.action, flag.start, flag.end, flag.reason, flag.evidence)
        if proposal.edits:
            self.apply(stage, proposal.edits)
        if proposal.placements:
            self.reorder(stage, proposal.placements)
        counts: dict[str, int] = {}
        for draft in self._drafts[before:]:
            counts[draft.action.value] = counts.get(draft.action.value, 0) + 1
        return counts

    @property
    def version(self) -> int:
        """The step of the last change to the text (flags do not count): what is derived from
        the text, such as its units, is cached on it."""
        return self._last_change_step

    def recorded(self, action: Action | None = None) -> list[Note]:
        """The notes recorded so far (of one action, if given), without output spans (those are
        known only at the end: see `notes`)."""
        return [
            Note(f"n{d.index + 1:04d}", d.step, d.stage, d.action, d.input_span, None, d.at, d.to, d.before, d.after, d.reason, d.evidence)
            for d in self._drafts
            if action is None or d.action is action
        ]

    # -- results ------------------------------------------------------------------------------

    def notes(self) -> tuple[Note, ...]:
        """The notes with their output spans: where the text each one placed ended up."""
        output_spans = _output_spans(self.placed_by, len(self._drafts))
        notes = []
        for draft in self._drafts:
            output_span = output_spans.get(draft.index)
            if draft.action.rule is ReplayRule.NONE:
                output_span = self._flag_output_span(draft)
            notes.append(
                Note(
                    id=f"n{draft.index + 1:04d}",
                    step=draft.step,
                    stage=draft.stage,
                    action=draft.action,
                    input_span=draft.input_span,
                    output_span=output_span,
                    at=draft.at,
                    to=draft.to,
                    before=draft.before,
                    after=draft.after,
                    reason=draft.reason,
                    evidence=draft.evidence,
                )
            )
        return tuple(notes)

    def _flag_output_span(self, draft: _Draft) -> Span | None:
        """A flag points at input text; find where that text sits in the output now. A flag
        made after the last change points at the output directly (a gap is a position)."""
        if draft.step > self._last_change_step:
            return draft.at
        if draft.input_span.start == draft.input_span.end:
            return None
        inside = np.nonzero((self.origin >= draft.input_span.start) & (self.origin < draft.input_span.end))[0]
        if inside.size == 0:
            return None
        return Span(int(inside[0]), int(inside[-1]) + 1)

    def output_span(self, input_start: int, input_end: int) -> Span | None:
        """Where input [input_start, input_end) sits in the current text (covering range)."""
        inside = np.nonzero((self.origin >= input_start) & (self.origin < input_end))[0]
        if inside.size == 0:
            return None
        return Span(int(inside[0]), int(inside[-1]) + 1)


def _output_spans(placed_by: np.ndarray, count: int) -> dict[int, Span]:
    """For each note index, the covering range of the characters it last placed."""
    if not placed_by.size or count == 0:
        return {}
    positions = np.nonzero(placed_by >= 0)[0]
    if not positions.size:
        return {}
    owners = placed_by[positions]
    order = np.argsort(owners, kind="stable")
    owners = owners[order]
    positions = positions[order]
    bounds = np.flatnonzero(np.diff(owners)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [owners.size]))
    return {
        int(owners[s]): Span(int(positions[s:e].min()), int(positions[s:e].max()) + 1) for s, e in zip(starts, ends)
    }


def longest_increasing_subsequence(values: Sequence[int], strict: bool = True) -> list[int]:
    """Indices of one longest increasing subsequence of `values` (strictly increasing, or
    non-decreasing when `strict` is False), in ascending order: patience sorting, O(k log k).
    Of equally long runs it returns the one patience sorting ends on (smallest tails), so the
    same values always give the same indices."""
    place = bisect.bisect_left if strict else bisect.bisect_right
    tails: list[int] = []
    tail_index: list[int] = []
    parent = [-1] * len(values)
    for index, value in enumerate(values):
        slot = place(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[slot] = value
            tail_index[slot] = index
        parent[index] = tail_index[slot - 1] if slot else -1
    run = []
    index = tail_index[-1] if tail_index else -1
    while index != -1:
        run.append(index)
        index = parent[index]
    return run[::-1]


# -- replay and the no-loss check --------------------------------------------------------------


def replay(input_text: str, notes: Iterable[Note]) -> str:
    """Rebuild the output from the input and the notes alone."""
    text, _ = replay_with_origins(input_text, notes)
    return text


def replay_with_origins(input_text: str, notes: Iterable[Note]) -> tuple[str, np.ndarray]:
    """Replay the notes step by step, tracking for each output character its input offset
    (-1 for inserted text), as a numpy array. Raises LedgerError when a note's `before` does
    not match the text it claims to cover: the notes and the input disagree.

    Each step is one linear pass (a join of slices and one concatenation of origin slices),
    so replay costs O(steps × n + total note text), whatever the number of notes in a step."""
    text = input_text
    origin = np.arange(len(input_text), dtype=np.int64)
    by_step: dict[int, list[Note]] = {}
    for note in notes:
        by_step.setdefault(note.step, []).append(note)
    for step in sorted(by_step):
        step_notes = by_step[step]
        for note in step_notes:
            if text[note.at.start : note.at.end] != note.before:
                raise LedgerError(f"note {note.id} does not match the text at [{note.at.start}, {note.at.end})")
        rules = {note.action.rule for note in step_notes}
        if rules == {ReplayRule.NONE}:
            continue
        if ReplayRule.MOVE in rules:
            text, origin = _replay_moves(text, origin, step_notes)
        else:
            text, origin = _replay_edits(text, origin, step_notes)
    return text, origin


def _replay_edits(text: str, origin: np.ndarray, notes: list[Note]) -> tuple[str, np.ndarray]:
    ordered = sorted(enumerate(notes), key=lambda pair: (pair[1].at.start, pair[1].at.end, pair[0]))
    parts: list[str] = []
    origin_parts: list[np.ndarray] = []
    cursor = 0
    for _, note in ordered:
        if note.at.start < cursor:
            raise LedgerError(f"note {note.id} overlaps another note of step {note.step}")
        parts.append(text[cursor : note.at.start])
        origin_parts.append(origin[cursor : note.at.start])
        parts.append(note.after)
        origin_parts.append(np.full(len(note.after), _NO_ORIGIN, dtype=np.int64))
        cursor = note.at.end
    parts.append(text[cursor:])
    origin_parts.append(origin[cursor:])
    return "".join(parts), np.concatenate(origin_parts)


def _replay_moves(text: str, origin: np.ndarray, notes: list[Note]) -> tuple[str, np.ndarray]:
    """Cut every moved block and put each back at its target offset. The blocks that stay keep
    their relative order, so the result is one walk: stayers up to the next target, that block,
    and so on; built as one join and one concatenation (not a rebuild per move)."""
    moves = [note for note in notes if note.action.rule is ReplayRule.MOVE and note.at.end > note.at.start]
    # The stayers: the text between the moved blocks, in order.
    stayers: list[tuple[int, int]] = []
    cursor = 0
    for note in sorted(moves, key=lambda n: n.at.start):
        if note.at.start < cursor:
            raise LedgerError(f"note {note.id} overlaps another move of step {note.step}")
        if note.at.start > cursor:
            stayers.append((cursor, note.at.start))
        cursor = note.at.end
    if cursor < len(text):
        stayers.append((cursor, len(text)))
    pieces: list[tuple[int, int]] = []  # (start, end) in the step's text, in output order
    length = 0  # of the result so far
    stayer = 0  # the next stayer segment, and how much of it is used
    used = 0
    for note in sorted(moves, key=lambda n: n.to):
        if note.to is None or note.to < length:
            raise LedgerError(f"note {note.id} moves its block onto another one of step {note.step}")
        need = note.to - length
        while need and stayer < len(stayers):
            start, end = stayers[stayer]
            take = min(need, end - start - used)
            pieces.append((start + used, start + used + take))
            used += take
            need -= take
            length += take
            if start + used == end:
                stayer, used = stayer + 1, 0
        if need:
            raise LedgerError(f"note {note.id} moves its block past the end of the text")
        pieces.append((note.at.start, note.at.end))
        length += note.at.end - note.at.start
    if stayer < len(stayers):
        start, end = stayers[stayer]
        pieces.append((start + used, end))
        pieces.extend(stayers[stayer + 1 :])
    new_text = "".join(text[start:end] for start, end in pieces)
    new_origin = np.concatenate([origin[start:end] for start, end in pieces] or [origin[:0]])
    return new_text, new_origin


def find_lost_offsets(input_text: str, notes: Sequence[Note]) -> list[int]:
    """Input offsets that neither reach the output nor sit inside a note that removed or
    replaced them. Empty when nothing was silently lost. One replay pass, then linear."""
    _, origin = replay_with_origins(input_text, notes)
    return _lost_offsets(len(input_text), origin, notes)


def _lost_offsets(input_length: int, origin: np.ndarray, notes: Sequence[Note]) -> list[int]:
    present = np.zeros(input_length + 1, dtype=bool)
    present[origin[origin >= 0]] = True
    # An EDIT note that removed or replaced text covers its input span: a difference array marks
    # every covered offset in one pass, however wide or overlapping the spans.
    covered = np.zeros(input_length + 1, dtype=np.int64)
    for note in notes:
        if note.action.rule is ReplayRule.EDIT and note.before:
            covered[note.input_span.start] += 1
            covered[note.input_span.end] -= 1
    present |= np.cumsum(covered) > 0
    return [int(i) for i in np.flatnonzero(~present[:input_length])]


# -- where input offsets ended up in the output ------------------------------------------------


@dataclass(frozen=True)
class OffsetMap:
    """For each input offset, the output index its character reached (-1: it did not). Built from
    a result's output→input origins (`RepairResult.origin`) in one vectorised pass."""

    output_at: np.ndarray  # per input offset
    surviving: np.ndarray  # input offsets that reached the output, ascending
    output_length: int

    @classmethod
    def from_origins(cls, origin: np.ndarray, input_length: int) -> "OffsetMap":
        """`origin[i]` is the input offset of output character i (-1: inserted text)."""
        origin = np.asarray(origin, dtype=np.int64)
        output_at = np.full(input_length, -1, dtype=np.int64)
        real = np.flatnonzero(origin >= 0)
        output_at[origin[real]] = real  # an input offset reaching the output twice keeps the last
        return cls(output_at, np.flatnonzero(output_at >= 0), int(origin.size))

    def removal_point(self, note: Note) -> int:
        """The output position where a removed note's text was: before the output character that
        came from the next surviving input character (the end of the output when none does)."""
        slot = int(np.searchsorted(self.surviving, note.input_span.end, side="left"))
        return int(self.output_at[self.surviving[slot]]) if slot < self.surviving.size else self.output_length

    def output_span(self, input_span: Span) -> Span | None:
        """The output range covering what survives of an input range (None: nothing survives)."""
        positions = self.output_at[input_span.start : input_span.end]
        positions = positions[positions >= 0]
        return Span(int(positions.min()), int(positions.max()) + 1) if positions.size else None

    def position(self, note: Note) -> int:
        """The one output position a note is listed at: its text, else its kept twin, else where
        its text was."""
        if note.output_span is not None:
            return note.output_span.start
        twin = self.twin_output_span(note)
        return twin.start if twin is not None else self.removal_point(note)

    def twin_output_span(self, note: Note) -> Span | None:
        twin = input_span_of(note.evidence.get("kept_input_span"), self.output_at.size)
        return None if twin is None else self.output_span(twin)


def map_offsets(result: RepairResult) -> OffsetMap:
    """Where each input offset of a result reached its output: from the origins the ledger ended
    with (`result.origin`), or, for a result built without them, one linear replay."""
    origin = result.origin
    if origin is None:
        _, origin = replay_with_origins(result.input_text, result.notes)
    return OffsetMap.from_origins(origin, len(result.input_text))


def input_span_of(value: Any, input_length: int) -> Span | None:
    """An evidence value read as an input span, when it is one ([start, end] within the input)."""
    if (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(bound, int) and not isinstance(bound, bool) for bound in value)
        and 0 <= value[0] <= value[1] <= input_length
    ):
        return Span(value[0], value[1])
    return None
