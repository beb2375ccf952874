"""The human explanation: a summary line in words, then the notes grouped by the clause they
concern, in output order.

Every note is placed at one output position: where its text is now, where its text was (for
removed text: just before the output character that came from the next surviving input
character), or, for a dropped duplicate, where its kept twin is now, so a clause's group lists
the copies that gave way to it. `ledger.OffsetMap` does that mapping, from the origins the result
carries (no replay); the HTML report uses it too.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Sequence

from ..ledger import OffsetMap, map_offsets
from ..model import Action, Note, RepairResult, ReplayRule, Role, Span, Unit

#: Characters of text quoted in one line (long enough to recognise a clause by its opening words).
_PREVIEW_CHARS = 36

#: Roles that end the body: a signature or date after the last clause opens a group of its own.
_CLOSING_ROLES = frozenset({Role.SIGNATURE, Role.DATE})


# ---------------------------------------------------------------------------------------------
# The explanation


@dataclass(frozen=True)
class ClauseGroup:
    """A numbered clause (or the head, or the closing lines) with the notes that concern it."""

    heading: str
    span: Span | None  # in the output; None when the output has no units
    notes: tuple[Note, ...]


def explain(result: RepairResult) -> str:
    """A summary, the notes to review first (Note.risk), then every note grouped by the clause it
    concerns, in output order."""
    lines = [summarize(result)]
    review = [note for note in result.notes if note.risk == "review"]
    if review:
        lines.append(f"── to review first ({len(review)}): the changes a person should check")
        lines.extend("   " + explain_note(note) for note in review)
    for group in group_notes_by_clause(result):
        where = f"  [output {group.span.start}-{group.span.end}]" if group.span is not None else ""
        lines.append(f"── {group.heading}{where}")
        lines.extend("   " + explain_note(note) for note in group.notes)
    return "\n".join(lines) + "\n"


def group_notes_by_clause(result: RepairResult, offsets: OffsetMap | None = None) -> list[ClauseGroup]:
    """The clauses of the output that have notes, in output order, each with its notes in the
    order of their output positions (dropped copies of the clause after the notes in it)."""
    if not result.notes:
        return []
    offsets = offsets or map_offsets(result)
    heads = _clause_heads(sorted(result.units, key=lambda unit: unit.span.start))
    starts = [unit.span.start for unit, _ in heads]
    placed: dict[int, list[tuple[tuple[int, int, int], Note]]] = {}
    for order, note in enumerate(result.notes):
        position = offsets.position(note)
        by_twin = note.output_span is None and offsets.twin_output_span(note) is not None
        index = max(0, bisect.bisect_right(starts, position) - 1)
        placed.setdefault(index, []).append(((int(by_twin), position, order), note))
    groups = []
    for index in sorted(placed):
        notes = tuple(note for _, note in sorted(placed[index], key=lambda pair: pair[0]))
        if not heads:
            groups.append(ClauseGroup("(the whole text)", None, notes))
            continue
        unit, label = heads[index]
        end = heads[index + 1][0].span.start if index + 1 < len(heads) else len(result.text)
        groups.append(ClauseGroup(label + _short(unit.text), Span(unit.span.start, max(unit.span.start, end)), notes))
    return groups


def _clause_heads(units: Sequence[Unit]) -> list[tuple[Unit, str]]:
    """The units that open a group, each with a label: the first unit (the head of the document),
    every numbered clause, and the first signature or date after a clause."""
    heads: list[tuple[Unit, str]] = []
    for unit in units:
        if not heads:
            heads.append((unit, "(head) " if not unit.marker else ""))
        elif unit.marker:
            heads.append((unit, ""))
        elif unit.role in _CLOSING_ROLES and heads[-1][0].marker:
            heads.append((unit, "(end) "))
    return heads


#: How the summary says each action, singular and plural. The structural changes lead (the order
#: the issue asked for: duplicates, merges, moves, markers, gaps); the rest follow in `Action` order.
_SUMMARY_WORDS: dict[Action, tuple[str, str]] = {
    Action.DROP_DUPLICATE: ("dropped {} duplicate", "dropped {} duplicates"),
    Action.MERGE: ("merged {} clause copy", "merged {} clause copies"),
    Action.MOVE: ("moved {}", "moved {}"),
    Action.RESTORE_MARKER: ("restored {} marker", "restored {} markers"),
    Action.GAP: ("{} gap", "{} gaps"),
    Action.REPAIR_MOJIBAKE: ("re-read {} garbled run", "re-read {} garbled runs"),
    Action.MARK_MISSING: ("marked {} unreadable run □", "marked {} unreadable runs □"),
    Action.STRIP_PINYIN: ("removed {} glued reading", "removed {} glued readings"),
    Action.DROP_STRAY_PUNCT: ("removed {} stray comma", "removed {} stray commas"),
    Action.NORMALIZE_PUNCT: ("set {} mark to the document's width", "set {} marks to the document's width"),
    Action.DROP_INVISIBLE: ("removed {} invisible run", "removed {} invisible runs"),
    Action.SPLIT_LINE: ("inserted {} line break", "inserted {} line breaks"),
    Action.DROP_CHROME: ("removed {} chrome line", "removed {} chrome lines"),
    Action.EXTRACT_METADATA: ("moved {} metadata row to the header", "moved {} metadata rows to the header"),
    Action.JOIN_LINES: ("joined {} broken line", "joined {} broken lines"),
    Action.REPAIR_CITATION: ("repaired {} document number", "repaired {} document numbers"),
    Action.CONVERT_SCRIPT: ("converted {} run of script", "converted {} runs of script"),
    Action.FLAG: ("{} flag", "{} flags"),
}
_LEADING = (Action.DROP_DUPLICATE, Action.MERGE, Action.MOVE, Action.RESTORE_MARKER, Action.GAP)


def summarize(result: RepairResult) -> str:
    """One line: the units kept, each action's count in words, and the lengths."""
    counts: dict[Action, int] = {}
    for note in result.notes:
        counts[note.action] = counts.get(note.action, 0) + 1
    ordered = [action for action in _LEADING if action in counts]
    ordered += [action for action in Action if action in counts and action not in _LEADING]
    parts = [f"kept {len(result.units)} unit{'s' if len(result.units) != 1 else ''}"]
    parts += [say_count(action, counts[action]) for action in ordered]
    review = sum(1 for note in result.notes if note.risk == "review")
    return ", ".join(parts) + f" ({len(result.input_text)} → {len(result.text)} characters)" + (f"; {review} to review" if review else "")


def say_count(action: Action, count: int) -> str:
    """`dropped 3 duplicates`; an action without words is named: `some_action 3`."""
    singular, plural = _SUMMARY_WORDS.get(action, (action.value + " {}", action.value + " {}"))
    return (singular if count == 1 else plural).format(count)


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
        return f"«{_short(note.before)}»" if note.before else "(a position)"
    if not note.after:
        return f"dropped «{_short(note.before)}»"
    if not note.before:
        return f"inserted «{_short(note.after)}»"
    return f"«{_short(note.before)}» → «{_short(note.after)}»"


def _short(value) -> str:
    text = str(value).replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 1] + "…"
