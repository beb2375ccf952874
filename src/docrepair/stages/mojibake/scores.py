"""How likely a character is after the one before it, for the re-reading of UTF-8 lines read as
GBK (docrepair.stages.mojibake.lines): Han pairs by the character model and the document, marks
and symbols by what the document does around them. Kept per document (`CharScores`): a line's
lattice scores the same pairs many times over."""

from __future__ import annotations

import math
import unicodedata
from array import array
from typing import TYPE_CHECKING

import numpy as np

from ...charlm import neighbours_in, pair_codes
from ...garble import MISSING

if TYPE_CHECKING:
    from ...charlm import CharModel

#: A U+FFFD, an unassigned or private-use character standing in a reading.
_COST_REPLACEMENT = -12.0
_COST_ASCII = -2.0
_COST_UNSEEN_PAIR = -2.0

#: Marks of official text (the byte-shift stage's list without ？ and ！, rare there): the model
#: (words only) knows nothing of them, so each costs a constant, about what a common character
#: costs, less the more the document uses it.
_COMMON_MARKS = frozenset("，。、；：（）《》“”‘’〔〕【】—…·　")
_COST_MARK = -8.0
#: A mark or symbol outside that list costs this much beyond its count in the document.
_COST_RARE_SYMBOL = -4.0


#: An edge with at least this many candidates is scored with arrays (`_Candidates`), not one
#: candidate at a time: a character with two rejected bytes has up to 4096 of them.
_MIN_ARRAY_CANDIDATES = 64
#: Candidate sets kept as arrays with the model before they are dropped and built again (a
#: garbled batch meets a few dozen: one per lead byte and set of rejected byte values; one of
#: 4096 candidates holds ~50 KB of arrays, ~350 KB with its positions).
_MAX_CANDIDATE_SETS = 64


class _Candidates:
    """An edge's candidates as arrays, by what `_score_char` tells apart: characters that stand
    for lost bytes (`_is_replacement_like`), ASCII, Han, the common marks and any other symbol.
    The same for every document."""

    def __init__(self, chars: tuple[str, ...]) -> None:
        size = len(chars)
        codes = np.fromiter(map(ord, chars), dtype=np.int64, count=size)
        self.chars = chars
        self.in_bmp = bool(codes.max() < 0x10000)
        self.codes = codes
        #: The ranges `is_han`, `is_scored_alike` and `kind_of_state` read.
        self.han_range = (codes >= 0x4E00) & (codes <= 0x9FFF)
        self.ascii_range = codes < 0x80
        self.mark = np.fromiter((ch in _COMMON_MARKS for ch in chars), dtype=bool, count=size)
        #: Exclusive, in the order `_score_char` tests them.
        self.replacement = np.fromiter(map(_is_replacement_like, chars), dtype=bool, count=size)
        self.han = self.han_range & ~self.replacement
        self.symbol = ~(self.replacement | self.ascii_range | self.han_range | self.mark)
        self._positions: dict[str, int] | None = None

    def positions(self, chars) -> list[int]:
        """Where the given characters stand among the candidates (those that do)."""
        if self._positions is None:
            self._positions = {ch: index for index, ch in enumerate(self.chars)}
        found = self._positions
        return [found[ch] for ch in chars if ch in found]


def _candidates(chars: tuple[str, ...], model: "CharModel") -> _Candidates | None:
    """The arrays of a large edge's candidates, kept with the model; None for a small edge."""
    if len(chars) < _MIN_ARRAY_CANDIDATES:
        return None
    table = model.cache.setdefault("utf8_candidates", {})
    found = table.get(chars)
    if found is None:
        if len(table) >= _MAX_CANDIDATE_SETS:
            table.clear()
        found = table[chars] = _Candidates(chars)
    return found if found.in_bmp else None


