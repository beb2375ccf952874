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
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ..charlm import CharModel, load_charlm
from ..config import RepairConfig, ShiftConfig
from ..garble import GLUED_READING_TAIL, MISSING, SUSPICIOUS, clean_text, find_runs, gbk_pairs
from ..model import Action, Edit, Proposal
from ..readings import readings_of
from ..stage import DocumentView, Stage

NAME = "byteshift"

#: A byte lost to `?` or U+FFFD: its value is unknown.
_LOST_BYTE = -1
_HAN_RANGE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: Characters a correct reading of official text never holds (as SUSPICIOUS, plus private use,
#: Latin-1 letters and GBK's rare symbol rows): a reading holding one is penalised.
_IMPLAUSIBLE = re.compile(rf"[{SUSPICIOUS}\ue000-\uf8ff\u00c0-\u02af\u2150-\u218f\u2460-\u24ff\u3220-\u324f\u2160-\u217f\ufe30-\ufe4f]")
#: A reading glued after a character: (fā).
_READING_AFTER = re.compile(r"[(（]([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})[)）]")
_LINE_STOP = re.compile(r"[\r\n]")


#: Costs of the reading (natural-log units), measured on the seeds and on shifted clean lines
#: (tests/test_mojibake.py): a lost character costs about what an unseen pair of common
#: characters costs, so a reading gives bytes up only where what it reads instead is worse.
_COST_LOST = -11.0
_COST_UNSEEN_PAIR = -2.0
_COST_ASCII = -4.0
#: A lone ASCII letter after a Han character or a lost one (侵權c): official text writes Latin
#: only in words and codes, so a letter that starts none there is likelier a GBK trail byte.
#: Was -9 (the seeds); -14, about one in a million characters, names 業 of 行I自 (行業自) on the
#: benchmark's GBK-shift cases (1 more sentence restored, none worse, seeds unchanged).
_COST_LONE_LETTER = -14.0
_COST_QUESTION = -10.0  # a `?` read as itself between Han characters
_COST_IMPLAUSIBLE = -12.0
_COST_UNKNOWN_CHAR = -6.0  # a character neither the model nor the document knows
_COST_MARK = -4.0
_COST_GUESS = -4.0  # what naming a character from one byte costs beyond its model score
#: A character of the script the document does not write in (馳 in a simplified text, 发 in a
#: traditional one): the model holds both scripts, the document only one, so a misread pair or
#: a name in the other script (迅馳 for 严格, 始於 for 省级) is about as unlikely as an unknown
#: character.
_COST_OTHER_SCRIPT = -6.0
#: Characters the model's words spell otherwise: 〇 of dates (二〇〇四年) is the numeral 零, and
#: scored as an unknown character a date of them read as it stands loses to a re-reading.
_SCORED_AS = {"\u3007": "零"}
#: Marks of official text; the model (words only) says nothing about them.
_COMMON_MARKS = frozenset("，。、；：？！（）《》“”‘’〔〕【】—…·　")


@dataclass(frozen=True)
class _Token:
    """One character of a reading: `char` when both bytes are known, else a lost character
    with whatever of its bytes survive (`lead` or `trail`, None when unknown)."""

    char: str | None
    lead: int | None = None
    trail: int | None = None
    native: bool = False
    #: For a lost character, the model's best candidate: context for the next character only.
    guess: str | None = None
    #: Named from one surviving byte (not read from two).
    named: bool = False

    @property
    def context(self) -> str | None:
        """What the next character is scored after: the character, or a lost one's guess."""
        return self.char or self.guess

    @property
    def surviving(self) -> tuple[str, int | None]:
        """The byte a lost character kept and its place: ("lead", 0xbf) or ("trail", 0xda)."""
        return ("lead", self.lead) if self.lead is not None else ("trail", self.trail)


@lru_cache(maxsize=1)
def _gbk_table() -> dict[tuple[str, int], tuple[str, ...]]:
    """Characters by one known byte: ("lead", 0x8c) → every GBK character whose lead byte is
    0x8c, likewise ("trail", b). Private-use and unassigned pairs are left out."""
    table: dict[tuple[str, int], list[str]] = {}
    for (lead, trail), ch in gbk_pairs().items():
        if "\ue000" <= ch <= "\uf8ff":
            continue
        table.setdefault(("lead", lead), []).append(ch)
        table.setdefault(("trail", trail), []).append(ch)
    return {key: tuple(chars) for key, chars in table.items()}


@lru_cache(maxsize=None)
def _gbk_row(role: str, byte: int) -> frozenset:
    """`_gbk_table`'s characters of one known byte, as a set."""
    return frozenset(_gbk_table().get((role, byte), ()))


#: Entries of the shipped model's attested candidates kept with it (`_attested_in_model`) before
#: they are dropped and gathered again: a bound on memory over a long batch (a garbled document
#: asks for a few hundred).
_MAX_ATTESTED_ENTRIES = 100_000


def _attested_in_model(model: CharModel, previous: str, role: str, byte: int) -> frozenset:
    """Characters of a byte's row that form a pair attested in the shipped model after
    `previous`: the same for every document, so kept with the model's derived tables."""
    table = model.cache.setdefault("attested_by_byte", {})
    key = (previous, role, byte)
    found = table.get(key)
    if found is None:
        if len(table) >= _MAX_ATTESTED_ENTRIES:
            table.clear()
        bigrams = model.bigrams
        found = table[key] = frozenset(ch for ch in _gbk_table().get((role, byte), ()) if previous + ch in bigrams)
    return found


def _decode_pair(lead: int, trail: int) -> str | None:
    return gbk_pairs().get((lead, trail))


def _shift_byte_options(ch: str) -> list[tuple[int, ...]]:
    """What bytes a character of a run may stand for: itself; a `?` also one or two lost bytes
    or a folded full-width ？; an ASCII letter or digit also its full-width form."""
    if ch == "?":
        return [(0x3F,), (_LOST_BYTE,), (_LOST_BYTE, _LOST_BYTE), (0xA3, 0xBF)]
    if ch == "\ufffd":
        return [(_LOST_BYTE,), (_LOST_BYTE, _LOST_BYTE)]
    if ch.isascii():
        if ch.isalnum():
            return [(ord(ch),), tuple(chr(ord(ch) + 0xFEE0).encode("gbk"))]
        return [(ord(ch),)]
    try:
        data = ch.encode("gbk")
    except UnicodeEncodeError:
        return []
    return [tuple(data)]


class _Reader:
    """Scores tokens of a reading against the model and the document."""

    def __init__(self, model: CharModel, other_script: str | None = None, line_end_marks: frozenset = frozenset()) -> None:
        self.model = model
        #: Marks the document ends its lines with.
        self.line_end_marks = line_end_marks
        #: The script the document does not write in ("traditional", "simplified" or None).
        self.other_script = other_script
        self._lost_cache: dict = {}
        self._document_followers: dict[str, set[str]] | None = None

    def is_other_script(self, ch: str) -> bool:
        return self.other_script is not None and _script_of(ch) == self.other_script

    def lost(self, previous: str | None, lead: int | None, trail: int | None) -> tuple[float, str | None]:
        """Cost of a lost character and its likeliest candidate given the character before it:
        a surviving byte that, with the context, makes a likely character costs less."""
        if (lead is None) == (trail is None):
            return _COST_LOST, None
        key = (previous, lead, trail)
        found = self._lost_cache.get(key)
        if found is None:
            role, byte = ("lead", lead) if lead is not None else ("trail", trail)
            found = (_COST_LOST, None)
            if previous is not None and _HAN_RANGE.match(previous):
                model = self.model
                # max over (score, character) pairs: the order of the candidates never matters.
                attested = _attested_in_model(model, previous, role, byte) | self._attested_in_document(previous, role, byte)
                best = max(((model.pair_logp(previous, ch), ch) for ch in attested if not self.is_other_script(ch)), default=None)
                if best is not None and best[0] + _COST_GUESS > _COST_LOST:
                    found = (best[0] + _COST_GUESS, best[1])
            self._lost_cache[key] = found
        return found

    def _attested_in_document(self, previous: str, role: str, byte: int) -> frozenset:
        """Characters of a byte's row (see `_gbk_table`) that follow `previous` in the document."""
        if self._document_followers is None:
            followers: dict[str, set[str]] = {}
            for pair in self.model.document_pairs:
                followers.setdefault(pair[0], set()).add(pair[1])
            self._document_followers = followers
        found = self._document_followers.get(previous)
        return found.intersection(_gbk_row(role, byte)) if found else frozenset()

    def char_cost(self, previous: str | None, ch: str) -> float:
        model = self.model
        if ch.isascii():
            if ch == "?":
                return _COST_QUESTION
            if ch.isalpha() and (previous is None or not previous.isascii()):
                return _COST_LONE_LETTER
            return _COST_ASCII
        if ch in "？！":
            return _COST_QUESTION  # rare in official text, and what a folded ? came from
        if ch in _COMMON_MARKS:
            # The model knows words, not punctuation: a mark costs a constant, less where the
            # document has the same pair.
            return _COST_MARK / 2 if previous is not None and previous + ch in model.document_pairs else _COST_MARK
        ch = _SCORED_AS.get(ch, ch)
        if previous is not None:
            previous = _SCORED_AS.get(previous, previous)
        if previous is None or not _HAN_RANGE.match(previous):
            cost = model.unigram_logp(ch)
        else:
            # The model holds pairs inside words; a pair across two words is unseen there, so
            # an unseen pair costs at most the character's own probability and a little more.
            cost = max(model.pair_logp(previous, ch), model.unigram_logp(ch) + _COST_UNSEEN_PAIR)
        if _IMPLAUSIBLE.match(ch):
            cost += _COST_IMPLAUSIBLE
        elif not model.is_known(ch) and _HAN_RANGE.match(ch):
            cost += _COST_UNKNOWN_CHAR
        elif self.is_other_script(ch):
            cost += _COST_OTHER_SCRIPT
        return cost


def _read_run(run: str, before: str | None, after: str | None, reader: _Reader, beam_width: int):
    """The best reading of a run's bytes: a beam search over every byte option of every
    character, decoding GBK pairs where bytes pair, giving a byte up as half of a lost character
    where they do not. Returns (score, tokens); the reading of the run as it stands is one of
    the paths, so the result is never worse than it. A token is `native` when it is a character
    of the run read from its own bytes (the run as it stands there)."""
    # A hypothesis: (score, tokens, pending); pending is None when the reading is in step, else
    # (lead byte or _LOST_BYTE, index of the run character it came from, read as that character).
    hypotheses: list[tuple[float, tuple, tuple | None]] = [(0.0, (), None)]

    def last_char(tokens: tuple) -> str | None:
        return tokens[-1].context if tokens else before

    def lost(score, tokens, lead, trail):
        cost, guess = reader.lost(last_char(tokens), lead, trail)
        return (score + cost, tokens + (_Token(None, lead=lead, trail=trail, guess=guess),), None)

    def feed(hyps, byte, source, native):
        out = []
        for score, tokens, pending in hyps:
            previous = last_char(tokens)
            if pending is None:
                if byte == _LOST_BYTE:
                    out.append((score, tokens, (byte, source, False)))
                    out.append((score + _COST_LOST, tokens + (_Token(None),), None))
                elif byte < 0x80:
                    out.append((score + reader.char_cost(previous, chr(byte)), tokens + (_Token(chr(byte), native=native),), None))
                    if 0x40 <= byte and (chr(byte).isalpha() or chr(byte) in _ASCII_TRAIL_MARKS):
                        # A GBK trail byte 40-7E whose lead was lost (主體 → 主w責: F3 gone).
                        out.append(lost(score, tokens, None, byte))
                else:
                    out.append((score, tokens, (byte, source, native)))
                    # The byte alone: a lead whose trail is lost, or a trail whose lead is.
                    out.append(lost(score, tokens, byte, None))
                    if byte >= 0x40:
                        out.append(lost(score, tokens, None, byte))
                continue
            lead, lead_source, lead_native = pending
            if lead == _LOST_BYTE or byte == _LOST_BYTE:
                trail = None if byte == _LOST_BYTE else byte
                if trail is None or trail >= 0x40:
                    out.append(lost(score, tokens, None if lead == _LOST_BYTE else lead, trail))
                continue
            ch = _decode_pair(lead, byte)
            if ch is not None:
                token = _Token(ch, native=native and lead_native and lead_source == source)
                out.append((score + reader.char_cost(previous, ch), tokens + (token,), None))
        return out

    for source, ch in enumerate(run):
        options = _shift_byte_options(ch)
        if not options:
            # Not in GBK: it can only stand as itself, with the reading in step.
            hypotheses = [
                (score + reader.char_cost(last_char(tokens), ch), tokens + (_Token(ch, native=True),), None)
                for score, tokens, pending in hypotheses
                if pending is None
            ]
        else:
            expanded = []
            for number, option in enumerate(options):
                hyps = hypotheses
                for position, byte in enumerate(option):
                    hyps = feed(hyps, byte, source, number == 0 and (position == 0 or len(option) == 2))
                expanded.extend(hyps)
            hypotheses = expanded
        hypotheses = _prune(hypotheses, beam_width)
        if not hypotheses:
            return None
    finished = []
    for score, tokens, pending in hypotheses:
        if pending is not None:
            lead = pending[0]
            score, tokens, _ = lost(score, tokens, None if lead == _LOST_BYTE else lead, None)
        if after is not None and tokens:
            score += reader.char_cost(tokens[-1].context, after)
        finished.append((score, tokens))
    return max(finished, key=lambda item: item[0])


def _prune(hypotheses, beam_width):
    """The best hypothesis of each decoder state (pending byte and last character; the first of
    equals), then the best `beam_width * 4` of those."""
    best: dict = {}
    for hyp in hypotheses:
        score, tokens, pending = hyp
        key = (pending[0] if pending else None, tokens[-1].context if tokens else None)
        if key not in best or score > best[key][0]:
            best[key] = hyp
    kept = sorted(best.values(), key=lambda h: -h[0])
    return kept[: beam_width * 4]


def _as_is_score(run: str, before: str | None, after: str | None, reader: _Reader) -> float:
    score, previous = 0.0, before
    for ch in run:
        score += reader.char_cost(previous, ch)
        previous = ch
    if after is not None:
        score += reader.char_cost(run[-1], after)
    return score


def _name_lost(tokens: list[_Token], before: str | None, after: str | None, reader: _Reader, margin_nats: float, reading: str | None):
    """Name lost characters one of whose bytes survives. Each stretch of such characters is
    decoded jointly (Viterbi over the characters each surviving byte allows, as lead or trail
    byte, scored by the model with the characters around the stretch); a character is named
    only when its best candidate beats every other by `margin_nats` and forms a pair the model
    or the document attests with a neighbour. A reading glued after the run restricts its last
    character to the characters with that reading. Returns a list parallel to tokens:
    (char, evidence) or None."""
    model = reader.model
    named: list = [None] * len(tokens)
    index = 0
    while index < len(tokens):
        if not _is_nameable(tokens[index]):
            index += 1
            continue
        stop = index
        while stop < len(tokens) and _is_nameable(tokens[stop]):
            stop += 1
        left = tokens[index - 1].char if index > 0 else before
        right = tokens[stop].char if stop < len(tokens) else after
        left = left if left is not None and _HAN_RANGE.match(left) else None
        right = right if right is not None and _HAN_RANGE.match(right) else None
        sets = []
        for position in range(index, stop):
            candidates = _candidates_for(tokens[position], model, reader.other_script)
            if reading and position == len(tokens) - 1:
                candidates = [ch for ch in candidates if reading in readings_of(ch)]
            if position == len(tokens) - 1 and after in (None, "\n", "\r"):
                # A mark at a line's end is one the document ends its lines with (。；：), not
                # 、 or （ that its lines hold inside (交流。 read out of step is 交痢?).
                candidates = [ch for ch in candidates if ch not in _COMMON_MARKS or ch in reader.line_end_marks]
            sets.append(candidates)
        if all(sets) and (left or right or stop - index > 1):
            for offset, (ch, margin, attested) in enumerate(_viterbi_names(sets, left, right, model)):
                single = bool(reading) and index + offset == len(tokens) - 1 and len(sets[offset]) == 1
                if not attested or (margin < margin_nats and not single):
                    continue
                _, byte = tokens[index + offset].surviving
                evidence = {
                    "known_byte": f"{byte:02x}",
                    "candidates": len(sets[offset]),
                    "margin_nats": None if margin == math.inf else round(margin, 2),
                    "attested_pairs": attested,
                    "document_uses": model.document_chars.get(ch, 0),
                }
                if stop - index == 1 and margin >= _SURE_NAME_MARGIN:
                    evidence["margin_over_other_place_nats"] = round(_margin_over_other_place(tokens[index], ch, left, right, reader), 2)
                if reading and index + offset == len(tokens) - 1:
                    evidence["pinyin"] = reading
                named[index + offset] = (ch, evidence)
        index = stop
    return named


def _margin_over_other_place(token: _Token, ch: str, left: str | None, right: str | None, reader: _Reader) -> float:
    """How much likelier `ch` is than the best character with the surviving byte in its other
    place. One lost character between characters read in step lost its lead or its trail, the
    same one byte either way; the search took the place its left neighbour liked (法人 of 本法朔Q,
    where 所稱 is the text: CB is 所's lead, not 人's trail), so a name is only sure (see
    `_SURE_NAME_MARGIN`) when it beats both places. The other place's characters are not named
    themselves (see `_candidates_for`)."""
    model = reader.model
    role, byte = token.surviving
    other = _Token(None, lead=byte) if role == "trail" else _Token(None, trail=byte)

    def fit(candidate: str) -> float:
        used = math.log1p(model.document_chars.get(candidate, 0))
        score = used + (model.unigram_logp(candidate) if left is None else model.pair_logp(left, candidate))
        return score + (0.0 if right is None else model.pair_logp(candidate, right))

    rivals = [fit(candidate) for candidate in _candidates_for(other, model, reader.other_script) if candidate != ch]
    return fit(ch) - max(rivals) if rivals else math.inf


def _is_nameable(token: _Token) -> bool:
    return token.char is None and (token.lead is None) != (token.trail is None)


def _candidates_for(token: _Token, model: CharModel, other_script: str | None = None) -> list[str]:
    """Han characters with the surviving byte in the place the reading gives it (lead or
    trail). Taking either place would name more characters, and measured on the seeds it named
    wrong ones (人民日落實 for 人民政府落實): the reading's own alignment is the evidence.
    Of the ~190 characters a byte allows, the `_MAX_CANDIDATES` commonest and every character
    the document uses are scored: the joint choice costs the square of their number per step,
    and a rarer character could not win the margin a name needs anyway."""
    common, rest = _common_candidates(*token.surviving, model)
    han = common + [ch for ch in rest if ch in model.document_chars]
    if other_script is not None:
        han = [ch for ch in han if _script_of(ch) != other_script or ch in model.document_chars]
    return han + _mark_candidates(*token.surviving, model)


def _mark_candidates(role: str, byte: int, model: CharModel) -> list[str]:
    """Marks of official text the document itself uses, with the surviving byte in its place
    (。 is A1 A3: a lost character whose trail A3 survives may be it). Named, like a character,
    only with a margin and a pair the document attests (保障。)."""
    marks = []
    for mark in sorted(_COMMON_MARKS):
        data = mark.encode("gbk")
        if len(data) == 2 and data[0 if role == "lead" else 1] == byte and mark in model.document_chars:
            marks.append(mark)
    return marks


#: Candidates per lost character scored in the joint choice, besides the document's own.
_MAX_CANDIDATES = 48


def _common_candidates(role: str, byte: int, model: CharModel) -> tuple[list[str], list[str]]:
    """(the commonest candidates, the rest) for a surviving byte, cached per model."""
    cache = model.cache.setdefault("candidates", {})
    found = cache.get((role, byte))
    if found is None:
        han = sorted((ch for ch in _gbk_table().get((role, byte), ()) if _HAN_RANGE.match(ch)), key=lambda ch: (-model.count(ch), ch))
        found = cache[(role, byte)] = (han[:_MAX_CANDIDATES], han[_MAX_CANDIDATES:])
    return found


def _viterbi_names(sets: list[list[str]], left: str | None, right: str | None, model: CharModel):
    """Best joint choice over candidate sets; per position (char, margin, attested pairs)."""
    def pair(a: str | None, b: str) -> float:
        # A character the document itself uses is likelier here (its place names, 海 of 海南).
        used = math.log1p(model.document_chars.get(b, 0))
        return used + (model.unigram_logp(b) if a is None else model.pair_logp(a, b))

    size = len(sets)
    forward: list[dict[str, float]] = []
    for position, candidates in enumerate(sets):
        if position == 0:
            forward.append({ch: pair(left, ch) for ch in candidates})
        else:
            previous = forward[-1]
            forward.append({ch: max(score + pair(p, ch) for p, score in previous.items()) for ch in candidates})
    backward: list[dict[str, float]] = [dict() for _ in range(size)]
    for position in range(size - 1, -1, -1):
        for ch in sets[position]:
            if position == size - 1:
                backward[position][ch] = 0.0 if right is None else model.pair_logp(ch, right)
            else:
                backward[position][ch] = max(pair(ch, n) + score for n, score in backward[position + 1].items())
    results = []
    chosen: list[str] = []
    for position in range(size):
        through = sorted(((forward[position][ch] + backward[position][ch], ch) for ch in sets[position]), key=lambda item: (-item[0], item[1]))
        best_score, best = through[0]
        margin = best_score - through[1][0] if len(through) > 1 else math.inf
        chosen.append(best)
        results.append([best, margin])
    out = []
    for position, (ch, margin) in enumerate(results):
        neighbours = [chosen[position - 1] if position > 0 else left, chosen[position + 1] if position + 1 < size else right]
        attested = []
        if neighbours[0] is not None and model.is_attested(neighbours[0], ch):
            attested.append(neighbours[0] + ch)
        if neighbours[1] is not None and model.is_attested(ch, neighbours[1]):
            attested.append(ch + neighbours[1])
        out.append((ch, margin, attested))
    return out


@lru_cache(maxsize=2)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


@lru_cache(maxsize=1 << 16)
def _script_of(ch: str) -> str | None:
    """"traditional" for a character OpenCC changes to simplified, "simplified" for one it
    changes to traditional, None for one both scripts write."""
    if _opencc("t2s").convert(ch) != ch:
        return "traditional"
    if _opencc("s2t").convert(ch) != ch:
        return "simplified"
    return None


#: A document writes in one script when it holds at least this many characters particular to it
#: and at most `_SCRIPT_MIX` as many of the other's (names and quotations mix a few).
_SCRIPT_MIN = 20
_SCRIPT_MIX = 0.05


def _other_script(text: str) -> str | None:
    """The script the document does not write in, or None when it writes in both or too little."""
    counts = {"traditional": 0, "simplified": 0}
    for ch, count in Counter(_HAN_RANGE.findall(text)).items():
        script = _script_of(ch)
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
        if stripped and stripped[-1] in _COMMON_MARKS and not any(start < end and offset < stop for start, stop in runs):
            marks.add(stripped[-1])
        offset = end + 1
    return frozenset(marks)


def _find_suspect_runs(text: str, model: CharModel, max_widen: int) -> list[tuple[int, int]]:
    """The lead's signal clusters (see find_runs), widened over the characters around them
    that the model cannot place: a run of misread pairs ends where two attested pairs in a row
    show the reading back in step."""
    runs = _merge_spans(find_runs(text) + find_improbable_runs(text, model))
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
_LONE_LETTER = re.compile(
    r"(?<=[\u4e00-\u9fff])[A-Za-z_~^`|](?=[\u4e00-\u9fff])|(?:(?<=[、，。；：])|^)[A-Za-z_~^`|](?=[\u4e00-\u9fff])"
    r"|(?<=[\u4e00-\u9fff])[_~^`|](?=[，。、；：,;])",
    re.MULTILINE,
)
#: A `?` after a Han character and before another, a digit or the line's end: where a decoder
#: rejected the last byte of a run read out of step (国务院办公? for 国务院办公厅). A question
#: ends a sentence before a line break or a mark, so clean text seldom has it (and a run is
#: replaced only on the likelihood ratio).
_ODD_QUESTION = re.compile(r"(?<=[\u4e00-\u9fff])\?(?=[\u4e00-\u9fff0-9]|$)", re.MULTILINE)
#: Where a `?` is taken for a rejected byte (see `_mark_rejected_bytes`): after a Han character,
#: a digit, a mark inside a sentence or an opening bracket, or at a line's start, and before Han,
#: a digit, a space, a closing bracket, a mark inside a sentence (a question ends one: 照嗷?、 for
#: 照相机、) or the line's end ((?三) for (十三), 115? for 115号).
_REJECTED_QUESTION = re.compile(r"(?:(?<=[\u4e00-\u9fff、，。：；(（0-9])|^)\?(?=[\u4e00-\u9fff0-9 \u3000)）、，。；：,;]|$)", re.MULTILINE)


_ROW_SYMBOL_BESIDE_QUESTION = re.compile(r"[\u2460-\u24ff\u2160-\u217f]\?|\?[\u2460-\u24ff\u2160-\u217f]")


def find_improbable_runs(text: str, model: CharModel) -> list[tuple[int, int]]:
    """Runs the model finds improbable, with or without a signal character: two odd characters
    (see `_ODD_CHAR_LOGP`) within three, or one beside a `?`, or a lone ASCII letter between Han
    characters. They are only candidates: a run is replaced only when a re-reading of its bytes
    is far more probable (`min_gain_nats`)."""
    spans: list[tuple[int, int]] = [(found.start(), found.end()) for found in _LONE_LETTER.finditer(text)]
    spans += [(found.start() - 1, found.end()) for found in _ODD_QUESTION.finditer(text)]
    odd = _odd_indices(text, model)
    for first, second in zip(odd, odd[1:]):
        if second - first <= 2 and "\n" not in text[first:second]:
            spans.append((first, second + 1))
    # A numbered symbol of GBK's second row (⒒ ⑴ ①) beside a ?: a misread pair next to the
    # byte that stopped the shift (信⒒? for 信息化); one alone is a list number.
    for found in _ROW_SYMBOL_BESIDE_QUESTION.finditer(text):
        spans.append((found.start(), found.end()))
    for index in odd:
        if index > 0 and text[index - 1] == "?":
            spans.append((index - 1, index + 1))
        # An odd character before ? or a lone ASCII letter (委員 → 螁T: 員 is 86 54 in GBK).
        if index + 1 < len(text) and (text[index + 1] == "?" or text[index + 1].isascii() and text[index + 1].isalpha() and not (index + 2 < len(text) and text[index + 2].isascii() and text[index + 2].isalnum())):
            spans.append((index, index + 2))
    return _merge_spans(spans)


def _odd_indices(text: str, model: CharModel) -> list[int]:
    """Where the text holds an odd character (see `_ODD_CHAR_LOGP`): a rare Han character that
    forms no attested pair with a neighbour. The rare characters are found among the text's
    distinct characters first, so a text without one is scanned once, by `re`, not per character."""
    rare = model.cache.setdefault("rare", {})
    rare_chars = []
    for ch in set(text):
        if "\u3400" <= ch <= "\u9fff":
            found = rare.get(ch)
            if found is None:
                found = rare[ch] = bool(_HAN_RANGE.match(ch)) and model.unigram_logp(ch) < _ODD_CHAR_LOGP
            if found:
                rare_chars.append(ch)
    if not rare_chars:
        return []
    odd = []
    last = len(text) - 1
    for found in re.finditer(f"[{''.join(sorted(rare_chars))}]", text):
        index = found.start()
        ch = text[index]
        if not (index > 0 and model.is_attested(text[index - 1], ch)) and not (index < last and model.is_attested(ch, text[index + 1])):
            odd.append(index)
    return odd


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
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
    if _READING_AFTER.match(text, position):
        return True
    window = text[position : position + 3]
    if len(window) < 3 or not all(_HAN_RANGE.match(ch) or ch in _SENTENCE_MARKS for ch in window):
        return False
    pairs = list(zip(window, window[1:]))
    # A mark beside a known character reads in step, but a known character after the mark may
    # be the first misread pair (、狗兜 for 、规范): one pair must be two attested Han.
    return any(model.is_attested(a, b) for a, b in pairs) and all(
        model.is_attested(a, b) or (a in _SENTENCE_MARKS or b in _SENTENCE_MARKS) and model.is_known(a if b in _SENTENCE_MARKS else b)
        for a, b in pairs
    )


#: Marks inside a sentence of Chinese text: beside a known character they read in step.
_SENTENCE_MARKS = frozenset("，。、；：")


#: ASCII marks that are also GBK trail bytes (0x40-0x7E): a character whose lead byte was read
#: out of step leaves its trail standing as one of them (牽頭 → 款^).
_ASCII_TRAIL_MARKS = frozenset("?@[\\]^_`{|}~")


def _widen_right(text: str, end: int, limit: int, model: CharModel) -> int:
    while end < limit and not _is_settled(text, end, model):
        ch = text[end]
        if ch.isascii() and GLUED_READING_TAIL.match(text, end):
            break  # zhí) is a reading glued after the run, not part of it
        if ch.isspace() or (ch.isascii() and not ch.isalnum() and ch not in _ASCII_TRAIL_MARKS):
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
    runs = _find_suspect_runs(text, base, config.max_widen_chars)
    if not runs:
        return _mark_rejected_bytes(text, [], base, runs)
    signals = find_runs(text)
    model = base.with_document(clean_text(text, runs))
    reader = _Reader(model, _other_script(clean_text(text, runs)), _line_end_marks(text, runs))
    # Does the document indent its paragraphs with U+3000? A lost indentation is then written
    # back; otherwise it is dropped (with its note), as the document's other lines have none.
    lines = [line for line in clean_text(text, runs).splitlines() if line.strip()]
    indented = sum(1 for line in lines if line.startswith("\u3000")) * 2 > len(lines)
    edits = []
    for start, end in runs:
        if not _CJK_IN_RUN.search(text, start, end) and not (end == start + 1 and _LONE_LETTER.match(text, start)):
            continue  # Latin letters (é, à of a French name) or box drawing alone are no GBK garble
        # A run found by improbability alone (no signal character in it) must read some Han
        # character out of step or name one: rare characters of clean text (犇、骉、鱻) are
        # improbable too, and a lost character costs less than an unknown one.
        signalled = any(s < end and start < e for s, e in signals)
        edit = _repair_run(text, start, end, reader, config, indented, signalled)
        if edit is not None:
            edits.append(edit)
    return edits + _mark_rejected_bytes(text, edits, base, runs)


#: A year, a ?, a number and Han (2020?7月, 〔2019?6号): the ? is where 年 or 〕 was, whose lead
#: byte was lost and whose trail the decoder rejected before the digit.
_YEAR_QUESTION = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}\?[0-9]{1,3}(?=[\u4e00-\u9fff])")
#: Characters before a rejected ? taken for misread pairs, at most (2 gave nothing more on the
#: benchmark's GBK-shift cases, and took correct characters: 责任和逦? → 责任□□□).
_MAX_MISREAD_BEFORE_REJECTED = 2


