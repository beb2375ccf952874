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

from dataclasses import dataclass, field
from typing import Sequence

from ..align import ALIGNER, align_opcodes
from ..clauses import find_clause_positions
from ..keys import comparison_keys, split_sentences
from ..model import Action, Edit, Unit

STAGE = "merge"

#: Sentence keys shorter than this do not make two clauses copies (特此通知 proves nothing).
_MIN_SHARED_SENTENCE_CHARS = 8


@dataclass
class MergePlan:
    edits: list[Edit] = field(default_factory=list)
    #: (copy, kept) unit index pairs: the copy's content now lives in the kept unit.
    merged: list[tuple[int, int]] = field(default_factory=list)


def find_merges(text: str, units: Sequence[Unit]) -> MergePlan:
    plan = MergePlan()
    groups: dict[tuple, list[int]] = {}
    for index, position in enumerate(find_clause_positions(units)):
        if units[index].number is not None and not position.is_toc:
            groups.setdefault(position.key, []).append(index)
    candidates = [members for members in groups.values() if len(members) > 1]
    if not candidates:
        return plan
    indices = sorted(index for members in candidates for index in members)
    sentences = {index: split_sentences(units[index].text) for index in indices}
    flat = [sentence for index in indices for sentence in sentences[index]]
    folded = iter(comparison_keys(flat))
    keys = {index: [next(folded) for _ in sentences[index]] for index in indices}
    for members in candidates:
        keeper = min(members, key=lambda index: (-sum(map(len, keys[index])), index))
        present = set(keys[keeper])  # grows as copies add sentences: each is added once
        for copy in members:
            if copy == keeper or not _share_a_sentence(keys[copy], keys[keeper]):
                continue
            plan.edits.extend(_merge_edits(text, units, keeper, copy, sentences, keys, present))
            plan.merged.append((copy, keeper))
    plan.edits.sort(key=lambda edit: (edit.start, edit.end))
    return plan


def _share_a_sentence(first: list[str], second: list[str]) -> bool:
    long_keys = {key for key in second if len(key) >= _MIN_SHARED_SENTENCE_CHARS}
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
