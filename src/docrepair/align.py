"""The sequence aligner: cydifflib (difflib's API, compiled) when it imports, difflib otherwise.
Both give the same opcodes for the same input; only the speed differs."""

from __future__ import annotations

try:
    from cydifflib import SequenceMatcher
except ImportError:  # pragma: no cover - exercised only where cydifflib has no wheel
    from difflib import SequenceMatcher

__all__ = ["ALIGNER", "SequenceMatcher", "align_opcodes"]

#: Which implementation runs, for the evidence of the notes that rest on an alignment.
ALIGNER = SequenceMatcher.__module__.split(".")[0]


def align_opcodes(first: list[str], second: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes turning `first` into `second`, with autojunk off: in a clause of a few
    sentences no sentence is noise."""
    return SequenceMatcher(None, first, second, autojunk=False).get_opcodes()
