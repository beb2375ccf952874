"""Machine-readable renderings: JSONL notes and the whole result as JSON."""

from __future__ import annotations

import json
from typing import Iterable

from ..errors import NotesError
from ..model import Note, RepairResult


def notes_to_jsonl(notes: Iterable[Note]) -> str:
    """One note per line, keys in a fixed order, non-ASCII kept readable."""
    return "".join(json.dumps(note.to_dict(), ensure_ascii=False) + "\n" for note in notes)


def notes_from_jsonl(text: str | bytes, source: str | None = None) -> list[Note]:
    """Notes from JSONL (as `notes_to_jsonl` writes them, str or UTF-8 bytes). A file that is not
    one raises NotesError, naming `source` (a path, for the message) and the line."""
    name = source or "the notes"
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise NotesError(f"{name} is not a docrepair notes file (not UTF-8: {error.reason} at byte {error.start})") from None
    notes = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise NotesError("not a JSON object")
            notes.append(Note.from_dict(data))
        except (NotesError, ValueError) as error:
            raise NotesError(f"{name} is not a docrepair notes file (line {number}: {error})") from None
    return notes


def result_to_json(result: RepairResult) -> str:
    """`fix --format json`: the result, and its clause outline (docrepair.render.outline)."""
    from .outline import outline

    return json.dumps({**result.to_dict(), "outline": outline(result)}, ensure_ascii=False, indent=1) + "\n"
