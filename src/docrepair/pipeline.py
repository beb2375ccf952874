"""The order of the stages, and nothing else.

Bytes first (runs of UTF-8 read as cp1252 even before invisible characters go: a soft hyphen
there is a byte of a character): every later stage (pinyin, width, script) would destroy the byte evidence. Lines are
split before anything reads units; chrome and metadata go before layout joins lines; markers are
restored before dedup compares clauses by them; order reads where dedup's and merge's copies
stood; script conversion is last, after every repair that needed the original characters.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from .config import RepairConfig
from .ledger import Ledger
from .model import SCHEMA_VERSION, RepairResult
from .stage import DocumentView, Stage
from .version import __version__, dependency_versions
from .stages import boilerplate, byteshift, cleanup, decode, dedup, layout, markers, merge, mojibake, order, punct, script, segment

STAGES: tuple[Stage, ...] = (
    decode.STAGE,
    mojibake.LATIN_RUNS,
    cleanup.INVISIBLE,
    mojibake.WHOLE_TEXT,
    mojibake.LINES,
    byteshift.STAGE,
    mojibake.READINGS,
    cleanup.STAGE,
    punct.STAGE,
    segment.STAGE,
    boilerplate.STAGE,
    layout.STAGE,
    markers.STAGE,
    layout.FLAGS,
    dedup.STAGE,
    merge.STAGE,
    order.STAGE,
    order.SIBLINGS,
    order.GAPS,
    script.STAGE,
)


def run(text: str, config: RepairConfig, decoded: decode.DecodedInput | None = None, source: str | None = None) -> RepairResult:
    ledger = Ledger(text)
    # One memo of line classes for all versions of this document's text (segment_units).
    line_classes: dict = {}
    view = DocumentView(ledger, lambda current, input_spans: segment.segment_units(current, config.segment, line_classes, input_spans), decoded)
    # Per stage name (a stage may act at two points): notes by action, and wall seconds.
    counts: dict[str, dict[str, int]] = {}
    seconds: dict[str, float] = {}
    for stage in STAGES:
        if stage.name in config.skip:
            continue
        started = time.perf_counter()
        proposal = stage.propose(view, config)
        recorded = ledger.record(stage.name, proposal)
        view.learn(proposal.facts)
        seconds[stage.name] = seconds.get(stage.name, 0.0) + time.perf_counter() - started
        tally = counts.setdefault(stage.name, {})
        for action, count in recorded.items():
            tally[action] = tally.get(action, 0) + count
    notes = ledger.notes()
    header = build_header(text, config, decoded, source, notes)
    # Counts only: the header is written into outputs that must be the same bytes on every run,
    # so the seconds go to RepairResult.seconds, never into the header.
    header["stages"] = [{"name": name, "notes": dict(sorted(tally.items()))} for name, tally in counts.items()]
    header["document"] = view.describe()
    return RepairResult(ledger.text, text, notes, view.units, header, seconds, origin=ledger.origin)


def build_header(text: str, config: RepairConfig, decoded: decode.DecodedInput | None, source: str | None, notes) -> dict[str, Any]:
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


#: A short notice, for load_models: whole, as GBK bytes shifted by one byte, and as UTF-8 read as GBK.
_WARM_UP_TEXT = "关于加强组织领导的通知\n各区县人民政府，市级有关部门：\n一、加强组织领导，明确工作责任，形成工作合力。\n"


def load_models(config: RepairConfig | None = None) -> None:
    """Load everything the stages load on first use (the character model, the GBK tables,
    OpenCC's dictionaries: about a second), by one repair of a short text garbled both ways.
    A process that forks workers calls it first, so the workers share one copy of the models
    instead of each loading its own."""
    shifted = _WARM_UP_TEXT.encode("gbk")[1:].decode("gbk", errors="replace")
    misread = _WARM_UP_TEXT.encode("utf-8").decode("gbk", errors="replace")
    run(_WARM_UP_TEXT + shifted + "\n" + misread, config or RepairConfig())
