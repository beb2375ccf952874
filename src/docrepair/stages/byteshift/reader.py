"""The beam reader: a run's characters turned back into the bytes they may stand for and read
again, pairing bytes where they decode and giving a byte up as half of a lost character where
they do not; each reading scored by the character model and the document (`Reader`)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...charlm import CharModel, neighbours_in, pair_codes
from .tables import (
    ASCII_TRAIL_MARKS,
    COMMON_MARKS,
    HAN_RANGE,
    IMPLAUSIBLE,
    LOST_BYTE,
    attested_in_model,
    decode_pair,
    gbk_row,
    script_of,
    shift_byte_options,
)


#: Costs of the reading (natural-log units), measured on the seeds and on shifted clean lines
#: (tests/test_mojibake.py): a lost character costs about what an unseen pair of common
#: characters costs, so a reading gives bytes up only where what it reads instead is worse.
COST_LOST = -11.0
COST_UNSEEN_PAIR = -2.0
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
COST_GUESS = -4.0  # what naming a character from one byte costs beyond its model score
#: A character of the script the document does not write in (馳 in a simplified text, 发 in a
#: traditional one): the model holds both scripts, the document only one, so a misread pair or
#: a name in the other script (迅馳 for 严格, 始於 for 省级) is about as unlikely as an unknown
#: character.
_COST_OTHER_SCRIPT = -6.0
#: Characters the model's words spell otherwise: 〇 of dates (二〇〇四年) is the numeral 零, and
#: scored as an unknown character a date of them read as it stands loses to a re-reading.
_SCORED_AS = {"\u3007": "零"}


class Token(NamedTuple):
    """One character of a reading: `char` when both bytes are known, else a lost character
    with whatever of its bytes survive (`lead` or `trail`, None when unknown). A named tuple:
    the beam search makes one per step of every hypothesis."""

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


class Reader:
    """Scores tokens of a reading against the model and the document."""

    def __init__(self, model: CharModel, other_script: str | None = None, line_end_marks: frozenset = frozenset()) -> None:
        self.model = model
        #: Marks the document ends its lines with.
        self.line_end_marks = line_end_marks
        #: The script the document does not write in ("traditional", "simplified" or None).
        self.other_script = other_script
        self._lost_cache: dict = {}
        #: The document's pairs as sorted codes (`charlm.pair_codes`): 8 bytes a pair, where a
        #: set of followers per character held ~25 times that for the whole stage.
        self._document_pair_codes: np.ndarray | None = None
        #: Those followers as a string, for the characters asked about so far (a lost character
        #: is guessed after the same few characters many times over).
        self._document_followers: dict[str, str] = {}

    def is_other_script(self, ch: str) -> bool:
        return self.other_script is not None and script_of(ch) == self.other_script

    def lost(self, previous: str | None, lead: int | None, trail: int | None) -> tuple[float, str | None]:
        """Cost of a lost character and its likeliest candidate given the character before it:
        a surviving byte that, with the context, makes a likely character costs less."""
        if (lead is None) == (trail is None):
            return COST_LOST, None
        key = (previous, lead, trail)
        found = self._lost_cache.get(key)
        if found is None:
            role, byte = ("lead", lead) if lead is not None else ("trail", trail)
            found = (COST_LOST, None)
            if previous is not None and HAN_RANGE.match(previous):
                model = self.model
                # max over (score, character) pairs: the order of the candidates never matters.
                # The pair scores of one row (pair_logp_rows: the same floats as pair_logp).
                attested = [ch for ch in attested_in_model(model, previous, role, byte) | self._attested_in_document(previous, role, byte) if not self.is_other_script(ch)]
                best = max(zip(model.pair_logp_rows((previous,), attested)[0], attested), default=None) if attested else None
                if best is not None and best[0] + COST_GUESS > COST_LOST:
                    found = (best[0] + COST_GUESS, best[1])
            self._lost_cache[key] = found
        return found

    def _attested_in_document(self, previous: str, role: str, byte: int) -> frozenset:
        """Characters of a byte's row (see `gbk_table`) that follow `previous` in the document."""
        found = self._document_followers.get(previous)
        if found is None:
            if self._document_pair_codes is None:
                self._document_pair_codes = pair_codes(self.model.document_pairs, "followers")
            found = self._document_followers[previous] = neighbours_in(self._document_pair_codes, previous)
        return gbk_row(role, byte).intersection(found) if found else frozenset()

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
        if ch in COMMON_MARKS:
            # The model knows words, not punctuation: a mark costs a constant, less where the
            # document has the same pair.
            return _COST_MARK / 2 if previous is not None and previous + ch in model.document_pairs else _COST_MARK
        ch = _SCORED_AS.get(ch, ch)
        if previous is not None:
            previous = _SCORED_AS.get(previous, previous)
        if previous is None or not HAN_RANGE.match(previous):
            cost = model.unigram_logp(ch)
        else:
            # The model holds pairs inside words; a pair across two words is unseen there, so
            # an unseen pair costs at most the character's own probability and a little more.
            cost = max(model.pair_logp(previous, ch), model.unigram_logp(ch) + COST_UNSEEN_PAIR)
        if IMPLAUSIBLE.match(ch):
            cost += _COST_IMPLAUSIBLE
        elif not model.is_known(ch) and HAN_RANGE.match(ch):
            cost += _COST_UNKNOWN_CHAR
        elif self.is_other_script(ch):
            cost += _COST_OTHER_SCRIPT
        return cost


