"""Dedup: repeated blocks, clauses and headers inside one document are kept once.

Units are compared on comparison keys (script, width, punctuation folded). Three kinds of twin:
- exact: equal keys (found by hashing, linear);
- near: MinHash LSH candidates on character shingles, confirmed by rapidfuzz's ratio;
- partial: a unit whose sentences all occur in a longer unit (a truncated copy), found through
  an index of sentence keys and confirmed by rapidfuzz's partial_ratio.
Each group keeps its most complete copy (longest key, ties to the earliest); a near copy must
reach min_ratio against that kept copy itself, not only against another copy (twins of twins
drift apart), and copies that differ only in their numbers (1900．/1901．, 三年/五年) are distinct.

Whether a twin goes depends on where it stands (docrepair.clauses): it is a scrape duplicate only
(a) inside a repeated run of units (a pasted block) that holds at least one copy of the kinds
below, (b) as a copy of the same clause (same series and number at the same place in the
clause structure), a stray copy of a clause (where its series never stands, or against the
numbering around it), an unnumbered paragraph repeated under the same clause, or a stray partial
copy of a paragraph that stands whole elsewhere, or (c) as an exact copy of a title, document
number, addressee line or metadata line. The same wording under another clause (parallel
sub-items of two articles), a table of contents entry and a responsibility note after another
item stay; but where copies of an item are followed by different notes, a note that is an exact
copy of one staying after another item goes with its copy (_stray_notes). A lone short repeat
("特此通知。") is left alone, but inside a repeated block every unit goes. Copies of the title that
differ from it (document number appended, cut short, …) are found in `titles.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from ...attributions import BASIS_WORDS, HEADING_BASIS, find_stray_notes
from ...clauses import ClausePosition, find_clause_positions, find_out_of_order, first_children
from ...config import DedupConfig, RepairConfig
from ...keys import comparison_keys, split_sentences
from ...ledger import longest_increasing_subsequence
from ...model import Action, Edit, Proposal, Role, Unit
from ...sketch import band_params, candidate_pairs, minhash_signatures
from ...stage import DocumentView, Stage
from .lines import line_extent, preview
from .titles import find_title_copies

NAME = "dedup"


def propose(view: DocumentView, config: RepairConfig) -> Proposal:
    """One drop per copy; each drop note names its kept twin (`kept_input_span`), which is how
    the order stage learns where the copies stood."""
    return Proposal(find_duplicates(view.text, view.units, config.dedup, view.clause_positions))


STAGE = Stage(NAME, propose)

#: Metadata and labelled page lines (发布日期:…, 本文标题:…) restate body text by design: they are
#: compared only with each other and only for exact copies, so a body line is never dropped in
#: favour of the label line that quotes it.
_EXACT_ONLY = frozenset({Role.METADATA})
#: Roles a document never legitimately repeats: a second copy goes however short it is. (A
#: numbered clause with the same number and text twice is a copy; "特此通知。" may recur.)
_NEVER_REPEATED = frozenset(
    {Role.TITLE, Role.DOC_NUMBER, Role.ADDRESSEES, Role.CHAPTER, Role.SECTION, Role.ITEM, Role.SUB_ITEM, Role.ARTICLE}
)
#: Head-of-document roles: an exact copy of one is a repeated header wherever it stands; a near
#: copy is another text (a forwarded report's title next to the notice's own).
_HEADER_ROLES = frozenset({Role.TITLE, Role.DOC_NUMBER, Role.ADDRESSEES, Role.METADATA})
#: Digits, Arabic and Chinese: keys that differ only in these name different things (items
#: 1900．/1901．, 三年以上/五年以上, two decree numbers), never copies.
_NUMERALS = re.compile(r"[0-9０-９〇零一二两三四五六七八九十百千万]")


def differ_only_in_numerals(first: str, second: str) -> bool:
    return first != second and _NUMERALS.sub("", first) == _NUMERALS.sub("", second)


def _unit_keys(units: Sequence[Unit]) -> list[str]:
    """Comparison keys of units. Prefixes that no folded key can contain (folding drops
    punctuation) keep metadata apart from body text, and make a clause's level and number part
    of its key: "一、一一一一" and "（一）一一一一。" fold to the same characters but are not copies."""
    keys = comparison_keys([unit.text[len(unit.marker) :] for unit in units])
    prefixed = []
    for key, unit in zip(keys, units):
        if not key and unit.number is not None and unit.marker.startswith("第"):
            # A bare article line (第 1 條 above its text, as Taiwan's laws print it) names its
            # clause: pasted with a block, it goes with it. A bare 一、 or （1） names nothing.
            prefixed.append(f"#{unit.level}.{unit.number}#{unit.marker.strip()}")
        elif not key:
            prefixed.append(key)
        elif unit.role in _EXACT_ONLY:
            prefixed.append(f"~{key}")
        elif unit.number is not None:
            prefixed.append(f"#{unit.level}.{unit.number}#{key}")
        else:
            prefixed.append(key)
    return prefixed


def _may_be_copies(first: Unit, second: Unit) -> bool:
    """Two numbered clauses of one level with different numbers are different clauses, however
    alike their text (two sections with the same long list of responsible bodies)."""
    if first.number is None or second.number is None or first.role is not second.role:
        return True
    return first.number == second.number


@dataclass(frozen=True)
class Twin:
    """Why unit `dropped` is a copy of unit `kept`: the kind of match and its scores."""

    dropped: int
    kept: int
    kind: str  # exact | near | partial
    ratio: float
    containment: float
    cut: bool = False  # a clause cut mid-sentence whose words begin the kept one: dropped however short
    # For a responsibility note: the unit (a copy of a clause standing in place) whose own note
    # makes this one, after an out-of-place copy of the same clause, a stray copy of a list.
    note_of: int | None = None
    note_basis: str = ""  # why that copy's note is the clause's


def find_duplicates(text: str, units: Sequence[Unit], config: DedupConfig, positions: Sequence[ClausePosition] | None = None) -> list[Edit]:
    """The removal of every copy of a more complete unit, each naming its kept twin. `positions`:
    the units' clause positions when the caller has them (the document view keeps them)."""
    keys = _unit_keys(units)
    positions = positions if positions is not None else find_clause_positions(units)
    places = _find_places(positions, units)
    twins = find_twins(units, config, keys, positions, places)
    dropped = _select_drops(units, twins, config, keys, positions, places) if twins else {}
    dropped.update(_stray_notes(units, dropped, keys, positions, places))
    return _drop_edits(text, units, dropped) + find_title_copies(text, units, keys, dropped)


