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

_STYLE = """
*{box-sizing:border-box}
html,body{height:100%}
body{margin:0;display:flex;flex-direction:column;color:#1d1d1f;background:#fff;
 font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,__FONTS__,sans-serif}
header{flex:none;padding:.55rem 1rem .5rem;border-bottom:1px solid #d0d0d0;background:#f7f7f8}
h1{font-size:1.05rem;margin:0;font-weight:600;display:flex;gap:.6em;align-items:baseline;flex-wrap:wrap}
h1 .file{font-weight:400;color:#555;font-size:.9rem}
.doc{margin:.1rem 0 0;color:#333}
.summary{margin:.15rem 0 .35rem;color:#444;font-size:.9rem}
.review{margin:.2rem 0 .4rem;font-size:.88rem}.review summary{cursor:pointer;font-weight:600}
.review ol{max-height:9rem;overflow:auto;margin:.2rem 0;padding-left:1.6rem}.review .act{color:#555;font-family:monospace}
.twin{display:grid;grid-template-columns:max-content 1fr;gap:0 .5rem;margin:.15rem 0 .35rem;font-family:__FONTS__,sans-serif}
.twin .who{color:#666;font:.75rem system-ui,sans-serif;align-self:baseline}.twin .copy{overflow-wrap:anywhere}
.twin del{background:#ffc9c9;text-decoration:line-through}.twin ins{background:#c3efb8;text-decoration:none}.twin .elided{color:#888}.twin .counted{color:#555;font:.75rem system-ui,sans-serif}
.review-none{margin:.2rem 0;color:#2a6a2a;font-size:.88rem}
.routine{margin:.2rem 0 .4rem;font-size:.85rem}.routine summary{cursor:pointer;color:#333}
.routine ul{max-height:9rem;overflow:auto;margin:.2rem 0;padding-left:1rem;list-style:none}
.routine li{margin:.1rem 0}.routine .chip{padding:0 .45em;border-radius:1rem;border:1px solid rgba(0,0,0,.18)}
.routine .meaning{color:#555}.routine button{font:inherit;font-size:.75rem;padding:0 .35rem;border:1px solid #bbb;border-radius:4px;background:#fff;cursor:pointer}
.routine .at{display:inline-block;min-width:4em;text-align:center;color:#555;font-size:.8rem}
.routine .eg{color:#444;padding-left:1.2rem;font-family:__FONTS__,sans-serif}
.routine del{background:#ffd6d6;text-decoration:line-through}.routine ins{background:#d6f5d6;text-decoration:none}
.outline{margin:.2rem 0 .4rem;font-size:.85rem}.outline summary{cursor:pointer;color:#333}
.outline ul{list-style:none;padding-left:1.2rem}.outline>ul{max-height:9rem;overflow:auto;margin:.2rem 0;padding-left:1rem}
.outline button{font:inherit;border:0;background:none;padding:0;color:#1a56db;cursor:pointer;text-align:left}
.outline button[aria-current]{background:#e4ecff;outline:1px solid #1a56db}
.bar{display:flex;flex-wrap:wrap;gap:.3rem .35rem;align-items:center}
.bar label{display:inline-flex;align-items:center;gap:.3em;padding:.05rem .5rem .05rem .3rem;border-radius:1rem;
 border:1px solid rgba(0,0,0,.18);cursor:pointer;font-size:.85rem;white-space:nowrap}
.bar label:has(input:not(:checked)){background:#fff!important;color:#888;text-decoration:line-through}
.bar label b{font-weight:600}
.bar button{font:inherit;font-size:.8rem;padding:.05rem .5rem;border:1px solid #bbb;border-radius:1rem;background:#fff;cursor:pointer}
.bar .total{font-size:.85rem;color:#444;margin-right:.3rem}
main{flex:1;min-height:0;display:grid;grid-template-columns:1fr 1fr}
section{display:flex;flex-direction:column;min-height:0;min-width:0}
section+section{border-left:1px solid #d0d0d0}
h2{flex:none;margin:0;padding:.3rem 1rem;font-size:.85rem;font-weight:600;color:#444;background:#fbfbfb;border-bottom:1px solid #e4e4e4}
h2 small{font-weight:400;color:#777}
pre.text{flex:1;margin:0;padding:.6rem 1rem 3rem;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;
 font-family:__FONTS__,sans-serif;font-size:15px;line-height:1.85;tab-size:4}
pre.text:lang(zh-Hant){font-family:__FONTS_HANT__,sans-serif}
mark{color:inherit;border-radius:2px;cursor:pointer;padding:.08em 0;box-decoration-break:clone;-webkit-box-decoration-break:clone}
mark mark{box-shadow:inset 0 -2px 0 rgba(0,0,0,.28)}
mark.gone{text-decoration:line-through;text-decoration-color:rgba(120,0,0,.35)}
mark.ws::before{content:"\\21B5";color:#666;font-size:.8em}
mark.point{display:inline-block;min-width:.7em;line-height:1.2;padding:0 .15em;margin:0 1px;border:1px solid rgba(0,0,0,.45);
 font-size:.72em;vertical-align:.15em;text-align:center;color:#222}
mark.point::before{content:attr(data-label)}
mark.gap-point{font-weight:600;padding:0 .4em}
mark:focus-visible,mark.flash,mark.current{outline:2px solid #1a56db;outline-offset:1px}
mark.flash{animation:flash 1.6s ease-out}
@keyframes flash{0%{outline-color:#1a56db;box-shadow:0 0 0 5px rgba(26,86,219,.35)}100%{box-shadow:none}}
mark.hidden{background:transparent!important;box-shadow:none;text-decoration:none}
mark.hidden.point,mark.hidden.ws::before{display:none}
span.ref{outline:1px dashed transparent}
span.ref.flash{outline:2px dashed #1a56db;background:rgba(26,86,219,.08);animation:none}
#note{flex:none;max-height:34vh;overflow:auto;border-top:2px solid #888;background:#fff;padding:.5rem 1rem .6rem;
 box-shadow:0 -3px 10px rgba(0,0,0,.08)}
#note[hidden]{display:none}
#note .head{display:flex;gap:.6em;align-items:center;flex-wrap:wrap}
#note .chip{padding:0 .5em;border-radius:1rem;border:1px solid rgba(0,0,0,.2);font-weight:600}
#note .muted{color:#666}
#note .reason{font-weight:600;margin:.25rem 0}
#note .close{margin-left:auto;font:inherit;border:1px solid #bbb;background:#fff;border-radius:4px;cursor:pointer}
#note dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.3rem 0 0}
#note dt{color:#555}
#note dd{margin:0;min-width:0}
#note q{quotes:"\\00AB" "\\00BB";white-space:pre-wrap;overflow-wrap:anywhere;font-family:__FONTS__,sans-serif}
#note a{color:#1a56db;margin-right:.6em}
.empty{padding:1rem;color:#555}
@media (max-width:900px){#note{max-height:28vh}main{grid-template-columns:1fr;grid-template-rows:1fr 1fr}section+section{border-left:0;border-top:1px solid #d0d0d0}}
@media print{
 html,body{height:auto;display:block}
 header{border:0;background:none}
 .bar input,.bar button,#note{display:none!important}
 .bar label{text-decoration:none!important}
 main{display:block}
 section+section{border:0;break-before:page}
 pre.text{overflow:visible;padding:0;font-size:11pt}
 mark,.bar label,mark.point{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 mark{box-shadow:inset 0 -1px 0 #666}
}
"""

