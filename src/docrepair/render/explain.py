"""The human explanation: a summary line in words, then the notes grouped by the line they concern."""

from __future__ import annotations

import bisect

from ..model import Action, Note, RepairResult, ReplayRule

_PREVIEW_CHARS = 36


def explain(result: RepairResult) -> str:
    """A summary, then the notes grouped by the clause (output line) they concern, in output
    order; notes whose text was removed follow, in input order."""
    lines = [summarize(result)]
    starts = [unit.span.start for unit in result.units]
    by_unit: dict[int, list[Note]] = {}
    removed: list[Note] = []
    for note in result.notes:
        if note.output_span is None:
            removed.append(note)
            continue
        index = max(0, bisect.bisect_right(starts, note.output_span.start) - 1)
        by_unit.setdefault(index, []).append(note)
    for index in sorted(by_unit):
        unit = result.units[index] if result.units else None
        lines.append(f"── {_short(unit.text) if unit is not None else '(start)'}")
        lines.extend("   " + explain_note(note) for note in by_unit[index])
    if removed:
        lines.append(f"── removed from the input ({len(removed)})")
        lines.extend("   " + explain_note(note) for note in sorted(removed, key=lambda n: n.input_span.start))
    return "\n".join(lines) + "\n"


#: How the summary says each action in words.
_SUMMARY_WORDS = {
    Action.DROP_DUPLICATE: "dropped {} duplicates",
    Action.MOVE: "moved {}",
    Action.MERGE: "merged {}",
    Action.GAP: "{} gaps",
    Action.RESTORE_MARKER: "restored {} markers",
    Action.REPAIR_MOJIBAKE: "re-read {} garbled runs",
    Action.STRIP_PINYIN: "removed {} glued readings",
    Action.DROP_STRAY_PUNCT: "removed {} stray commas",
    Action.DROP_CHROME: "removed {} chrome lines",
    Action.SPLIT_LINE: "split {} run-on lines",
    Action.JOIN_LINES: "joined {} broken lines",
    Action.EXTRACT_METADATA: "moved {} metadata rows to the header",
    Action.REPAIR_CITATION: "repaired {} citations",
    Action.DROP_INVISIBLE: "removed {} invisible runs",
    Action.CONVERT_SCRIPT: "converted {} runs of script",
    Action.FLAG: "{} flags",
}


def summarize(result: RepairResult) -> str:
    counts: dict[Action, int] = {}
    for note in result.notes:
        counts[note.action] = counts.get(note.action, 0) + 1
    parts = [f"kept {len(result.units)} units"]
    parts.extend(_SUMMARY_WORDS.get(action, action.value + " {}").format(counts[action]) for action in Action if action in counts)
    return ", ".join(parts) + f" ({len(result.input_text)} → {len(result.text)} characters)"


def explain_note(note: Note) -> str:
    where = f"input {note.input_span.start}-{note.input_span.end}"
    if note.output_span is not None:
        where += f" → output {note.output_span.start}-{note.output_span.end}"
    elif note.action.rule is not ReplayRule.NONE:
        where += " → removed"
    change = _describe_change(note)
    evidence = ", ".join(f"{key}={_short(value)}" for key, value in note.evidence.items())
    line = f"{note.id} [{note.stage}/{note.action.value}] {where}: {change} — {note.reason}"
    return line + (f" [{evidence}]" if evidence else "")


def _describe_change(note: Note) -> str:
    if note.action is Action.MOVE:
        return f"moved «{_short(note.before)}»"
    if note.before == note.after:
        return f"«{_short(note.before)}»"
    if not note.after:
        return f"dropped «{_short(note.before)}»"
    if not note.before:
        return f"inserted «{_short(note.after)}»"
    return f"«{_short(note.before)}» → «{_short(note.after)}»"


def _short(value) -> str:
    text = str(value).replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 1] + "…"