@dataclass(frozen=True)
class _Places:
    """Where the numbered units stand, as both the choice of twins and of drops read it."""

    misplaced: set[int]  # under another parent series than their series usually stands under
    out_of_order: set[int]  # against the numbering where they stand (the misplaced left out)
    # Units that open their heading's clauses, in series that continue through the document: there
    # opening a heading speaks for a copy; where the series restarts under each parent, the
    # numbering under that parent says which copy is in place (a pasted 三、 opening the last
    # article's items is out of order there).
    openers: set[int]
    # Outside the longest ascending run of their series where they stand (the earliest such run):
    # of 1．3．2．…3． the first 3 is the stray; of items 1-4 then 2-4 pasted again, the second 2-4.
    outside_run: set[int] = field(default_factory=set)
    # Clauses with a title among the units they own: a copy pasted above the head of an attached
    # document (一、 before the attached report's title and 国务院：) is not where its text is.
    before_title: set[int] = field(default_factory=set)


def _find_places(positions: Sequence[ClausePosition], units: Sequence[Unit]) -> _Places:
    misplaced, out_of_order = _stray_units(positions)
    openers = {index for index in first_children(positions) if not positions[index].restarts}
    before_title = {position.owner for position, unit in zip(positions, units) if unit.role is Role.TITLE and position.owner is not None}
    return _Places(misplaced, out_of_order, openers, _outside_ascending_run(positions), before_title)


