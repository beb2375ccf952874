"""Merge: one best document per cluster of near-duplicate copies, rebuilt clause by clause from
all its copies, with the copy each line came from."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

from .crossdoc import Cluster


@dataclass(frozen=True)
class MergedClause:
    """Where one line of a merged document came from."""

    unit: int
    role: str
    marker: str
    number: int | None
    text: str  # the line's first characters
    source: str | None  # the copy whose text the line is (None: text the repair inserted)
    source_span: list[int] | None  # [start, end) in that copy's clean text
    also_in: list[str]  # other copies that held this clause (their copies were dropped)
    sentences_from: list[str]  # copies that added sentences to it (merge notes)

    def to_dict(self) -> dict:
        record = asdict(self)
        record["from"] = record.pop("source")
        record["from_span"] = record.pop("source_span")
        return record


def merge_clusters(root: Path, clusters: Sequence[Cluster], relpaths: dict[str, str], config) -> int:
    """Rebuild each cluster's best document from all its copies' clean texts in OUTDIR.

    The copies, the kept (most complete) one first and the rest by id, go through the repair
    once more as one text. Its stages then do the clause-by-clause work: dedup keeps each
    clause's most complete copy (the longest key, so a garbled copy, whose □ are not part of
    its key, gives way to a whole one; ties to the kept copy), merge adds sentences only some
    copies hold, and order puts a clause that one copy lost back in its numbered place.
    merged/<cluster>.txt is the document, merged/<cluster>.jsonl names for every line the copy
    it came from, and merged/<cluster>.notes.jsonl holds the repair's notes."""
    written = 0
    for cluster in clusters:
        members = [cluster.kept] + [m for m in cluster.members if m != cluster.kept]
        copies = [(m, (root / relpaths[m]).read_text(encoding="utf-8")) for m in members if m in relpaths and (root / relpaths[m]).exists()]
        if len(copies) >= 2:
            _write_merged(root / "merged", cluster.id, copies, config)
            written += 1
    return written


def merge_copies(copies: Sequence[tuple[str, str]], config):
    """The repair of the copies joined, and the clause-by-clause provenance of its output."""
    from .. import repair_text

    texts = [text.rstrip("\n") for _, text in copies]
    starts = [sum(len(t) + 1 for t in texts[:index]) for index in range(len(texts))]
    result = repair_text("\n".join(texts) + "\n", config)
    return result, _provenance(result, [member for member, _ in copies], starts)


def _provenance(result, members: list[str], starts: list[int]) -> list[MergedClause]:
    import bisect

    def copy_at(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    units = result.units
    unit_starts = [u.input_span.start if u.input_span is not None else -1 for u in units]
    also: dict[int, set[str]] = {}
    added: dict[int, set[str]] = {}
    for note in result.notes:
        evidence = note.evidence or {}
        if note.action.value == "drop_duplicate" and evidence.get("kept_input_span") and note.input_span is not None:
            owner = _unit_holding(units, evidence["kept_input_span"][0])
            if owner is not None:
                also.setdefault(owner, set()).add(members[copy_at(note.input_span.start)])
        elif note.action.value == "merge" and evidence.get("from_input_span") and note.output_span is not None:
            owner = next((i for i, u in enumerate(units) if u.span.start <= note.output_span.start <= u.span.end), None)
            if owner is not None:
                added.setdefault(owner, set()).add(members[copy_at(evidence["from_input_span"][0])])
    clauses = []
    for index, unit in enumerate(units):
        source, span = None, None
        if unit_starts[index] >= 0:
            copy = copy_at(unit_starts[index])
            source = members[copy]
            span = [unit.input_span.start - starts[copy], unit.input_span.end - starts[copy]]
        others = sorted(also.get(index, set()) - {source})
        clauses.append(MergedClause(index, unit.role.value, unit.marker, unit.number, unit.text[:40], source, span, others, sorted(added.get(index, set()))))
    return clauses


def _unit_holding(units, input_offset: int) -> int | None:
    for index, unit in enumerate(units):
        if unit.input_span is not None and unit.input_span.start <= input_offset < max(unit.input_span.end, unit.input_span.start + 1):
            return index
    return None


def _write_merged(folder: Path, cluster_id: str, copies: Sequence[tuple[str, str]], config) -> None:
    from ..files import write_atomic
    from ..render.notes import notes_to_jsonl

    result, clauses = merge_copies(copies, config)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / f"{cluster_id}.txt", result.text.encode("utf-8"))
    manifest = "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in clauses)
    write_atomic(folder / f"{cluster_id}.jsonl", manifest.encode("utf-8"))
    write_atomic(folder / f"{cluster_id}.notes.jsonl", notes_to_jsonl(result.notes).encode("utf-8"))
