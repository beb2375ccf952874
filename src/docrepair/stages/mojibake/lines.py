"""UTF-8 lines read as GBK inside an otherwise good document (关于 → 鍏充簬): the lattice of ways a
line's GBK bytes read as UTF-8, and the likeliest reading through it (Viterbi over positions and
the last character, scored by docrepair.stages.mojibake.scores)."""

from __future__ import annotations

import itertools
import math
from array import array
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ...config import MojibakeConfig
from ...garble import MISSING
from ...model import Action, Edit
from .bounds import ROUNDING_NATS, LineBounds, gain_ceiling
from .scores import HAN_STATES, CharScores, char_scores, is_plain_han, kind_of_state

if TYPE_CHECKING:
    from ...charlm import CharModel


def find_utf8_as_gbk_edits(text: str, config: MojibakeConfig | None = None) -> list[Edit]:
    """Lines whose UTF-8 bytes were read as GBK (关于 → 鍏充簬): their characters are taken back
    to bytes and read as UTF-8. A U+FFFD the GBK decoder left is one byte it rejected: its value
    is one of the few that decoder rejects there, and the UTF-8 character it belongs to is chosen
    among them by the character model (`、` from E3 ?? 81). A character whose last bytes are gone
    (the page cut `。` to `銆` at a line end or before ASCII) is named when exactly one character
    the document uses has those first bytes, else it is □. A line is taken only when its bytes
    read as UTF-8 at all and the re-reading is far more probable than the line as it stands
    (`min_utf8_gain_nats`, a likelihood ratio under the character model and the document)."""
    config = config or MojibakeConfig()
    lines = text.splitlines(keepends=True)
    # Which lines read as UTF-8 at all; each one's lattice is built again when its turn comes
    # and dropped after it (kept for every line at once, they held a tenth of the stage's peak,
    # for ~5% more of its time on garbled documents).
    candidates = _candidate_lines(text, lines)
    if not any(candidates):
        return []
    from ...charlm import load_charlm

    # Lines no document could make worth re-reading (see bounds: 目录, C4 BF C2 BC, reads as
    # Ŀ¼) need no model of the document; asked in order, the first line that may gain stops it.
    bounds = LineBounds(text, load_charlm())
    if all(_cannot_gain(line.rstrip("\r\n"), bounds, config) for line, candidate in zip(lines, candidates) if candidate):
        return []
    model, line_ends = document_evidence(lines, candidates)
    try:
        return _reread_lines(lines, candidates, model, line_ends, config)
    finally:
        # The document's scores (scores.char_scores) refer back to the model that holds them: a
        # cycle only the garbage collector frees, at some later document. Dropped here, they go
        # when the stage ends.
        model.document_cache.clear()


def document_evidence(lines: list[str], candidates: list[bool]) -> tuple["CharModel", dict[str, int]]:
    """What the document says of itself, without its candidate lines (the garbled lines share
    their odd characters with each other, not with the document): the character model with its
    characters and pairs, and how its lines end (。 ： ； or a bracket, by count), the evidence
    for a line's last character where its last byte was rejected."""
    from ...charlm import load_charlm

    clean_lines = [line.rstrip("\r\n") for line, candidate in zip(lines, candidates) if not candidate]
    line_ends: dict[str, int] = {}
    for line in clean_lines:
        if line.strip():
            last = line.rstrip()[-1]
            line_ends[last] = line_ends.get(last, 0) + 1
    return load_charlm().with_document("".join(clean_lines)), line_ends


