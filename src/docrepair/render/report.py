"""The HTML report: the input and the output side by side. It opens on the notes a person should
check (Note.risk == "review"), listed first and highlighted on both sides in the colour of their
action; a click or Enter on a highlight, or n / p from one to the next, shows the note (reason,
evidence, the kept twin with a link that scrolls to it); checkboxes filter actions; it prints.
A copy dropped without being an exact copy carries, in the list, its diff against its kept twin
(render.twin_diff). An outline panel lists the numbered clauses (render.outline) as a tree whose
entries select their line in the output pane.

Routine notes (pinyin, widths, exact copies, chrome a rule names…) are summarised per kind, not
drawn one by one: a line per action with its count, its meaning and a few examples in context,
and ◀ ▶ buttons that select each change of that kind in the input pane. Drawing each of them
made a scraped page's report 37 times its size (seed 000: 763 notes, 745 of them routine, 609 KB
for a 16 KB page) and buried the few changes worth a look. A page is now about 15 KB of style and
script, the two texts, and the review notes: 79 KB for seed 000, and every sample's under 5 times
its input (a test holds that).

One self-contained file: no network, no external script, font or style sheet. Everything from the
document and the notes is escaped (html.escape) on its way into the markup; the notes travel as
JSON in a non-executable <script type="application/json"> whose `<`, `>` and `&` are \\u-escaped,
and the page's own script only ever sets them as text (textContent), never as markup.

Each side is built in one pass over the spans sorted by start: marks nest, and a span that would
cross another's end is cut into pieces (the first piece is the focusable one, the others carry
class `cont`). Positions (an insertion seen on the input side, removed text on the output side,
a gap) are small empty marks whose sign comes from CSS, so the text itself stays exactly the
document's text.
"""

from __future__ import annotations

import heapq
import html
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import PurePath
from typing import Any

from ..ledger import OffsetMap, input_span_of, map_offsets
from ..model import Action, Note, RepairResult
from .explain import summarize
from .outline import outline
from .twin_diff import is_near_drop, render_twin_diff

#: One background per action: pastel enough for black text, distinct from their neighbours, and
#: kept in print. Actions added to `Action` later get `_DEFAULT_COLOUR` until they are given one.
_COLOURS = {
    "drop_duplicate": "#ffc9c9",
    "merge": "#c3efb8",
    "move": "#ffe08a",
    "restore_marker": "#a8d5ff",
    "gap": "#dccbff",
    "repair_mojibake": "#d8f29e",
    "mark_missing": "#ffb27f",
    "strip_pinyin": "#fff0a0",
    "drop_stray_punct": "#e9cfb6",
    "normalize_punct": "#efe2d0",
    "drop_invisible": "#e6e6e6",
    "split_line": "#cde0ff",
    "drop_chrome": "#d9d9d9",
    "extract_metadata": "#c4edf6",
    "join_lines": "#bfeee0",
    "repair_citation": "#f1dcb0",
    "convert_script": "#e4e0ff",
    "flag": "#ffbde8",
}
_DEFAULT_COLOUR = "#d0d0d0"
_ALL_NONE = '<button type="button" data-all="1">all</button><button type="button" data-all="0">none</button>'

#: Characters of before/after/twin text carried in the JSON for one note; the full text is in the
#: panes (a 1 MB input with long duplicate blocks would otherwise double the page).
_EXCERPT_CHARS = 600
#: Routine notes of one kind shown as examples on its summary line; ◀ ▶ reach the rest.
_ROUTINE_EXAMPLES = 3
#: Characters of input shown either side of an example, and of its before/after text at most.
_EXAMPLE_CONTEXT_CHARS = 6
_EXAMPLE_CHARS = 24

_CJK_FONTS = {
    "zh-Hans": '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei",'
    '"WenQuanYi Zen Hei","WenQuanYi Micro Hei"',
    "zh-Hant": '"Noto Sans CJK TC","Source Han Sans TC","PingFang TC","Microsoft JhengHei",'
    '"WenQuanYi Zen Hei","WenQuanYi Micro Hei"',
}

#: Where the page's style sheet and script live (package data, also inside a wheel or zip).
_HERE = resources.files(__package__)
# The page's style sheet and script are package data, kept as files so that they can be read,
# linted and diffed as CSS and JavaScript; read once, when this module is imported.
_STYLE = (_HERE / "report.css").read_text(encoding="utf-8")

_SCRIPT = (_HERE / "report.js").read_text(encoding="utf-8")

