"""Order: numbered clauses that arrive scrambled are put back in the order their numbering says.

A *series* is one kind of marker (chapters 一、, sections （一）, items 1．, articles 第X条 …). A
series is *global* when every number occurs once in the document; its numbers then give the
order. The global series with most clauses is the backbone: its clauses are sorted by number. Headers of
shallower series are placed before the clause that followed them in the input (in any copy: the
drop_duplicate notes of dedup and merge say where each copy stood and which twin was kept); where that contradicts their own numbering,
the numbering wins and a note says so. Everything that is not a clause of the backbone or a
header (paragraphs, responsible bodies, deeper local markers) travels with the clause it
followed, so nothing is separated from its context. Numbers that never appear are reported as
gaps; nothing is invented for them.

Documents without a global series, and documents already in order, come out unchanged. Before
anything moves, two things must hold: the numbering is contradicted somewhere (some series does
not ascend where it stands in the clause structure, docrepair.clauses), and the document shows
damage (dedup found copies, or run-on lines were split). A clean document whose numbering looks
odd (an amending decision that quotes articles, a law after its preamble items) stays as it is.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import NamedTuple, Sequence

from ..clauses import ClausePosition, find_clause_positions, path_label, series_ascend
from ..config import OrderConfig, RepairConfig
from ..ledger import longest_increasing_subsequence
from ..model import Action, Edit, Flag, Note, Placement, Proposal, Role, Span, Unit
from ..stage import DocumentView, Stage

NAME = "order"


def propose(view: DocumentView, config: RepairConfig) -> Proposal:
    """Doubts as flags, then the line break a last clause needs and the new order of blocks."""
    plan = find_order(view.text, view.units, where_copies_stood(view.units, view.notes_of(Action.DROP_DUPLICATE)), config.order, view.clause_positions)
    return Proposal(plan.edits, plan.placements, plan.doubts)


def propose_siblings(view: DocumentView, config: RepairConfig) -> Proposal:
    """Runs of sibling clauses still out of order after the document-wide order, sorted inside
    their parent (find_sibling_order)."""
    damaged = shows_damage(view.units, where_copies_stood(view.units, view.notes_of(Action.DROP_DUPLICATE)))
    plan = find_sibling_order(view.text, view.units, damaged, view.clause_positions)
    return Proposal(plan.edits, plan.placements)


def propose_gaps(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(flags=find_gaps(view.text, view.units))


# Three steps: the document-wide order (a backbone series and its headers), then siblings under
# one parent that it could not reach (a restarting series: （一） under each 一、), then the gaps,
# found on the clauses in their new order.
STAGE = Stage(NAME, propose)
SIBLINGS = Stage(NAME, propose_siblings)
GAPS = Stage(NAME, propose_gaps)

#: Roles that close a document: a clause never follows them, so they stay at the end.
_CLOSING = frozenset({Role.SIGNATURE, Role.DATE})


@dataclass
class OrderPlan:
    """What the order stage asks of the ledger: an edit that ends the text with a line break
    (so a last clause can move), the new order of blocks, and doubts to flag."""

    edits: list[Edit] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    doubts: list[Flag] = field(default_factory=list)
    #: How each header's place was found: "layout" (what followed it in the input), "wording"
    #: (the clause whose wording it shares) or "number" (next to its numbered neighbours).
    basis: dict[int, str] = field(default_factory=dict)
    #: Headers of a global series that nothing in the input placed: they stay where they stood.
    unplaced: list[int] = field(default_factory=list)


def series_of(unit: Unit) -> str:
    return f"{unit.role.value}/{unit.level}"


def series_name(unit: Unit) -> str:
    return unit.role.value.replace("_", "-")


class Standing(NamedTuple):
    """One unit of the input as it stands now (see where_copies_stood)."""

    span: Span | None  # input span of the unit that stands for it now
    is_own: bool  # it stands there as itself, not as a dropped copy
    lone: bool = False  # a copy dropped alone, not with the block it was pasted in
    cut: bool = False  # a copy cut mid-sentence: what follows it is not its continuation


def where_copies_stood(units: Sequence[Unit], notes: Sequence[Note]) -> list[Standing]:
    """Every unit the text had before copies were dropped, in input order, as the input span of
    the unit that stands for it now and whether it stands there as itself. Read from the
    drop_duplicate notes: a dropped copy names its kept twin (`kept_input_span`), and a twin
    dropped later in turn (merged into another copy) stands for the copy it went into."""
    drops = sorted(
        (note.input_span.start, note.input_span.end, _span(note.evidence.get("kept_input_span")), "block_units" not in note.evidence, bool(note.evidence.get("cut")))
        for note in notes
        if note.action is Action.DROP_DUPLICATE
    )
    current = {(unit.input_span.start, unit.input_span.end) for unit in units if unit.input_span is not None}
    starts = [start for start, *_ in drops]

    def standing(span: Span | None) -> Span | None:
        for _ in range(len(drops) + 1):  # each step leaves a dropped line; no cycle is possible
            if span is None or (span.start, span.end) in current:
                return span
            at = bisect.bisect_right(starts, span.start) - 1
            if at < 0 or drops[at][1] < span.end:
                return span  # stands nowhere now
            span = drops[at][2]
        return span

    stream = [(0 if unit.input_span is None else unit.input_span.start, 0, Standing(unit.input_span, True)) for unit in units]
    stream += [(start, 1, Standing(standing(kept), False, lone, cut)) for start, _, kept, lone, cut in drops]
    stream.sort(key=lambda item: (item[0], item[1]))
    return [standing_unit for _, _, standing_unit in stream]


def _span(value: Sequence[int] | None) -> Span | None:
    return None if value is None else Span(*value)


def find_order(text: str, units: Sequence[Unit], copies: Sequence[Standing], config: OrderConfig | None = None, positions: Sequence[ClausePosition] | None = None) -> OrderPlan:
    """The canonical order of the units of `text`. `copies` lists every unit the input had
    before copies were dropped, in input order, as the input span of the unit that now stands
    for it (its kept twin, or itself), whether that is the unit itself, and whether a copy was
    dropped alone rather than with a pasted block (where_copies_stood). `positions`: the units'
    clause positions when the caller has them (the document view keeps them)."""
    config = config or OrderConfig()
    plan = OrderPlan()
    numbered = [index for index, unit in enumerate(units) if unit.number is not None]
    if len(numbered) < 2 or not shows_damage(units, copies):
        return plan
    # Series and depth from the clause structure, not the marker's GB/T level: in a law, 一、 is
    # an item under 第N条 (no heading above it), and 第一章 and 一、 are different series.
    positions = positions if positions is not None else find_clause_positions(units)
    if series_ascend(positions) and not _numbered_copies_dropped(units, numbered, copies):
        return plan  # the numbering is contradicted nowhere, not even by a copy dedup removed
    last = numbered[-1]
    tail = _closing_start(units, last)
    body = [index for index in numbered if index <= last]
    depth = {index: positions[index].rank for index in body}
    by_series: dict[str, list[int]] = {}
    for index in body:
        by_series.setdefault(positions[index].series, []).append(index)
    global_series = {
        name: members
        for name, members in by_series.items()
        if len({units[i].number for i in members}) == len(members)
    }
    if not global_series:
        return plan
    # The series that says most about the order: the one with most clauses (items 1…39 across
    # sections, not their 4 sections; a law's 15 articles, not the 7 history lines above them),
    # then the deepest.
    backbone_name = max(global_series, key=lambda name: (len(global_series[name]), depth[global_series[name][0]], name))
    backbone = sorted(global_series[backbone_name], key=lambda index: units[index].number)
    headers = [index for index in body if depth[index] < depth[backbone[0]]]
    sequence = _LinkedOrder(backbone)
    follow = _observed_followers(units, copies, set(backbone) | set(headers), config.max_lookahead)
    header_series = sorted({positions[i].series for i in headers}, key=lambda name: tuple(-part for part in depth[by_series[name][0]]))
    targets = set(backbone)
    for name in header_series:
        members = [index for index in headers if positions[index].series == name]
        _place_headers(units, depth, members, name in global_series, follow, targets, sequence, plan)
        targets = targets | {member for member in members if member in sequence}

    placed = sorted(targets)
    first = placed[0]
    hosts = _find_hosts(units, copies, set(placed), first, tail, config.max_lookback)
    guests: dict[int, list[int]] = {}
    for index in range(first, tail):
        if index not in targets:
            guests.setdefault(hosts[index], []).append(index)
    order = [index for host in sequence.items() for index in [host, *guests.get(host, [])]]
    if order == list(range(first, tail)):
        plan.doubts.clear()
        return plan
    for header in sorted(plan.unplaced):
        unit = units[header]
        reason = f"{series_name(unit)} {unit.marker} stays after what it followed in the input; no clause followed it there, so its place is not certain"
        plan.doubts.append(Flag(unit.span.start, unit.span.end, Action.FLAG, reason, {"series": series_of(unit), "number": unit.number}))
    if not text.endswith("\n") and tail == len(units):
        plan.edits.append(_final_line_break(text))
    plan.placements = _placements(text, units, plan, order, hosts, first, tail)
    return plan


def _closing_start(units: Sequence[Unit], last_clause: int) -> int:
    """Where the closing of the document begins: its first signature or date after the last
    numbered clause (they stay at the end, whatever moves), else the end of the units."""
    return next((index for index in range(last_clause + 1, len(units)) if units[index].role in _CLOSING), len(units))


def _final_line_break(text: str) -> Edit:
    """A line break after the text's last line, so that line can move like any other."""
    return Edit(len(text), len(text), "\n", Action.SPLIT_LINE, "a line break ends the text so its last clause can move", {"rule": "end of text"})