def read_run(run: str, before: str | None, after: str | None, reader: Reader, beam_width: int):
    """The best reading of a run's bytes: a beam search over every byte option of every
    character, decoding GBK pairs where bytes pair, giving a byte up as half of a lost character
    where they do not. Returns (score, tokens); the reading of the run as it stands is one of
    the paths, so the result is never worse than it. A token is `native` when it is a character
    of the run read from its own bytes (the run as it stands there)."""
    # A hypothesis: (score, chain, pending); pending is None when the reading is in step, else
    # (lead byte or LOST_BYTE, index of the run character it came from, read as that character).
    # The chain is the reading so far, its last token first: None, or (what the next character
    # is scored after: the token's `context`, the token, the chain before it), so a step links
    # one token instead of copying every token of the reading.
    hypotheses: list[tuple[float, tuple | None, tuple | None]] = [(0.0, None, None)]

    def lost(score, chain, previous, lead, trail):
        cost, guess = reader.lost(previous, lead, trail)
        return (score + cost, (guess, Token(None, lead, trail, False, guess), chain), None)

    def feed(hyps, byte, source, native):
        out = []
        for score, chain, pending in hyps:
            previous = before if chain is None else chain[0]
            if pending is None:
                if byte == LOST_BYTE:
                    out.append((score, chain, (byte, source, False)))
                    out.append((score + COST_LOST, (None, Token(None), chain), None))
                elif byte < 0x80:
                    ch = chr(byte)
                    out.append((score + reader.char_cost(previous, ch), (ch, Token(ch, native=native), chain), None))
                    if 0x40 <= byte and (ch.isalpha() or ch in ASCII_TRAIL_MARKS):
                        # A GBK trail byte 40-7E whose lead was lost (主體 → 主w責: F3 gone).
                        out.append(lost(score, chain, previous, None, byte))
                else:
                    out.append((score, chain, (byte, source, native)))
                    # The byte alone: a lead whose trail is lost, or a trail whose lead is.
                    out.append(lost(score, chain, previous, byte, None))
                    if byte >= 0x40:
                        out.append(lost(score, chain, previous, None, byte))
                continue
            lead, lead_source, lead_native = pending
            if lead == LOST_BYTE or byte == LOST_BYTE:
                trail = None if byte == LOST_BYTE else byte
                if trail is None or trail >= 0x40:
                    out.append(lost(score, chain, previous, None if lead == LOST_BYTE else lead, trail))
                continue
            ch = decode_pair(lead, byte)
            if ch is not None:
                token = Token(ch, native=native and lead_native and lead_source == source)
                out.append((score + reader.char_cost(previous, ch), (ch, token, chain), None))
        return out

    for source, ch in enumerate(run):
        options = shift_byte_options(ch)
        if not options:
            # Not in GBK: it can only stand as itself, with the reading in step.
            hypotheses = [
                (score + reader.char_cost(before if chain is None else chain[0], ch), (ch, Token(ch, native=True), chain), None)
                for score, chain, pending in hypotheses
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
    for score, chain, pending in hypotheses:
        if pending is not None:
            lead = pending[0]
            score, chain, _ = lost(score, chain, before if chain is None else chain[0], None if lead == LOST_BYTE else lead, None)
        if after is not None and chain is not None:
            score += reader.char_cost(chain[0], after)
        finished.append((score, chain))
    score, chain = max(finished, key=lambda item: item[0])
    tokens = []
    while chain is not None:
        tokens.append(chain[1])
        chain = chain[2]
    return score, tuple(reversed(tokens))


def _prune(hypotheses, beam_width):
    """The best hypothesis of each decoder state (pending byte and last character; the first of
    equals), then the best `beam_width * 4` of those."""
    best: dict = {}
    for hyp in hypotheses:
        score, chain, pending = hyp
        key = (pending[0] if pending else None, None if chain is None else chain[0])
        if key not in best or score > best[key][0]:
            best[key] = hyp
    kept = sorted(best.values(), key=lambda h: -h[0])
    return kept[: beam_width * 4]


def as_is_score(run: str, before: str | None, after: str | None, reader: Reader) -> float:
    score, previous = 0.0, before
    for ch in run:
        score += reader.char_cost(previous, ch)
        previous = ch
    if after is not None:
        score += reader.char_cost(run[-1], after)
    return score


_COUNT_UNKNOWN_DROPS = "the count of lost characters is a lower bound: bytes were dropped in more than one place, and a whole character may have gone without a trace"
COUNT_UNKNOWN_ASCII = "the count of lost characters is a lower bound: a decoder may take the ASCII character after a byte it rejects (到2020年 shown as ?020年)"


def why_count_unknown(run: str, after: str | None, tokens: list[Token]) -> str | None:
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
        return COUNT_UNKNOWN_ASCII
    return None
