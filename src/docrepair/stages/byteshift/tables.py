"""GBK's bytes for the byte-shift stage: the bytes a character of a run may stand for, the
characters one known byte allows (as lead or as trail), and the sets of characters the repair
tests against. Built once per process (the GBK tables) or once per model (what the model
attests after a character), never per document."""

from __future__ import annotations

import re
from functools import lru_cache

from ...charlm import CharModel
from ...garble import SUSPICIOUS, gbk_pairs


#: A byte lost to `?` or U+FFFD: its value is unknown.
LOST_BYTE = -1
HAN_RANGE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: Characters a correct reading of official text never holds (as SUSPICIOUS, plus private use,
#: Latin-1 letters and GBK's rare symbol rows): a reading holding one is penalised.
IMPLAUSIBLE = re.compile(rf"[{SUSPICIOUS}\ue000-\uf8ff\u00c0-\u02af\u2150-\u218f\u2460-\u24ff\u3220-\u324f\u2160-\u217f\ufe30-\ufe4f]")
#: Marks of official text; the model (words only) says nothing about them.
COMMON_MARKS = frozenset("，。、；：？！（）《》“”‘’〔〕【】—…·　")


@lru_cache(maxsize=1)
def gbk_table() -> dict[tuple[str, int], tuple[str, ...]]:
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
def gbk_row(role: str, byte: int) -> frozenset:
    """`gbk_table`'s characters of one known byte, as a set."""
    return frozenset(gbk_table().get((role, byte), ()))


#: Entries of the shipped model's attested candidates kept with it (`attested_in_model`) before
#: they are dropped and gathered again: a bound on memory over a long batch (a garbled document
#: asks for a few hundred).
_MAX_ATTESTED_ENTRIES = 100_000


def attested_in_model(model: CharModel, previous: str, role: str, byte: int) -> frozenset:
    """Characters of a byte's row that form a pair attested in the shipped model after
    `previous`: what follows `previous` in the model's words (`CharModel.followers`), within the row.
    The same for every document, so kept with the model's derived tables."""
    table = model.cache.setdefault("attested_by_byte", {})
    key = (previous, role, byte)
    found = table.get(key)
    if found is None:
        if len(table) >= _MAX_ATTESTED_ENTRIES:
            table.clear()
        found = table[key] = model.followers(previous).intersection(gbk_row(role, byte))
    return found


def decode_pair(lead: int, trail: int) -> str | None:
    return gbk_pairs().get((lead, trail))


def shift_byte_options(ch: str) -> list[tuple[int, ...]]:
    """What bytes a character of a run may stand for: itself; a `?` also one or two lost bytes
    or a folded full-width ？; an ASCII letter or digit also its full-width form."""
    if ch == "?":
        return [(0x3F,), (LOST_BYTE,), (LOST_BYTE, LOST_BYTE), (0xA3, 0xBF)]
    if ch == "\ufffd":
        return [(LOST_BYTE,), (LOST_BYTE, LOST_BYTE)]
    if ch.isascii():
        if ch.isalnum():
            return [(ord(ch),), tuple(chr(ord(ch) + 0xFEE0).encode("gbk"))]
        return [(ord(ch),)]
    try:
        data = ch.encode("gbk")
    except UnicodeEncodeError:
        return []
    return [tuple(data)]


def mark_candidates(role: str, byte: int, model: CharModel) -> list[str]:
    """Marks of official text the document itself uses, with the surviving byte in its place
    (。 is A1 A3: a lost character whose trail A3 survives may be it). Named, like a character,
    only with a margin and a pair the document attests (保障。)."""
    marks = []
    for mark in sorted(COMMON_MARKS):
        data = mark.encode("gbk")
        if len(data) == 2 and data[0 if role == "lead" else 1] == byte and mark in model.document_chars:
            marks.append(mark)
    return marks


#: Candidates per lost character scored in the joint choice, besides the document's own.
MAX_CANDIDATES = 48


def common_candidates(role: str, byte: int, model: CharModel) -> tuple[list[str], list[str]]:
    """(the commonest candidates, the rest) for a surviving byte, cached per model."""
    cache = model.cache.setdefault("candidates", {})
    found = cache.get((role, byte))
    if found is None:
        han = sorted((ch for ch in gbk_table().get((role, byte), ()) if HAN_RANGE.match(ch)), key=lambda ch: (-model.count(ch), ch))
        found = cache[(role, byte)] = (han[:MAX_CANDIDATES], han[MAX_CANDIDATES:])
    return found


@lru_cache(maxsize=2)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


@lru_cache(maxsize=1 << 16)
def script_of(ch: str) -> str | None:
    """"traditional" for a character OpenCC changes to simplified, "simplified" for one it
    changes to traditional, None for one both scripts write."""
    if _opencc("t2s").convert(ch) != ch:
        return "traditional"
    if _opencc("s2t").convert(ch) != ch:
        return "simplified"
    return None


#: Marks inside a sentence of Chinese text: beside a known character they read in step.
SENTENCE_MARKS = frozenset("，。、；：")


#: ASCII marks that are also GBK trail bytes (0x40-0x7E): a character whose lead byte was read
#: out of step leaves its trail standing as one of them (牽頭 → 款^).
ASCII_TRAIL_MARKS = frozenset("?@[\\]^_`{|}~")