def _mark_rejected_bytes(text: str, edits: list[Edit], base: CharModel, runs: list[tuple[int, int]]) -> list[Edit]:
    """A `?` after a Han character or a mark and before a digit (辦?2017) or the line's end
    (办公?), or at a line's start before Han or a digit (?省级), is no question mark in a
    document that asks its questions in full width or not at all (no ？): it is where the
    decoder rejected a byte of a character whose other byte went with the shift. No reading
    named that character, so it is □ with a note."""
    if "？" in text:
        return []
    matches = list(_REJECTED_QUESTION.finditer(text))
    if not matches:
        return []
    # The document's own statistics say whether the character before a ? is in step (案 of 的案?,
    # for 的案件, is common in a document about 案件): its pairs and characters, without the runs
    # and without the characters beside each ? (a misread pair must not vouch for itself).
    model = base.with_document(clean_text(text, _merge_spans(runs + [(max(0, m.start() - 1), m.end()) for m in matches])))
    # Between two Han characters (政?性) or before a space a ? may be a question (是否符合规定?请…):
    # it is taken for a rejected byte only in a document that shows GBK read out of step
    # elsewhere (a run re-read, or at least two other such ?): the signals raise the prior.
    garbled = bool(edits) or len(matches) >= 3
    found = []
    for match in matches:
        at = match.start()
        if any(edit.start <= at < edit.end for edit in edits):
            continue
        following = text[match.end()] if match.end() < len(text) else "\n"
        line_start = at == 0 or text[at - 1] == "\n"
        if line_start and following == "\n":
            continue  # a line that is only ?: nothing says what it was
        if following.isdigit() and at > 0 and text[at - 1].isdigit() and not (at >= 4 and _YEAR_QUESTION.match(text, at - 4)):
            continue  # 4?26: a date whose middle dot the page lost, not a shifted run
        strong = following in "\r\n" or following.isdigit() or line_start
        if not strong and not garbled:
            continue
        where = " at the line end" if following in "\r\n" else " at the line start" if line_start else ""
        # The read out of step ends at the rejected byte: a Han character just before it that
        # forms no attested pair with the character before it is a misread pair (和逦? for
        # 和义务: E5 CE is the trail of 义 and the lead of 务), and it means one more character
        # lost (the misread pair, the ? and the dropped byte: two characters).
        start = at
        while at - start < _MAX_MISREAD_BEFORE_REJECTED and start >= 1 and _HAN_RANGE.match(text[start - 1]):
            if any(edit.start < start <= edit.end for edit in edits):
                break
            if not _misread_before_rejected(text[start - 2] if start >= 2 else None, text[start - 1], following, model, text[start:at]):
                break
            start -= 1
        misread = text[start:at]
        reason = f"a ? where the GBK decoder rejected a byte{where}: the character it belonged to is lost"
        if misread:
            reason += f", and {misread} before it, unpaired, is read out of step ({len(misread) + 1} characters lost)"
        ascii_after = following.isascii() and following.isalnum()
        found.append(
            Edit(
                start,
                at + 1,
                MISSING * (len(misread) + 1),
                Action.MARK_MISSING,
                reason + f"; marked {MISSING}" + (f"; {_COUNT_UNKNOWN_ASCII}" if ascii_after else ""),
                {"encoding": "gbk", "rejected_byte": "?", "misread": misread or None, "bytes": " ".join(f"{b:02x}" for b in misread.encode("gbk", errors="replace")) or None,
                 "before": text[max(0, start - 4) : start], "after": text[at + 1 : at + 5], "lost_count_known": not ascii_after},
            )
        )
    return found