def _outside_ascending_run(positions: Sequence[ClausePosition]) -> set[int]:
    """Numbered units outside the earliest longest strictly ascending run of numbers in their
    scope (a continuing series through the document, a restarting one under its parent). The
    run is found from the end on the negated numbers, so that of equally long runs the one made
    of the earliest units is kept."""
    scopes: dict[tuple, list[int]] = {}
    for index, position in enumerate(positions):
        if position.series is not None and not position.is_toc:
            scopes.setdefault(position.key[:-1] + ((position.series, 0),), []).append(index)
    outside: set[int] = set()
    for members in scopes.values():
        backwards = [-positions[index].number for index in reversed(members)]
        kept = {members[len(members) - 1 - at] for at in longest_increasing_subsequence(backwards)}
        outside.update(index for index in members if index not in kept)
    return outside


def _drop_edits(text: str, units: Sequence[Unit], dropped: dict[int, tuple[Twin, list[int] | None]]) -> list[Edit]:
    edits = []
    for index in sorted(dropped):
        twin, block = dropped[index]
        unit, kept = units[index], units[twin.kept]
        start, end = line_extent(text, unit)
        evidence = {
            "match": twin.kind,
            "kept_span": kept.span.as_list(),
            "kept_input_span": None if kept.input_span is None else kept.input_span.as_list(),
            "kept_text": preview(kept.text),
            "ratio": round(twin.ratio, 2),
            "containment": round(twin.containment, 3),
        }
        if block is not None:
            evidence["block_units"] = block
        if twin.cut:
            evidence["cut"] = True
        reason = _reason(twin, kept, block)
        if twin.note_of is not None:
            clause = units[twin.note_of]
            clause_span = clause.input_span or clause.span
            evidence["clause_copy_input_span"] = clause_span.as_list()
            evidence["clause_note_basis"] = twin.note_basis
            if twin.note_basis == HEADING_BASIS:
                reason += (
                    f"; it stood after {clause.marker.strip()} (the one at input {clause_span.start}-{clause_span.end}"
                    f" or a copy of it), which {BASIS_WORDS[twin.note_basis]}"
                )
            else:
                reason += (
                    f"; it stood after a copy of {clause.marker.strip()}; the note after its copy at input"
                    f" {clause_span.start}-{clause_span.end} {BASIS_WORDS[twin.note_basis]}"
                )
        edits.append(Edit(start, end, "", Action.DROP_DUPLICATE, reason, evidence))
    return edits