#: The script as the page carries it: each line without its indentation (a fifth of its bytes)
#: and without its whole-line `//` comments (the script has no multi-line string or regex that
#: such a line could be part of); line breaks stay, so a comment after code still ends where it should.
_SCRIPT_SENT = "\n".join(
    line.strip() for line in _SCRIPT.strip().splitlines() if line.strip() and not line.strip().startswith("//")
)


def render_report(result: RepairResult, title: str | None = None) -> str:
    """The whole report as one HTML string (UTF-8 when written)."""
    offsets = map_offsets(result)
    source = str(result.header.get("input", {}).get("source") or "")
    title = title or (PurePath(source).name if source else "document")
    document = result.header.get("document") or {}
    lang = "zh-Hant" if document.get("script") == "traditional" else "zh-Hans"
    review = [note for note in result.notes if note.risk == "review"]
    routine = [note for note in result.notes if note.risk != "review"]
    counts: dict[Action, int] = {}
    for note in review:
        counts[note.action] = counts.get(note.action, 0) + 1
    present = [action for action in Action if action in counts]
    coloured = [action for action in Action if action in counts or any(note.action is action for note in routine)]
    places = {note.id: offsets.removal_point(note) for note in review if note.output_span is None}
    refs = {note.id: _refs(note, result, offsets) for note in review}
    input_marks, output_marks = _side_marks(result, review, places, refs)
    described = " · ".join(str(document[key]) for key in ("title", "number", "issuer", "date") if document.get(key))
    style = (
        _STYLE.replace("__FONTS_HANT__", _CJK_FONTS["zh-Hant"])
        .replace("__FONTS__", _CJK_FONTS[lang])
        + "".join(f".a-{_css_name(action)}{{background:{_colour(action)}}}" for action in coloured)
    )
    routine_summary, routine_spans = _routine_summary(routine, result.input_text, lang, is_open=not review)
    outline_panel, outline_entries = _outline_panel(result, lang)
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>docrepair report: {_escape(title)}</title><style>{style}</style></head><body>",
        f'<header><h1>docrepair report <span class="file">{_escape(title)}</span></h1>',
        f'<p class="doc" lang="{lang}">{_escape(described)}</p>' if described else "",
        f'<p class="summary">{_escape(summarize(result))}</p>',
        _review_list(review, result.input_text, lang),
        routine_summary,
        outline_panel,
        '<div class="bar" role="group" aria-label="show or hide the highlights of an action">',
        f'<span class="total">{len(result.notes)} notes, {len(review)} highlighted</span>',
        "".join(_filter(action, counts[action]) for action in present),
        _ALL_NONE if present else "",
        "</div></header><main>",
        _pane("input", "input", len(result.input_text), lang, _highlight(result.input_text, input_marks)),
        _pane("output", "output", len(result.text), lang, _highlight(result.text, output_marks)),
        "</main>",
        '<aside id="note" role="region" aria-label="the selected note" aria-live="polite" hidden></aside>',
        '<script type="application/json" id="notes-data">',
        _json([_note_data(note, places, refs[note.id]) for note in review]),
        '</script><script type="application/json" id="actions-data">',
        _json({action.value: {"colour": _colour(action), "meaning": action.meaning} for action in present}),
        '</script><script type="application/json" id="routine-data">',
        _json(routine_spans),
        '</script><script type="application/json" id="outline-data">',
        _json(outline_entries),
        f"</script><script>{_SCRIPT_SENT}</script></body></html>\n",
    ]
    return "".join(parts)


def _review_list(review: list[Note], input_text: str, lang: str) -> str:
    """The notes a person should check (Note.risk), first and open; a copy dropped without being
    an exact copy with its inline diff against its kept twin."""
    if not review:
        return '<p class="review-none">nothing to review: every change is routine (pinyin, widths, line breaks, exact copies, chrome a rule names)</p>'
    items = "".join(
        f'<li><button type="button" data-go="{_escape(note.id)}">{_escape(note.id)}</button> '
        f'<span class="act">{_escape(note.action.value)}</span> {_escape(note.reason)}'
        f"{_twin_diff(note, input_text, lang)}</li>"
        for note in review
    )
    return f'<details class="review" open><summary>{len(review)} to review <small>(n / p: next / previous)</small></summary><ol>{items}</ol></details>'