#: A character before a rejected ? is taken for a misread pair when it is less probable than
#: this (natural log) after its left neighbour. A ? is where a read out of step ends: a misread
#: pair (a trail byte and the next lead) is close to uniform over GB2312's ~6,800 Han (about
#: -8.8), and about six pairs in seven are read on before an invalid one stops the shift, so
#: the misread hypothesis wins below -8.8 + log(6/1) ≈ -7 (对视 -7.4 of 对适用, 施小 -7.5 of
#: 施行。 go; 是否 -4.7, 生效 -5.8 stay).
_MISREAD_PAIR_LOGP = -7.0
#: With no Han character on its left (a line's start, a mark, a bracket) only the character's own
#: probability speaks, and clause openings are commoner than the word model says (四 -7.1):
#: only a rare character is taken (谑 -12.9 of 第十, 醇 -10.6 of 此件).
_MISREAD_CHAR_LOGP = -9.0
#: A character the document uses this often elsewhere is its own vocabulary, not a misread pair:
#: a misread pair falls near uniformly on GB2312's ~6,800 Han, a document's few hundred are a
#: small share of them (案 of 的案?, for 的案件, in a document about 案件).
_DOCUMENT_USES_IN_STEP = 3


def _misread_before_rejected(left: str | None, ch: str, following: str, model: CharModel, misread_so_far: str = "") -> bool:
    """Is the character before a rejected ? a misread pair (see `_MISREAD_PAIR_LOGP`)? `model`
    knows the document without the characters beside its ?s."""
    if model.document_chars.get(ch, 0) >= _DOCUMENT_USES_IN_STEP:
        return False
    if misread_so_far:
        # One further left than the first: only a rare character, whatever its left neighbour
        # (障 of 通过障嗷?, for 通过照相机, goes; 和 of 责任和逦?, 施 of 起施小?, stay).
        return model.unigram_logp(ch) < _MISREAD_CHAR_LOGP
    if left is not None and _HAN_RANGE.match(left):
        if not model.is_attested(left, ch):
            return True
        if following.isdigit():
            # Before a digit the lost character is most often the bracket of a document number
            # (国办发〔2018〕), after a name the word model does not hold (办发 -7.6): only an
            # unattested pair is taken there.
            return False
        # The word model's own pair: the document's pairs lower every other pair of a
        # character it uses often (化运 of 强化运维 beside its many 集约化).
        base = CharModel(model.unigrams, model.bigrams, model.total)
        return max(base.pair_logp(left, ch), base.unigram_logp(ch) + _COST_UNSEEN_PAIR) < _MISREAD_PAIR_LOGP
    return model.unigram_logp(ch) < _MISREAD_CHAR_LOGP