def shows_damage(units: Sequence[Unit], copies: Sequence[Standing]) -> bool:
    """Whether the document arrived damaged in a way that scrambles clauses: copies were found
    (an entry of where_copies_stood stands for another unit), or two units come from one input
    line (a run-on line was split: one ends where the next begins)."""
    if any(not entry.is_own for entry in copies):
        return True
    spans = [unit.input_span for unit in units if unit.input_span is not None]
    return any(first.end == second.start for first, second in zip(spans, spans[1:]))


def _numbered_copies_dropped(units: Sequence[Unit], numbered: list[int], copies: Sequence[Standing]) -> bool:
    """Whether dedup removed a lone copy of a numbered clause: the input then numbered that
    clause twice, so its numbering was contradicted there even when what is left ascends (items
    1-3 pasted above their heading, a copy of item 1 under it). A whole pasted block repeats the
    numbering without contradicting it."""
    numbered_spans = {(units[index].input_span.start, units[index].input_span.end) for index in numbered if units[index].input_span is not None}
    return any(entry.lone and entry.span is not None and (entry.span.start, entry.span.end) in numbered_spans for entry in copies)


def _find_hosts(units: Sequence[Unit], copies: Sequence[Standing], placed: set[int], first: int, tail: int, max_lookback: int) -> dict[int, int]:
    """For every body unit that is not placed by number (paragraphs, responsible bodies,
    headings of restarting series), the placed unit it travels with: the one it followed in the
    input, reached through the copies dedup removed; failing that, the one before it now. A
    numbered unit is not taken through a dropped copy, nor a paragraph through a copy dropped
    alone: the responsibility note after a stray copy of item 7 is item 7's, but 第五十六条 after a
    stray copy of 第八条 still follows 第五十五条, and a note never becomes a clause's second list;
    nothing is taken through a copy cut mid-sentence (第五十三条 违反本条), whose text never reached
    what follows. A copy of the page head (title, addressees, opening paragraph pasted again
    between a clause and its note) is looked through: the note is the clause's before it."""
    index_of = {(unit.input_span.start, unit.input_span.end): index for index, unit in enumerate(units) if unit.input_span is not None}
    stream = [None if entry.span is None else index_of.get((entry.span.start, entry.span.end)) for entry in copies]
    # The series whose clauses carry responsibility notes where they stand (items, in a 任务分工
    # document): a note after a stray copy of a chapter heading, whose series never has one, is
    # the clause's before that copy.
    note_series = {series_of(unit) for unit, after in zip(units, units[1:]) if unit.number is not None and after.role is Role.ATTRIBUTION}
    hosts: dict[int, int] = {}
    for position, index in enumerate(stream):
        if index is None or not copies[position].is_own or index in placed or not first <= index < tail:
            continue
        # Only a responsibility note follows a lone copy to its twin: it names who does what the
        # clause before it says. A paragraph after a stray copy stays with what it followed.
        through_lone = units[index].role is Role.ATTRIBUTION
        is_numbered = units[index].number is not None
        own_only = False  # past a copy whose twin has a list already: only units as themselves
        for back in range(position - 1, max(-1, position - 1 - max_lookback), -1):
            previous = stream[back]
            if (
                previous is None
                or previous == index
                or copies[back].cut
                or ((is_numbered or own_only) and not copies[back].is_own)
                or (copies[back].lone and not through_lone)
                or (copies[back].lone and units[previous].number is not None and series_of(units[previous]) not in note_series)
            ):
                continue
            if through_lone and not copies[back].is_own and _has_own_note(units, previous):
                # A clause has one list of responsible bodies: this one is not its second; it
                # stays after the unit that stood before the pasted copies.
                own_only = True
                continue
            if previous in placed:
                hosts[index] = previous
            elif previous in hosts:
                hosts[index] = hosts[previous]
            elif first <= previous < tail:
                continue  # a unit whose kept copy stands later: look further back
            elif not copies[back].is_own and previous < first:
                continue  # the page head pasted again between a clause and its note
            break
    for index in range(first, tail):
        if index not in placed and index not in hosts:
            hosts[index] = index - 1 if index - 1 in placed else hosts[index - 1]
    return hosts


