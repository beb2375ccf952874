"""A `?` the decoder left for a rejected byte, where no reading named the character it was
part of: □ with a note."""

from __future__ import annotations

import re

from ...charlm import CharModel
from ...garble import MISSING, clean_text
from ...model import Action, Edit
from .reader import COST_UNSEEN_PAIR, COUNT_UNKNOWN_ASCII
from .runs import REJECTED_QUESTION, merge_spans
from .tables import HAN_RANGE


#: A year, a ?, a number and Han (2020?7月, 〔2019?6号): the ? is where 年 or 〕 was, whose lead
#: byte was lost and whose trail the decoder rejected before the digit.
_YEAR_QUESTION = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}\?[0-9]{1,3}(?=[\u4e00-\u9fff])")
#: Characters before a rejected ? taken for misread pairs, at most (2 gave nothing more on the
#: benchmark's GBK-shift cases, and took correct characters: 责任和逦? → 责任□□□).
_MAX_MISREAD_BEFORE_REJECTED = 2


def mark_rejected_bytes(text: str, edits: list[Edit], base: CharModel, runs: list[tuple[int, int]]) -> list[Edit]:
    """A `?` after a Han character or a mark and before a digit (辦?2017) or the line's end
    (办公?), or at a line's start before Han or a digit (?省级), is no question mark in a
    document that asks its questions in full width or not at all (no ？): it is where the
    decoder rejected a byte of a character whose other byte went with the shift. No reading
    named that character, so it is □ with a note."""
    if "？" in text or "?" not in text:
        return []  # (without a ? nothing to look for: one scan, not the pattern's at every position)
    matches = list(REJECTED_QUESTION.finditer(text))
    if not matches:
        return []
    # The document's own statistics say whether the character before a ? is in step (案 of 的案?,
    # for 的案件, is common in a document about 案件): its pairs and characters, without the runs
    # and without the characters beside each ? (a misread pair must not vouch for itself).
    model = base.with_document(clean_text(text, merge_spans(runs + [(max(0, m.start() - 1), m.end()) for m in matches])))
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
        while at - start < _MAX_MISREAD_BEFORE_REJECTED and start >= 1 and HAN_RANGE.match(text[start - 1]):
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
                reason + f"; marked {MISSING}" + (f"; {COUNT_UNKNOWN_ASCII}" if ascii_after else ""),
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
    if left is not None and HAN_RANGE.match(left):
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
        return max(base.pair_logp(left, ch), base.unigram_logp(ch) + COST_UNSEEN_PAIR) < _MISREAD_PAIR_LOGP
    return model.unigram_logp(ch) < _MISREAD_CHAR_LOGP