class CharScores:
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
        #: By an edge's candidates: their unigram scores, as an array.
        self.unigrams: dict = {}
        #: By (Han character, a large edge's candidates): `after` it.
        self.han_columns: dict = {}
        #: The document's own pairs as sorted codes (`charlm.pair_codes`), by the side asked
        #: for: 8 bytes a pair, where a set of neighbours per character held ~25 times that.
        self._document_pair_codes: dict[str, np.ndarray] = {}

    def score(self, previous: str | None, ch: str) -> float:
        key = (previous, ch)
        found = self.pairs.get(key)
        if found is None:
            found = self.pairs[key] = self._score_new(previous, ch)
        return found

    def score_once(self, previous: str | None, ch: str) -> float:
        """`score`, without keeping the pair: a garbled line as it stands is scored once, and
        its pairs (鍏充, 充簬) come back in no reading (kept, a document's held ~300 KB)."""
        found = self.pairs.get((previous, ch))
        return self._score_new(previous, ch) if found is None else found

    def _score_new(self, previous: str | None, ch: str) -> float:
        if previous is not None and is_han(previous) and is_han(ch):
            return self._han_pair(previous, ch)
        same = (_representative(previous, ch), ch)
        found = self.pairs.get(same)
        if found is None:
            found = self.pairs[same] = _score_char(same[0], ch, self.model)
        return found

    def _han_pair(self, previous: str, ch: str) -> float:
        """`_score_char` of two Han characters. An unseen pair after a character common enough
        that the unigram's share of the pair estimate is below `_COST_UNSEEN_PAIR` scores the
        unigram (the max of the two), which needs no pair estimate."""
        model = self.model
        if unicodedata.category(ch) == "Cn":
            return _score_char(previous, ch, model)
        unigram = model.unigram_logp(ch) + _COST_UNSEEN_PAIR
        if not model.is_attested(previous, ch) and self._unseen_bound(previous) < _COST_UNSEEN_PAIR:
            return unigram
        return max(model.pair_logp(previous, ch), unigram)

    def _unseen_bound(self, previous: str) -> float:
        bound = self.unseen_bounds.get(previous)
        if bound is None:
            bound = self.unseen_bounds[previous] = self.model.unseen_pair_bound(previous)
        return bound

    def _attested(self, ch: str, side: str) -> frozenset:
        """The characters that form a pair the model or the document attests after `ch`
        (`side` "followers") or before it ("predecessors")."""
        codes = self._document_pair_codes.get(side)
        if codes is None:
            codes = self._document_pair_codes[side] = pair_codes(self.model.document_pairs, side)
        own = neighbours_in(codes, ch)
        shipped = self.model.followers(ch) if side == "followers" else self.model.predecessors(ch)
        return shipped.union(own) if own else shipped

    def after(self, previous: str | None, chars: tuple[str, ...]) -> list[float]:
        """`score(previous, ch)` for each of an edge's candidates, in order. What scores alike
        after every state of the kind (`is_scored_alike`) is scored once per edge's candidates;
        only the rest (Han pairs, marks after Han) is scored for this state."""
        kind = kind_of_state(previous)
        column, _, depends = self.kind_column(kind, previous, chars)
        if not depends:
            return column
        candidates = _candidates(chars, self.model) if kind == _HAN else None
        if candidates is not None:
            # Kept: the Viterbi step and the rejected character's choice both ask for it.
            key = (previous, chars)
            found = self.han_columns.get(key)
            if found is None:
                found = self.han_columns[key] = self._after_han(previous, chars, candidates, column)
            return found
        # A copy of the kind's column, of its own type: a list of thousands of floats held four
        # times the compact array's 8 bytes an entry.
        column = column[:]
        pairs = self.pairs
        for index in depends:
            ch = chars[index]
            score = pairs.get((previous, ch))
            column[index] = self.score(previous, ch) if score is None else score
        return column

    def _after_han(self, previous: str, chars: tuple[str, ...], candidates: _Candidates, column: list[float]) -> list[float]:
        """`after` a Han character, over arrays: every unseen pair scores its candidate's unigram
        and `_COST_UNSEEN_PAIR` when `_han_pair` says so; the other Han pairs are `_han_pair`'s
        max of the pair and that, the pairs of one row at once (pair_logp_rows: the same floats
        as pair_logp); the marks are scored one by one."""
        scores = np.array(column)
        unigrams = self._unigram_array(chars, candidates) + _COST_UNSEEN_PAIR
        if self._unseen_bound(previous) < _COST_UNSEEN_PAIR:
            han = candidates.han
            scores[han] = unigrams[han]
            paired = np.array([index for index in candidates.positions(self._attested(previous, "followers")) if han[index]], dtype=np.int64)
        else:
            paired = np.flatnonzero(candidates.han)  # a rare character before them: every pair
        if paired.size:
            row = self.model.pair_logp_rows((previous,), [chars[index] for index in paired.tolist()])[0]
            scores[paired] = np.maximum(row, unigrams[paired])
        for index in np.flatnonzero(candidates.mark | (candidates.han_range & candidates.replacement)).tolist():
            scores[index] = self.score(previous, chars[index])
        return _compact(scores)

    def before(self, chars: tuple[str, ...], following: str) -> np.ndarray:
        """`score(ch, following)` for each of an edge's candidates, in order, as an array. Over
        arrays for a large edge before ASCII or a Han character, where most candidates score
        alike: ASCII costs `_COST_ASCII` alone after Han and ASCII, a Han character its unigram
        after any other symbol and its unigram and `_COST_UNSEEN_PAIR` after Han when `_han_pair`
        says so; the rest one by one."""
        candidates = _candidates(chars, self.model)
        ascii_after = following.isascii()
        if candidates is None or not (ascii_after or is_plain_han(following)):
            pairs = self.pairs
            return np.array([self.score(ch, following) if (found := pairs.get((ch, following))) is None else found for ch in chars])
        if ascii_after:
            scores = np.full(len(chars), _COST_ASCII)
            # A symbol before ASCII scores `_COST_ASCII` and its kind row's share (`_class_logp`),
            # which is log(1/1) = 0 for a symbol that starts no pair of the document: only the
            # symbols that do are scored one by one (not thousands, each kept in `pairs`).
            rows = _kind_pairs(self.model)[0]
            symbols = ~(candidates.han_range | candidates.ascii_range)
            exact = [index for index, ch in enumerate(chars) if ch in rows and symbols[index]]
        else:
            unigram = self.model.unigram_logp(following)
            scores = np.where(candidates.han_range, unigram + _COST_UNSEEN_PAIR, unigram)
            exact = np.flatnonzero(candidates.ascii_range).tolist()
            attested = self._attested(following, "predecessors")
            paired = [index for index in np.flatnonzero(candidates.han_range).tolist() if chars[index] in attested or self._unseen_bound(chars[index]) >= _COST_UNSEEN_PAIR]
            if paired:
                # `_han_pair`'s max of the pair and the unigram, the pairs of one column at once.
                rows = self.model.pair_logp_rows([chars[index] for index in paired], (following,))
                scores[paired] = np.maximum([row[0] for row in rows], unigram + _COST_UNSEEN_PAIR)
        for index in exact:
            scores[index] = self.score(chars[index], following)
        return scores

    def best_mostly_alike_state(self, kind: int, ranked: list[tuple[float, int]], previous_chars: list, ch: str, total: float | None, index: int) -> tuple[float | None, int]:
        """The states of a kind before a `ch` that `_representative` tells them apart for
        (symbols before ASCII or a mark, Han before a mark) folded into the best (total, state
        index) as `_relax` folds them, with the same totals. Only a few are apart in fact: a
        symbol that starts a pair of the document (its row of kind pairs, `_class_logp`), a Han
        character the document writes before that mark (its pair's bonus). Every other state
        scores `ch` the same, so that score is taken once."""
        if kind == _OTHER:
            apart = _kind_pairs(self.model)[0]
        else:
            apart = self._attested(ch, "predecessors") if ch in _COMMON_MARKS else None  # the document's pairs, and the model's (none with a mark)
        pairs = self.pairs
        alike = None
        for score, other in ranked:
            previous = previous_chars[other]
            if apart is None or previous in apart or alike is None:
                cost = pairs.get((previous, ch))
                if cost is None:
                    cost = self.score(previous, ch)
                if apart is not None and previous not in apart:
                    alike = cost
            else:
                cost = alike
            found = score + cost
            if total is None or found > total or found == total and other < index:
                total, index = found, other
        return total, index

    def best_han_state(self, ranked: list[tuple[float, int]], previous_chars: list, ch: str, total: float | None, index: int) -> tuple[float | None, int]:
        """The Han states before a Han character `ch` folded into the best (total, state index)
        found so far, as `_relax` folds states (the highest total, then the first state), with
        the same totals. The states whose pair with `ch` is attested are scored; the others in
        the order of their scores, only while their score and the most an unseen pair can give
        (`ch`'s unigram: `unseen_pair_bound` is at most 0; a margin above float rounding) could
        still reach the best total: every later state falls short of it."""
        attested = self._attested(ch, "predecessors")
        for score, other in ranked:
            if previous_chars[other] in attested:
                found = score + self.score(previous_chars[other], ch)
                if total is None or found > total or found == total and other < index:
                    total, index = found, other
        ceiling = self.model.unigram_logp(ch) + 1e-9
        pairs = self.pairs
        for score, other in ranked:
            previous = previous_chars[other]
            if previous in attested:
                continue
            if total is not None and score + ceiling < total:
                break
            cost = pairs.get((previous, ch))
            found = score + (self.score(previous, ch) if cost is None else cost)
            if total is None or found > total or found == total and other < index:
                total, index = found, other
        return total, index

    def _unigram_array(self, chars: tuple[str, ...], candidates: _Candidates) -> np.ndarray:
        """`unigram_logp` of each candidate: the shipped model's table, the document's own
        characters one by one."""
        found = self.unigrams.get(chars)
        if found is None:
            model = self.model
            found = model.shipped_unigram_logps()[candidates.codes]
            document_chars = model.document_chars
            for index in candidates.positions(document_chars) if len(document_chars) < len(chars) else [i for i, ch in enumerate(chars) if ch in document_chars]:
                found[index] = model.unigram_logp(chars[index])
            self.unigrams[chars] = found
        return found

    def kind_column(self, kind: int, previous: str | None, chars: tuple[str, ...]):
        """(scores of the candidates that score alike after every state of the kind, 0.0 for
        the others; which score alike; the positions of the others), `previous` one such state."""
        key = (kind, chars)
        found = self.columns.get(key)
        if found is None:
            candidates = _candidates(chars, self.model)
            if candidates is not None:
                found = self._kind_column_arrays(kind, previous, chars, candidates)
            else:
                alike = [is_scored_alike(kind, ch) for ch in chars]
                found = (
                    [self.score(previous, ch) if same else 0.0 for ch, same in zip(chars, alike)],
                    alike,
                    [index for index, same in enumerate(alike) if not same],
                )
            self.columns[key] = found
        return found

    def _kind_column_arrays(self, kind: int, previous: str | None, chars: tuple[str, ...], candidates: _Candidates):
        """`kind_column` over arrays: a candidate that stands for lost bytes, a symbol or (after
        anything but Han) a Han character scores its unigram plus a constant whatever comes
        before it (see `_score_char`); ASCII, marks and what follows digits in the document
        are scored one by one."""
        if kind == _HAN:
            alike = ~(candidates.han_range | candidates.mark)
        elif kind == _OTHER:
            alike = ~(candidates.ascii_range | candidates.mark)
        else:
            alike = np.ones(len(chars), dtype=bool)
        unigrams = self._unigram_array(chars, candidates)
        scores = np.where(candidates.replacement, unigrams + _COST_REPLACEMENT, np.where(candidates.symbol, unigrams + _COST_RARE_SYMBOL, unigrams))
        exact = alike & (candidates.ascii_range | candidates.mark)
        if kind == _DIGIT:
            for index in candidates.positions(_after_digits(self.model)):
                exact[index] = not candidates.replacement[index]
        scores[~alike] = 0.0
        for index in np.flatnonzero(exact).tolist():
            scores[index] = self.score(previous, chars[index])
        return _compact(scores), alike.tobytes(), _compact(np.flatnonzero(~alike))