def _has_own_note(units: Sequence[Unit], index: int) -> bool:
    """Whether a responsibility note follows the unit where it stands now."""
    return index + 1 < len(units) and units[index + 1].role is Role.ATTRIBUTION


class _LinkedOrder:
    """A sequence with O(1) insert-before, so placing many headers stays linear."""

    def __init__(self, items: Sequence[int]) -> None:
        self._next: dict[int, int | None] = {}
        self._prev: dict[int, int | None] = {}
        self._head: int | None = None
        self._tail: int | None = None
        for item in items:
            self.append(item)

    def __contains__(self, item: int) -> bool:
        return item in self._next

    def append(self, item: int) -> None:
        self._prev[item], self._next[item] = self._tail, None
        if self._tail is None:
            self._head = item
        else:
            self._next[self._tail] = item
        self._tail = item

    def insert_before(self, item: int, target: int) -> None:
        before = self._prev[target]
        self._prev[item], self._next[item] = before, target
        self._prev[target] = item
        if before is None:
            self._head = item
        else:
            self._next[before] = item

    def items(self) -> list[int]:
        result, cursor = [], self._head
        while cursor is not None:
            result.append(cursor)
            cursor = self._next[cursor]
        return result


def _observed_followers(
    units: Sequence[Unit], copies: Sequence[Standing], anchors: set[int], max_lookahead: int
) -> dict[int, list[list[tuple[int, bool]]]]:
    """For each anchor unit, per copy of it in the input, the anchor units that came after it
    (nearest first, up to the look-ahead), each marked True when that was the unit's own
    occurrence rather than a copy dedup removed."""
    index_of = {units[index].input_span.start: index for index in anchors if units[index].input_span is not None}
    stream = [(index_of[entry.span.start], entry.is_own) for entry in copies if entry.span is not None and entry.span.start in index_of]
    follow: dict[int, list[list[tuple[int, bool]]]] = {}
    for position, (index, is_own) in enumerate(stream):
        follow.setdefault(index, []).append([(index, is_own)] + stream[position + 1 : position + 1 + max_lookahead])
    return follow