def _reread_lines(lines: list[str], candidates: list[bool], model: "CharModel", line_ends: dict[str, int], config: MojibakeConfig) -> list[Edit]:
    """The edits of the candidate lines (those with a lattice) that read far likelier through it."""
    edits, offset = [], 0
    for line, candidate in zip(lines, candidates):
        body = line.rstrip("\r\n")
        if candidate:
            found = _best_utf8_reading(_utf8_lattice(body), model, config.min_rejected_margin_nats, line_ends)
            if found is not None:
                score, reread, chosen, cut = found
                gain = score - _reading_score(body, model)
                if gain >= config.min_utf8_gain_nats and reread != body:
                    edits.append(
                        Edit(
                            offset,
                            offset + len(body),
                            reread,
                            Action.REPAIR_MOJIBAKE,
                            "UTF-8 bytes that had been read as GBK, re-read as UTF-8"
                            + (f"; {reread.count(MISSING)} character(s) whose last bytes are gone marked {MISSING}" if MISSING in reread else ""),
                            {
                                "encoding": "utf-8 read as gb18030",
                                "model_gain_nats": round(gain, 2),
                                "rejected_bytes": chosen,
                                "cut_characters": cut,
                                "missing_chars": reread.count(MISSING),
                            },
                        )
                    )
        offset += len(line)
    return edits


def _cannot_gain(body: str, bounds: LineBounds, config: MojibakeConfig) -> bool:
    """Does no document make the line's best re-reading gain `min_utf8_gain_nats` over it?
    (`bounds.gain_ceiling`: True only where the bound shows it.)"""
    lattice = _utf8_lattice(body)
    if lattice is None:
        return True
    ceiling = gain_ceiling(lattice, body, bounds, _COST_CUT)
    return ceiling is not None and ceiling < config.min_utf8_gain_nats - ROUNDING_NATS


#: Line breaks of `str.splitlines` that are no ASCII byte (their GB18030 bytes break no line).
_NON_ASCII_BREAKS = ("\x85", "\u2028", "\u2029")
#: Bytes by what the rules of `_candidate_lines` read of them: ASCII (a line break of
#: `str.splitlines` among them: \n \r \v \f \x1c-\x1e, \r\n one break), a continuation byte of
#: UTF-8, a lead byte, any other. One look-up of each byte's class.
_ASCII, _BREAK, _CONTINUATION, _LEAD, _OTHER = range(5)
_BYTE_CLASS = np.array(
    [_BREAK if byte in b"\n\r\x0b\x0c\x1c\x1d\x1e" else _ASCII if byte < 0x80 else _CONTINUATION if byte <= 0xBF else _LEAD if 0xC2 <= byte <= 0xF4 else _OTHER for byte in range(256)],
    dtype=np.uint8,
)


def _candidate_lines(text: str, lines: list[str]) -> list[bool]:
    """Which lines have a lattice (`_utf8_lattice`), asked only of the lines whose GB18030 bytes
    break none of three rules of UTF-8 that one pass over the document's bytes checks: no byte
    C0, C1 or F5-FF; no continuation byte (80-BF) after an ASCII byte or at a line's start; no
    lead byte (C2-F4) before a byte that is neither ASCII nor a continuation. Without a U+FFFD
    a line's lattice is one path (a position's byte is ASCII, a lead, or neither), and a byte
    breaking one of the rules is a position every path stops at (no edge spans it: an edge
    spans only continuation bytes, and a cut edge ends before ASCII) with no edge from it, so
    the lattice is None. Asked line by line, the lattice's first checks were ~0.2 s of the
    stage's 0.28 s on the benchmark's 335 documents without garble."""
    if not lines or "\ufffd" in text or any(mark in text for mark in _NON_ASCII_BREAKS):
        return [_utf8_lattice(line.rstrip("\r\n")) is not None for line in lines]
    try:
        data = np.frombuffer(text.encode("gb18030"), dtype=np.uint8)
    except UnicodeEncodeError:  # a lone surrogate: no GB18030 bytes, no lattice
        return [_utf8_lattice(line.rstrip("\r\n")) is not None for line in lines]
    kind = _BYTE_CLASS[data]
    is_ascii = kind <= _BREAK
    after_ascii = np.concatenate(([True], is_ascii[:-1]))
    before_other = np.concatenate((kind[1:] >= _LEAD, [False]))
    continuation = kind == _CONTINUATION
    # A mask, not the positions: most bytes of Chinese text break a rule, and their int64
    # positions (and a line number for each) were 16 bytes per byte of the document.
    broken = (kind == _OTHER) | continuation & after_ascii | (kind == _LEAD) & before_other
    if not broken.any():
        return [_utf8_lattice(line.rstrip("\r\n")) is not None for line in lines]
    # Where each line starts in the bytes: after each break, \r\n counted once.
    breaks = np.flatnonzero(kind == _BREAK)
    crlf = (data[breaks] == 0x0D) & (np.append(data, 0)[breaks + 1] == 0x0A)
    starts = np.concatenate(([0], breaks[~crlf] + 1))
    if starts[-1] == len(data):
        starts = starts[:-1]
    if len(starts) != len(lines):  # pragma: no cover - the same breaks as str.splitlines
        return [_utf8_lattice(line.rstrip("\r\n")) is not None for line in lines]
    # Each line's bytes (with its break) run from its start to the next line's.
    ruled_out = np.logical_or.reduceat(broken, starts)
    return [not out and _utf8_lattice(line.rstrip("\r\n")) is not None for line, out in zip(lines, ruled_out.tolist())]


