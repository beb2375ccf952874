"""A copy dropped without being an exact copy (a `drop_duplicate` note whose evidence `match` is
`near` or `partial`), shown beside the kept twin it was matched to: both texts as they stand in the
input, aligned character by character (align.align_opcodes: cydifflib, or difflib), with what
differs marked: <del> in the dropped copy for characters the kept one lacks (they go with the drop,
so they are what a reviewer must judge), <ins> in the kept copy for characters the dropped one
lacks (for a partial copy, the rest of the kept clause).

Runs of identical characters longer than two contexts are cut to their ends around an `elided`
mark whose title counts what it hides, and a long differing run is cut too, so a diff grows with the
differences, not with the length of the copies; the whole texts are in the report's panes.
"""

from __future__ import annotations

import html

from ..align import align_opcodes
from ..model import Action, Note

#: Identical characters shown on each side of a difference: about half a line of a clause, enough
#: to place the difference in its sentence.
_CONTEXT_CHARS = 12
#: Characters of one differing run shown; the rest are counted. A partial copy's kept twin is the
#: whole clause (seed 003: up to 251 characters), and the kept pane holds all of it.
_RUN_CHARS = 60
#: Characters of each copy aligned at most. The aligner is quadratic in the worst case and a
#: dropped block can be pages long; the longest near or partial copy among the samples is 251
#: characters, so a real clause is compared whole.
_ALIGN_CHARS = 1000


def is_near_drop(note: Note) -> bool:
    """A dropped copy that was not an exact copy of its kept twin (evidence match near or partial)."""
    return note.action is Action.DROP_DUPLICATE and note.evidence.get("match") not in (None, "exact")


def render_twin_diff(dropped: str, kept: str, lang: str = "zh-Hans") -> str:
    """Two rows, `dropped` then `kept`, each the copy's text with its differing characters marked;
    line breaks shown as ↵; `lang` picks the CJK font. Deterministic: the aligner's opcodes
    depend only on the two texts."""
    compared_dropped, compared_kept = dropped[:_ALIGN_CHARS], kept[:_ALIGN_CHARS]
    dropped_parts: list[str] = []
    kept_parts: list[str] = []
    only_dropped = only_kept = 0
    for tag, dropped_start, dropped_end, kept_start, kept_end in align_opcodes(list(compared_dropped), list(compared_kept)):
        if tag == "equal":
            same = _identical(compared_dropped[dropped_start:dropped_end])
            dropped_parts.append(same)
            kept_parts.append(same)
            continue
        if dropped_end > dropped_start:
            dropped_parts.append(f"<del>{_differing(compared_dropped[dropped_start:dropped_end])}</del>")
            only_dropped += dropped_end - dropped_start
        if kept_end > kept_start:
            kept_parts.append(f"<ins>{_differing(compared_kept[kept_start:kept_end])}</ins>")
            only_kept += kept_end - kept_start
    dropped_parts.append(_not_compared(len(dropped) - len(compared_dropped)))
    kept_parts.append(_not_compared(len(kept) - len(compared_kept)))
    counted = f"{_characters(only_dropped)} only in the dropped copy, {_characters(only_kept)} only in the kept one"
    if len(dropped) > _ALIGN_CHARS or len(kept) > _ALIGN_CHARS:
        counted += f" (of the first {_ALIGN_CHARS} of each)"
    return (
        f'<div class="twin" lang="{html.escape(lang)}">'
        f'<span class="who">dropped</span><span class="copy">{"".join(dropped_parts)}</span>'
        f'<span class="who">kept</span><span class="copy">{"".join(kept_parts)}</span>'
        f'<span class="who"></span><span class="counted">{counted}</span>'
        "</div>"
    )


def _identical(text: str) -> str:
    """A run both copies share: whole when short, else its two ends (a clause's opening words
    name it, and the characters next to a difference place it)."""
    if len(text) <= 2 * _CONTEXT_CHARS + 1:
        return _shown(text)
    hidden = len(text) - 2 * _CONTEXT_CHARS
    return _shown(text[:_CONTEXT_CHARS]) + _elided(f"{hidden} identical characters") + _shown(text[-_CONTEXT_CHARS:])


def _differing(text: str) -> str:
    if len(text) <= _RUN_CHARS:
        return _shown(text)
    return _shown(text[:_RUN_CHARS]) + _elided(f"{len(text) - _RUN_CHARS} more characters")


def _not_compared(count: int) -> str:
    return _elided(f"{count} more characters, not compared") if count > 0 else ""


def _characters(count: int) -> str:
    return f"{count} character" if count == 1 else f"{count} characters"


def _elided(title: str) -> str:
    """An ellipsis standing for characters left out, its title saying how many and which."""
    return f'<span class="elided" title="{title}">\u2026</span>'


def _shown(text: str) -> str:
    return html.escape(text.replace("\n", "\u21b5"), quote=False)