def _first_target(depth: dict[int, tuple[float, int]], header: int, copies: list[list[tuple[int, bool]]], targets: set[int]) -> tuple[list[tuple[int, bool]], set[int]]:
    """Per copy of `header`, the first target unit after it, unless a header of the same or a
    higher level comes first: then that copy only says that `header` stood just before that one
    (returned as the second value). Nothing after it says nothing: a last heading without
    clauses stays where it stood. A target is *strong* when both it and the header stood there
    as themselves, not as removed copies."""
    level = depth[header]
    found, blockers = [], set()
    for (_, header_is_own), *after in copies:
        # The first unit of the nearest level below wins: a chapter is placed by the section
        # after it, not by a stray copy of an item that slipped in between; and when that
        # section could not be placed itself, a later section (a sibling) says nothing.
        first_at_level: dict[tuple[float, int], tuple[int, bool]] = {}
        for index, is_own in after:
            if depth[index] <= level:
                if not first_at_level:
                    blockers.add(index)  # it stood right before this one
                break
            first_at_level.setdefault(depth[index], (index, is_own))
        if first_at_level:
            nearest, is_own = first_at_level[min(first_at_level)]
            if nearest in targets:
                found.append((nearest, header_is_own and is_own))
    return found, blockers


def _place_headers(units, depth, members, is_global, follow, targets, sequence: _LinkedOrder, plan: OrderPlan) -> None:
    """Insert one series of headers into the sequence before the target each one preceded in
    the input. For a global series the anchors must ascend with the numbers: the longest run
    that does keeps its anchors; the others are placed by their wording or, failing that, by
    their number just before the next header."""
    items = sequence.items()
    rank_of = {item: rank for rank, item in enumerate(items)}
    found, stood_before = {}, {}
    for header in members:
        found[header], stood_before[header] = _first_target(depth, header, follow.get(header, []), targets)
    # Where the header and its clause stood as themselves is the strong evidence; a removed
    # copy's neighbour counts only if no header of the series claims that clause strongly.
    strongly_claimed = {target for header in members for target, strong in found[header] if strong}
    candidates = {}
    for header in members:
        strong = {rank_of[t] for t, is_strong in found[header] if is_strong and t in rank_of}
        weak = {rank_of[t] for t, is_strong in found[header] if not is_strong and t in rank_of and t not in strongly_claimed}
        candidates[header] = sorted(strong or weak)
    ordered = sorted(members, key=lambda index: units[index].number) if is_global else members
    if is_global:
        chosen = _consistent_anchors([candidates[header] for header in ordered])
        # A header that stood right before the next one by number goes where that one goes.
        for index in range(len(ordered) - 2, -1, -1):
            if chosen[index] is None and chosen[index + 1] is not None and ordered[index + 1] in stood_before[ordered[index]]:
                chosen[index] = chosen[index + 1]
        for header, rank in zip(ordered, chosen):
            if rank is not None:
                plan.basis[header] = "layout"
        # Only headers whose observed places contradict their numbers are placed by wording; a
        # header nothing followed (a last chapter without clauses) simply stays.
        doubtful = {header for header in ordered if candidates[header] or stood_before[header]}
        _anchor_by_wording(units, ordered, chosen, items, doubtful)
    else:
        chosen = [found[0] if found else None for found in (candidates[header] for header in ordered)]
    for header, rank in zip(ordered, chosen):
        plan.basis.setdefault(header, "layout" if rank is not None and rank in candidates[header] else "wording")
        if rank is None:
            del plan.basis[header]
        else:
            sequence.insert_before(header, items[rank])
    if not is_global:
        # A restarting series has no order of its own (（一） under every chapter): a header the
        # layout did not place stays where it stood.
        return
    # Headers whose observed places all contradict the numbering go before the next header of
    # their series by number; headers with no evidence at all stay where they stood.
    for position_in_series in range(len(ordered) - 1, -1, -1):
        header = ordered[position_in_series]
        if header in sequence:
            continue
        if not candidates[header]:
            plan.unplaced.append(header)
            continue
        following = next((h for h in ordered[position_in_series + 1 :] if h in sequence), None)
        if following is not None:
            sequence.insert_before(header, following)
        else:
            sequence.append(header)
        if following in stood_before[header]:
            plan.basis[header] = "layout"  # it stood right before that header in the input
            continue
        plan.basis[header] = "number"
        unit = units[header]
        reason = f"{series_name(unit)} {unit.marker} placed by its number alone; where it stood in the input contradicts the numbering"
        plan.doubts.append(Flag(unit.span.start, unit.span.end, Action.FLAG, reason, {"series": series_of(unit), "number": unit.number}))