def _compact(values: np.ndarray) -> array:
    """A column kept for the document as a flat array of C doubles (or integers), not a list:
    8 bytes an entry instead of ~32, and reading an entry still gives a Python float (or int),
    the same value (a document keeps hundreds of columns of up to 4096 candidates)."""
    kept = array("d" if values.dtype == np.float64 else "q")
    kept.frombytes(values.astype(np.float64 if values.dtype == np.float64 else np.int64).tobytes())
    return kept


def char_scores(model: "CharModel") -> CharScores:
    """The scores kept with the model for its document (freed with the document's model)."""
    found = model.document_cache.get("utf8_char_scores")
    if found is None:
        found = model.document_cache["utf8_char_scores"] = CharScores(model)
    return found


def _representative(previous: str | None, ch: str) -> str | None:
    """A character before `ch` that `_score_char` scores `ch` after exactly as after `previous`:
    `previous` itself where the score depends on it (a Han pair, a mark after a Han character
    or after another mark, ASCII after a mark), else one of its kind (any digit reads as 0, any
    Han character as 一), or None where the score does not depend on it at all."""
    if previous is None:
        return None
    if ch.isascii():
        return previous if not previous.isascii() and not is_han(previous) else None
    if previous.isascii():
        return "0" if previous.isdigit() else "a" if ch in _COMMON_MARKS else None
    if is_han(previous):
        return previous if is_han(ch) or ch in _COMMON_MARKS else "一"
    return previous if ch in _COMMON_MARKS else None