def find_twins(
    units: Sequence[Unit],
    config: DedupConfig,
    keys: list[str] | None = None,
    positions: Sequence[ClausePosition] | None = None,
    places: _Places | None = None,
) -> dict[int, Twin]:
    """For every unit that is a copy of a more complete one, its twin. Deterministic: all
    choices go by key length, then by whether a copy stands under the parent its series usually
    stands under, opens its heading's clauses and agrees with the numbering, then the longer
    line (a copy cut before its 。 loses to the whole one), then position;
    never by hash or set order."""
    keys = keys if keys is not None else _unit_keys(units)
    positions = positions if positions is not None else find_clause_positions(units)
    places = places or _find_places(positions, units)
    # 1. Exact copies: group equal keys, in order of first appearance.
    groups: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        if key:
            groups.setdefault(key, []).append(index)
    representatives = [members[0] for members in groups.values()]
    parent = {rep: rep for rep in representatives}

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    # 2. Near copies among distinct keys, confirmed by ratio.
    long_reps = [rep for rep in representatives if len(keys[rep]) >= 2 * config.shingle_chars and units[rep].role not in _EXACT_ONLY]
    for a, b in _near_pairs(keys, long_reps, config):
        if _may_be_copies(units[a], units[b]) and not differ_only_in_numerals(keys[a], keys[b]):
            root_a, root_b = find(a), find(b)
            if root_a != root_b:
                parent[max(root_a, root_b)] = min(root_a, root_b)
    clusters: dict[int, list[int]] = {}
    for rep in representatives:
        clusters.setdefault(find(rep), []).append(rep)

    twins: dict[int, Twin] = {}
    keeper_of: dict[int, int] = {}
    for members_reps in clusters.values():
        members = sorted(index for rep in members_reps for index in groups[keys[rep]])
        # Of equal copies: the one under the parent its series stands under, then the one that
        # opens its heading's clauses, then the one in the longest ascending run of its numbers,
        # then the one its numbering where it stands does not contradict.
        keeper = min(
            members,
            key=lambda index: (
                -len(keys[index]),
                index in places.misplaced,
                index in places.before_title,
                index not in places.openers,
                index in places.outside_run,
                index in places.out_of_order,
                -len(units[index].text.strip()),
                index,
            ),
        )
        for index in members:
            keeper_of[index] = keeper
            if index == keeper:
                continue
            exact = keys[index] == keys[keeper]
            score = 100.0 if exact else fuzz.ratio(keys[index], keys[keeper])
            if not exact and (score < config.min_ratio or differ_only_in_numerals(keys[index], keys[keeper])):
                keeper_of[index] = index  # a twin of a twin, too far from the kept copy: its own text
                continue
            twins[index] = Twin(index, keeper, "exact" if exact else "near", score, 1.0 if exact else 0.0)
    _keep_blocks_whole(twins, keeper_of, keys)

    # 3. Partial copies: every indexed sentence of a kept unit occurs in one longer kept unit.
    keepers = sorted(set(keeper_of.values()))
    for index, container, score, share in _find_containers(keys, units, keepers, config):
        for member in sorted(i for i, k in keeper_of.items() if k == index):
            twins[member] = Twin(member, container, "partial", score, share)
    # 4. Cut copies of a numbered clause: a copy cut mid-sentence has no whole sentence to index,
    #    but its key (marker level and number included) begins the whole clause's key.
    for index, container, is_cut in _cut_copies(keys, units, positions, [k for k in keepers if k not in twins], config.min_unit_chars):
        for member in sorted(i for i, k in keeper_of.items() if k == index):
            twins[member] = Twin(member, container, "partial", 100.0, round(len(keys[index]) / len(keys[container]), 3), is_cut)
    # A kept copy may itself have been found partial: point every twin at a unit that stays.
    for index, twin in list(twins.items()):
        seen = {index}
        kept = twin.kept
        while kept in twins and kept not in seen:
            seen.add(kept)
            kept = twins[kept].kept
        if kept != twin.kept:
            twins[index] = Twin(index, kept, twin.kind, twin.ratio, twin.containment, twin.cut)
    return twins


def _keep_blocks_whole(twins: dict[int, Twin], keeper_of: dict[int, int], keys: list[str]) -> None:
    """An exact copy kept for where it stands (its series' usual parent) although it lies in a
    pasted block: when the unit before (or after) it is itself a dropped copy of the unit before
    (or after) the earlier copy, the whole block was pasted again and the earlier copy, among
    the units kept with it, is the one in place (a decree's 一、二、三、 before its appendix, the
    body pasted again after the appendix's last article, where 一、 reads as that article's
    items; a law's history line 1. pasted again after its last article). In input order, so a
    block's copies follow its first."""
    members_of: dict[int, list[int]] = {}
    for member, keeper in keeper_of.items():
        members_of.setdefault(keeper, []).append(member)
    for index in sorted(twins):
        twin = twins.get(index)
        if twin is None or twin.kind != "exact" or twin.kept < index:
            continue
        kept = twin.kept
        if keys[kept] != keys[index] or not (_neighbour_repeated(twins, index, kept, -1) or _neighbour_repeated(twins, index, kept, 1)):
            continue
        members = members_of.pop(kept)
        members_of[index] = members
        for member in members:
            keeper_of[member] = index
            if member == kept:
                twins[member] = Twin(member, index, "exact", 100.0, 1.0)
            elif member != index:
                # Scored against a copy with the same key: the same scores against this one.
                twins[member] = replace(twins[member], kept=index)
        del twins[index]


