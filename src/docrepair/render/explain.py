"""The human explanation: a summary line, then one line per note."""

from __future__ import annotations

from ..model import Action, Note, RepairResult, ReplayRule

_PREVIEW_CHARS = 36


def explain(result: RepairResult) -> str:
    lines = [summarize(result)]
    lines.extend(explain_note(note) for note in result.notes)
    return "\n".join(lines) + "\n"


def summarize(result: RepairResult) -> str:
    counts: dict[Action, int] = {}
    for note in result.notes:
        counts[note.action] = counts.get(note.action, 0) + 1
    parts = [f"kept {len(result.units)} units"]
    parts.extend(f"{action.value} {counts[action]}" for action in Action if action in counts)
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