def _anchor_by_wording(units: Sequence[Unit], ordered: list[int], chosen: list[int | None], items: list[int], doubtful: set[int]) -> None:
    """Headers the input's layout could not place get, where possible, the clause between their
    placed neighbours whose wording they share most (a heading names its clauses' theme: "信用
    体系建设" and "统一社会信用代码"), with anchors ascending along the numbers. Fills `chosen`
    in place; a header without such a clause stays unplaced and later goes just before the next
    header."""
    if not any(chosen[i] is None and header in doubtful for i, header in enumerate(ordered)):
        return  # every header has its place: the wording of the clauses is not needed
    clause_pairs = [_pairs(units[item].text[len(units[item].marker) :]) for item in items]
    weights = _pair_weights(clause_pairs)
    index = 0
    while index < len(ordered):
        if chosen[index] is not None:
            index += 1
            continue
        run_end = index
        while run_end < len(ordered) and chosen[run_end] is None:
            run_end += 1
        low = chosen[index - 1] + 1 if index else 0
        high = chosen[run_end] - 1 if run_end < len(ordered) else len(items) - 1
        if low <= high:
            headings = [_pairs(_heading(units[header])) for header in ordered[index:run_end]]
            scores = [[sum(weights.get(pair, 0.0) for pair in heading & clause_pairs[rank]) for rank in range(low, high + 1)] for heading in headings]
            for offset, pick in enumerate(_best_ascending_anchors(scores)):
                if pick is not None and ordered[index + offset] in doubtful:
                    chosen[index + offset] = low + pick
        index = run_end


