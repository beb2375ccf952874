"""Where a text may hold GBK read out of step: the signal clusters of docrepair.garble and the
runs the character model finds improbable, widened over the characters it cannot place."""

from __future__ import annotations

import re

import numpy as np

from ...charlm import CharModel
from ...garble import GLUED_READING_TAIL, find_runs, prefiltered_finditer
from .tables import ASCII_TRAIL_MARKS, HAN_RANGE, SENTENCE_MARKS


#: A reading glued after a character: (fā).
READING_AFTER = re.compile(r"[(（]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})[)）]")
_LINE_STOP = re.compile(r"[\r\n]")


def find_suspect_runs(text: str, model: CharModel, max_widen: int, signals: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """The lead's signal clusters (`signals`, see find_runs), widened over the characters around
    them that the model cannot place: a run of misread pairs ends where two attested pairs in a
    row show the reading back in step."""
    runs = merge_spans((find_runs(text) if signals is None else signals) + find_improbable_runs(text, model))
    widened: list[tuple[int, int]] = []
    for start, end in runs:
        line_start = max(text.rfind("\n", 0, start) + 1, widened[-1][1] if widened else 0)
        newline = _LINE_STOP.search(text, end)
        line_end = newline.start() if newline else len(text)
        end = _widen_right(text, end, min(line_end, end + max_widen), model)
        start = _widen_left(text, start, max(line_start, start - max_widen), model)
        if widened and start <= widened[-1][1]:
            widened[-1] = (widened[-1][0], max(end, widened[-1][1]))
        else:
            widened.append((start, end))
    return widened


#: A Han character the model finds rarer than this (natural log of its unigram probability) and
#: that forms no attested pair with a neighbour is odd. Read one byte out of step, GB2312's Han
#: come out nearly uniformly, so most are this rare (嫡鹬氐慵: -12 to -14); the characters of
#: official text are mostly far commoner (的 -6, 监 -8), and names form attested pairs.
_ODD_CHAR_LOGP = -10.0
#: A lone ASCII letter between two Han characters: a GBK trail byte 40-7E whose lead was read
#: as the previous character's trail (主體 → 主w責).
LONE_LETTER = re.compile(
    r"(?<=[\u4e00-\u9fff])[A-Za-z_~^`|](?=[\u4e00-\u9fff])|(?:(?<=[、，。；：])|^)[A-Za-z_~^`|](?=[\u4e00-\u9fff])"
    r"|(?<=[\u4e00-\u9fff])[_~^`|](?=[，。、；：,;])",
    re.MULTILINE,
)
#: A `?` after a Han character and before another, a digit or the line's end: where a decoder
#: rejected the last byte of a run read out of step (国务院办公? for 国务院办公厅). A question
#: ends a sentence before a line break or a mark, so clean text seldom has it (and a run is
#: replaced only on the likelihood ratio).
_ODD_QUESTION = re.compile(r"(?<=[\u4e00-\u9fff])\?(?=[\u4e00-\u9fff0-9]|$)", re.MULTILINE)
#: Where a `?` is taken for a rejected byte (see `mark_rejected_bytes`): after a Han character,
#: a digit, a mark inside a sentence or an opening bracket, or at a line's start, and before Han,
#: a digit, a space, a closing bracket, a mark inside a sentence (a question ends one: 照嗷?、 for
#: 照相机、) or the line's end ((?三) for (十三), 115? for 115号).
REJECTED_QUESTION = re.compile(r"(?:(?<=[\u4e00-\u9fff、，。：；(（0-9])|^)\?(?=[\u4e00-\u9fff0-9 \u3000)）、，。；：,;]|$)", re.MULTILINE)


_ROW_SYMBOL_BESIDE_QUESTION = re.compile(r"[\u2460-\u24ff\u2160-\u217f]\?|\?[\u2460-\u24ff\u2160-\u217f]")


def find_improbable_runs(text: str, model: CharModel) -> list[tuple[int, int]]:
    """Runs the model finds improbable, with or without a signal character: two odd characters
    (see `_ODD_CHAR_LOGP`) within three, or one beside a `?`, or a lone ASCII letter between Han
    characters. They are only candidates: a run is replaced only when a re-reading of its bytes
    is far more probable (`min_gain_nats`)."""
    spans: list[tuple[int, int]] = [(found.start(), found.end()) for found in prefiltered_finditer(LONE_LETTER, _LONE_LETTER_CHAR, text)]
    question = "?" in text
    if question:
        spans += [(found.start() - 1, found.end()) for found in _ODD_QUESTION.finditer(text)]
    odd = _odd_indices(text, model)
    for first, second in zip(odd, odd[1:]):
        if second - first <= 2 and "\n" not in text[first:second]:
            spans.append((first, second + 1))
    # A numbered symbol of GBK's second row (⒒ ⑴ ①) beside a ?: a misread pair next to the
    # byte that stopped the shift (信⒒? for 信息化); one alone is a list number.
    for found in _ROW_SYMBOL_BESIDE_QUESTION.finditer(text) if question else ():
        spans.append((found.start(), found.end()))
    for index in odd:
        if index > 0 and text[index - 1] == "?":
            spans.append((index - 1, index + 1))
        # An odd character before ? or a lone ASCII letter (委員 → 螁T: 員 is 86 54 in GBK).
        if index + 1 < len(text) and (text[index + 1] == "?" or text[index + 1].isascii() and text[index + 1].isalpha() and not (index + 2 < len(text) and text[index + 2].isascii() and text[index + 2].isalnum())):
            spans.append((index, index + 2))
    return merge_spans(spans)


#: The characters `LONE_LETTER` matches (one of them, with what stands around it), where what
#: follows is one of the characters every match has after it (Han, or a mark after _~^`|): the
#: letters of Latin words and addresses are passed over in the scan, not matched one by one.
_LONE_LETTER_CHAR = re.compile(r"[A-Za-z_~^`|](?=[\u4e00-\u9fff，。、；：,;])")


def _odd_indices(text: str, model: CharModel) -> list[int]:
    """Where the text holds an odd character (see `_ODD_CHAR_LOGP`): a rare Han character that
    forms no attested pair with a neighbour. The rare characters are found by one look-up of
    every character's code in a table of the model's (`_rare_table`), not per character."""
    try:
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    except UnicodeEncodeError:  # pragma: no cover - surrogatepass encodes every str
        codes = np.array([ord(ch) for ch in text], dtype=np.uint32)
    positions = np.flatnonzero((codes >= _RARE_FIRST) & (codes <= _RARE_LAST))
    if not positions.size:
        return []
    rare = positions[_rare_table(model)[codes[positions] - _RARE_FIRST]]
    odd = []
    last = len(text) - 1
    for index in rare.tolist():
        ch = text[index]
        if not (index > 0 and model.is_attested(text[index - 1], ch)) and not (index < last and model.is_attested(ch, text[index + 1])):
            odd.append(index)
    return odd


#: The code points a rare character is looked for in (CJK Extension A to the end of the
#: unified ideographs; HAN_RANGE within them).
_RARE_FIRST, _RARE_LAST = 0x3400, 0x9FFF


def _rare_table(model: CharModel) -> np.ndarray:
    """For each code point from `_RARE_FIRST` to `_RARE_LAST`: is it a Han character the model
    finds rarer than `_ODD_CHAR_LOGP`? Built once per model (the shipped one: the same for
    every document), kept with its derived tables."""
    table = model.cache.get("rare_table")
    if table is None:
        # HAN_RANGE within the code points, and the shipped model's unigram scores (the model
        # has no document) as one array of the same floats.
        codes = np.arange(_RARE_FIRST, _RARE_LAST + 1)
        han = (codes <= 0x4DBF) | (codes >= 0x4E00)
        table = model.cache["rare_table"] = han & (model.shipped_unigram_logps()[codes] < _ODD_CHAR_LOGP)
    return table


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _is_settled(text: str, position: int, model: CharModel) -> bool:
    """Two attested pairs in a row (or the start of a glued reading) at position: the text
    there reads in step."""
    if READING_AFTER.match(text, position):
        return True
    window = text[position : position + 3]
    if len(window) < 3 or not all(HAN_RANGE.match(ch) or ch in SENTENCE_MARKS for ch in window):
        return False
    pairs = list(zip(window, window[1:]))
    # A mark beside a known character reads in step, but a known character after the mark may
    # be the first misread pair (、狗兜 for 、规范): one pair must be two attested Han.
    return any(model.is_attested(a, b) for a, b in pairs) and all(
        model.is_attested(a, b) or (a in SENTENCE_MARKS or b in SENTENCE_MARKS) and model.is_known(a if b in SENTENCE_MARKS else b)
        for a, b in pairs
    )


def _widen_right(text: str, end: int, limit: int, model: CharModel) -> int:
    while end < limit and not _is_settled(text, end, model):
        ch = text[end]
        if ch.isascii() and GLUED_READING_TAIL.match(text, end):
            break  # zhí) is a reading glued after the run, not part of it
        if ch.isspace() or (ch.isascii() and not ch.isalnum() and ch not in ASCII_TRAIL_MARKS):
            break
        end += 1
    return end


#: Characters a run is widened by to the left past the point where the text reads in step.
#: Measured on the benchmark's GBK-shift cases: 2 restores 4 more damaged sentences; 4 no more.
_WIDEN_PAST_SETTLED = 2


def _widen_left(text: str, start: int, limit: int, model: CharModel) -> int:
    while start > limit:
        ch = text[start - 1]
        if ch.isspace() or (ch.isascii() and not ch.isalnum() and ch != "?"):
            break
        if start - 3 < limit or _is_settled(text, start - 3, model):
            break
        start -= 1
    # The settled pair may itself be read out of step (落势 of 落实: 势 is the trail of 实 and the
    # lead of 企): the run takes in a few more characters, and the search keeps them as they
    # stand unless their bytes read better out of step.
    extra = _WIDEN_PAST_SETTLED
    while extra and start > limit:
        ch = text[start - 1]
        if ch.isspace() or (ch.isascii() and not ch.isalnum() and ch != "?"):
            break
        start -= 1
        extra -= 1
    return start