def _repair_run(text: str, start: int, end: int, reader: _Reader, config: ShiftConfig, indented: bool, signalled: bool = True) -> Edit | None:
    run = text[start:end]
    before = text[start - 1] if start > 0 else None
    after = text[end] if end < len(text) else None
    found = _read_run(run, before, after, reader, config.beam_width)
    if found is None:
        return None
    score, tokens = found
    as_is = _as_is_score(run, before, after, reader)
    gain = score - as_is
    tokens = list(tokens)
    uncounted = _why_count_unknown(run, after, tokens)
    # Han characters the reading found out of step (before they are confirmed or given up).
    out_of_step = sum(1 for token in tokens if token.char is not None and not token.native and _HAN_RANGE.match(token.char))
    if any(t.char is not None and _IMPLAUSIBLE.match(t.char) for t in tokens):
        return None
    # A reading glued after the run, (zhí) or zhí) when the garble took the "(": it says what
    # the run's last character sounds like.
    glued = _READING_AFTER.match(text, end) or GLUED_READING_TAIL.match(text, end)
    reading = glued.group().strip("(（)）") if glued else None
    named = _name_lost(tokens, before, after, reader, config.min_candidate_margin_nats, reading)
    if gain < config.min_gain_nats:
        # The search scored a lost character by its left neighbour alone; one named from its
        # surviving byte with both neighbours (所 of 朔Q for 所稱) is scored as the character it
        # is, at the naming cost, and the ratio is taken again.
        if not any(named):
            return None
        gain = _named_score(tokens, named, before, after, reader) - as_is
        if gain < config.min_gain_nats:
            return None
    tokens = [token if name is None else _Token(name[0], native=True, named=True) for token, name in zip(tokens, named)]
    tokens = _confirm(tokens, before, after, reader.model)
    named = [name if token.char is not None else None for token, name in zip(tokens, named)]
    if start == 0 or text[start - 1] == "\n":
        named[0] = named[0] or _indentation(tokens[0], indented)
    out, lost, restored = [], [], []
    for index, (token, name) in enumerate(zip(tokens, named)):
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
    if glued and glued.group()[0] not in "(（" and out and _HAN_RANGE.match(out[-1]) and reading in readings_of(out[-1]):
        # zhí) after 執: the reading is the one its mirror glued after every character, its "("
        # lost in the garble. It confirms the character and goes with the run.
        end = glued.end()
    evidence = {
        "encoding": "gbk",
        "glued_reading": reading if end > start + len(run) else None,
        "bytes": " ".join("??" if b == _LOST_BYTE else f"{b:02x}" for ch in run for b in (_shift_byte_options(ch) or [()])[0]),
        "model_gain_nats": round(gain, 2),
        "missing": lost,
        "named_from_one_byte": restored,
        "lost_count_known": uncounted is None,
    }
    recovered = sum(1 for token in tokens if token.char is not None and _HAN_RANGE.match(token.char))
    if not signalled and out_of_step == 0 and not restored:
        return None
    if recovered == 0 and not restored:
        if MISSING in run:
            # Marked already (by an earlier repair): a □ has no bytes to read, and marking the
            # run again would only grow the marks on every run (not idempotent).
            return None
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


