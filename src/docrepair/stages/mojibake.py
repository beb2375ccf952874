"""Mojibake: runs of text whose GBK bytes were read one byte off are re-decoded from their bytes.

A mirror that drops or inserts one byte before decoding GBK turns every later pair of bytes into
the wrong character until an invalid pair (shown as `?`) realigns the stream: （一）指導思想 comes
out as ?。ㄒ唬┲笇枷?, and full-width letters the garble produced are often folded to ASCII
afterwards (海口海關 → ??诤jP). The signals of such a run are characters Chinese official text
never holds (bopomofo, box drawing, kana, Cyrillic, Greek, full-width Latin) and `?` beside Han.

Repair: the run is encoded back to GB18030 bytes, each `?` standing for one lost byte or for a
folded full-width ？, each ASCII letter for itself or its full-width form; every variant is read
from both byte offsets. A character of a candidate counts only when the document itself uses it
outside garbled runs (the document is the language model that says what is plausible here);
characters whose bytes are lost, or that the document never uses, become □ (U+25A1). The
candidate with the most such characters wins (ties to fewer □, then the first variant); a run is
only replaced when the winner recovers at least `min_recovered_chars` characters, otherwise it is
flagged and left alone. A run nothing confirms becomes one □ (its text stays in the note). Nothing is guessed: every
character in a repair was read from bytes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..model import Action, Edit

STAGE = "mojibake"

MISSING = "\u25a1"  # □, the customary mark for a character whose bytes are gone
#: Characters official Chinese text does not hold, but misaligned GBK produces: bopomofo, box
#: drawing, kana, Cyrillic, Greek, full-width Latin letters.
_SUSPICIOUS = "\u3100-\u312f\ufe50-\ufe6f\u2500-\u257f\u3040-\u30ff\u0400-\u04ff\u0370-\u03ff\uff21-\uff3a\uff41-\uff5a"
#: A Latin letter with a tone mark outside a glued reading (ǘ after 。) is a misread pair too.
#: A lone `?` beside Han is ordinary punctuation (是否?); two in a row, or one beside a Han
#: character run into a Latin letter or digit (?诤9?, 诤jP after ??), is what a decoder leaves
#: where bytes would not decode and full-width forms were folded.
_SIGNAL = re.compile(rf"[{_SUSPICIOUS}]|(?<![A-Za-z(\u00c0-\u024f])[\u00c0-\u024f](?![A-Za-z\u00c0-\u024f]*[)）])|\?\?(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\?\?|(?<=[\u4e00-\u9fff])\?(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])\?(?=[\u4e00-\u9fff])"
    r"|\?(?=[\u4e00-\u9fff][A-Za-z0-9])|(?<=[\u4e00-\u9fff][A-Za-z0-9])\?")
#: Every signal starts at one of these characters.
_ANY_SIGNAL_CHAR = re.compile(f"[{_SUSPICIOUS}?\u00c0-\u024f]")
#: What a garbled run may hold around its signals: the signals, `?`, ASCII letters, marks and
#: Han characters (misread pairs are often valid Han).
_RUN_CHAR = re.compile(rf"[{_SUSPICIOUS}?A-Za-z0-9\u4e00-\u9fff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]")
#: Signals further apart than this are separate runs.
_MAX_GAP = 4
#: Latin letters that end a glued reading: a syllable with tone marks closed by a parenthesis.
_GLUED_READING_TAIL = re.compile(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")
#: Characters after the last signal that may still belong to the run.
_MAX_TAIL = 4
#: Marks and digits every document may use: plausible in a repair whatever the document holds.
_ALWAYS_PLAUSIBLE = frozenset("（）《》“”‘’、，。：；【】〔〕…—0123456789")
_NUMERALS = frozenset("一二三四五六七八九十百零〇")
#: At most this many ambiguous characters (`?`, ASCII letters) per run: 2**n variants are tried.
_MAX_AMBIGUOUS = 6


@dataclass(frozen=True)
class MojibakeConfig:
    #: A repair must recover at least this many characters the document itself uses.
    min_recovered_chars: int = 2


@dataclass(frozen=True)
class _Candidate:
    text: str
    recovered: int
    missing: int
    shift: int
    hex: str


def find_mojibake_edits(text: str, config: MojibakeConfig | None = None) -> tuple[list[Edit], list[tuple[int, int, str, dict]]]:
    """Repairs of garbled runs, and flags for runs that could not be repaired."""
    config = config or MojibakeConfig()
    runs = _find_runs(text)
    if not runs:
        return [], []
    clean = _clean_text(text, runs)
    vocabulary = frozenset(clean) | _ALWAYS_PLAUSIBLE
    bigrams = frozenset(clean[i : i + 2] for i in range(len(clean) - 1))
    edits, flags = [], []
    for start, end in runs:
        run = text[start:end]
        best = _best_candidate(run, vocabulary, bigrams)
        if best is not None and best.recovered >= config.min_recovered_chars and best.text != run:
            edits.append(
                Edit(
                    start,
                    end,
                    best.text,
                    Action.REPAIR_MOJIBAKE,
                    f"GBK bytes read out of step, re-read from the bytes; {best.missing} character(s) whose bytes are lost marked {MISSING}",
                    {
                        "encoding": "gb18030",
                        "bytes": best.hex,
                        "recovered_chars": best.recovered,
                        "missing_chars": best.missing,
                        "evidence": "every recovered character is read from the bytes and used elsewhere in the document",
                    },
                )
            )
        elif re.search(f"[{_SUSPICIOUS}]", run):
            # Unreadable: the run is no text of the document, and no reading of it is certain.
            # One □ stands for what was there; the garbled run itself stays in the note.
            edits.append(
                Edit(
                    start,
                    end,
                    MISSING,
                    Action.MARK_MISSING,
                    f"garbled text whose bytes cannot be re-read with confidence replaced by {MISSING}; the garbled run is kept in this note",
                    {"run": run, "encoding": "gb18030", "best_reading": best.text if best is not None else None},
                )
            )
    return edits, flags


def find_utf8_as_gbk_edits(text: str) -> list[Edit]:
    """Lines whose UTF-8 bytes were read as GBK (关于 → 鍏充簬): re-encoded as GB18030 and read
    as UTF-8. A line is repaired only when its own characters are mostly foreign to the
    document and the re-read ones mostly belong to it; bytes the wrong decoding lost are □."""
    lines = text.splitlines(keepends=True)
    candidates = [_reread_as_utf8(line.rstrip("\r\n")) for line in lines]
    # What the document is made of, from the lines that are not candidates themselves: the
    # garbled lines share their odd characters with each other, not with the document.
    vocabulary = frozenset("".join(line for line, candidate in zip(lines, candidates) if candidate is None))
    edits, offset = [], 0
    for line, candidate in zip(lines, candidates):
        body = line.rstrip("\r\n")
        if candidate is not None:
            native = sum(1 for ch in body if ch in vocabulary) / max(1, len(body))
            reread = sum(1 for ch in candidate if ch in vocabulary or ch == MISSING) / max(1, len(candidate))
            if native < _MAX_NATIVE_SHARE and reread >= _MIN_REREAD_SHARE:
                edits.append(
                    Edit(
                        offset,
                        offset + len(body),
                        candidate,
                        Action.REPAIR_MOJIBAKE,
                        "UTF-8 bytes that had been read as GBK, re-read as UTF-8",
                        {"encoding": "utf-8 read as gb18030", "native_share": round(native, 3), "reread_share": round(reread, 3), "missing_chars": candidate.count(MISSING)},
                    )
                )
        offset += len(line)
    return edits


#: A line whose characters the rest of the document uses less than this is foreign to it…
_MAX_NATIVE_SHARE = 0.5
#: …and its re-reading must belong to the document at least this much to be taken.
_MIN_REREAD_SHARE = 0.9


def _reread_as_utf8(line: str) -> str | None:
    """The line's characters as GB18030 bytes, read as UTF-8. A U+FFFD the wrong decoding left
    stands for bytes that are gone: it becomes an invalid byte, so the UTF-8 character it
    belonged to comes out as one □."""
    if len(line) < 4 or line.isascii():
        return None
    try:
        data = b"\xff".join(part.encode("gb18030") for part in line.split("\ufffd"))
    except UnicodeEncodeError:
        return None
    # A clean line's GBK bytes are no UTF-8: its first bytes already fail (a cheap early exit).
    if data[:48].decode("utf-8", errors="replace").count("\ufffd") > 12:
        return None
    reread = re.sub("\ufffd+", MISSING, data.decode("utf-8", errors="replace"))
    if reread == line or reread.count(MISSING) * 4 > len(reread):
        return None
    return reread


def _find_runs(text: str) -> list[tuple[int, int]]:
    """Spans of garbled text: clusters of signals, widened over the characters between them
    and the `?`/ASCII letters at their edges, never across a line."""
    if not _ANY_SIGNAL_CHAR.search(text):
        return []  # the common case: nothing a signal could start from, one fast scan
    runs: list[tuple[int, int]] = []
    for signal in _SIGNAL.finditer(text):
        start, end = signal.start(), signal.end()
        if runs and start - runs[-1][1] <= _MAX_GAP and "\n" not in text[runs[-1][1] : start]:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    widened = []
    for start, end in runs:
        while start > 0 and text[start - 1] in "?。" and _RUN_CHAR.match(text, start - 1):
            start -= 1
        # Misread pairs after the last signal are Han or folded letters; a mark ends the run,
        # and so does a parenthesis (a reading glued after the run, (zhí), is not part of it).
        limit = end + _MAX_TAIL
        while end < min(limit, len(text)) and (text[end] == "?" or "\u4e00" <= text[end] <= "\u9fff" or text[end].isascii() and text[end].isalnum()):
            if text[end].isascii() and _GLUED_READING_TAIL.match(text, end):
                break  # zhí) is a reading glued after the run, not part of it
            end += 1
        widened.append((start, end))
    return widened


def _clean_text(text: str, runs: list[tuple[int, int]]) -> str:
    """The document without its garbled runs: what it says it is made of."""
    parts, cursor = [], 0
    for start, end in runs:
        parts.append(text[cursor:start])
        cursor = end
    parts.append(text[cursor:])
    return "\n".join(parts)


def _byte_options(ch: str) -> list[tuple[int | None, ...]]:
    """What bytes a character of the run may stand for."""
    if ch == "?":
        return [(None,), (0xA3, 0xBF)]  # one lost byte, or a full-width ？ folded to ASCII
    if ch.isascii() and ch.isalnum():
        return [(ord(ch),), tuple(chr(ord(ch) + 0xFEE0).encode("gb18030"))]
    try:
        return [tuple(ch.encode("gb18030"))]
    except UnicodeEncodeError:
        return []


def _best_candidate(run: str, vocabulary: frozenset[str], bigrams: frozenset[str]) -> _Candidate | None:
    options = [_byte_options(ch) for ch in run]
    if any(not option for option in options) or sum(len(option) > 1 for option in options) > _MAX_AMBIGUOUS:
        return None
    best: _Candidate | None = None
    for variant in itertools.product(*options):
        stream = [byte for part in variant for byte in part]
        candidate = _read(stream, vocabulary, bigrams)
        if best is None or (candidate.recovered, -candidate.missing) > (best.recovered, -best.missing):
            best = candidate
    return best


def _read(stream: list[int | None], vocabulary: frozenset[str], bigrams: frozenset[str]) -> _Candidate:
    """The best reading of a byte stream by dynamic programming: at each byte, read a pair, an
    ASCII byte, or give the byte up as the remnant of a character whose other byte is lost (□,
    and the reading realigns there, as the site's decoder did after a bad pair). A pair counts
    when it decodes to a character the document uses; afterwards a Han character counts only
    where it forms, with a neighbour, a pair of characters the document also has (思想, 海關):
    a lone plausible character may be a misread, and a misread is never presented as text."""
    size = len(stream)
    # best[i] = (score, tokens) for the first i bytes; tokens are (char or None for □).
    best: list[tuple[float, tuple] | None] = [None] * (size + 1)
    best[0] = (0.0, ())
    for position in range(size):
        if best[position] is None:
            continue
        score, tokens = best[position]
        steps = []
        lead = stream[position]
        if lead is not None and lead < 0x80:
            steps.append((1, chr(lead), 0.0))
        if position + 1 < size:
            pair = stream[position : position + 2]
            if None not in pair and pair[0] >= 0x81:
                try:
                    ch = bytes(pair).decode("gb18030")
                except UnicodeDecodeError:
                    ch = None
                if ch is not None and ch in vocabulary and (_is_han(ch) or ch in _ALWAYS_PLAUSIBLE):
                    steps.append((2, ch, 1.0))
            steps.append((2, None, -0.5))  # a pair read as lost
        steps.append((1, None, -0.6))  # a byte given up: the realignment costs a little more
        for advance, ch, gain in steps:
            entry = (score + gain, tokens + (ch,))
            target = best[position + advance]
            if target is None or entry[0] > target[0]:
                best[position + advance] = entry
    _, tokens = best[size]
    chars = _attested(list(tokens), bigrams)
    text = "".join(MISSING if ch is None else ch for ch in _merge_missing(chars))
    recovered = sum(1 for ch in chars if ch is not None and ch not in _ALWAYS_PLAUSIBLE and not ch.isascii())
    hex_bytes = " ".join("??" if byte is None else f"{byte:02x}" for byte in stream)
    return _Candidate(text, recovered, text.count(MISSING), 0, hex_bytes)


def _attested(chars: list[str | None], bigrams: frozenset[str]) -> list[str | None]:
    """Keep the characters of a stretch read in one alignment (no lost byte between them) only
    when the stretch holds a pair of characters the document also has (海關 in □口海關): that
    pair confirms the alignment. A stretch without one may be a misread that happens to be
    plausible, and a misread is never presented as text. Inside a clause marker's brackets
    only numerals are kept before the confirming pair (（十五） misread as （施 keeps nothing)."""
    kept = list(chars)
    start = 0
    while start < len(chars):
        if chars[start] is None:
            start += 1
            continue
        end = start
        while end < len(chars) and chars[end] is not None:
            end += 1
        stretch = [ch for ch in chars[start:end]]
        pairs = [i for i in range(len(stretch) - 1) if stretch[i] + stretch[i + 1] in bigrams and _is_han(stretch[i]) and _is_han(stretch[i + 1])]
        # After a loss inside the run (not the lead byte lost at its start) the reading may
        # have realigned wrongly: the stretch's first characters need their own confirmation.
        after_inner_loss = any(ch is not None for ch in chars[:start])
        for offset, ch in enumerate(stretch):
            if not _is_han(ch):
                continue
            confirmed = bool(pairs) and not (stretch[0] == "（" and offset < pairs[0] and ch not in _NUMERALS)
            if confirmed and after_inner_loss and offset < pairs[0]:
                confirmed = False
            if not confirmed:
                kept[start + offset] = None
        start = end
    return kept


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _merge_missing(chars: list[str | None]) -> list[str | None]:
    """Two lost bytes in a row are one lost character: □ stands for characters, not bytes."""
    merged: list[str | None] = []
    for ch in chars:
        if ch is None and len(merged) >= 1 and merged[-1] is None and (len(merged) < 2 or merged[-2] is not None):
            continue
        merged.append(ch)
    return merged


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