def _neighbour_repeated(twins: dict[int, Twin], earlier: int, later: int, step: int) -> bool:
    """Whether the unit `step` away from the later copy is a dropped copy of the unit `step`
    away from the earlier one, which is itself kept: both copies stand in one block."""
    neighbour, repeated = earlier + step, later + step
    return neighbour >= 0 and neighbour not in twins and repeated in twins and twins[repeated].kept == neighbour


def _stray_units(positions: Sequence[ClausePosition]) -> tuple[set[int], set[int]]:
    """Numbered units out of place: whose parent is of another series than the one under which
    most of their series' numbers stand (an item before the first section, when items live
    under sections; copies do not count twice; of equal counts the natural parent, then the
    earlier of two equal lists, then a parent over none), whose number does not ascend where it
    stands (1． after 2． under one section), or that open a restarting series' run under a
    parent with a number past 1. Two sets: the misplaced (by parent) and the out of order (by
    number, judged without the misplaced)."""
    numbers_under: dict[str, dict[str | None, set[int]]] = {}
    first_under: dict[tuple[str, str | None], int] = {}
    for index, position in enumerate(positions):
        if position.series is not None:
            parent = _parent_series(positions, position)
            numbers_under.setdefault(position.series, {}).setdefault(parent, set()).add(position.number)
            first_under.setdefault((position.series, parent), index)

    # The series the hierarchy puts right above each one, among those the document has: items
    # 1． sit under （一） where there are sections, under 第N条 only where there are none.
    rank_of = {position.series: position.rank for position in positions if position.series is not None}
    by_rank = sorted(rank_of, key=lambda series: rank_of[series])
    natural = {series: (by_rank[at - 1] if at else None) for at, series in enumerate(by_rank)}

    def weight(series: str, parent: str | None) -> tuple:
        by_parent = numbers_under[series]
        # Of equal counts the natural parent wins (item 2 pasted before the first section:
        # its section is where it belongs). The same list twice under two parents neither of
        # which is natural (a law pasted after itself, its history lines 1.-22. then read as
        # under the last article): the first stands in place; else a parent beats none.
        twice = len(by_parent[parent]) > 1 and any(other != parent and by_parent[other] == by_parent[parent] for other in by_parent)
        return (len(by_parent[parent]), parent == natural[series], -first_under[series, parent] if twice else 0, parent is not None, parent or "")

    usual = {series: max(by_parent, key=lambda parent: weight(series, parent)) for series, by_parent in numbers_under.items()}
    misplaced = {
        index
        for index, position in enumerate(positions)
        if position.series is not None and _parent_series(positions, position) != usual[position.series]
    }
    return misplaced, find_out_of_order(positions, ignore=misplaced)


def _near_pairs(keys: list[str], reps: list[int], config: DedupConfig) -> list[tuple[int, int]]:
    """Pairs of units whose keys have a ratio of at least min_ratio. Up to exact_max_units
    units every pair is scored (rapidfuzz's cdist: complete, and for a document's few hundred
    units several times faster than sketching); beyond, MinHash LSH proposes candidates in
    near-linear time and ratio confirms them."""
    if len(reps) < 2:
        return []
    texts = [keys[rep] for rep in reps]
    if len(reps) <= config.exact_max_units:
        scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=config.min_ratio, dtype=np.uint8)
        # Each pair once (i < j), row by row: the nonzero cells, not a triangular mask of n × n.
        rows, columns = np.nonzero(scores)
        upper = rows < columns
        return [(reps[i], reps[j]) for i, j in zip(rows[upper].tolist(), columns[upper].tolist())]
    signatures = minhash_signatures(texts, config.shingle_chars, config.num_perm, config.seed)
    return [
        (reps[i], reps[j])
        for i, j in candidate_pairs(signatures, band_params(config.jaccard_threshold, config.num_perm))
        if fuzz.ratio(texts[i], texts[j], score_cutoff=config.min_ratio)
    ]