#: A character whose bytes the page cut short costs this much (nats) in a re-reading: about
#: what a lost character costs in the byte-shift stage (docrepair.stages.byteshift).
_COST_CUT = -11.0
#: Joint choices scored for a character with two rejected bytes, at most.
_MAX_COMBINATIONS = 4096


@lru_cache(maxsize=None)
def _rejected_values(following: int | None) -> tuple[int, ...]:
    """The byte values a GBK or GB18030 decoder rejects as one byte (one U+FFFD) before
    `following` (None: the line ends, or the next byte was rejected too): 80 and FF, and every
    lead that does not pair with it."""
    if following is None:
        return tuple(range(0x80, 0x100))
    values = []
    for value in range(0x80, 0x100):
        for codec in ("gbk", "gb18030"):
            alone = bytes((following,)).decode(codec, errors="replace")
            if bytes((value, following)).decode(codec, errors="replace") == "\ufffd" + alone:
                values.append(value)
                break
    return tuple(values)


def _utf8_lattice(line: str):
    """The ways a line's GBK bytes read as UTF-8: per byte position, the edges (end position,
    candidate characters, how they were read). None when the bytes do not read as UTF-8 at all
    (a clean line's GBK bytes never do) or the line is too short to say."""
    if len(line) < 2 or line.replace("\ufffd", "").isascii():
        return None  # no character the GBK decoder read: nothing says these bytes were UTF-8
    if "\ufffd" not in line:
        # A clean line's GBK bytes are no UTF-8: its first bytes already fail (a cheap early
        # exit; a character cut short only at a line end or before ASCII fails one at a time).
        head = line[:24].encode("gb18030", errors="replace")
        if head.decode("utf-8", errors="replace").count("\ufffd") > 6:
            return None
    data: list[int | None] = []  # None: a byte the GBK decoder rejected (U+FFFD)
    for ch in line:
        if ch == "\ufffd":
            data.append(None)
            continue
        try:
            data.extend(ch.encode("gb18030"))  # GBK's bytes, and its user-defined area
        except UnicodeEncodeError:
            return None
    size = len(data)
    allowed = [
        None if byte is not None else _rejected_values(data[index + 1] if index + 1 < size else None)
        for index, byte in enumerate(data)
    ]
    edges: dict[int, list] = {}
    reachable = {0}
    for start in range(size):
        if start not in reachable:
            continue
        found = edges.setdefault(start, [])
        first = data[start]
        if first is not None and first < 0x80:
            found.append((start + 1, (chr(first),), "ascii"))
            reachable.add(start + 1)
            continue
        leads = [first] if first is not None else allowed[start]
        leads = [lead for lead in leads if 0xC2 <= lead <= 0xF4]
        for lead in leads:
            length = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
            options = [[lead]]
            complete = True
            for index in range(start + 1, start + length):
                if index >= size or (data[index] is not None and not 0x80 <= data[index] <= 0xBF):
                    complete = False
                    break
                values = [data[index]] if data[index] is not None else [v for v in allowed[index] if v <= 0xBF]
                options.append(values)
            if complete:
                chars = _decode_options(tuple(map(tuple, options)))
                if chars:
                    found.append((start + length, chars, "read" if first is not None and None not in data[start : start + length] else "rejected"))
                    reachable.add(start + length)
            elif first is not None and all(len(values) == 1 for values in options):
                # Cut short at the line end or before ASCII: the first bytes of a character.
                stop = start + len(options)
                if stop == size or data[stop] is not None and data[stop] < 0x80:
                    found.append((stop, (bytes(values[0] for values in options),), "cut"))
                    reachable.add(stop)
    if size not in reachable:
        return None
    return data, edges


