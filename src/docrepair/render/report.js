
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