_SCRIPT = r"""
(function(){
  'use strict';
  var notes = JSON.parse(document.getElementById('notes-data').textContent);
  var actions = JSON.parse(document.getElementById('actions-data').textContent);
  var byId = {};
  notes.forEach(function(n){ byId[n.id] = n; });
  var box = document.getElementById('note');
  var opener = null;

  function el(tag, text, cls){
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function q(text){ return el('q', text.replace(/\n$/, '').replace(/\n/g, '\u21b5\n') + (/\n$/.test(text) ? '\u21b5' : '')); }
  function flash(nodes){
    nodes.forEach(function(x){ x.classList.remove('flash'); void x.offsetWidth; x.classList.add('flash'); });
    setTimeout(function(){ nodes.forEach(function(x){ x.classList.remove('flash'); }); }, 1700);
  }
  function reveal(nodes, focus){
    nodes = Array.prototype.slice.call(nodes);
    if (!nodes.length) return false;
    nodes[0].scrollIntoView({block:'center', inline:'nearest'});
    flash(nodes);
    if (focus && nodes[0].tabIndex >= 0) nodes[0].focus({preventScroll:true});
    return true;
  }
  function marksOf(id, side){
    return document.querySelectorAll('mark[data-note="' + CSS.escape(id) + '"][data-side="' + side + '"]');
  }
  function refOf(side, span){
    return document.querySelectorAll('span.ref[data-ref="' + side + '-' + span[0] + '-' + span[1] + '"]');
  }
  function link(label, go){
    var a = el('a', label);
    a.href = '#';
    a.addEventListener('click', function(e){ e.preventDefault(); go(); });
    return a;
  }
  function row(dl, key, value){
    dl.appendChild(el('dt', key));
    var dd = el('dd');
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
    dl.appendChild(dd);
    return dd;
  }
  function spanText(side, s){ return side + ' ' + s[0] + '\u2013' + s[1]; }

  function show(id, from){
    var n = byId[id];
    if (!n) return;
    var meta = actions[n.action] || {colour:'#d0d0d0', meaning:''};
    box.textContent = '';
    box.setAttribute('data-note', n.id);
    document.querySelectorAll('mark.current').forEach(function(m){ m.classList.remove('current'); });
    document.querySelectorAll('mark[data-note="' + CSS.escape(n.id) + '"]').forEach(function(m){ m.classList.add('current'); });
    var head = el('div', null, 'head');
    var chip = el('span', n.action, 'chip');
    chip.style.background = meta.colour;
    head.appendChild(chip);
    head.appendChild(el('span', n.id + ' \u00b7 ' + n.stage + ' \u00b7 step ' + n.step, 'muted'));
    head.appendChild(el('span', meta.meaning, 'muted'));
    var close = el('button', 'close \u00d7 (Esc)', 'close');
    close.addEventListener('click', hide);
    head.appendChild(close);
    box.appendChild(head);
    box.appendChild(el('div', n.reason, 'reason'));
    var dl = el('dl');
    var where = row(dl, 'where', '');
    where.appendChild(link(spanText('input', n.input_span), function(){ reveal(marksOf(n.id, 'input'), true); }));
    if (n.output_span) {
      where.appendChild(link('\u2192 ' + spanText('output', n.output_span), function(){ reveal(marksOf(n.id, 'output'), true); }));
    } else {
      where.appendChild(link('\u2192 removed (\u2702 at output ' + n.place + ')', function(){ reveal(marksOf(n.id, 'output'), true); }));
    }
    if (n.before === n.after) {
      if (n.before) row(dl, n.action === 'move' ? 'moved' : 'text', q(n.before));
    } else {
      if (n.before) row(dl, 'before', q(n.before));
      row(dl, 'after', n.after ? q(n.after) : '(nothing: the text is kept in this note)');
    }
    n.refs.forEach(function(r){
      var dd = row(dl, r.key, '');
      dd.appendChild(link(spanText('input', r.input), function(){ reveal(refOf('in', r.input), false); }));
      if (r.output) dd.appendChild(link(spanText('output', r.output), function(){ reveal(refOf('out', r.output), false); }));
      else dd.appendChild(el('span', '(not in the output)', 'muted'));
      dd.appendChild(el('br'));
      dd.appendChild(q(r.text));
    });
    Object.keys(n.evidence).forEach(function(key){
      var v = n.evidence[key];
      if (n.refs.some(function(r){ return r.key === key; })) return;
      row(dl, key, typeof v === 'string' ? v : JSON.stringify(v));
    });
    var outer = [];
    for (var m = from && from.parentElement; m && m.tagName !== 'PRE'; m = m.parentElement) {
      if (m.tagName === 'MARK' && m.dataset.note && outer.indexOf(m.dataset.note) < 0) outer.push(m.dataset.note);
    }
    if (outer.length) {
      var also = row(dl, 'inside', '');
      outer.forEach(function(o){
        var other = byId[o];
        also.appendChild(link(o + ' ' + (other ? other.action : ''), function(){ show(o, null); }));
      });
    }
    box.appendChild(dl);
    box.hidden = false;
    if (from) {
      opener = from;
      var other = from.dataset.side === 'input' ? 'output' : 'input';
      var twins = marksOf(n.id, other);
      if (twins.length) { twins[0].scrollIntoView({block:'nearest'}); flash(Array.prototype.slice.call(twins)); }
    }
  }
  function hide(){
    box.hidden = true;
    document.querySelectorAll('mark.current').forEach(function(m){ m.classList.remove('current'); });
    if (opener && document.contains(opener)) opener.focus({preventScroll:true});
  }

  var main = document.querySelector('main');
  main.addEventListener('click', function(e){
    var m = e.target.closest('mark[data-note]');
    if (m) show(m.dataset.note, m);
  });
  main.addEventListener('mouseover', function(e){
    var m = e.target.closest('mark[data-note]'), n = m && byId[m.dataset.note];
    if (n && !m.title) m.title = n.id + ' ' + n.action + ': ' + (n.reason.length > 160 ? n.reason.slice(0, 159) + '\u2026' : n.reason);
  });
  main.addEventListener('keydown', function(e){
    var m = e.target.closest && e.target.closest('mark[data-note]');
    if (m && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); show(m.dataset.note, m); }
  });
  document.addEventListener('keydown', function(e){ if (e.key === 'Escape' && !box.hidden) hide(); });
  // The review list: each entry opens its note at its first highlight (output side first).
  function go(id){
    var m = marksOf(id, 'output')[0] || marksOf(id, 'input')[0];
    if (m) { m.scrollIntoView({block:'center'}); show(id, m); }
  }
  var reviewIds = [];
  document.querySelectorAll('button[data-go]').forEach(function(button){
    reviewIds.push(button.dataset.go);
    button.addEventListener('click', function(){ go(button.dataset.go); });
  });
  // n / p: the next / previous note to review, from the one shown.
  document.addEventListener('keydown', function(e){
    if (e.ctrlKey || e.metaKey || e.altKey || !reviewIds.length || (e.key !== 'n' && e.key !== 'p')) return;
    if (e.target.closest && e.target.closest('input,textarea')) return;
    var at = box.hidden ? -1 : reviewIds.indexOf(box.getAttribute('data-note'));
    var next = e.key === 'n' ? (at + 1) % reviewIds.length : (at <= 0 ? reviewIds.length - 1 : at - 1);
    go(reviewIds[next]);
  });

  // Routine changes: per action, [start, length] pairs in the input (UTF-16 units), each start
  // after the previous one's; ◀ ▶ select them in the input pane one by one.
  var routine = JSON.parse(document.getElementById('routine-data').textContent);
  var routineAt = {};
  function spansOf(action){
    var flat = routine[action], spans = [], start = 0;
    for (var i = 0; i < flat.length; i += 2) { start += flat[i]; spans.push([start, start + flat[i + 1]]); }
    return spans;
  }
  // The range of characters [start, end) of a pane's text (UTF-16 units), across its marks.
  function paneRange(pre, start, end){
    var walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT), node, seen = 0;
    var range = document.createRange(), started = false;
    range.setStart(pre, 0); range.setEnd(pre, 0);
    while ((node = walker.nextNode())) {
      var length = node.nodeValue.length;
      if (!started && start <= seen + length) { range.setStart(node, start - seen); started = true; }
      if (started && end <= seen + length) { range.setEnd(node, end - seen); return range; }
      seen += length;
    }
    return range;
  }
  // Selects [start, end) of a pane's text and scrolls the pane to put it in the middle.
  function select(pre, start, end){
    var range = paneRange(pre, start, end);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var rect = range.getBoundingClientRect(), pane = pre.getBoundingClientRect();
    pre.scrollTop += rect.top - pane.top - pre.clientHeight / 2;
  }
  function step(action, by){
    var spans = spansOf(action);
    if (!spans.length) return;
    var i = routineAt[action] === undefined ? (by > 0 ? 0 : spans.length - 1) : (routineAt[action] + by + spans.length) % spans.length;
    routineAt[action] = i;
    var pre = document.getElementById('input'), total = pre.textContent.length;
    var start = spans[i][0], end = Math.min(Math.max(spans[i][1], start + 1), total);  // an insertion: the character after it
    select(pre, Math.min(start, end), end);
    document.querySelector('.at[data-at="' + CSS.escape(action) + '"]').textContent = (i + 1) + ' / ' + spans.length;
  }
  document.querySelectorAll('button[data-step]').forEach(function(button){
    button.addEventListener('click', function(){ step(button.dataset.step, Number(button.dataset.by)); });
  });

  // The outline: (level, start, length) triples, each start after the previous one's, in the
  // output (UTF-16 units); each clause a button showing its line's opening words (24 characters,
  // as many as `docrepair outline` shows in a narrow terminal) that selects that line.
  var outline = JSON.parse(document.getElementById('outline-data').textContent);
  var output = document.getElementById('output'), outputText = output.textContent;
  var lists = [document.querySelector('details.outline > ul')], items = [], lineStart = 0;
  for (var k = 0; lists[0] && k < outline.length; k += 3) {
    var level = outline[k], lineEnd;
    lineStart += outline[k + 1];
    lineEnd = lineStart + outline[k + 2];
    if (level >= lists.length) { lists[level] = items[level - 1].appendChild(el('ul')); }
    lists.length = level + 1;
    var words = Array.from(outputText.slice(lineStart, lineEnd));
    var button = el('button', words.length <= 24 ? words.join('') : words.slice(0, 23).join('') + '\u2026');
    button.type = 'button';
    button.dataset.line = lineStart + ',' + lineEnd;
    items[level] = lists[level].appendChild(el('li'));
    items[level].appendChild(button);
  }
  document.querySelectorAll('button[data-line]').forEach(function(button){
    button.addEventListener('click', function(){
      var line = button.dataset.line.split(',').map(Number);
      document.querySelectorAll('button[data-line][aria-current]').forEach(function(b){ b.removeAttribute('aria-current'); });
      button.setAttribute('aria-current', 'true');
      select(output, line[0], line[1]);
    });
  });

  function filter(action, on){
    document.querySelectorAll('mark[data-action="' + CSS.escape(action) + '"]').forEach(function(m){
      m.classList.toggle('hidden', !on);
    });
  }
  var boxes = document.querySelectorAll('input[data-action]');
  boxes.forEach(function(b){
    b.addEventListener('change', function(){ filter(b.dataset.action, b.checked); });
  });
  document.querySelectorAll('button[data-all]').forEach(function(button){
    button.addEventListener('click', function(){
      var on = button.dataset.all === '1';
      boxes.forEach(function(b){ if (b.checked !== on) { b.checked = on; filter(b.dataset.action, on); } });
    });
  });
})();
"""

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