@lru_cache(maxsize=4096)
def _decode_options(options: tuple[tuple[int, ...], ...]) -> tuple[str, ...]:
    """The characters the byte values at each position decode to as UTF-8, in the order of the
    values. Kept per process, like `_rejected_values`: the same few sets of rejected values
    come back on every garbled line (a character with two rejected bytes tries 4096)."""
    combinations = 1
    for values in options:
        combinations *= len(values)
    if combinations > _MAX_COMBINATIONS:
        return ()
    chars = []
    for combination in itertools.product(*options):
        try:
            ch = bytes(combination).decode("utf-8")
        except UnicodeDecodeError:
            continue
        chars.append(ch)
    return tuple(chars)


def _reading_score(text: str, model: "CharModel") -> float:
    scores = char_scores(model)
    score, previous = 0.0, None
    for ch in text:
        score += scores.score_once(previous, ch)
        previous = ch
    return score


def _cut_candidates(prefix: bytes, model: "CharModel") -> list[str]:
    """Characters the document uses whose UTF-8 bytes start with `prefix`."""
    return sorted(ch for ch in model.document_chars if not ch.isascii() and ch.encode("utf-8").startswith(prefix))


#: Closing brackets of Chinese text and their openers.
_CLOSERS = {"）": "（", ")": "(", "〕": "〔", "》": "《", "”": "“", "】": "【", "」": "「", "』": "『"}
#: A closing bracket that closes the bracket open before it is this much likelier (e**4), one
#: that closes none this much less likely.
_BRACKET_NATS = 4.0
_NUMERALS = frozenset("一二三四五六七八九十〇零百千")


def _open_bracket(chars: list[str]) -> str | None:
    """The innermost bracket still open in the characters."""
    stack: list[str] = []
    openers = set(_CLOSERS.values())
    for ch in chars:
        if ch in _CLOSERS and stack and stack[-1] == _CLOSERS[ch]:
            stack.pop()
        elif ch in openers:
            stack.append(ch)
    return stack[-1] if stack else None


def _local_scores(previous: str | None, chars: tuple[str, ...], following: str | None, opened: str | None, line_ends: dict[str, int], model: "CharModel") -> np.ndarray:
    """How well each candidate fits between its neighbours (the line's end when `following` is
    None), in the order of `chars`. The terms are arrays added in the same order as one by one
    (the candidates of a character cut at a line's end are thousands), kept as an array: as a
    list, they held ~130 KB at the peak of a line."""
    scores = char_scores(model)
    fits = np.array(scores.after(previous, chars))
    if following is not None:
        fits += scores.before(chars, following)
    else:
        most_ends = max(line_ends.values(), default=0) + 1.0
        ends = np.full(len(chars), math.log((0 + 1.0) / most_ends))
        for index in [index for index, ch in enumerate(chars) if ch in line_ends]:
            ends[index] = math.log((line_ends[chars[index]] + 1.0) / most_ends)
        fits += ends
    for index in [index for index, ch in enumerate(chars) if ch in _CLOSERS]:
        fits[index] += _BRACKET_NATS if _CLOSERS[chars[index]] == opened else -_BRACKET_NATS
    return fits


