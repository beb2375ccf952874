"""Byte-shifted GBK: runs whose GBK bytes were read one byte out of step are read again from
their bytes, and the character language model chooses the reading.

A mirror that drops a byte before decoding GBK turns every later pair into the wrong character
until an invalid pair (shown as `?`) puts the reading back in step: （一）指導思想 comes out as
?。ㄒ唬┲笇枷?, and full-width letters of the garble are often folded to ASCII afterwards
(海口海關 → ??诤jP). Runs start at the signals of docrepair.garble (bopomofo, box
drawing, kana… or `?` beside Han) and are widened over the characters around them that the
model cannot place.

Each run's characters are turned back into the bytes they may stand for (a `?` one or two lost
bytes or a folded ？, an ASCII letter itself or its full-width form), and a beam search reads
those bytes again, pairing them where they decode and giving a byte up as half of a lost
character where they do not. The shipped character model (docrepair.charlm) together with the
document's own pairs scores every reading; the run as it stands is one of them, so a run is only
replaced when the best reading is far more probable (`min_gain_nats`). What is read out of step
is kept only where a pair of it is attested (in the model's words or the document); a lost
character is named from its one surviving byte only with a clear margin and an attested pair,
and a reading glued after the run (zhí) restricts it to characters with that reading. Every
other lost character is □ (U+25A1), its surviving byte in the note.

This module is the entry point (`find_edits`: a run's repair and its note); the rest of the
stage lives beside it, one idea per module: `runs` (where a text may be read out of step),
`tables` (GBK's bytes and the characters each byte allows), `reader` (the beam search over a
run's bytes and the scores of its readings), `naming` (lost characters named from one surviving
byte, and characters read out of step confirmed), `rejected` (a `?` left for a rejected byte).
"""

from __future__ import annotations

import re
from collections import Counter

from ...charlm import CharModel, load_charlm
from ...config import RepairConfig, ShiftConfig
from ...garble import GLUED_READING_TAIL, MISSING, clean_text, find_runs
from ...model import Action, Edit, Proposal
from ...readings import readings_of
from ...stage import DocumentView, Stage
from .naming import confirm, name_lost, named_score
from .reader import Reader, Token, as_is_score, read_run, why_count_unknown
from .rejected import mark_rejected_bytes
from .runs import LONE_LETTER, READING_AFTER, find_suspect_runs
from .tables import COMMON_MARKS, HAN_RANGE, IMPLAUSIBLE, LOST_BYTE, script_of, shift_byte_options


NAME = "byteshift"


#: A document writes in one script when it holds at least this many characters particular to it
#: and at most `_SCRIPT_MIX` as many of the other's (names and quotations mix a few).
_SCRIPT_MIN = 20
_SCRIPT_MIX = 0.05


def _other_script(text: str, chars: dict[str, int] | None = None) -> str | None:
    """The script the document does not write in, or None when it writes in both or too little.
    `chars`: the text's character counts, when they are counted already."""
    counts = {"traditional": 0, "simplified": 0}
    for ch, count in (Counter(text) if chars is None else chars).items():
        if not HAN_RANGE.match(ch):
            continue
        script = script_of(ch)
        if script is not None:
            counts[script] += count
    for own, other in (("traditional", "simplified"), ("simplified", "traditional")):
        if counts[own] >= _SCRIPT_MIN and counts[other] <= _SCRIPT_MIX * counts[own]:
            return other
    return None


def _line_end_marks(text: str, runs: list[tuple[int, int]]) -> frozenset:
    """Marks that end the document's lines, from the lines no run touches."""
    marks, offset = set(), 0
    for line in text.split("\n"):
        end = offset + len(line)
        stripped = line.rstrip()
        if stripped and stripped[-1] in COMMON_MARKS and not any(start < end and offset < stop for start, stop in runs):
            marks.add(stripped[-1])
        offset = end + 1
    return frozenset(marks)


