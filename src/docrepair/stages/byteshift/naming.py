"""Lost characters named from the one byte that survives (a joint choice over the characters
each byte allows, kept only with a margin and an attested pair), and characters read out of
step kept only where a pair vouches for them."""

from __future__ import annotations

import math

from ...charlm import CharModel
from ...readings import readings_of
from .reader import COST_GUESS, COST_LOST, Reader, Token
from .tables import COMMON_MARKS, HAN_RANGE, common_candidates, mark_candidates, script_of


def name_lost(tokens: list[Token], before: str | None, after: str | None, reader: Reader, margin_nats: float, reading: str | None):
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
        left = left if left is not None and HAN_RANGE.match(left) else None
        right = right if right is not None and HAN_RANGE.match(right) else None
        sets = []
        for position in range(index, stop):
            candidates = _candidates_for(tokens[position], model, reader.other_script)
            if reading and position == len(tokens) - 1:
                candidates = [ch for ch in candidates if reading in readings_of(ch)]
            if position == len(tokens) - 1 and after in (None, "\n", "\r"):
                # A mark at a line's end is one the document ends its lines with (。；：), not
                # 、 or （ that its lines hold inside (交流。 read out of step is 交痢?).
                candidates = [ch for ch in candidates if ch not in COMMON_MARKS or ch in reader.line_end_marks]
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


def _margin_over_other_place(token: Token, ch: str, left: str | None, right: str | None, reader: Reader) -> float:
    """How much likelier `ch` is than the best character with the surviving byte in its other
    place. One lost character between characters read in step lost its lead or its trail, the
    same one byte either way; the search took the place its left neighbour liked (法人 of 本法朔Q,
    where 所稱 is the text: CB is 所's lead, not 人's trail), so a name is only sure (see
    `_SURE_NAME_MARGIN`) when it beats both places. The other place's characters are not named
    themselves (see `_candidates_for`)."""
    model = reader.model
    role, byte = token.surviving
    other = Token(None, lead=byte) if role == "trail" else Token(None, trail=byte)

    def fit(candidate: str) -> float:
        used = math.log1p(model.document_chars.get(candidate, 0))
        score = used + (model.unigram_logp(candidate) if left is None else model.pair_logp(left, candidate))
        return score + (0.0 if right is None else model.pair_logp(candidate, right))

    rivals = [fit(candidate) for candidate in _candidates_for(other, model, reader.other_script) if candidate != ch]
    return fit(ch) - max(rivals) if rivals else math.inf


def _is_nameable(token: Token) -> bool:
    return token.char is None and (token.lead is None) != (token.trail is None)


def _candidates_for(token: Token, model: CharModel, other_script: str | None = None) -> list[str]:
    """Han characters with the surviving byte in the place the reading gives it (lead or
    trail). Taking either place would name more characters, and measured on the seeds it named
    wrong ones (人民日落實 for 人民政府落實): the reading's own alignment is the evidence.
    Of the ~190 characters a byte allows, the `MAX_CANDIDATES` commonest and every character
    the document uses are scored: the joint choice costs the square of their number per step,
    and a rarer character could not win the margin a name needs anyway."""
    common, rest = common_candidates(*token.surviving, model)
    han = common + [ch for ch in rest if ch in model.document_chars]
    if other_script is not None:
        han = [ch for ch in han if script_of(ch) != other_script or ch in model.document_chars]
    return han + mark_candidates(*token.surviving, model)


def _viterbi_names(sets: list[list[str]], left: str | None, right: str | None, model: CharModel):
    """Best joint choice over candidate sets; per position (char, margin, attested pairs)."""
    # A character the document itself uses is likelier here (its place names, 海 of 海南).
    used = {ch: math.log1p(model.document_chars.get(ch, 0)) for candidates in sets for ch in candidates}
    # pair(a, b) = used[b] + log P(b | a), for each candidate after each of the set before it:
    # the forward and the backward pass read the same table.
    pairs = [
        [[used[b] + score for b, score in zip(sets[position + 1], row)] for row in model.pair_logp_rows(sets[position], sets[position + 1])]
        for position in range(len(sets) - 1)
    ]
    size = len(sets)
    forward: list[dict[str, float]] = []
    for position, candidates in enumerate(sets):
        if position == 0:
            if left is None:
                forward.append({ch: used[ch] + model.unigram_logp(ch) for ch in candidates})
            else:
                forward.append({ch: used[ch] + score for ch, score in zip(candidates, model.pair_logp_rows([left], candidates)[0])})
        else:
            previous = [forward[-1][ch] for ch in sets[position - 1]]
            table = pairs[position - 1]
            forward.append({ch: max(score + row[column] for score, row in zip(previous, table)) for column, ch in enumerate(candidates)})
    backward: list[dict[str, float]] = [dict() for _ in range(size)]
    for position in range(size - 1, -1, -1):
        if position == size - 1:
            for ch in sets[position]:
                backward[position][ch] = 0.0 if right is None else model.pair_logp(ch, right)
        else:
            following = [backward[position + 1][ch] for ch in sets[position + 1]]
            for ch, row in zip(sets[position], pairs[position]):
                backward[position][ch] = max(value + score for value, score in zip(row, following))
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


#: A name whose margin over the next candidate is at least this (natural log; e**10 ≈ 22,000
#: times likelier, besides the attested pair every name needs) is as sure as a character read
#: from its two bytes: it costs no `COST_GUESS` (生產 of 生a前, 細則 of 細t自: margins of 13
#: nats, where the other reading is a lone letter between Han).
_SURE_NAME_MARGIN = 10.0


def _guess_cost(evidence: dict) -> float:
    margins = [evidence.get("margin_nats"), evidence.get("margin_over_other_place_nats", math.inf)]
    if None not in margins and min(margins) >= _SURE_NAME_MARGIN:
        return 0.0
    return COST_GUESS


def named_score(tokens: list[Token], named: list, before: str | None, after: str | None, reader: Reader) -> float:
    """The reading's score with the named characters scored as characters (plus `COST_GUESS`)."""
    score, previous = 0.0, before
    for token, name in zip(tokens, named):
        if name is not None:
            score += reader.char_cost(previous, name[0]) + _guess_cost(name[1])
            previous = name[0]
        elif token.char is not None:
            score += reader.char_cost(previous, token.char)
            previous = token.char
        else:
            score += COST_LOST
            previous = token.context
    if after is not None and previous is not None:
        score += reader.char_cost(previous, after)
    return score


_NUMERALS_ALL = frozenset("一二三四五六七八九十百零〇")


def confirm(tokens: list[Token], before: str | None, after: str | None, model: CharModel) -> list[Token]:
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
        pairs = [i for i in range(len(chars) - 1) if HAN_RANGE.match(chars[i]) and HAN_RANGE.match(chars[i + 1]) and model.is_attested(chars[i], chars[i + 1])]
        # Characters the run was widened over and read as they stand are the run's context, not
        # a stretch read before this one.
        inner = any(t.char is not None for t in tokens[leading_native:index])
        for offset, ch in enumerate(chars):
            token = tokens[index + offset]
            if not HAN_RANGE.match(ch):
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
            own = (left is not None and HAN_RANGE.match(left) and model.is_attested(left, ch)) or (
                right is not None and HAN_RANGE.match(right) and model.is_attested(ch, right)
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
                kept[index + offset] = Token(None, lead=data[0], trail=data[1])
        index = stop
    return kept