def _heading(unit: Unit) -> str:
    """The heading proper: a section may run on into its own first sentences after 。."""
    return re.split(r"[。；;！？]", unit.text[len(unit.marker) :], maxsplit=1)[0]


def _pairs(text: str) -> set[str]:
    letters = [ch for ch in text if ch.isalnum()]
    return {a + b for a, b in zip(letters, letters[1:])}


def _pair_weights(clause_pairs: list[set[str]]) -> dict[str, float]:
    """Inverse document frequency of character pairs over the clauses: words every clause uses
    (加强, 推进) weigh nothing, a theme a few clauses share (信用) weighs much. Pairs in more than
    half of the clauses are dropped."""
    counts: dict[str, int] = {}
    for pairs in clause_pairs:
        for pair in pairs:
            counts[pair] = counts.get(pair, 0) + 1
    total = len(clause_pairs)
    return {pair: math.log(total / count) for pair, count in counts.items() if count * 2 <= total}


def _best_ascending_anchors(scores: list[list[float]]) -> list[int | None]:
    """For headers in order, strictly ascending positions (or none) maximising the total score,
    by dynamic programming in O(headers × positions); only positive scores count. Ties go to
    earlier positions."""
    count = len(scores[0]) if scores else 0
    # best[k][p]: the best total for the first k headers with every anchor at a position < p.
    best = [[0.0] * (count + 1)]
    for row in scores:
        previous = best[-1]
        current = [0.0] * (count + 1)
        for position in range(1, count + 1):
            take = previous[position - 1] + row[position - 1] if row[position - 1] > 0 else -1.0
            current[position] = max(current[position - 1], previous[position], take)
        best.append(current)
    picks: list[int | None] = [None] * len(scores)
    position = count
    for k in range(len(scores), 0, -1):
        row = scores[k - 1]
        while position > 0 and best[k][position] == best[k][position - 1]:
            position -= 1
        if position > 0 and row[position - 1] > 0 and best[k][position] == best[k - 1][position - 1] + row[position - 1]:
            picks[k - 1] = position - 1
            position -= 1
    return picks