#: A garbled run of Chinese GBK bytes holds a Han character: read one byte out of step, a trail
#: byte and the next lead byte (B0-F7 for the Han of GB2312) decode to Han most of the time. Box
#: drawing, kana or full-width forms alone (a line of box-drawing art, ftfy's negative case
#: ├┤a┼┐…) are no evidence.
_CJK_IN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def propose(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(find_edits(view.text, config.byteshift))


STAGE = Stage(NAME, propose)


def find_edits(text: str, config: ShiftConfig | None = None) -> list[Edit]:
    """Repairs of runs whose GBK bytes were read out of step, scored by the character model and
    the document: one edit per run, REPAIR_MOJIBAKE when anything was read back (lost
    characters □ inside it), MARK_MISSING when nothing was."""
    config = config or ShiftConfig()
    if text.isascii():
        return []
    base = load_charlm()
    signals = find_runs(text)
    runs = find_suspect_runs(text, base, config.max_widen_chars, signals)
    if not runs:
        return mark_rejected_bytes(text, [], base, runs)
    # The runs' model and reader are dropped before the rejected bytes' own model is built:
    # each holds the document's characters and pairs (~450 KB for a 21 KB document, about 20
    # times its UTF-8), and the two alive at once were the stage's peak.
    edits = _repair_runs(text, base, runs, signals, config)
    return edits + mark_rejected_bytes(text, edits, base, runs)


def _repair_runs(text: str, base: CharModel, runs: list[tuple[int, int]], signals: list[tuple[int, int]], config: ShiftConfig) -> list[Edit]:
    """The edits of the runs, read with the model of the document without them."""
    clean = clean_text(text, runs)
    model = base.with_document(clean)
    reader = Reader(model, _other_script(clean, model.document_chars), _line_end_marks(text, runs))
    # Does the document indent its paragraphs with U+3000? A lost indentation is then written
    # back; otherwise it is dropped (with its note), as the document's other lines have none.
    lines = [line for line in clean.splitlines() if line.strip()]
    indented = sum(1 for line in lines if line.startswith("\u3000")) * 2 > len(lines)
    edits = []
    for start, end in runs:
        if not _CJK_IN_RUN.search(text, start, end) and not (end == start + 1 and LONE_LETTER.match(text, start)):
            continue  # Latin letters (é, à of a French name) or box drawing alone are no GBK garble
        if MISSING in text[start:end]:
            # □ marks bytes a repair found lost (ours, or a site's placeholder): it is no misread
            # pair of GBK bytes (its own A1 F5 read out of step would name characters from
            # nothing), so a run holding one is not read again and a repair repeats nothing.
            continue
        # A run found by improbability alone (no signal character in it) must read some Han
        # character out of step or name one: rare characters of clean text (犇、骉、鱻) are
        # improbable too, and a lost character costs less than an unknown one.
        signalled = any(s < end and start < e for s, e in signals)
        edit = _repair_run(text, start, end, reader, config, indented, signalled)
        if edit is not None:
            edits.append(edit)
    return edits


def _repair_run(text: str, start: int, end: int, reader: Reader, config: ShiftConfig, indented: bool, signalled: bool = True) -> Edit | None:
    run = text[start:end]
    before = text[start - 1] if start > 0 else None
    after = text[end] if end < len(text) else None
    found = read_run(run, before, after, reader, config.beam_width)
    if found is None:
        return None
    score, tokens = found
    as_is = as_is_score(run, before, after, reader)
    gain = score - as_is
    tokens = list(tokens)
    uncounted = why_count_unknown(run, after, tokens)
    # Han characters the reading found out of step (before they are confirmed or given up).
    out_of_step = sum(1 for token in tokens if token.char is not None and not token.native and HAN_RANGE.match(token.char))
    if any(t.char is not None and IMPLAUSIBLE.match(t.char) for t in tokens):
        return None
    # A reading glued after the run, (zhí) or zhí) when the garble took the "(": it says what
    # the run's last character sounds like.
    glued = READING_AFTER.match(text, end) or GLUED_READING_TAIL.match(text, end)
    reading = glued.group().strip("(（)）") if glued else None
    named = name_lost(tokens, before, after, reader, config.min_candidate_margin_nats, reading)
    if gain < config.min_gain_nats:
        # The search scored a lost character by its left neighbour alone; one named from its
        # surviving byte with both neighbours (所 of 朔Q for 所稱) is scored as the character it
        # is, at the naming cost, and the ratio is taken again.
        if not any(named):
            return None
        gain = named_score(tokens, named, before, after, reader) - as_is
        if gain < config.min_gain_nats:
            return None
    tokens = [token if name is None else Token(name[0], native=True, named=True) for token, name in zip(tokens, named)]
    tokens = confirm(tokens, before, after, reader.model)
    named = [name if token.char is not None else None for token, name in zip(tokens, named)]
    if start == 0 or text[start - 1] == "\n":
        named[0] = named[0] or _indentation(tokens[0], indented)
    out, lost, restored = [], [], []
    for token, name in zip(tokens, named):
        if name is not None:
            restored.append({"at": len(out), "char": name[0], **name[1]})
            out.append(name[0])
        elif token.char is not None:
            out.append(token.char)
        else:
            lost.append({"at": len(out), "lead": None if token.lead is None else f"{token.lead:02x}", "trail": None if token.trail is None else f"{token.trail:02x}"})
            out.append(MISSING)
    after_text = "".join(out)
    if after_text == run:
        return None
    # Characters the run was widened over and that the reading keeps as they stand are no part
    # of the edit (厅、 before ?诤9?).
    kept = 0
    while kept < min(len(run), len(after_text)) - 1 and run[kept] == after_text[kept] and out[kept] == run[kept]:
        kept += 1
    if kept:
        start, run, after_text, out, tokens = start + kept, run[kept:], after_text[kept:], out[kept:], tokens[kept:]
        lost = [{**item, "at": item["at"] - kept} for item in lost]
        restored = [{**item, "at": item["at"] - kept} for item in restored]
    if glued and glued.group()[0] not in "(（" and out and HAN_RANGE.match(out[-1]) and reading in readings_of(out[-1]):
        # zhí) after 執: the reading is the one its mirror glued after every character, its "("
        # lost in the garble. It confirms the character and goes with the run.
        end = glued.end()
    evidence = {
        "encoding": "gbk",
        "glued_reading": reading if end > start + len(run) else None,
        "bytes": " ".join("??" if b == LOST_BYTE else f"{b:02x}" for ch in run for b in (shift_byte_options(ch) or [()])[0]),
        "model_gain_nats": round(gain, 2),
        "missing": lost,
        "named_from_one_byte": restored,
        "lost_count_known": uncounted is None,
    }
    recovered = sum(1 for token in tokens if token.char is not None and HAN_RANGE.match(token.char))
    if not signalled and out_of_step == 0 and not restored:
        return None
    if recovered == 0 and not restored:
        return Edit(start, end, MISSING * max(1, len(lost)), Action.MARK_MISSING,
                    f"garbled text whose bytes cannot be read back; {max(1, len(lost))} lost character(s) marked {MISSING}"
                    + (f"; {uncounted}" if uncounted else ""), evidence)
    reason = f"GBK bytes read out of step, re-read from the bytes ({recovered} character(s))"
    if restored:
        reason += f"; {len(restored)} named from one surviving byte by the character model (margin and attested pairs in the evidence)"
    if lost:
        reason += f"; {len(lost)} lost marked {MISSING}"
    if uncounted and (lost or restored):
        reason += f"; {uncounted}"
    return Edit(start, end, after_text, Action.REPAIR_MOJIBAKE, reason, evidence)


def _indentation(token: Token, indented: bool):
    """A line whose first byte was lost and whose first surviving byte is A1: the trail of A1A1,
    the ideographic space that indents paragraphs in GBK text (the line goes on in step with
    what the rest of the run reads). Written back when the document indents its lines, else
    dropped like the indentation the site removed from the others."""
    if token.char is None and token.lead is None and token.trail == 0xA1:
        why = "line-start indentation: U+3000 is A1 A1 in GBK"
        if not indented:
            why += "; dropped, as the document's other lines are not indented"
        return ("\u3000" if indented else "", {"known_byte": "a1", "candidates": 1, "why": why})
    return None
