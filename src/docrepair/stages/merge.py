"""Merge: copies of one numbered clause that each hold sentences the other lacks become one.

After dedup, two units may still be the same clause (the same series and number at the same
place in the clause structure, docrepair.clauses: (四) under 第二十五条 and (四) under 第二十六条 are
two clauses): copies that differ (one cut short and continued elsewhere, one with a sentence the other lost). When they
share a sentence they are copies of one clause: the sentences of the shorter copy are aligned
with the longer one at sentence level (cydifflib, difflib's API), the sentences only it holds are
inserted into the longer copy where the alignment puts them, and the shorter copy goes. Copies
that share no sentence are different clauses (numbering that restarts) and are left alone.
"""

from __future__ import annotations

from typing import Sequence

from ..align import ALIGNER, align_opcodes
from ..clauses import ClausePosition, find_clause_positions, first_children
from ..config import MergeConfig, RepairConfig
from ..keys import comparison_keys, split_sentences
from ..model import Action, Edit, Proposal, Unit
from ..stage import DocumentView, Stage

NAME = "merge"


def propose(view: DocumentView, config: RepairConfig) -> Proposal:
    """Insertions into the kept copy, and the drop of the other copy (a drop_duplicate note
    naming the kept one, read by the order stage like dedup's)."""
    return Proposal(find_merges(view.text, view.units, config.merge, view.clause_positions))


STAGE = Stage(NAME, propose)


def find_merges(text: str, units: Sequence[Unit], config: MergeConfig | None = None, positions: Sequence[ClausePosition] | None = None) -> list[Edit]:
    """Copies of one clause merged into one (`positions`: the units' clause positions when the
    caller has them; the document view keeps them)."""
    config = config or MergeConfig()
    edits: list[Edit] = []
    # Copies of one clause: the same place in the clause structure (docrepair.clauses), so （一）
    # under two different articles are two clauses, never merged.
    groups: dict[tuple, list[int]] = {}
    positions = positions if positions is not None else find_clause_positions(units)
    for index, position in enumerate(positions):
        if units[index].number is not None and not position.is_toc:
            groups.setdefault(position.key, []).append(index)
    candidates = [members for members in groups.values() if len(members) > 1]
    if not candidates:
        return edits
    alone = first_children(positions)
    indices = sorted(index for members in candidates for index in members)
    sentences = {index: split_sentences(units[index].text) for index in indices}
    flat = [sentence for index in indices for sentence in sentences[index]]
    folded = iter(comparison_keys(flat))
    keys = {index: [next(folded) for _ in sentences[index]] for index in indices}
    for members in candidates:
        # The copy in place (the first clause under its heading), else the most complete; the
        # others' sentences are merged into it either way.
        keeper = min(members, key=lambda index: (index not in alone, -sum(map(len, keys[index])), index))
        present = set(keys[keeper])  # grows as copies add sentences: each is added once
        for copy in members:
            if copy == keeper or not _share_a_sentence(keys[copy], keys[keeper], config.min_shared_sentence_chars):
                continue
            edits.extend(_merge_edits(text, units, keeper, copy, sentences, keys, present))
    edits.sort(key=lambda edit: (edit.start, edit.end))
    return edits


def _share_a_sentence(first: list[str], second: list[str], min_chars: int) -> bool:
    long_keys = {key for key in second if len(key) >= min_chars}
    return any(key in long_keys for key in first)


def _merge_edits(text: str, units: Sequence[Unit], keeper: int, copy: int, sentences, keys, present: set[str]) -> list[Edit]:
    kept, other = units[keeper], units[copy]
    # Where each sentence of the kept copy ends, in the text: insertions go at these points.
    ends = []
    position = kept.span.start
    for sentence in sentences[keeper]:
        position = text.index(sentence, position) + len(sentence)
        ends.append(position)
    inserts: dict[int, list[str]] = {}
    for tag, i1, i2, j1, j2 in align_opcodes(keys[keeper], keys[copy]):
        if tag not in ("insert", "replace"):
            continue
        new = [sentences[copy][j] for j in range(j1, j2) if keys[copy][j] and keys[copy][j] not in present]
        present.update(keys[copy][j1:j2])
        if j1 == 0 and new and new[0].startswith(other.marker):
            new[0] = new[0][len(other.marker) :]  # the marker stays the kept copy's own
        # After the kept sentences the copy's run replaces, or before the point it was inserted.
        at = ends[i2 - 1] if i2 > 0 else kept.span.start + len(kept.marker)
        if new:
            inserts.setdefault(at, []).extend(new)
    span = other.input_span or other.span
    kept_span = kept.input_span or kept.span
    edits = [
        Edit(
            at,
            at,
            "".join(added),
            Action.MERGE,
            f"sentences only the copy at input {span.start}-{span.end} holds, added where the alignment of the copies puts them",
            {"from_input_span": span.as_list(), "sentences": len(added), "aligner": ALIGNER},
        )
        for at, added in sorted(inserts.items())
    ]
    start = text.rfind("\n", 0, other.span.start) + 1
    newline = text.find("\n", other.span.end)
    end = len(text) if newline < 0 else newline + 1
    edits.append(
        Edit(
            start,
            end,
            "",
            Action.DROP_DUPLICATE,
            f"a copy of the clause kept at input {kept_span.start}-{kept_span.end}; its other sentences were merged into it",
            {"match": "merged", "kept_input_span": kept_span.as_list(), "kept_text": kept.text[:40], "inserted_sentences": sum(map(len, inserts.values()))},
        )
    )
    return edits
