"""Mojibake: text decoded with the wrong codec, read again from its bytes.

- Whole texts: GBK bytes read as Latin-1/cp1252 (¹ØÓÚ for 关于) and UTF-8 bytes read as GBK
  (鍏充簬 for 关于), taken when the re-read text decodes strictly and the character model finds
  it far likelier (`find_whole_text_edits`).
- Lines: UTF-8 lines read as GBK inside an otherwise good document (`find_utf8_as_gbk_edits`).
- Lost characters named by the reading a mirror glued after them (`find_reading_evidence_edits`),
  after the byte-shift stage (docrepair.stages.byteshift) has re-read the runs of GBK bytes
  read out of step (found by docrepair.garble) and marked what it could not name.

Characters whose bytes are gone are □ (U+25A1, the customary mark), with a note.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from ..config import MojibakeConfig, RepairConfig
from ..garble import MISSING
from ..model import Action, Edit, Proposal
from ..stage import DocumentView, Stage

if TYPE_CHECKING:
    from ..charlm import CharModel

NAME = "mojibake"


def propose_whole_text(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(find_whole_text_edits(view.text, config.mojibake))


def propose_lines(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(find_utf8_as_gbk_edits(view.text, config.mojibake))


def propose_readings(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(find_reading_evidence_edits(view.text))


def propose_latin_runs(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(find_utf8_as_latin_edits(view.text))


# Four steps at three points of the pipeline: runs of UTF-8 read as cp1252 first of all (their
# soft hyphens and C1 bytes are evidence the invisible-character cleanup would remove); whole
# texts, then lines, before byteshift (which reads the runs the line re-read leaves); lost
# characters named by their readings after it (byteshift's □ is what they name).
LATIN_RUNS = Stage(NAME, propose_latin_runs)
WHOLE_TEXT = Stage(NAME, propose_whole_text)
LINES = Stage(NAME, propose_lines)
READINGS = Stage(NAME, propose_readings)

#: The characters Windows-1252 gives the bytes 80-9F (the rest of 80-FF read as Latin-1, the C1
#: controls included for the five bytes cp1252 leaves undefined).
_CP1252_HIGH = "€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ"
#: A run that may be UTF-8 bytes read as cp1252/Latin-1: what a CJK character's three bytes
#: become (a lead E2-EF, two continuation bytes 80-BF), one or more times.
_LATIN_RUN = re.compile(f"(?:[\u00e2-\u00ef][\u00a0-\u00bf{_CP1252_HIGH}]{{2}})+")


def find_utf8_as_latin_edits(text: str) -> list[Edit]:
    """Runs of UTF-8 bytes read as Windows-1252 or Latin-1 (简体 → ç®€ä½“, ftfy's home ground):
    each run is taken back to its bytes and read as UTF-8. Kept only when the bytes decode
    strictly and every character they give is CJK or full-width (a French or German word never
    does: its accented letters are not three-byte sequences)."""
    if text.isascii():
        return []
    edits = []
    for found in _LATIN_RUN.finditer(text):
        run = found.group()
        data = bytes(0x80 + _CP1252_HIGH.index(ch) if ch in _CP1252_HIGH else ord(ch) for ch in run)
        try:
            reread = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if not all(ch >= "\u2e80" for ch in reread):
            continue
        edits.append(
            Edit(
                found.start(),
                found.end(),
                reread,
                Action.REPAIR_MOJIBAKE,
                "UTF-8 bytes that had been read as Windows-1252/Latin-1, re-read as UTF-8",
                {"encoding": "utf-8 read as cp1252", "bytes": data.hex(" ")},
            )
        )
    return edits


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
    lattices = [_utf8_lattice(line.rstrip("\r\n")) for line in lines]
    if not any(lattices):
        return []
    from ..charlm import load_charlm

    # The document as it reads without its candidate lines: the garbled lines share their odd
    # characters with each other, not with the document.
    clean_lines = [line.rstrip("\r\n") for line, lattice in zip(lines, lattices) if lattice is None]
    model = load_charlm().with_document("".join(clean_lines))
    # How the document's own lines end (。 ： ； or a bracket): the evidence for a line's last
    # character where its last byte was rejected.
    line_ends: dict[str, int] = {}
    for line in clean_lines:
        if line.strip():
            line_ends[line.rstrip()[-1]] = line_ends.get(line.rstrip()[-1], 0) + 1
    edits, offset = [], 0
    for line, lattice in zip(lines, lattices):
        body = line.rstrip("\r\n")
        if lattice is not None:
            found = _best_utf8_reading(lattice, model, config.min_rejected_margin_nats, line_ends)
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


#: A character whose bytes the page cut short costs this much (nats) in a re-reading: about
#: what a lost character costs in the byte-shift stage (docrepair.stages.byteshift).
_COST_CUT = -11.0
#: A U+FFFD, an unassigned or private-use character standing in a reading.
_COST_REPLACEMENT = -12.0
_COST_ASCII = -2.0
_COST_UNSEEN_PAIR = -2.0
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
                chars = _decode_options(options)
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


def _decode_options(options: list[list[int]]) -> tuple[str, ...]:
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


#: Marks of official text (the byte-shift stage's list without ？ and ！, rare there): the model
#: (words only) knows nothing of them, so each costs a constant, about what a common character
#: costs, less the more the document uses it.
_COMMON_MARKS = frozenset("，。、；：（）《》“”‘’〔〕【】—…·　")
_COST_MARK = -8.0
#: A mark or symbol outside that list costs this much beyond its count in the document.
_COST_RARE_SYMBOL = -4.0


class _CharScores:
    """`_score_char` for one document, kept: a line's lattice scores the same pairs of characters
    many times over, and the many candidates of a rejected byte mostly score as pairs of their
    kinds (any Han character before a rare symbol: see `_representative`)."""

    def __init__(self, model: "CharModel") -> None:
        self.model = model
        #: Scores by (previous, character), and by (its representative, character).
        self.pairs: dict = {}
        #: By (kind of state, an edge's candidates): their scores after any state of the kind,
        #: and where a score depends on the state itself (see `after`).
        self.columns: dict = {}
        #: By Han character: the most a pair after it that is unseen can score beyond the
        #: unigram (`CharModel.unseen_pair_bound`).
        self.unseen_bounds: dict = {}

    def score(self, previous: str | None, ch: str) -> float:
        key = (previous, ch)
        found = self.pairs.get(key)
        if found is None:
            if previous is not None and _is_han(previous) and _is_han(ch):
                found = self._han_pair(previous, ch)
            else:
                same = (_representative(previous, ch), ch)
                found = self.pairs.get(same)
                if found is None:
                    found = self.pairs[same] = _score_char(same[0], ch, self.model)
            self.pairs[key] = found
        return found

    def _han_pair(self, previous: str, ch: str) -> float:
        """`_score_char` of two Han characters. An unseen pair after a character common enough
        that the unigram's share of the pair estimate is below `_COST_UNSEEN_PAIR` scores the
        unigram (the max of the two), which needs no pair estimate."""
        model = self.model
        if unicodedata.category(ch) == "Cn":
            return _score_char(previous, ch, model)
        unigram = model.unigram_logp(ch) + _COST_UNSEEN_PAIR
        if not model.is_attested(previous, ch):
            bound = self.unseen_bounds.get(previous)
            if bound is None:
                bound = self.unseen_bounds[previous] = model.unseen_pair_bound(previous)
            if bound < _COST_UNSEEN_PAIR:
                return unigram
        return max(model.pair_logp(previous, ch), unigram)

    def after(self, previous: str | None, chars: tuple[str, ...]) -> list[float]:
        """`score(previous, ch)` for each of an edge's candidates, in order. What scores alike
        after every state of the kind (`_is_scored_alike`) is scored once per edge's candidates;
        only the rest (Han pairs, marks after Han) is scored for this state."""
        column, _, depends = self._column(_kind_of_state(previous), previous, chars)
        if not depends:
            return column
        column = list(column)
        pairs = self.pairs
        for index in depends:
            ch = chars[index]
            score = pairs.get((previous, ch))
            column[index] = self.score(previous, ch) if score is None else score
        return column

    def _column(self, kind: int, previous: str | None, chars: tuple[str, ...]):
        """(scores of the candidates that score alike after every state of the kind, 0.0 for
        the others; which score alike; the positions of the others), `previous` one such state."""
        key = (kind, chars)
        found = self.columns.get(key)
        if found is None:
            alike = [_is_scored_alike(kind, ch) for ch in chars]
            found = self.columns[key] = (
                [self.score(previous, ch) if same else 0.0 for ch, same in zip(chars, alike)],
                alike,
                [index for index, same in enumerate(alike) if not same],
            )
        return found


def _char_scores(model: "CharModel") -> _CharScores:
    """The scores kept with the model for its document."""
    found = model.cache.get("utf8_char_scores")
    if found is None or found[0] is not model.document_pairs:
        found = model.cache["utf8_char_scores"] = (model.document_pairs, _CharScores(model))
    return found[1]


def _representative(previous: str | None, ch: str) -> str | None:
    """A character before `ch` that `_score_char` scores `ch` after exactly as after `previous`:
    `previous` itself where the score depends on it (a Han pair, a mark after a Han character
    or after another mark, ASCII after a mark), else one of its kind (any digit reads as 0, any
    Han character as 一), or None where the score does not depend on it at all."""
    if previous is None:
        return None
    if ch.isascii():
        return previous if not previous.isascii() and not _is_han(previous) else None
    if previous.isascii():
        return "0" if previous.isdigit() else "a" if ch in _COMMON_MARKS else None
    if _is_han(previous):
        return previous if _is_han(ch) or ch in _COMMON_MARKS else "一"
    return previous if ch in _COMMON_MARKS else None


def _score_char(previous: str | None, ch: str, model: "CharModel") -> float:
    """log-probability of `ch` after `previous`: Han pairs by the model and the document, a
    character after a digit by what follows digits in the document (7月, 16日), a mark by what
    follows that kind of character in the document (。 after Han, ( after 。), ASCII after a
    mark likewise; an unassigned, private-use or replacement character costs `_COST_REPLACEMENT`
    more."""
    if ch in (MISSING, "\ufffd") or "\ue000" <= ch <= "\uf8ff" or unicodedata.category(ch) == "Cn":
        return model.unigram_logp(ch) + _COST_REPLACEMENT
    if ch.isascii():
        if previous is not None and not previous.isascii() and not _is_han(previous):
            return _COST_ASCII + _class_logp(previous, _kind(ch), model)
        return _COST_ASCII
    if previous is not None and previous.isascii() and previous.isdigit():
        after_digits = _after_digits(model)
        seen = after_digits.get(ch, 0)
        if seen:
            return math.log(seen / (sum(after_digits.values()) + 1.0))
    if previous is not None and _is_han(previous) and _is_han(ch):
        # The model holds pairs inside words; a pair across two words is unseen there, so an
        # unseen pair costs at most the character's own probability and a little more (as in
        # the byte-shift stage).
        return max(model.pair_logp(previous, ch), model.unigram_logp(ch) + _COST_UNSEEN_PAIR)
    if _is_han(ch):
        return model.unigram_logp(ch)
    if ch in _COMMON_MARKS:
        score = _COST_MARK + math.log1p(model.document_chars.get(ch, 0))
        if previous is not None:
            score += _class_logp(_kind(previous), ch, model)
            seen = model.document_pairs.get(previous + ch, 0) if _is_han(previous) else 0
            if seen:
                # The document's own pair (一、 opens its headings) as a bonus: how much likelier
                # the mark is after this character than after Han in general. A pair the
                # document lacks costs nothing (a line's last mark is for its line ends to say).
                prior = math.exp(_class_logp("han", ch, model, absolute=True))
                score += max(0.0, math.log((seen + prior) / (model.document_chars.get(previous, 0) + 1.0)) - math.log(prior))
        return score
    return model.unigram_logp(ch) + _COST_RARE_SYMBOL


def _after_digits(model: "CharModel") -> dict[str, int]:
    """How often each character follows a digit in the document (年 月 日 号 after 2020, 7, 16)."""
    found = model.cache.get("after_digits")
    if found is None or found[0] is not model.document_pairs:
        counts: dict[str, int] = {}
        for pair, count in model.document_pairs.items():
            if pair[0].isascii() and pair[0].isdigit() and not pair[1].isascii():
                counts[pair[1]] = counts.get(pair[1], 0) + count
        found = model.cache["after_digits"] = (model.document_pairs, counts)
    return found[1]


def _kind(ch: str) -> str:
    """A character's kind for the document's class pairs: Han, digit, ASCII; a mark is itself."""
    if _is_han(ch):
        return "han"
    if ch.isascii():
        return "digit" if ch.isdigit() else "ascii"
    return ch


def _class_logp(first: str, second: str, model: "CharModel", absolute: bool = False) -> float:
    """log P(second | first) over kinds (see `_kind`) in the document, add-one smoothed and
    relative to the commonest follower (0 for it, negative for rarer ones), or to all of them
    (`absolute`)."""
    table = model.cache.get("kind_pairs")
    if table is None or table[0] is not model.document_pairs:
        counts: dict[str, dict[str, int]] = {}
        for pair, count in model.document_pairs.items():
            row = counts.setdefault(_kind(pair[0]), {})
            row[_kind(pair[1])] = row.get(_kind(pair[1]), 0) + count
        table = model.cache["kind_pairs"] = (model.document_pairs, counts)
    row = table[1].get(first, {})
    top = sum(row.values()) + len(row) if absolute else max(row.values(), default=0)
    return math.log((row.get(second, 0) + 1.0) / (top + 1.0))


def _reading_score(text: str, model: "CharModel") -> float:
    scores = _char_scores(model)
    score, previous = 0.0, None
    for ch in text:
        score += scores.score(previous, ch)
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


def _local_scores(previous: str | None, chars: tuple[str, ...], following: str | None, opened: str | None, line_ends: dict[str, int], model: "CharModel") -> list[float]:
    """How well each candidate fits between its neighbours (the line's end when `following` is
    None), in the order of `chars`."""
    char_scores = _char_scores(model)
    pairs = char_scores.pairs
    most_ends = max(line_ends.values(), default=0) + 1.0
    scores = []
    for ch, score in zip(chars, char_scores.after(previous, chars)):
        if following is not None:
            after = pairs.get((ch, following))
            score += char_scores.score(ch, following) if after is None else after
        else:
            score += math.log((line_ends.get(ch, 0) + 1.0) / most_ends)
        if ch in _CLOSERS:
            score += _BRACKET_NATS if _CLOSERS[ch] == opened else -_BRACKET_NATS
        scores.append(score)
    return scores


def _best_utf8_reading(lattice, model: "CharModel", margin_nats: float, line_ends: dict[str, int]):
    """The likeliest reading through the lattice (Viterbi over positions and the last character):
    (score, text, the rejected bytes' characters, the cut characters). A character read from a
    rejected byte is kept only when, between its neighbours, it beats every other candidate by
    `margin_nats` (a closing bracket that closes the line's open one, or one that closes nothing,
    counts `_BRACKET_NATS` up or down; at the line's end, how the document's lines end counts);
    otherwise it is □ and its candidates go to the note. Two numerals are never told apart
    this way (the document uses every number of a sequence once: 第六章 is no evidence for 六)."""
    data, edges = lattice
    size = len(data)
    # best[position][last character] = (score, back pointer)
    best: dict[int, dict] = {0: {None: (0.0, None)}}
    scores = _char_scores(model)
    for start in range(size):
        states = best.get(start)
        if not states:
            continue
        for stop, chars, how in edges.get(start, ()):
            if how == "cut":
                named = _cut_candidates(chars[0], model)
                chars = (named[0],) if len(named) == 1 else (MISSING,)
            target = best.setdefault(stop, {})
            if how != "cut" and len(states) > 1:
                _relax(states, chars, target, (start, how, chars), scores)
                continue
            for previous, (score, _) in states.items():
                back = (start, previous, how, chars)
                costs = (_COST_CUT,) * len(chars) if how == "cut" else scores.after(previous, chars)
                for ch, cost in zip(chars, costs):
                    total = score + cost
                    found = target.get(ch)
                    if found is None or total > found[0]:
                        target[ch] = (total, back)
    final = best.get(size)
    if not final:
        return None
    last = max(sorted(final, key=lambda ch: ch or ""), key=lambda ch: final[ch][0])
    score = final[last][0]
    path = []
    position, ch = size, last
    while position > 0:
        start, previous, how, chars = best[position][ch][1]
        path.append((ch, start, position, how, chars))
        position, ch = start, previous
    path.reverse()
    out = [item[0] for item in path]
    chosen, cut = [], []
    for index, (ch, start, stop, how, chars) in enumerate(path):
        if how == "rejected":
            previous = out[index - 1] if index > 0 else None
            following = out[index + 1] if index + 1 < len(out) else None
            opened = _open_bracket(out[:index])
            local = sorted(zip(_local_scores(previous, chars, following, opened, line_ends, model), chars), key=lambda item: (-item[0], item[1]))
            margin = local[0][0] - local[1][0] if len(local) > 1 else math.inf
            numerals = [c for _, c in local if c in _NUMERALS and _ > local[0][0] - 2 * margin_nats]
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


#: States before an edge, by what of them `_score_char` reads (see `_representative`): Han
#: characters, ASCII digits, other ASCII, other characters, and the line's start (None).
_HAN, _DIGIT, _ASCII, _OTHER, _START = range(5)


def _kind_of_state(previous: str | None) -> int:
    if previous is None:
        return _START
    if previous.isascii():
        return _DIGIT if previous.isdigit() else _ASCII
    return _HAN if _is_han(previous) else _OTHER


def _is_scored_alike(kind: int, ch: str) -> bool:
    """Does `ch` score the same after every state of this kind (see `_representative`)?"""
    if kind == _HAN:
        return not _is_han(ch) and ch not in _COMMON_MARKS
    if kind == _OTHER:
        return not ch.isascii() and ch not in _COMMON_MARKS
    return True


def _relax(states: dict, chars: tuple[str, ...], target: dict, back: tuple, scores: _CharScores) -> None:
    """One Viterbi step over an edge: for each candidate, the best state before it, as the plain
    double loop over states and candidates finds it (the first of equal totals). A candidate
    scores the same after every state of a kind where `_representative` says so (a rare symbol
    after any Han character, any Han character after any mark), so the states of each kind are
    ranked once per edge, and only the best of a kind is scored, not every one."""
    items = list(states.items())
    kinds: dict[int, list[tuple[float, int]]] = {}
    for index, (previous, entry) in enumerate(items):
        kinds.setdefault(_kind_of_state(previous), []).append((entry[0], index))
    for ranked in kinds.values():
        ranked.sort(key=lambda item: (-item[0], item[1]))
    start, how, chars_back = back
    pairs = scores.pairs
    # Per kind: its states ranked, and the scores of the candidates alike after all of them.
    columns = [(ranked, *scores._column(kind, items[ranked[0][1]][0], chars)[:2]) for kind, ranked in kinds.items()]
    for position, ch in enumerate(chars):
        total, index = None, -1
        for ranked, column, alike in columns:
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
            for score, other in ranked:
                previous = items[other][0]
                cost = pairs.get((previous, ch))
                found = score + (scores.score(previous, ch) if cost is None else cost)
                if total is None or found > total or found == total and other < index:
                    total, index = found, other
        if ch not in target or total > target[ch][0]:
            target[ch] = (total, (start, items[index][0], how, chars_back))


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


#: A character lost or misread in a garbled run, with the reading a mirror glued after it:
#: □O(jiān) (監's lead byte lost, its trail byte read as O), or □zhí) (執 and the "(" lost).
#: Pinyin is lower case, so a lower-case letter after □ starts the reading.
_LOST_WITH_READING = re.compile(r"(?:□?([A-Z0-9])|(□))[(（]?([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})[)）](?=[\u4e00-\u9fff])")


def find_reading_evidence_edits(text: str) -> list[Edit]:
    """A lost character is restored from the reading glued after it when exactly one character
    of the document has that reading and forms, with the character after it, a pair the
    document uses elsewhere (zhí + 法 → 執法). Otherwise it stays □ (and the reading stays)."""
    from ..readings import readings_of

    matches = list(_LOST_WITH_READING.finditer(text))
    if not matches:
        return []
    # Pairs as the document reads without its glued readings (執(zhí)法 is the pair 執法).
    plain = re.sub(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]", "", text)
    pairs: dict[str, set[str]] = {}
    for first, second in zip(plain, plain[1:]):
        if _is_han(first) and _is_han(second):
            pairs.setdefault(second, set()).add(first)
    edits = []
    for found in matches:
        syllable, following = found.group(3), text[found.end()]
        # □O: the letter is what is left of the character, the □ before it stands for text lost
        # before it and stays. □ alone right before the reading is the character itself.
        start = found.start(1) if found.group(1) else found.start(2)
        candidates = sorted(ch for ch in pairs.get(following, ()) if syllable in readings_of(ch))
        if len(candidates) != 1:
            continue
        edits.append(
            Edit(
                start,
                found.end(),
                candidates[0],
                Action.REPAIR_MOJIBAKE,
                f"a character lost in garbled bytes restored as {candidates[0]}: the reading {syllable} glued after it, and {candidates[0]}{following} is used elsewhere in the document",
                {"pinyin": syllable, "pair": candidates[0] + following, "evidence": "glued reading and the document's own pairs"},
            )
        )
    return edits


#: Latin-1 letters and C1 controls: what GBK bytes read as Latin-1 (or cp1252) look like.
_LATIN1_RUN = re.compile("[\u0080-\u00ff]")
_CJK_CHAR = re.compile("[\u3000-\u9fff]")


def find_whole_text_edits(text: str, config: MojibakeConfig | None = None) -> list[Edit]:
    """Whole texts decoded with the wrong codec: GBK bytes read as Latin-1/cp1252 (¹ØÓÚ for 关于)
    and UTF-8 bytes read as GBK (鍏充簬 for 关于). The whole text is re-read; it is taken only when
    it then decodes strictly and the model finds it far likelier per character. One edit per
    changed line (GBK and UTF-8 never carry a character across a line break)."""
    config = config or MojibakeConfig()
    if text.isascii():
        return []
    for label, reread in (("gbk read as latin-1", _reread_latin1_as_gbk), ("utf-8 read as gb18030", _reread_gbk_as_utf8)):
        repaired = reread(text)
        if repaired is None or repaired == text:
            continue
        from ..charlm import load_charlm

        model = load_charlm()
        reread_score = _per_char_score(repaired, model)
        if reread_score < config.min_whole_score_nats or reread_score - _per_char_score(text, model) < config.min_whole_gain_nats:
            continue  # not Chinese either way (a Latin text that happens to decode), or no better
        edits, offset = [], 0
        for old, new in zip(text.splitlines(keepends=True), repaired.splitlines(keepends=True)):
            if old != new:
                old_body, new_body = old.rstrip("\r\n"), new.rstrip("\r\n")
                edits.append(Edit(offset, offset + len(old_body), new_body, Action.REPAIR_MOJIBAKE, f"the whole text was {label}; this line re-read from its bytes", {"encoding": label}))
            offset += len(old)
        if len(text.splitlines()) == len(repaired.splitlines()):
            return edits
    return []


def _per_char_score(text: str, model: "CharModel") -> float:
    han = [ch for ch in text if _is_han(ch)]
    if len(han) < 8:
        return -30.0  # hardly any Chinese: as bad as a text of unknown characters
    return model.score("".join(han)) / len(han)


def _reread_latin1_as_gbk(text: str) -> str | None:
    if _LATIN1_RUN.search(text) is None or _CJK_CHAR.search(text[:4096]):
        return None  # Chinese as it should be, or no Latin-1 at all: one or two scans
    for codec in ("latin-1", "cp1252"):
        try:
            return text.encode(codec).decode("gb18030")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return None


def _reread_gbk_as_utf8(text: str) -> str | None:
    if text.count("\ufffd") * 100 > len(text):
        return None  # bytes already lost: the line-level re-read (find_utf8_as_gbk_edits) marks them
    try:
        return text.encode("gb18030").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