class _States:
    """The Viterbi states at one byte position, one per last character, in the order first
    reached (the order `_relax` breaks ties by), as columns: the character, its total, and its
    back pointer (the edge into it and the index of the state before it at the edge's start).
    A dict of (total, back) tuples held ~180 bytes a state and a character with two rejected
    bytes leaves 4096 states: these columns hold ~14, and share the characters with the edge
    while one edge alone has reached the position."""

    __slots__ = ("chars", "totals", "previous", "edge_of", "edges", "_where")

    def __init__(self) -> None:
        self.chars: tuple | list = ()
        self.totals = array("d")
        self.previous = array("i")
        self.edge_of = array("H")
        #: The edges into the position: (start, how, the edge's characters).
        self.edges: list[tuple] = []
        #: Where each character stands, built when a second edge or state reaches the position.
        self._where: dict | None = None

    def __len__(self) -> int:
        return len(self.chars)

    def fill(self, chars: tuple, totals: array, previous: array, edge: tuple | None) -> None:
        """The first states into the empty position: one per character, all new."""
        self.chars, self.totals, self.previous = chars, totals, previous
        self.edges.append(edge)
        self.edge_of = array("H", [0]) * len(chars)

    def offer(self, ch: str, total: float, previous: int, edge: tuple) -> None:
        """Keep `ch`'s state from `previous` over the edge if it is new or its total higher."""
        where = self._where
        if where is None:
            where = self._where = {known: at for at, known in enumerate(self.chars)}
        at = where.get(ch)
        if at is not None and not total > self.totals[at]:
            return
        if not self.edges or self.edges[-1] is not edge:
            self.edges.append(edge)
        if at is None:
            if isinstance(self.chars, tuple):
                self.chars = list(self.chars)  # an edge's own tuple until now
            where[ch] = len(self.chars)
            self.chars.append(ch)
            self.totals.append(total)
            self.previous.append(previous)
            self.edge_of.append(len(self.edges) - 1)
        else:
            self.totals[at] = total
            self.previous[at] = previous
            self.edge_of[at] = len(self.edges) - 1


def _likeliest_path(lattice, model: "CharModel") -> tuple[float | None, list[tuple]]:
    """The Viterbi pass of `_best_utf8_reading` over the lattice: the best total and its path
    of (character, start, stop, how, the edge's candidates), as the plain double loop over each
    position's states and each edge's candidates finds them (the first state of equal totals;
    the last character first in character order); (None, []) when no reading reaches the end."""
    data, edges = lattice
    size = len(data)
    start_states = _States()
    start_states.fill((None,), array("d", [0.0]), array("i", [0]), None)
    best: dict[int, _States] = {0: start_states}
    scores = char_scores(model)
    for start in range(size):
        states = best.get(start)
        if not states:
            continue
        for stop, chars, how in edges.get(start, ()):
            if how == "cut":
                named = _cut_candidates(chars[0], model)
                chars = (named[0],) if len(named) == 1 else (MISSING,)
            target = best.get(stop)
            if target is None:
                target = best[stop] = _States()
            edge = (start, how, chars)
            if how != "cut" and len(states) > 1:
                _relax(states, chars, target, edge, scores)
                continue
            for index, (previous, score) in enumerate(zip(states.chars, states.totals)):
                costs = (_COST_CUT,) * len(chars) if how == "cut" else scores.after(previous, chars)
                if not target:
                    # The first state into an empty position: every candidate is new (an edge's
                    # candidates are distinct, as UTF-8 reads distinct bytes distinctly). The totals
                    # go into the array one at a time, with no list of thousands of floats between.
                    target.fill(chars, array("d", map(score.__add__, costs)), array("i", [index]) * len(chars), edge)
                    continue
                for ch, cost in zip(chars, costs):
                    target.offer(ch, score + cost, index, edge)
    final = best.get(size)
    if not final:
        return None, []
    # The best last character, the first in character order of equal scores.
    top = max(final.totals)
    last = min((at for at, total in enumerate(final.totals) if total == top), key=lambda at: final.chars[at] or "")
    score = final.totals[last]
    path = []
    position, at = size, last
    while position > 0:
        states = best[position]
        start, how, chars = states.edges[states.edge_of[at]]
        path.append((states.chars[at], start, position, how, chars))
        position, at = start, states.previous[at]
    path.reverse()
    return score, path


