"""The HTML report: input and output side by side, every note highlighted on both sides in the
colour of its action, a click (or Enter) shows the note. One self-contained file: no network,
no external script, font or style sheet. Everything from the document is escaped; the notes
travel as JSON in a non-executable script element and are only ever set as text.
"""

from __future__ import annotations

import html
import json
from typing import Iterable

from ..model import Action, Note, RepairResult, ReplayRule

#: One colour per action (readable on white, distinct in print); unknown actions get grey.
_COLOURS = {
    "split_line": "#d0e4ff",
    "drop_duplicate": "#ffd6d6",
    "merge": "#d9f7d0",
    "move": "#ffe9b3",
    "gap": "#e6d6ff",
    "flag": "#ffc6f0",
    "drop_chrome": "#e0e0e0",
    "extract_metadata": "#cfeff5",
    "join_lines": "#d0f0e8",
    "repair_citation": "#f5e6c8",
    "repair_mojibake": "#c8f5c8",
    "mark_missing": "#f5c8c8",
    "strip_pinyin": "#fff3b0",
    "drop_stray_punct": "#f0d8c0",
    "drop_invisible": "#dddddd",
    "restore_marker": "#b8e0ff",
    "convert_script": "#eeeeff",
}

_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;margin:0;color:#222}
header{position:sticky;top:0;background:#fafafa;border-bottom:1px solid #ccc;padding:.5em 1em;z-index:2}
h1{font-size:1.1em;margin:0 0 .3em}
.bar label{display:inline-block;margin:0 .8em .2em 0;padding:0 .4em;border-radius:3px;cursor:pointer}
main{display:grid;grid-template-columns:1fr 1fr;gap:1em;padding:1em}
section h2{font-size:1em;margin:.2em 0}
pre{white-space:pre-wrap;word-break:break-all;font-family:inherit;line-height:1.7;margin:0}
mark{border-radius:2px;cursor:pointer;color:inherit}
mark:focus{outline:2px solid #333}
mark.removed{display:inline-block;min-width:.6em;border-left:3px solid #c00}
mark.hidden{background:none!important;border:none}
#note{position:fixed;right:1em;bottom:1em;max-width:36em;max-height:50vh;overflow:auto;background:#fff;border:1px solid #888;
box-shadow:0 2px 8px rgba(0,0,0,.2);padding:.7em 1em;display:none;z-index:3;white-space:pre-wrap}
@media print{header{position:static}#note{display:none!important}main{display:block}mark{border:1px solid #999}}
"""

_SCRIPT = """
(function(){
  var notes = JSON.parse(document.getElementById('notes-data').textContent);
  var byId = {}; notes.forEach(function(n){ byId[n.id] = n; });
  var box = document.getElementById('note');
  function show(id){
    var n = byId[id]; if(!n) return;
    box.textContent = '';
    var lines = [n.id + '  ' + n.action + '  (' + n.stage + ')', n.reason,
      'input ' + n.input_span.join('-') + (n.output_span ? ' → output ' + n.output_span.join('-') : ' → removed'),
      'before: ' + n.before, 'after: ' + n.after, 'evidence: ' + JSON.stringify(n.evidence)];
    lines.forEach(function(l){ var d = document.createElement('div'); d.textContent = l; box.appendChild(d); });
    var twin = n.evidence && (n.evidence.kept_input_span || n.evidence.from_input_span);
    if (twin) {
      var a = document.createElement('a'); a.href = '#'; a.textContent = 'go to the kept copy (input ' + twin.join('-') + ')';
      a.addEventListener('click', function(e){ e.preventDefault(); var t = document.querySelector('[data-input-start="' + twin[0] + '"]');
        if (t) { t.scrollIntoView({block:'center'}); t.focus(); } });
      box.appendChild(a);
    }
    box.style.display = 'block';
  }
  document.querySelectorAll('mark[data-note]').forEach(function(m){
    m.addEventListener('click', function(){ show(m.getAttribute('data-note')); });
    m.addEventListener('keydown', function(e){ if (e.key === 'Enter') show(m.getAttribute('data-note')); });
  });
  document.querySelectorAll('input[data-action]').forEach(function(box){
    box.addEventListener('change', function(){
      var action = box.getAttribute('data-action');
      document.querySelectorAll('mark[data-action="' + action + '"]').forEach(function(m){ m.classList.toggle('hidden', !box.checked); });
    });
  });
  document.addEventListener('keydown', function(e){ if (e.key === 'Escape') box.style.display = 'none'; });
})();
"""


def render_report(result: RepairResult, title: str | None = None) -> str:
    counts: dict[str, int] = {}
    for note in result.notes:
        counts[note.action.value] = counts.get(note.action.value, 0) + 1
    title = title or (result.header.get("input", {}).get("source") or "document")
    data = json.dumps([note.to_dict() for note in result.notes], ensure_ascii=False).replace("</", "<\\/")
    return "".join(
        [
            "<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\">",
            f"<title>docrepair report: {html.escape(title)}</title><style>{_STYLE}</style></head><body>",
            f"<header><h1>docrepair report: {html.escape(title)}</h1><div class=\"bar\">",
            f"<span>{len(result.notes)} notes</span> ",
            "".join(_filter(action, counts[action.value]) for action in Action if action.value in counts),
            "</div></header><main>",
            f"<section><h2>input ({len(result.input_text)} characters)</h2><pre id=\"input\">{_highlight(result.input_text, result.notes, 'input')}</pre></section>",
            f"<section><h2>output ({len(result.text)} characters)</h2><pre id=\"output\">{_highlight(result.text, _with_removal_points(result), 'output')}</pre></section>",
            "</main><div id=\"note\" role=\"dialog\" aria-live=\"polite\"></div>",
            f"<script type=\"application/json\" id=\"notes-data\">{data}</script>",
            f"<script>{_SCRIPT}</script></body></html>\n",
        ]
    )


def _filter(action: Action, count: int) -> str:
    colour = _COLOURS.get(action.value, "#cccccc")
    return (
        f"<label style=\"background:{colour}\" title=\"{html.escape(action.meaning)}\">"
        f"<input type=\"checkbox\" checked data-action=\"{action.value}\"> {action.value} {count}</label>"
    )


def _with_removal_points(result: RepairResult) -> list[Note]:
    """The notes, each removal given an output span of zero width where its text was: just
    before the output character that came from the next surviving input character."""
    import bisect
    import dataclasses

    from ..ledger import replay_with_origins
    from ..model import Span

    _, origins = replay_with_origins(result.input_text, result.notes)
    position_of = {origin: index for index, origin in enumerate(origins) if origin >= 0}
    surviving = sorted(position_of)
    placed = []
    for note in result.notes:
        if note.output_span is None:
            slot = bisect.bisect_left(surviving, note.input_span.end)
            at = position_of[surviving[slot]] if slot < len(surviving) else len(result.text)
            note = dataclasses.replace(note, output_span=Span(at, at))
        placed.append(note)
    return placed


def _highlight(text: str, notes: Iterable[Note], side: str) -> str:
    """The text with one <mark> per note on this side, built in one pass over sorted spans.
    Marks never cross: a note whose span lies inside another's is listed on the outer mark
    (data-also), and so is a position (a gap) inside one."""
    spans: list[tuple[int, int, Note]] = []
    for note in notes:
        span = note.input_span if side == "input" else note.output_span
        if span is not None and span.start <= len(text):
            spans.append((span.start, min(span.end, len(text)), note))
    spans.sort(key=lambda item: (item[0], -item[1], item[2].id))
    outers: list[tuple[int, int, Note, list[str]]] = []
    for start, end, note in spans:
        if outers and start < outers[-1][1] and (start > outers[-1][0] or end <= outers[-1][1]):
            outers[-1][3].append(note.id)
            continue
        outers.append((start, end, note, []))
    parts: list[str] = []
    cursor = 0
    for start, end, note, also in outers:
        parts.append(html.escape(text[cursor:start]))
        parts.append(_mark(note, side, html.escape(text[start:end]), removed=start == end, extra=also))
        cursor = max(cursor, end)
    parts.append(html.escape(text[cursor:]))
    return "".join(parts)


def _mark(note: Note, side: str, body: str, removed: bool = False, extra: list[str] | None = None) -> str:
    colour = _COLOURS.get(note.action.value, "#cccccc")
    span = note.input_span if side == "input" else note.output_span
    attributes = (
        f" data-note=\"{html.escape(note.id)}\" data-action=\"{note.action.value}\" data-side=\"{side}\""
        f" data-input-start=\"{note.input_span.start}\" tabindex=\"0\" title=\"{html.escape(note.action.value + ': ' + note.reason)}\""
        f" style=\"background:{colour}\""
    )
    if extra:
        attributes += f" data-also=\"{html.escape(' '.join(extra))}\""
    css = " class=\"removed\"" if removed else ""
    return f"<mark{css}{attributes}>{body or ''}</mark>" if span is not None else ""