def _consistent_anchors(candidates: list[list[int]]) -> list[int | None]:
    """Choose at most one anchor per header so that anchors never descend along the headers and
    as many headers as possible keep one (a longest non-decreasing subsequence over all
    (header, candidate) pairs; a header's candidates are offered in descending order so at
    most one of them is taken). Ties go to the earliest choices."""
    pairs = [(header, anchor) for header, found in enumerate(candidates) for anchor in sorted(found, reverse=True)]
    chosen: list[int | None] = [None] * len(candidates)
    # Backwards, so that of two equal anchors of one header the earlier pair is the one kept.
    for index in reversed(longest_increasing_subsequence([anchor for _, anchor in pairs], strict=False)):
        header, anchor = pairs[index]
        chosen[header] = anchor
    return chosen


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _placements(text, units, plan: OrderPlan, order, hosts, first, tail) -> list[Placement]:
    """Pieces of the text in their new order: the head, one piece per body unit (its line and
    the blank lines after it), the tail."""
    length = len(text) + sum(len(edit.after) for edit in plan.edits)

    def offset(unit_index: int) -> int:
        return length if unit_index >= len(units) else _line_start(text, units[unit_index].span.start)

    head_end, tail_start = offset(first), offset(tail)
    placements = [Placement(0, head_end)] if head_end else []
    previous_placed = None
    for index in order:
        unit = units[index]
        start, end = offset(index), offset(index + 1) if index + 1 < tail else tail_start
        if index in hosts:
            host = units[hosts[index]]
            reason = f"travels with {series_name(host)} {host.marker}, which it followed in the input"
            placements.append(Placement(start, end, reason, {"host": host.marker, "host_number": host.number}))
            continue
        how = {
            "layout": "before the clause that followed it in the input",
            "wording": "before the first clause whose wording it shares",
            "number": "between its numbered neighbours",
        }.get(plan.basis.get(index, ""), "by its number")
        before = units[previous_placed] if previous_placed is not None else None
        where = f"after {series_name(before)} {before.marker}" if before is not None else "first"
        evidence = {"series": series_of(unit), "number": unit.number, "after": None if before is None else before.marker, "basis": plan.basis.get(index, "number")}
        placements.append(Placement(start, end, f"{series_name(unit)} {unit.marker} placed {where}, {how}", evidence))
        previous_placed = index
    if tail_start < length:
        placements.append(Placement(tail_start, length))
    return placements


def find_sibling_order(text: str, units: Sequence[Unit], damaged: bool, positions: Sequence[ClausePosition] | None = None) -> OrderPlan:
    """Sibling clauses (one series under one parent) that stand out of order, each moved with its
    block (its line, the paragraphs it owns and the clauses under it) into the order of its
    number. A run is sorted only when its numbers are a complete permutation: each number of a
    range once, none missing. A clean document never numbers siblings 3, 1, 2; a typo repeats or
    skips a number (both leave the run as it is), and a second list under one article starts at 1
    again (a repeated number: left too). Without other damage in the document the move is by the
    numbering alone, and its notes say so (`damage_seen`). `positions` as in `find_order`."""
    plan = OrderPlan()
    positions = positions if positions is not None else find_clause_positions(units)
    if series_ascend(positions):
        return plan
    ends = _block_ends(units, positions)
    runs = [run for run in _sibling_runs(positions, ends) if _is_scrambled_permutation([positions[i].number for i in run])]
    if not runs:
        return plan
    if not text.endswith("\n") and any(ends[run[-1]] == len(units) for run in runs):
        plan.edits.append(_final_line_break(text))
    length = len(text) + sum(len(edit.after) for edit in plan.edits)
    run_at = {run[0]: run for run in runs}
    # Pieces of units in their new order, [first, end, reason, evidence]; runs nest (sections
    # sorted inside a chapter that moves itself), so a block's inside is laid out the same way.
    pieces: list[list] = []

    def lay_out(first: int, end: int) -> None:
        index = first
        while index < end:
            run = run_at.get(index)
            if run is None:
                pieces.append([index, index + 1, "", {}])
                index += 1
                continue
            ordered = sorted(run, key=lambda member: positions[member].number)
            for rank, member in enumerate(ordered):
                pieces.append([member, member + 1, *_sibling_reason(units, positions, run, ordered, rank, damaged)])
                lay_out(member + 1, ends[member])
            index = ends[run[-1]]

    lay_out(0, len(units))
    merged: list[list] = []
    for piece in pieces:
        if merged and merged[-1][1] == piece[0] and not piece[2]:
            merged[-1][1] = piece[1]
        else:
            merged.append(piece)

    def offset(unit_index: int) -> int:
        return length if unit_index >= len(units) else _line_start(text, units[unit_index].span.start)

    head = offset(0)
    plan.placements = [Placement(0, head)] if head else []
    plan.placements += [Placement(offset(first), offset(end), reason, evidence) for first, end, reason, evidence in merged]
    return plan