def _outline_panel(result: RepairResult, lang: str) -> tuple[str, list[int]]:
    """The numbered clauses as a tree (render.outline), closed until asked for: the panel, and
    for the page's script its entries as (level, start, length) triples, each start relative to
    the one before, in UTF-16 units (what the browser counts in). The script builds the tree
    from them, each entry a button that selects its clause line in the output pane and shows
    that line's opening words, read from the pane: the words are in the page already, and a
    law's few hundred articles would otherwise add their openings a second time. ("", []) when
    the document has no numbered clause."""
    entries = outline(result)
    if not entries:
        return "", []
    units = _utf16_offsets(result.text)
    flat, previous = [], 0
    for level, entry in zip(_tree_levels([entry["depth"] for entry in entries]), entries):
        start, end = units(entry["span"][0]), units(entry["span"][1])
        flat += [level, start - previous, end - start]
        previous = start
    summary = f"outline: {len(entries)} numbered clauses (a click selects the clause in the output)"
    return f'<details class="outline"><summary>{summary}</summary><ul lang="{lang}"></ul></details>', flat


def _tree_levels(depths: list[int]) -> list[int]:
    """Each entry's nesting level in the list: how many entries before it are its ancestors (of
    lesser depth, not closed by a later one of the same or lesser depth). A level is at most
    one more than the one before, so the lists nest even where the outline skips a depth."""
    open_depths: list[int] = []
    levels = []
    for depth in depths:
        while open_depths and open_depths[-1] >= depth:
            open_depths.pop()
        levels.append(len(open_depths))
        open_depths.append(depth)
    return levels


def _twin_diff(note: Note, input_text: str, lang: str) -> str:
    """A near or partial drop's diff against its kept twin, both as they stand in the input; ""
    for any other note, and for a drop whose twin has no input span (nothing to compare with)."""
    if not is_near_drop(note):
        return ""
    kept = input_span_of(note.evidence.get("kept_input_span"), len(input_text))
    if kept is None:
        return ""
    # A dropped line's span ends with its line break and a kept unit's does not: the break
    # ends the line, it is no part of either copy.
    dropped = input_text[note.input_span.start : note.input_span.end].rstrip("\n")
    return render_twin_diff(dropped, input_text[kept.start : kept.end].rstrip("\n"), lang)


def _routine_summary(routine: list[Note], input_text: str, lang: str, is_open: bool) -> tuple[str, dict[str, list[int]]]:
    """One line per action of the routine notes: its count, its meaning, a few examples in
    context; and, for the page's script, where each of them is in the input, as [start, length]
    pairs in UTF-16 units (what the browser counts in), each start relative to the one before
    (small numbers, so a page with a thousand pinyin notes stays small)."""
    if not routine:
        return "", {}
    by_action: dict[Action, list[Note]] = {}
    for note in sorted(routine, key=lambda note: (note.input_span.start, note.input_span.end)):
        by_action.setdefault(note.action, []).append(note)
    units = _utf16_offsets(input_text)
    lines, spans = [], {}
    for action in [action for action in Action if action in by_action]:
        notes = by_action[action]
        flat, previous = [], 0
        for note in notes:
            start, end = units(note.input_span.start), units(note.input_span.end)
            flat += [start - previous, end - start]
            previous = start
        spans[action.value] = flat
        examples = " · ".join(_example(note, input_text) for note in notes[:_ROUTINE_EXAMPLES])
        name = _escape(action.value)
        lines.append(
            f'<li><span class="chip a-{_css_name(action)}">{name}</span> <b>{len(notes)}</b> '
            f'<span class="meaning">{_escape(action.meaning)}</span> '
            f'<button type="button" data-step="{name}" data-by="-1" aria-label="previous {name}">\u25c0</button>'
            f'<span class="at" data-at="{name}">{len(notes)}</span>'
            f'<button type="button" data-step="{name}" data-by="1" aria-label="next {name}">\u25b6</button>'
            f'<div class="eg" lang="{lang}">{examples}</div></li>'
        )
    summary = f"{len(routine)} routine changes, summarised by kind (not highlighted; \u25c0 \u25b6 select each in the input)"
    html_text = f'<details class="routine"{" open" if is_open else ""}><summary>{summary}</summary><ul>{"".join(lines)}</ul></details>'
    return html_text, spans