def _score_char(previous: str | None, ch: str, model: "CharModel") -> float:
    """log-probability of `ch` after `previous`: Han pairs by the model and the document, a
    character after a digit by what follows digits in the document (7月, 16日), a mark by what
    follows that kind of character in the document (。 after Han, ( after 。), ASCII after a
    mark likewise; an unassigned, private-use or replacement character costs `_COST_REPLACEMENT`
    more."""
    if _is_replacement_like(ch):
        return model.unigram_logp(ch) + _COST_REPLACEMENT
    if ch.isascii():
        if previous is not None and not previous.isascii() and not is_han(previous):
            return _COST_ASCII + _class_logp(previous, _kind(ch), model)
        return _COST_ASCII
    if previous is not None and previous.isascii() and previous.isdigit():
        after_digits = _after_digits(model)
        seen = after_digits.get(ch, 0)
        if seen:
            return math.log(seen / (sum(after_digits.values()) + 1.0))
    if previous is not None and is_han(previous) and is_han(ch):
        # The model holds pairs inside words; a pair across two words is unseen there, so an
        # unseen pair costs at most the character's own probability and a little more (as in
        # the byte-shift stage).
        return max(model.pair_logp(previous, ch), model.unigram_logp(ch) + _COST_UNSEEN_PAIR)
    if is_han(ch):
        return model.unigram_logp(ch)
    if ch in _COMMON_MARKS:
        score = _COST_MARK + math.log1p(model.document_chars.get(ch, 0))
        if previous is not None:
            score += _class_logp(_kind(previous), ch, model)
            seen = model.document_pairs.get(previous + ch, 0) if is_han(previous) else 0
            if seen:
                # The document's own pair (一、 opens its headings) as a bonus: how much likelier
                # the mark is after this character than after Han in general. A pair the
                # document lacks costs nothing (a line's last mark is for its line ends to say).
                prior = math.exp(_class_logp("han", ch, model, absolute=True))
                score += max(0.0, math.log((seen + prior) / (model.document_chars.get(previous, 0) + 1.0)) - math.log(prior))
        return score
    return model.unigram_logp(ch) + _COST_RARE_SYMBOL