def _best_utf8_reading(lattice, model: "CharModel", margin_nats: float, line_ends: dict[str, int]):
    """The likeliest reading through the lattice (Viterbi over positions and the last character):
    (score, text, the rejected bytes' characters, the cut characters). A character read from a
    rejected byte is kept only when, between its neighbours, it beats every other candidate by
    `margin_nats` (a closing bracket that closes the line's open one, or one that closes nothing,
    counts `_BRACKET_NATS` up or down; at the line's end, how the document's lines end counts);
    otherwise it is □ and its candidates go to the note. Two numerals are never told apart
    this way (the document uses every number of a sequence once: 第六章 is no evidence for 六)."""
    data = lattice[0]
    score, path = _likeliest_path(lattice, model)
    if score is None:
        return None
    out = [item[0] for item in path]
    chosen, cut = [], []
    for index, (ch, start, stop, how, chars) in enumerate(path):
        if how == "rejected":
            previous = out[index - 1] if index > 0 else None
            following = out[index + 1] if index + 1 < len(out) else None
            opened = _open_bracket(out[:index])
            fits = _local_scores(previous, chars, following, opened, line_ends, model)
            # The best three, best first, then by character (a candidate is one code point):
            # one array sort of the thousands a character cut at a line's end has.
            order = np.lexsort((np.fromiter(map(ord, chars), dtype=np.int64, count=len(chars)), -fits))[:3].tolist()
            local = list(zip(fits[order].tolist(), [chars[at] for at in order]))
            margin = local[0][0] - local[1][0] if len(local) > 1 else math.inf
            numerals = [c for at, c in enumerate(chars) if c in _NUMERALS and fits[at] > local[0][0] - 2 * margin_nats]
            if margin < margin_nats or len(numerals) > 1 and local[0][1] in _NUMERALS:
                out[index] = MISSING
            else:
                out[index] = local[0][1]
            chosen.append({
                "at": index,
                "char": out[index],
                "candidates": len(chars),
                "best": [c for _, c in local[:3]],
                "margin_nats": None if margin == math.inf else round(margin, 2),
            })
        elif how == "cut":
            cut.append({"at": index, "char": ch, "surviving_bytes": bytes(b for b in data[start:stop]).hex(" ")})
    return score, "".join(out), chosen, cut


#: States of a kind that are scored as `CharScores.best_han_state` and
#: `best_mostly_alike_state` say rather than each on its own: the states a character with two
#: rejected bytes leaves (up to 4096).
_MIN_PRUNED_STATES = 32


class _Ranked:
    """A kind's states best first, then by index, as (total, index) pairs read off two arrays:
    a list of the pairs held ~110 bytes a state for the 4096 states of a rejected byte."""

    __slots__ = ("totals", "indices")

    def __init__(self, totals: array, indices: array) -> None:
        self.totals, self.indices = totals, indices

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, at: int) -> tuple[float, int]:
        return self.totals[at], self.indices[at]

    def __iter__(self):
        return zip(self.totals, self.indices)


def _rank_by_kind(states: _States) -> list[tuple[int, _Ranked]]:
    """The states by kind (`kind_of_state`, in the order of each kind's first state), each
    kind's best first and then by index (a stable sort of the negated totals, as a stable
    descending sort of the totals orders them)."""
    kinds = np.fromiter(map(kind_of_state, states.chars), dtype=np.int8, count=len(states))
    totals = np.frombuffer(states.totals, dtype=np.float64)
    ranked = []
    for kind in dict.fromkeys(kinds.tolist()):
        members = np.flatnonzero(kinds == kind)
        order = members[np.argsort(-totals[members], kind="stable")]
        ranked.append((kind, _Ranked(array("d", totals[order].tobytes()), array("i", order.astype(np.intc).tobytes()))))
    return ranked