def _sentence_keys(units: Sequence[Unit], indices: list[int], min_chars: int) -> dict[int, list[str]]:
    """The indexable sentence keys of each unit, folded in one batch (one OpenCC call)."""
    sentences = [split_sentences(units[index].text) for index in indices]
    folded = iter(comparison_keys([sentence for unit_sentences in sentences for sentence in unit_sentences]))
    return {
        index: [key for key in (next(folded) for _ in unit_sentences) if len(key) >= min_chars]
        for index, unit_sentences in zip(indices, sentences)
    }


def _find_containers(keys: list[str], units: Sequence[Unit], keepers: list[int], config: DedupConfig):
    sentence_keys = _sentence_keys(units, keepers, config.min_sentence_key_chars)
    holders: dict[str, list[int]] = {}
    for index in keepers:
        for key in dict.fromkeys(sentence_keys[index]):
            holders.setdefault(key, []).append(index)
    found = []
    for index in keepers:
        sentences = sentence_keys[index]
        if not sentences or len(keys[index]) < config.min_unit_chars:
            continue
        candidates: set[int] = set()
        for key in sentences:
            members = holders.get(key, ())
            if len(members) <= config.max_units_per_sentence:
                candidates.update(m for m in members if len(keys[m]) > len(keys[index]))
        best = None
        for container in sorted(candidates):
            if not _may_be_copies(units[index], units[container]):
                continue
            present = set(sentence_keys[container])
            share = sum(1 for key in sentences if key in present) / len(sentences)
            if share < config.min_containment:
                continue
            score = fuzz.partial_ratio(keys[index], keys[container])
            if score < config.min_ratio:
                continue
            rank = (-len(keys[container]), container)
            if best is None or rank < best[0]:
                best = (rank, container, score, share)
        if best is not None:
            found.append((index, best[1], best[2], best[3]))
    return found


#: Copies of one clause compared for a cut copy, at most: a document numbers a clause a few times
#: (its copies and a table of contents), so the cap only bounds pathological input.
_MAX_CUT_COPY_CANDIDATES = 16
#: A copy cut mid-sentence needs this many characters of the clause's words: with the marker and
#: number they must match, four characters (对在义务) are no accident.
_MIN_CUT_CHARS = 4
_SENTENCE_ENDS = ("。", "！", "？", "；", "：", "!", "?", ";", ":", "”", "’", "）", ")")


def _cut_copies(keys: list[str], units: Sequence[Unit], positions: Sequence[ClausePosition], keepers: list[int], min_chars: int) -> list[tuple[int, int, bool]]:
    """(cut copy, whole clause, cut mid-sentence) among kept numbered units: one key is a proper
    prefix of another of the same marker level and number, and long enough to be no accident;
    or, in a series that continues through the document (one clause per number), the copy
    stops mid-sentence (第十九条 对在义务植树和): then a few characters suffice, since a clean
    document names a clause once. In a restarting series two lists under one article may
    begin alike, so the length rule holds there."""
    by_clause: dict[str, list[int]] = {}
    for index in keepers:
        if units[index].number is not None and keys[index]:
            by_clause.setdefault(keys[index][: keys[index].index("#", 1) + 1], []).append(index)
    found = []
    for head, members in by_clause.items():
        if len(members) < 2 or len(members) > _MAX_CUT_COPY_CANDIDATES:
            continue
        for index in members:
            chars = len(keys[index]) - len(head)
            is_cut = not positions[index].restarts and not units[index].text.rstrip().endswith(_SENTENCE_ENDS)
            if chars < min_chars and not (is_cut and chars >= _MIN_CUT_CHARS):
                continue
            longer = [other for other in members if len(keys[other]) > len(keys[index]) and keys[other].startswith(keys[index])]
            if longer:
                found.append((index, min(longer, key=lambda other: (len(keys[other]), other)), is_cut))
    return found