_COUNT_UNKNOWN_DROPS = "the count of lost characters is a lower bound: bytes were dropped in more than one place, and a whole character may have gone without a trace"
_COUNT_UNKNOWN_ASCII = "the count of lost characters is a lower bound: a decoder may take the ASCII character after a byte it rejects (到2020年 shown as ?020年)"


def _why_count_unknown(run: str, after: str | None, tokens: list[_Token]) -> str | None:
    """Why the □ of a reading may be fewer than the characters lost, or None when the bytes
    show the count. One byte dropped (the shift) leaves one byte the reading gives up, besides
    the bytes the decoder rejected (each a ? of the run); a reading that gives up more says the
    site's decoder dropped bytes elsewhere too, and a pair dropped whole leaves nothing to count
    ((十四)強化輿論 read as （□□□□論). And a ? before an ASCII letter or digit may have taken it."""
    given_up = sum((token.lead is None) + (token.trail is None) for token in tokens if token.char is None)
    if given_up - sum(1 for ch in run if ch in "?\ufffd") > 1:
        return _COUNT_UNKNOWN_DROPS
    following = run[1:] + (after or "")
    if given_up and any(ch == "?" and nxt.isascii() and nxt.isalnum() for ch, nxt in zip(run, following)):
        return _COUNT_UNKNOWN_ASCII
    return None


