"""Machine-readable renderings: JSONL notes and the whole result as JSON."""

from __future__ import annotations

import json
from typing import Iterable

from ..model import Note, RepairResult


def notes_to_jsonl(notes: Iterable[Note]) -> str:
    """One note per line, keys in a fixed order, non-ASCII kept readable."""
    return "".join(json.dumps(note.to_dict(), ensure_ascii=False) + "\n" for note in notes)


def notes_from_jsonl(text: str) -> list[Note]:
    return [Note.from_dict(json.loads(line)) for line in text.splitlines() if line.strip()]


def result_to_json(result: RepairResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n"
