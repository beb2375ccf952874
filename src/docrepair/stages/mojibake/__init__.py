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

import re
from typing import TYPE_CHECKING

from ...config import MojibakeConfig, RepairConfig
from ...garble import MISSING as MISSING  # the mark of lost characters, as the stage names it
from ...model import Action, Edit, Proposal
from ...stage import DocumentView, Stage
from .lines import find_utf8_as_gbk_edits
from .scores import is_han

if TYPE_CHECKING:
    from ...charlm import CharModel

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
#: The character every run of `_LATIN_RUN` starts with: a text without one has no run, and the
#: engine scans for one character class several times faster than it tries the group at every
#: position (0.05 -> 0.01 s on the benchmark's 335 documents without garble).
_LATIN_RUN_START = re.compile("[\u00e2-\u00ef]")


def find_utf8_as_latin_edits(text: str) -> list[Edit]:
    """Runs of UTF-8 bytes read as Windows-1252 or Latin-1 (简体 → ç®€ä½“, ftfy's home ground):
    each run is taken back to its bytes and read as UTF-8. Kept only when the bytes decode
    strictly and every character they give is CJK or full-width (a French or German word never
    does: its accented letters are not three-byte sequences)."""
    if text.isascii() or _LATIN_RUN_START.search(text) is None:
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


#: A character lost or misread in a garbled run, with the reading a mirror glued after it:
#: □O(jiān) (監's lead byte lost, its trail byte read as O), or □zhí) (執 and the "(" lost).
#: Pinyin is lower case, so a lower-case letter after □ starts the reading.
_LOST_WITH_READING = re.compile(r"(?:□?([A-Z0-9])|(□))[(（]?([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7})[)）](?=[\u4e00-\u9fff])")


#: The letters of a reading in `_LOST_WITH_READING`, and what stands before them there (□, or
#: what is left of a lost character: an upper-case letter or a digit).
_PINYIN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü")
_READING_OWNERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789□")


def _has_reading_close(text: str) -> bool:
    """Could `_LOST_WITH_READING` match? Every match ends with a closing bracket before a Han
    character, after 1-7 pinyin letters (all the letters there: the character before them is
    no letter) that follow □, an upper-case letter or a digit, or an opening bracket after one
    (□O(jiān)法). The brackets are found by `str.find`: the engine tried the pattern's
    alternatives at every position (~0.1 s on the benchmark's 335 documents without garble)."""
    for bracket in ")）":
        at = text.find(bracket, 1)
        while at != -1:
            if at + 1 < len(text) and is_han(text[at + 1]):
                start = at
                while start > 0 and at - start <= 7 and text[start - 1] in _PINYIN_LETTERS:
                    start -= 1
                before = start - 1
                if before > 0 and text[before] in "(（":
                    before -= 1
                if 1 <= at - start <= 7 and before >= 0 and text[before] in _READING_OWNERS:
                    return True
            at = text.find(bracket, at + 1)
    return False


def find_reading_evidence_edits(text: str) -> list[Edit]:
    """A lost character is restored from the reading glued after it when exactly one character
    of the document has that reading and forms, with the character after it, a pair the
    document uses elsewhere (zhí + 法 → 執法). Otherwise it stays □ (and the reading stays)."""
    from ...readings import readings_of

    if not _has_reading_close(text):
        return []
    matches = list(_LOST_WITH_READING.finditer(text))
    if not matches:
        return []
    # Pairs as the document reads without its glued readings (執(zhí)法 is the pair 執法).
    plain = re.sub(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]", "", text)
    pairs: dict[str, set[str]] = {}
    for first, second in zip(plain, plain[1:]):
        if is_han(first) and is_han(second):
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
        from ...charlm import load_charlm

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
    han = [ch for ch in text if is_han(ch)]
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


#: Characters whose bytes are decoded before the whole text is encoded: ~100 bytes of Chinese,
#: enough for an error of UTF-8 and far less than a document.
_HEAD_CHARS = 64


def _reread_gbk_as_utf8(text: str) -> str | None:
    if text.count("\ufffd") * 100 > len(text):
        return None  # bytes already lost: the line-level re-read (find_utf8_as_gbk_edits) marks them
    try:
        # The first characters' bytes start the text's (GB18030 keeps no state): an error in
        # them that the next byte decided (it ends before their end) fails the whole decode, so
        # a Chinese text is told by ~100 bytes, not by encoding all of it (~0.03 s on the
        # benchmark's 335 documents without garble).
        head = text[:_HEAD_CHARS].encode("gb18030")
        head.decode("utf-8")
    except UnicodeEncodeError:
        return None
    except UnicodeDecodeError as error:
        if error.end < len(head):
            return None
    try:
        return text.encode("gb18030").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
