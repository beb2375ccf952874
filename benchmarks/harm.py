"""Do no harm: every clean reference through `fix` with the default options.

A clean document should come out as it went in. A document counts as harmed when the repair
drops, moves or merges anything (or strips chrome, re-reads bytes or restores a marker: clean text
has none of that damage), or when one of its sentences is missing or out of order in the output.
Other changes (punctuation width, white space) are counted apart as "text changed": not harm by
this definition, but worth a look.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .corpus import Reference
from .score import fold, order_concordance

#: Actions that must never fire on a clean document.
HARMFUL_ACTIONS = ("drop_duplicate", "move", "merge", "drop_chrome", "repair_mojibake", "restore_marker")


@dataclass(frozen=True)
class HarmCheck:
    reference: Reference
    actions: dict[str, int]  # harmful actions that fired, with their counts
    recall: float  # share of the document's sentences still in the output
    order: float  # concordance of their order
    text_changed: bool  # the output differs beyond width and white space

    @property
    def harmed(self) -> bool:
        return bool(self.actions) or self.recall < 1.0 or self.order < 1.0

    def describe(self) -> str:
        parts = [f"{action} ×{count}" for action, count in sorted(self.actions.items())]
        if self.recall < 1.0:
            parts.append(f"sentences kept {self.recall:.3f}")
        if self.order < 1.0:
            parts.append(f"order {self.order:.3f}")
        if not parts and self.text_changed:
            parts.append("text changed (no harmful action)")
        return ", ".join(parts) or "unchanged"


def check(reference: Reference) -> HarmCheck:
    from docrepair import repair_text

    result = repair_text(reference.text)
    actions = Counter(note.action.value for note in result.notes if note.action.value in HARMFUL_ACTIONS)
    truth, output = _sentences(reference.text), _sentences(result.text)
    present = Counter(output)
    recall = sum(1 for sentence in truth if present[sentence]) / max(1, len(truth))
    return HarmCheck(reference, dict(actions), recall, order_concordance(truth, output), fold(result.text) != fold(reference.text))


def _sentences(text: str) -> list[str]:
    """Folded sentences of the whole text with its line breaks removed first, so that a title
    joined from two lines (a repair, not harm) splits the same way in the input and the output."""
    return [part for part in re.split(r"(?<=[。！？；!?;])", fold(text)) if part]


def check_all(references: list[Reference]) -> list[HarmCheck]:
    return [check(reference) for reference in references]