def _select_drops(
    units: Sequence[Unit], twins: dict[int, Twin], config: DedupConfig, keys: list[str], positions: Sequence[ClausePosition], places: _Places
) -> dict[int, tuple[Twin, list[int] | None]]:
    """Decide which copies go. Runs of consecutive copies whose twins are consecutive too are
    repeated blocks and go whole when at least one of their copies stands in the same place as
    its twin; a lone copy goes only when it stands in the same place and is long enough to be
    no accident."""
    runs: list[list[int]] = []
    chained: set[int] = set()  # units whose twins follow each other as they do: the block proper
    counterpart: dict[int, int] = {}  # the unit a chained copy repeats, in the block it copies
    block_tail = -1  # the last unit of the current run that continued its block
    for index in sorted(twins):
        if runs and runs[-1][-1] == index - 1:
            repeated = _continues_block(twins, index - 1, index, keys, config.max_interleaved_copies) if index - 1 != block_tail else None
            if repeated is not None:
                chained.update((index - 1, index))  # continues a copy pasted into the block
                counterpart[index] = repeated
            repeated = _continues_block(twins, block_tail, index, keys, config.max_interleaved_copies)
            if repeated is not None:
                counterpart.setdefault(index, repeated)
                runs[-1].append(index)
                chained.update((block_tail, index))
                block_tail = index
                continue
            if index - block_tail <= config.max_interleaved_copies:
                runs[-1].append(index)  # a copy pasted into the repeated block (a title again)
                continue
        runs.append([index])
        block_tail = index
    twins = dict(twins)
    for index, other in counterpart.items():
        # A copy inside a block is a copy of the unit it repeats there (the next line of the
        # kept block), when that one is as alike as its cluster's kept copy.
        if other != twins[index].kept:
            exact = keys[other] == keys[index]
            ratio = 100.0 if exact else fuzz.ratio(keys[index], keys[other])
            if exact or ratio >= config.min_ratio:
                twins[index] = Twin(index, other, "exact" if exact else "near", ratio, 1.0 if exact else 0.0)
    opens = places.openers - places.misplaced
    stray = places.misplaced | places.out_of_order  # once: built inside the loop it made this quadratic
    same_place = {index for index in twins if is_same_place(units, positions, twins[index], keys, config.min_block_chars, stray, opens)}
    dropped: dict[int, tuple[Twin, list[int] | None]] = {}
    for run in runs:
        run_chars = sum(len(keys[i]) for i in run)
        is_block = len(run) >= config.min_block_units and run_chars >= config.min_block_chars and any(i in same_place for i in run)
        for index in run:
            unit = units[index]
            # A responsibility note goes only as a copy of the same clause's note: after another
            # item it is that item's own list, however alike (a 任务分工 document's point).
            if is_block and (index in same_place or (index in chained and unit.role is not Role.ATTRIBUTION)):
                dropped[index] = (twins[index], [run[0], run[-1]])
            elif index in same_place and not _is_bare_marker(unit) and (
                unit.role in _NEVER_REPEATED or twins[index].cut or (len(keys[index]) >= config.min_unit_chars and unit.role is not Role.ATTRIBUTION)
            ):
                dropped[index] = (twins[index], None)
    return dropped


def _stray_notes(
    units: Sequence[Unit],
    dropped: dict[int, tuple[Twin, list[int] | None]],
    keys: list[str],
    positions: Sequence[ClausePosition],
    places: _Places,
) -> dict[int, tuple[Twin, None]]:
    """Responsibility notes pasted with copies of clauses (docrepair.attributions), as drops
    that name the note that stays and the clause copy whose note is the clause's."""
    copy_of = {index: twin.kept for index, (twin, _) in dropped.items()}
    out_of_place = places.misplaced | places.out_of_order | places.outside_run
    return {
        stray.note: (Twin(stray.note, stray.kept, "exact", 100.0, 1.0, note_of=stray.owner, note_basis=stray.basis), None)
        for stray in find_stray_notes(units, copy_of, keys, positions, out_of_place, places.openers)
    }