#: A name whose margin over the next candidate is at least this (natural log; e**10 ≈ 22,000
#: times likelier, besides the attested pair every name needs) is as sure as a character read
#: from its two bytes: it costs no `_COST_GUESS` (生產 of 生a前, 細則 of 細t自: margins of 13
#: nats, where the other reading is a lone letter between Han).
_SURE_NAME_MARGIN = 10.0


def _guess_cost(evidence: dict) -> float:
    margins = [evidence.get("margin_nats"), evidence.get("margin_over_other_place_nats", math.inf)]
    if None not in margins and min(margins) >= _SURE_NAME_MARGIN:
        return 0.0
    return _COST_GUESS


def _named_score(tokens: list[_Token], named: list, before: str | None, after: str | None, reader: _Reader) -> float:
    """The reading's score with the named characters scored as characters (plus `_COST_GUESS`)."""
    score, previous = 0.0, before
    for token, name in zip(tokens, named):
        if name is not None:
            score += reader.char_cost(previous, name[0]) + _guess_cost(name[1])
            previous = name[0]
        elif token.char is not None:
            score += reader.char_cost(previous, token.char)
            previous = token.char
        else:
            score += _COST_LOST
            previous = token.context
    if after is not None and previous is not None:
        score += reader.char_cost(previous, after)
    return score