def _example(note: Note, input_text: str) -> str:
    """A routine change in a few characters of its input context: left, <del>before</del>,
    <ins>after</ins>, right (line breaks shown as ↵)."""
    start, end = note.input_span.start, note.input_span.end
    left = input_text[max(0, start - _EXAMPLE_CONTEXT_CHARS) : start]
    right = input_text[end : end + _EXAMPLE_CONTEXT_CHARS]
    parts = [_shown(left)]
    if note.before != note.after:
        if note.before:
            parts.append(f"<del>{_shown(note.before)}</del>")
        if note.after:
            parts.append(f"<ins>{_shown(note.after)}</ins>")
    else:
        parts.append(f"<ins>{_shown(note.before)}</ins>")
    parts.append(_shown(right))
    return "".join(parts)


def _shown(text: str) -> str:
    if len(text) > _EXAMPLE_CHARS:
        text = text[: _EXAMPLE_CHARS - 1] + "…"
    return _escape(text.replace("\n", "\u21b5"))


def _utf16_offsets(text: str):
    """Code point offset -> UTF-16 offset, the unit of a browser's strings (they differ after a
    character beyond the BMP, such as a rare Han character of extension B)."""
    astral = [index for index, char in enumerate(text) if ord(char) > 0xFFFF]
    if not astral:
        return lambda offset: offset
    import bisect

    return lambda offset: offset + bisect.bisect_left(astral, offset)


# ---------------------------------------------------------------------------------------------
# What goes on each side


@dataclass(frozen=True, slots=True)
class _Mark:
    """One thing to draw on one side: a span (end > start) or a position (end == start)."""

    start: int
    end: int
    open_tag: str  # for a span, the first piece; for a position, the whole element
    cont_tag: str  # a later piece of a span cut by another's end
    close_tag: str


def _side_marks(
    result: RepairResult, notes: list[Note], places: dict[str, int], refs: dict[str, list[dict]]
) -> tuple[list[_Mark], list[_Mark]]:
    input_marks: list[_Mark] = []
    output_marks: list[_Mark] = []
    ref_spans: dict[tuple[str, int, int], None] = {}
    for note in notes:
        input_marks.append(_note_mark(note, "input", note.input_span.start, note.input_span.end, result.input_text))
        if note.output_span is not None:
            output_marks.append(_note_mark(note, "output", note.output_span.start, note.output_span.end, result.text))
        else:
            output_marks.append(_note_mark(note, "output", places[note.id], places[note.id], result.text, removed=True))
        for ref in refs[note.id]:
            ref_spans[("in", *ref["input"])] = None
            if ref["output"] is not None:
                ref_spans[("out", *ref["output"])] = None
    for side, start, end in ref_spans:
        tag = f'<span class="ref" data-ref="{side}-{start}-{end}">'
        (input_marks if side == "in" else output_marks).append(_Mark(start, end, tag, tag, "</span>"))
    return input_marks, output_marks


def _note_mark(note: Note, side: str, start: int, end: int, text: str, removed: bool = False) -> _Mark:
    start, end = min(start, len(text)), min(end, len(text))
    action = note.action
    classes = [f"a-{_css_name(action)}"]
    label = ""
    if start == end:
        if removed:
            classes += ["point", "removed"]
            label = "\u2702"  # scissors: text was cut here
        elif side == "input" and note.after and note.before != note.after:
            classes += ["point", "inserted"]
            label = _inserted_label(note.after)
        else:
            classes += ["point", "at", "gap-point" if action is Action.GAP else ""]
            label = _position_label(note)
    else:
        if not text[start:end].strip():
            classes.append("ws")
        if side == "input" and note.output_span is None:
            classes.append("gone")
    # No title here: the script gives a highlight its tooltip (id, action, reason) when the
    # pointer first rests on it, from the notes' JSON, instead of every mark carrying it twice.
    common = f' data-note="{_escape(note.id)}" data-action="{_escape(action.value)}" data-side="{side}"'

    css = " ".join(c for c in classes if c)
    if label:
        common += f' data-label="{_escape(label)}"'
    open_tag = f'<mark class="{css}"{common} tabindex="0" role="button">'
    return _Mark(start, end, open_tag, f'<mark class="{css} cont"{common}>', "</mark>")


def _inserted_label(after: str) -> str:
    """What an insertion shows on the input side: ↵ for a line break, else +the text."""
    if not after.strip():
        return "\u21b5"
    shown = after.strip()
    return "+" + (shown if len(shown) <= 8 else shown[:7] + "…")


def _position_label(note: Note) -> str:
    """What a position shows in the text: a gap names its missing number."""
    number = note.evidence.get("number")
    if note.action is Action.GAP and number is not None:
        return f"gap: {number}"
    return note.action.value