def _is_bare_marker(unit: Unit) -> bool:
    """A line that is a clause marker and nothing else (第 2 條 above its text): alone it proves
    no copy (a garbled 第 20 條 can read as 第 2 條); it goes only with a block pasted around it."""
    return unit.number is not None and not unit.text[len(unit.marker) :].strip()


def is_same_place(
    units: Sequence[Unit],
    positions: Sequence[ClausePosition],
    twin: Twin,
    keys: list[str],
    min_header_chars: int,
    stray: set[int],
    opens: set[int] = frozenset(),
) -> bool:
    """Whether a copy stands where its twin stands in the clause structure, so that it can be a
    scrape duplicate rather than a text the document repeats on purpose."""
    copy, kept = positions[twin.dropped], positions[twin.kept]
    if copy.is_toc or kept.is_toc:
        return False  # a table of contents lists the headings the body has
    role = units[twin.dropped].role
    if role in _HEADER_ROLES or units[twin.kept].role in _HEADER_ROLES:
        return twin.kind == "exact" and role is units[twin.kept].role
    if copy.series is None and twin.kind == "partial" and (role is Role.PARAGRAPH or copy.key == kept.key):
        return True  # a stray copy of sentences that stand whole elsewhere (or in its own clause)
    if copy.series is not None and kept.series is None:
        return False
    if kept.owner is None and twin.kind == "exact" and len(keys[twin.dropped]) >= min_header_chars:
        return True  # the head of the document (title, opening paragraph) pasted again in the body
    if copy.series is not None and copy.series == kept.series and copy.number == kept.number and twin.kind != "near":
        # A stray copy: the clause again where its series never stands (item 1 before the
        # first chapter, when items live under sections) or against the numbering around it
        # (1． after 2． under one section); a parallel clause of a sibling is neither. Of two
        # exact copies, the one that opens its heading's clauses stands in place and the other
        # (after other clauses, or under no heading) is the stray, whatever the counts say.
        if twin.dropped in stray or (twin.kind == "exact" and twin.kept in opens and twin.dropped not in opens):
            return True
        if twin.kind == "partial" and _parent_series(positions, copy) != _parent_series(positions, kept):
            # A cut copy of the clause, under a parent of another kind than the whole one's
            # (item 1 cut short above the headings, whole under its （一）): a stray copy of a
            # clause that exists elsewhere whole. Under two articles alike, both stand in place.
            return True
    # The same clause, or paragraphs (responsibility notes) of the same clause.
    return copy.key == kept.key


def _parent_series(positions: Sequence[ClausePosition], position: ClausePosition) -> str | None:
    return None if position.parent is None else positions[position.parent].series


def _continues_block(twins: dict[int, Twin], previous: int, index: int, keys: list[str], max_interleaved: int) -> int | None:
    """Unit `index` extends the block of `previous` when the unit after previous's twin is a
    copy of it as well (compared by key, since that unit may itself be a dropped copy). The
    unit it repeats there, or None."""
    target = twins[index].kept
    after_twin = twins[previous].kept + 1
    # Copies that were pasted into the kept block (a title repeated mid-text) do not break it.
    for _ in range(max_interleaved):
        if after_twin >= len(keys) or after_twin == index:
            return None
        if after_twin == target or keys[after_twin] == keys[index] or (after_twin in twins and twins[after_twin].kept == target):
            return after_twin
        if after_twin not in twins:
            return None
        after_twin += 1
    return None


def _reason(twin: Twin, kept: Unit, block: list[int] | None) -> str:
    what = {
        "exact": "an exact copy",
        "near": f"a near copy (ratio {twin.ratio:.0f})",
        "partial": f"a partial copy (all its sentences occur in the kept one, partial ratio {twin.ratio:.0f})",
    }[twin.kind]
    if twin.cut:
        what = "a copy cut mid-sentence (its words begin the kept clause)"
    where = " (part of a repeated block)" if block is not None else ""
    span = kept.input_span or kept.span
    return f"{what} of the unit kept at input {span.start}-{span.end}{where}"