def _is_replacement_like(ch: str) -> bool:
    """□, U+FFFD, a private-use or an unassigned character: what stands for lost bytes."""
    return ch in (MISSING, "\ufffd") or "\ue000" <= ch <= "\uf8ff" or unicodedata.category(ch) == "Cn"


def _after_digits(model: "CharModel") -> dict[str, int]:
    """How often each character follows a digit in the document (年 月 日 号 after 2020, 7, 16)."""
    found = model.document_cache.get("after_digits")
    if found is None:
        found = model.document_cache["after_digits"] = {}
        for pair, count in model.document_pairs.items():
            if pair[0].isascii() and pair[0].isdigit() and not pair[1].isascii():
                found[pair[1]] = found.get(pair[1], 0) + count
    return found


def _kind(ch: str) -> str:
    """A character's kind for the document's class pairs: Han, digit, ASCII; a mark is itself."""
    if is_han(ch):
        return "han"
    if ch.isascii():
        return "digit" if ch.isdigit() else "ascii"
    return ch


def _class_logp(first: str, second: str, model: "CharModel", absolute: bool = False) -> float:
    """log P(second | first) over kinds (see `_kind`) in the document, add-one smoothed and
    relative to the commonest follower (0 for it, negative for rarer ones), or to all of them
    (`absolute`)."""
    counts, scores = _kind_pairs(model)
    key = (first, second, absolute)
    found = scores.get(key)
    if found is None:
        row = counts.get(first, {})
        top = sum(row.values()) + len(row) if absolute else max(row.values(), default=0)
        found = scores[key] = math.log((row.get(second, 0) + 1.0) / (top + 1.0))
    return found