def _refs(note: Note, result: RepairResult, offsets: OffsetMap) -> list[dict[str, Any]]:
    """The input spans a note's evidence points to (a dropped duplicate's kept twin, a merged
    sentence's source copy), with where they are in the output and their text."""
    found = []
    for key, value in note.evidence.items():
        if not key.endswith("input_span"):
            continue
        span = input_span_of(value, len(result.input_text))
        if span is None:
            continue
        output = offsets.output_span(span)
        found.append(
            {
                "key": key,
                "input": span.as_list(),
                "output": None if output is None else output.as_list(),
                "text": _excerpt(result.input_text[span.start : span.end]),
            }
        )
    return found


def _note_data(note: Note, places: dict[str, int], refs: list[dict]) -> dict[str, Any]:
    return {
        "id": note.id,
        "step": note.step,
        "stage": note.stage,
        "action": note.action.value,
        "input_span": note.input_span.as_list(),
        "output_span": None if note.output_span is None else note.output_span.as_list(),
        "place": places.get(note.id),
        "before": _excerpt(note.before),
        "after": _excerpt(note.after),
        "reason": note.reason,
        "evidence": {key: _excerpt(value) if isinstance(value, str) else value for key, value in note.evidence.items()},
        "refs": refs,
    }


# ---------------------------------------------------------------------------------------------
# Markup


def _highlight(text: str, marks: list[_Mark]) -> str:
    """The text with its marks, in one pass over the marks sorted by start (longest first).

    A span that would reach past the end of the innermost open span is cut there and its rest
    queued again from that point, so the open spans always nest and the markup is well formed.
    Positions are drawn after the spans ending there close and before those starting there open.
    """
    spans = [(m.start, -m.end, order, False) for order, m in enumerate(marks) if m.end > m.start]
    heapq.heapify(spans)
    points = sorted((m.start, order) for order, m in enumerate(marks) if m.end == m.start)
    parts: list[str] = []
    open_ends: list[tuple[int, str]] = []  # (end, closing tag), innermost last; ends never increase
    cursor = 0
    next_point = 0
    infinity = len(text) + 1
    while spans or next_point < len(points) or open_ends:
        at = min(
            spans[0][0] if spans else infinity,
            points[next_point][0] if next_point < len(points) else infinity,
            open_ends[-1][0] if open_ends else infinity,
        )
        parts.append(html.escape(text[cursor:at], quote=False))
        cursor = at
        while open_ends and open_ends[-1][0] <= at:
            parts.append(open_ends.pop()[1])
        while next_point < len(points) and points[next_point][0] == at:
            parts.append(marks[points[next_point][1]].open_tag + "</mark>")
            next_point += 1
        while spans and spans[0][0] == at:
            start, negative_end, order, is_rest = heapq.heappop(spans)
            end = -negative_end
            if open_ends and end > open_ends[-1][0]:
                heapq.heappush(spans, (open_ends[-1][0], negative_end, order, True))
                end = open_ends[-1][0]
            mark = marks[order]
            parts.append(mark.cont_tag if is_rest else mark.open_tag)
            open_ends.append((end, mark.close_tag))
    parts.append(html.escape(text[cursor:], quote=False))
    return "".join(parts)


def _pane(element_id: str, name: str, length: int, lang: str, body: str) -> str:
    return (
        f'<section aria-labelledby="h-{element_id}">'
        f'<h2 id="h-{element_id}">{name} <small>{length} characters</small></h2>'
        f'<pre class="text" id="{element_id}" lang="{lang}">{body}</pre></section>'
    )


def _filter(action: Action, count: int) -> str:
    return (
        f'<label class="a-{_css_name(action)}" title="{_escape(action.meaning)}">'
        f'<input type="checkbox" checked data-action="{_escape(action.value)}">'
        f" {_escape(action.value)} <b>{count}</b></label>"
    )


def _colour(action: Action) -> str:
    return _COLOURS.get(action.value, _DEFAULT_COLOUR)


def _css_name(action: Action) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", action.value)


def _escape(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _excerpt(text: str) -> str:
    if len(text) <= _EXCERPT_CHARS:
        return text
    return text[: _EXCERPT_CHARS - 1] + f"… (+{len(text) - _EXCERPT_CHARS + 1} characters)"


def _json(value: Any) -> str:
    """JSON that no `</script>`, `<!--` or entity inside a string can break out of."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
