"""The order of the stages, and nothing else."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from .config import RepairConfig
from .ledger import Ledger
from .model import SCHEMA_VERSION, RepairResult, Unit
from .stages import dedup, segment
from .stages.decode import DecodedInput


def run(text: str, config: RepairConfig, decoded: DecodedInput | None = None, source: str | None = None) -> RepairResult:
    ledger = Ledger(text)
    newline = dominant_newline(text)
    ledger.apply(segment.STAGE, segment.find_line_splits(ledger.text, config.segment, newline))
    units = current_units(ledger, config)
    ledger.apply(dedup.STAGE, dedup.find_duplicate_edits(ledger.text, units, config.dedup))
    units = current_units(ledger, config)
    notes = ledger.notes()
    header = build_header(text, config, decoded, source, notes)
    return RepairResult(ledger.text, text, notes, tuple(units), header)


def current_units(ledger: Ledger, config: RepairConfig) -> list[Unit]:
    """Units of the ledger's current text, each with its covering span in the input."""
    units = segment.segment_units(ledger.text, config.segment)
    spans = ledger.input_spans([unit.span.start for unit in units], [unit.span.end for unit in units])
    return [dataclasses.replace(unit, input_span=span) for unit, span in zip(units, spans)]


def dominant_newline(text: str) -> str:
    """The line break the document mostly uses, for the breaks we insert."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def build_header(text: str, config: RepairConfig, decoded: DecodedInput | None, source: str | None, notes) -> dict[str, Any]:
    from . import __version__, dependency_versions

    counts: dict[str, int] = {}
    for note in notes:
        counts[note.action.value] = counts.get(note.action.value, 0) + 1
    return {
        "docrepair": __version__,
        "schema": SCHEMA_VERSION,
        "input": {
            "source": source,
            # Of the bytes as given; for text passed in directly, of its UTF-8 encoding.
            "sha256": decoded.sha256 if decoded is not None else hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "chars": len(text),
            "encoding": None if decoded is None else decoded.encoding,
            "bom": None if decoded is None else decoded.bom,
        },
        "config": config.to_dict(),
        "dependencies": dependency_versions(),
        "counts": dict(sorted(counts.items())),
    }