def _relax(states: _States, chars: tuple[str, ...], target: _States, edge: tuple, scores: CharScores) -> None:
    """One Viterbi step over an edge: for each candidate, the best state before it, as the plain
    double loop over states and candidates finds it (the first of equal totals). A candidate
    scores the same after every state of a kind where `_representative` says so (a rare symbol
    after any Han character, any Han character after any mark), so the states of each kind are
    ranked once per edge, and only the best of a kind is scored, not every one."""
    previous_chars = states.chars
    if len(chars) >= _MIN_COLUMN_CANDIDATES and len(previous_chars) <= _MAX_COLUMN_STATES:
        _relax_by_columns(states, chars, target, edge, scores)
        return
    pairs = scores.pairs
    # Per kind: its states ranked, and the scores of the candidates alike after all of them.
    columns = [(kind, ranked, *scores.kind_column(kind, previous_chars[ranked[0][1]], chars)[:2]) for kind, ranked in _rank_by_kind(states)]
    # The best totals and states, kept as they are found (a list held a float object each).
    totals, indices = array("d"), array("i")
    for position, ch in enumerate(chars):
        total, index = None, -1
        for kind, ranked, column, alike in columns:
            if alike[position]:
                score, other = ranked[0]
                cost = column[position]
                found = score + cost
                if len(ranked) > 1 and ranked[1][0] + cost == found:
                    # Totals that round to the same float as the best: the first state of them.
                    other = min(other for score, other in ranked if score + cost == found)
                if total is None or found > total or found == total and other < index:
                    total, index = found, other
                continue
            if len(ranked) >= _MIN_PRUNED_STATES:
                if kind == HAN_STATES and is_plain_han(ch):
                    total, index = scores.best_han_state(ranked, previous_chars, ch, total, index)
                else:
                    total, index = scores.best_mostly_alike_state(kind, ranked, previous_chars, ch, total, index)
                continue
            for score, other in ranked:
                previous = previous_chars[other]
                cost = pairs.get((previous, ch))
                found = score + (scores.score(previous, ch) if cost is None else cost)
                if total is None or found > total or found == total and other < index:
                    total, index = found, other
        totals.append(total)
        indices.append(index)
    _keep(target, chars, totals, indices, edge)


def _keep(target: _States, chars: tuple[str, ...], totals: array, indices: array, edge: tuple) -> None:
    """Each candidate's best total and state before it, kept at the edge's end."""
    if not target:
        target.fill(chars, totals, indices, edge)
        return
    for ch, total, index in zip(chars, totals, indices):
        target.offer(ch, total, index, edge)


#: An edge of at least this many candidates after at most this many states is relaxed a state
#: at a time over arrays (`_relax_by_columns`): a character with two rejected bytes after the
#: few readings of the characters before it.
_MIN_COLUMN_CANDIDATES = 64
_MAX_COLUMN_STATES = 32


def _relax_by_columns(states: _States, chars: tuple[str, ...], target: _States, edge: tuple, scores: CharScores) -> None:
    """`_relax` for many candidates after few states: each state's totals over all candidates
    at once (`CharScores.after`, the same scores), taken where strictly better than the states
    before it in index order, so equal totals keep the first state, as `_relax` does."""
    totals = indices = None
    for index, (previous, total) in enumerate(zip(states.chars, states.totals)):
        found = total + np.array(scores.after(previous, chars))
        if totals is None:
            totals, indices = found, np.zeros(len(chars), dtype=np.int64)
        else:
            better = found > totals
            totals = np.where(better, found, totals)
            indices = np.where(better, index, indices)
    _keep(target, chars, array("d", totals.tobytes()), array("i", indices.astype(np.intc).tobytes()), edge)