def _kind_pairs(model: "CharModel") -> tuple[dict[str, dict[str, int]], dict]:
    """The document's pair counts by kinds (see `_kind`): the row of each kind that starts a
    pair, and the `_class_logp` scores asked for so far (every state of a rejected byte's many
    candidates asks for its kind's row)."""
    table = model.document_cache.get("kind_pairs")
    if table is None:
        counts: dict[str, dict[str, int]] = {}
        for pair, count in model.document_pairs.items():
            row = counts.setdefault(_kind(pair[0]), {})
            row[_kind(pair[1])] = row.get(_kind(pair[1]), 0) + count
        table = model.document_cache["kind_pairs"] = (counts, {})
    return table


#: States before an edge, by what of them `_score_char` reads (see `_representative`): Han
#: characters, ASCII digits, other ASCII, other characters, and the line's start (None).
_HAN, _DIGIT, _ASCII, _OTHER, _START = range(5)
HAN_STATES = _HAN


def kind_of_state(previous: str | None) -> int:
    if previous is None:
        return _START
    if previous.isascii():
        return _DIGIT if previous.isdigit() else _ASCII
    return _HAN if is_han(previous) else _OTHER


def is_scored_alike(kind: int, ch: str) -> bool:
    """Does `ch` score the same after every state of this kind (see `_representative`)?"""
    if kind == _HAN:
        return not is_han(ch) and ch not in _COMMON_MARKS
    if kind == _OTHER:
        return not ch.isascii() and ch not in _COMMON_MARKS
    return True


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def is_plain_han(ch: str) -> bool:
    """A Han character `_score_char` scores as one (not as a stand-in for lost bytes)."""
    return is_han(ch) and not _is_replacement_like(ch)