def _sibling_reason(units: Sequence[Unit], positions: Sequence[ClausePosition], run: list[int], ordered: list[int], rank: int, damaged: bool) -> tuple[str, dict]:
    """The note of one sorted sibling: where it went, under which parent, and the run's numbers."""
    member = ordered[rank]
    unit = units[member]
    numbers = [positions[index].number for index in run]
    parent = positions[member].parent
    under = "at the top level" if parent is None else f"under {path_label(positions, units, parent)}"
    before = None if rank == 0 else units[ordered[rank - 1]].marker.strip()
    reason = (
        f"{series_name(unit)} {unit.marker.strip()} placed {'first' if before is None else 'after ' + before} {under}: "
        f"its {len(run)} siblings are numbered {min(numbers)}-{max(numbers)}, each once, and stood out of order"
        + ("" if damaged else " (no other damage seen: moved by the numbering alone)")
    )
    evidence = {"series": positions[member].series, "number": unit.number, "after": before, "basis": "siblings", "input_numbers": numbers, "damage_seen": damaged}
    return reason, evidence


def _block_ends(units: Sequence[Unit], positions: Sequence[ClausePosition]) -> dict[int, int]:
    """For every numbered unit, one past the last unit of its block: the next numbered unit that
    is not under it, or the signature or date that closes the document."""
    numbered = [index for index, position in enumerate(positions) if position.series is not None]
    if not numbered:
        return {}
    tail = _closing_start(units, numbered[-1])
    ends: dict[int, int] = {}
    stack: list[int] = []
    for index in numbered:
        parent = positions[index].parent
        while stack and stack[-1] != parent:
            ends[stack.pop()] = index
        stack.append(index)
    for index in stack:
        ends[index] = tail
    return ends


def _sibling_runs(positions: Sequence[ClausePosition], ends: dict[int, int]) -> list[list[int]]:
    """Clauses of one series under one parent whose blocks follow each other, table of contents
    entries left out, in text order of their first clause."""
    groups: dict[tuple[int | None, str], list[list[int]]] = {}
    for index, position in enumerate(positions):
        if position.series is None or position.is_toc:
            continue
        runs = groups.setdefault((position.parent, position.series), [])
        if runs and ends[runs[-1][-1]] == index:
            runs[-1].append(index)
        else:
            runs.append([index])
    return sorted((run for runs in groups.values() for run in runs if len(run) > 1), key=lambda run: run[0])


def _is_scrambled_permutation(numbers: Sequence[int | None]) -> bool:
    """Each number of a range exactly once, and not in ascending order."""
    present = [number for number in numbers if number is not None]
    if len(present) != len(numbers) or len(set(present)) != len(present):
        return False
    return max(present) - min(present) + 1 == len(present) and present != sorted(present)


def find_gaps(text: str, units: Sequence[Unit]) -> list[Flag]:
    """Numbers from 1 to the highest present that never appear, for each global series (one
    whose numbers are all distinct). The position is the start of the line of the next present
    clause, where the missing one would stand."""
    by_series: dict[str, dict[int, int]] = {}
    repeated: set[str] = set()
    for index, unit in enumerate(units):
        if unit.number is None:
            continue
        numbers = by_series.setdefault(series_of(unit), {})
        if unit.number in numbers:
            repeated.add(series_of(unit))
        numbers[unit.number] = index
    gaps = []
    for name, by_number in sorted(by_series.items()):
        if name in repeated or len(by_number) < 2:
            continue
        next_present = None
        for number in range(max(by_number), 0, -1):
            if number in by_number:
                next_present = by_number[number]
                continue
            unit = units[next_present]
            reason = f"{series_name(unit)} number {number} appears nowhere in the document; nothing is invented for it"
            gaps.append((_line_start(text, unit.span.start), name, number, reason))
    return [Flag(position, position, Action.GAP, reason, {"series": name, "number": number}) for position, name, number, reason in sorted(gaps)]
