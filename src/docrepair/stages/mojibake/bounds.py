"""Bounds on a line's scores (docrepair.stages.mojibake.scores) that hold whatever the document:
a line whose re-reading as UTF-8 cannot gain `min_utf8_gain_nats` over the line under any
document is left without building the document's model. On clean documents the lines that
read as UTF-8 at all are a few short ones (目录 is C4 BF C2 BC, Ŀ¼ as UTF-8), and building the
model for them was most of the stage's time.

What a document can change, and what the bounds take for it (`scores._score_char`,
`CharModel.unigram_logp`): the document `find_utf8_as_gbk_edits` builds is a part of the text,
so it uses a character at most as often as the text does, and holds fewer characters, pairs and
pairs of one kind than the text has characters (N). A unigram is the shipped count plus a
weight per use over a fixed total: at least the shipped model's, at most that with every use of
the text. A kind score (`_class_logp`, relative to the commonest follower) lies between
log(1 / (N + 1)) and 0, and so does a score after digits (log(seen / (all + 1)), seen >= 1);
a mark's own count adds log1p(uses) >= 0 and its pair bonus is >= 0. Where a score has no
bound here (a mark in the re-reading, a Han character after Han or after a cut character) the
bound is None and the line is read as before.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .scores import _COMMON_MARKS, _COST_ASCII, _COST_MARK, _COST_RARE_SYMBOL, _COST_REPLACEMENT, _COST_UNSEEN_PAIR, _is_replacement_like, is_han

if TYPE_CHECKING:
    from ...charlm import CharModel

#: The character before one that follows a cut character: □ or a character the document uses,
#: never ASCII (`lines._cut_candidates`), so any kind but ASCII.
AFTER_CUT = object()
#: Float sums of the same terms in another order differ in the last bits: a bound that misses
#: the threshold by less than this proves nothing.
ROUNDING_NATS = 1e-6


class LineBounds:
    """Bounds of `_score_char` for one text and the shipped model (`base`, no document)."""

    def __init__(self, text: str, base: "CharModel") -> None:
        self.text = text
        self.base = base
        #: -log(N + 1): the least a kind score or a score after digits can be.
        self.least_share = -math.log(len(text) + 1.0)

    def unigram_ceiling(self, ch: str) -> float:
        return self.base.unigram_logp_ceiling(ch, self.text.count(ch))

    def floor(self, previous: str | None, ch: str) -> float:
        """At most `_score_char(previous, ch)` under any document taken from the text."""
        unigram = self.base.unigram_logp(ch)  # the shipped count alone: the least it can be
        if _is_replacement_like(ch):
            return unigram + _COST_REPLACEMENT
        if ch.isascii():
            if previous is not None and not previous.isascii() and not is_han(previous):
                return _COST_ASCII + self.least_share
            return _COST_ASCII
        if previous is not None and is_han(previous) and is_han(ch):
            rest = unigram + _COST_UNSEEN_PAIR  # the max of the pair and this
        elif is_han(ch):
            rest = unigram
        elif ch in _COMMON_MARKS:
            rest = _COST_MARK + (self.least_share if previous is not None else 0.0)
        else:
            rest = unigram + _COST_RARE_SYMBOL
        if previous is not None and previous.isascii() and previous.isdigit():
            return min(self.least_share, rest)  # a count after digits, or the rest when none
        return rest

    def ceiling(self, previous, ch: str) -> float | None:
        """At least `_score_char(previous, ch)` under any document taken from the text, or None
        where no bound is kept. `previous` may be `AFTER_CUT`."""
        if _is_replacement_like(ch):
            return self.unigram_ceiling(ch) + _COST_REPLACEMENT
        if ch.isascii():
            return _COST_ASCII  # a kind score is at most 0
        if ch in _COMMON_MARKS:
            return None  # log1p of its uses has no bound below the text's length
        if is_han(ch):
            if previous is AFTER_CUT or previous is not None and is_han(previous):
                return None
            rest = self.unigram_ceiling(ch)
        else:
            rest = self.unigram_ceiling(ch) + _COST_RARE_SYMBOL
        if previous is not None and previous is not AFTER_CUT and previous.isascii() and previous.isdigit():
            return max(0.0, rest)  # a count after digits is below 0
        return rest


def gain_ceiling(lattice, body: str, bounds: LineBounds, cut_nats: float) -> float | None:
    """At least the gain `lines._reread_lines` compares with `min_utf8_gain_nats` (the best
    reading's score less the line's), under any document taken from the text; None when no
    bound is kept. Only for a line without U+FFFD, whose lattice is one path (see
    `lines._candidate_lines`): its score is the sum of its edges' scores, each at most its
    `ceiling` (a cut character costs `cut_nats` exactly, and the next is scored after □ or a
    character of the document); the line's own score is at least the sum of its `floor`s."""
    data, edges = lattice
    ceiling, position, previous = 0.0, 0, None
    while position < len(data):
        found = edges.get(position, ())
        if len(found) != 1:
            return None
        ((stop, chars, how),) = found
        if how == "cut":
            ceiling += cut_nats
            previous = AFTER_CUT
        else:
            if len(chars) != 1:
                return None
            score = bounds.ceiling(previous, chars[0])
            if score is None:
                return None
            ceiling += score
            previous = chars[0]
        position = stop
    floor, previous = 0.0, None
    for ch in body:
        floor += bounds.floor(previous, ch)
        previous = ch
    return ceiling - floor
