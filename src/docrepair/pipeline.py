"""The order of the stages, and nothing else."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from .config import RepairConfig
from .ledger import Ledger
from .model import SCHEMA_VERSION, Action, RepairResult, Unit
from .stages import boilerplate, byteshift, cleanup, decode, dedup, layout, merge, mojibake, order, punct, script, segment


def run(text: str, config: RepairConfig, decoded: decode.DecodedInput | None = None, source: str | None = None) -> RepairResult:
    ledger = Ledger(text)
    newline = dominant_newline(text)
    for run in decoded.mixed if decoded is not None else ():
        reason = (
            f"this line was not UTF-8 like the rest of the file; it was read as {run.encoding}"
            if run.encoding != "replacement"
            else "bytes of this line are valid in no codec tried; they stand as U+FFFD (the bytes are in the evidence)"
        )
        ledger.flag(decode.STAGE, Action.FLAG, run.start, run.end, reason, {"encoding": run.encoding, "bytes": run.raw_hex})
    ledger.apply(cleanup.STAGE, cleanup.find_invisible_edits(ledger.text))
    # Bytes first: every later stage (pinyin, width, script) would destroy the byte evidence.
    ledger.apply(mojibake.STAGE, mojibake.find_whole_text_edits(ledger.text))
    ledger.apply(mojibake.STAGE, mojibake.find_utf8_as_gbk_edits(ledger.text))
    ledger.apply(mojibake.STAGE, byteshift.find_edits(ledger.text))
    ledger.apply(mojibake.STAGE, mojibake.find_reading_evidence_edits(ledger.text))
    ledger.apply(cleanup.STAGE, cleanup.find_cleanup_edits(ledger.text))
    ledger.apply(punct.STAGE, punct.find_punct_edits(ledger.text, punct.PunctConfig(mode=config.output.punct)))
    ledger.apply(segment.STAGE, segment.find_line_splits(ledger.text, config.segment, newline))
    units = current_units(ledger, config)
    table = boilerplate.find_metadata(ledger.text, units)
    if ledger.apply(boilerplate.STAGE, table.edits + boilerplate.find_chrome_edits(ledger.text, units)):
        units = current_units(ledger, config)
    if ledger.apply(layout.STAGE, layout.find_layout_edits(ledger.text, units)):
        units = current_units(ledger, config)
    if ledger.apply(order.STAGE, order.find_marker_restorations(ledger.text, units)):
        units = current_units(ledger, config)
    for start, end, reason, evidence in layout.find_layout_flags(ledger.text, units):
        ledger.flag(layout.STAGE, Action.FLAG, start, end, reason, evidence)
    duplicates = dedup.find_duplicates(ledger.text, units, config.dedup)
    ledger.apply(dedup.STAGE, duplicates.edits)
    # Where every copy stood, named by the unit that stands for it now: the order stage's evidence.
    observed = [units[kept].input_span for kept in duplicates.kept_of]
    original = [unit.input_span for unit in units]
    units = current_units(ledger, config)
    merges = merge.find_merges(ledger.text, units)
    if merges.edits:
        ledger.apply(merge.STAGE, merges.edits)
        moved_to = {units[copy].input_span: units[kept].input_span for copy, kept in merges.merged}
        observed = [moved_to.get(span, span) for span in observed]
        units = current_units(ledger, config)
    plan = order.find_order(ledger.text, units, observed, original)
    for span, reason, evidence in plan.doubts:
        ledger.flag(order.STAGE, Action.FLAG, span.start, span.end, reason, evidence)
    if plan.placements:
        ledger.apply(order.STAGE, plan.edits)
        ledger.reorder(order.STAGE, plan.placements)
        units = current_units(ledger, config)
    for gap in order.find_gaps(ledger.text, units):
        ledger.flag(order.STAGE, Action.GAP, gap.position, gap.position, gap.reason, {"series": gap.series, "number": gap.number})
    ledger.apply(script.STAGE, script.find_conversion_edits(ledger.text, config.output.script))
    notes = ledger.notes()
    header = build_header(text, config, decoded, source, notes)
    header["document"] = boilerplate.describe_document(units, table.fields)
    header["document"]["script"] = script.detect_script(text)
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


def build_header(text: str, config: RepairConfig, decoded: decode.DecodedInput | None, source: str | None, notes) -> dict[str, Any]:
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