def _indentation(token: _Token, indented: bool):
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


_NUMERALS_ALL = frozenset("一二三四五六七八九十百零〇")


def _confirm(tokens: list[_Token], before: str | None, after: str | None, model: CharModel) -> list[_Token]:
    """A Han character read out of step is kept when it forms a pair the model or the document
    attests with a neighbour (海關), or stands just before such a pair in the same alignment with
    nothing lost between it and the run's start (口 of □口海關: the bytes that make 海關 make 口),
    or is a numeral between brackets (a clause marker). Bytes silently dropped by the site's
    decoder (pairs it could not map) can misalign a reading anywhere, so being in a stretch
    with a good pair is not enough (人民珍實 for 人民政府落實). Everything else out of step may be
    a misread that happens to be a character: it becomes a lost character (its bytes stay in
    the evidence). Characters read as they stood are kept."""
    kept = list(tokens)
    leading_native = 0
    while leading_native < len(tokens) and tokens[leading_native].native and not tokens[leading_native].named:
        leading_native += 1
    index = 0
    while index < len(tokens):
        if tokens[index].char is None:
            index += 1
            continue
        stop = index
        while stop < len(tokens) and tokens[stop].char is not None:
            stop += 1
        chars = [t.char for t in tokens[index:stop]]
        pairs = [i for i in range(len(chars) - 1) if _HAN_RANGE.match(chars[i]) and _HAN_RANGE.match(chars[i + 1]) and model.is_attested(chars[i], chars[i + 1])]
        # Characters the run was widened over and read as they stand are the run's context, not
        # a stretch read before this one.
        inner = any(t.char is not None for t in tokens[leading_native:index])
        for offset, ch in enumerate(chars):
            token = tokens[index + offset]
            if not _HAN_RANGE.match(ch):
                continue
            # A character read as it stood is text unless it sits against a lost character or
            # one read out of step: there it is as likely the misread pair across the loss
            # (模 of ?。ㄊ模娀, 枷 after 指導).
            position = index + offset
            beside_loss = any(
                0 <= near < len(tokens) and (tokens[near].char is None or not tokens[near].native or tokens[near].named)
                for near in (position - 1, position + 1)
            )
            if token.native and not token.named and not beside_loss:
                continue
            left = chars[offset - 1] if offset > 0 else (before if index == 0 else None)
            right = chars[offset + 1] if offset + 1 < len(chars) else (after if stop == len(tokens) else None)
            own = (left is not None and _HAN_RANGE.match(left) and model.is_attested(left, ch)) or (
                right is not None and _HAN_RANGE.match(right) and model.is_attested(ch, right)
            )
            # Only the character just before the confirming pair, with nothing lost between it
            # and the start of the run, and not a clause marker's slot (（施 for （十）).
            by_stretch = bool(pairs) and not inner and offset + 1 == pairs[0] and left not in ("（", "(")
            marker = ch in _NUMERALS_ALL and (left in ("（", "(") or right in ("）", ")"))
            if token.named:
                continue  # named only with an attested pair already
            if token.native:
                by_stretch = False  # beside a loss, only its own pair vouches for it
            if not (own or by_stretch or marker):
                try:
                    data = ch.encode("gbk")
                except UnicodeEncodeError:
                    continue  # no GBK pair (a GB18030 extension character): no bytes to fall back on
                kept[index + offset] = _Token(None, lead=data[0], trail=data[1])
        index = stop
    return kept
