"""Garbled GBK runs: the signals a text shows where GBK bytes were read out of step, and the runs
around them. Shared by the mojibake and byteshift stages (stages never import each other)."""

from __future__ import annotations

import re
from functools import lru_cache

MISSING = "\u25a1"  # □, the customary mark for a character whose bytes are gone
#: Characters official Chinese text does not hold, but misaligned GBK produces: bopomofo, box
#: drawing, kana, Cyrillic, Greek, full-width Latin letters.
SUSPICIOUS = "\u3100-\u312f\ufe50-\ufe6f\u2500-\u257f\u3040-\u30ff\u0400-\u04ff\u0370-\u03ff\uff21-\uff3a\uff41-\uff5a"
#: Latin letters of Latin-1 Supplement, Extended-A/B and IPA (GBK's pinyin row holds ɑ and ɡ, that
#: a pair read out of step yields: 址ɑ? for 执法机), without × (U+00D7) and ÷ (U+00F7): those
#: two are the signs of formulas and of placeholders (×月×日, ××万元) in clean official text.
LATIN_LETTERS = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af"
#: A Latin letter with a tone mark outside a glued reading (ǘ after 。) is a misread pair too.
#: A lone `?` beside Han is ordinary punctuation (是否?); two in a row, or one beside a Han
#: character run into a Latin letter or digit (?诤9?, 诤jP after ??), is what a decoder leaves
#: where bytes would not decode and full-width forms were folded.
_SIGNAL = re.compile(rf"[{SUSPICIOUS}]|(?<![A-Za-z({LATIN_LETTERS}])[{LATIN_LETTERS}](?![A-Za-z{LATIN_LETTERS}]*[)）])|\?\?(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\?\?|(?<=[\u4e00-\u9fff])\?(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])\?(?=[\u4e00-\u9fff])"
    r"|\?(?=[\u4e00-\u9fff][A-Za-z0-9])|(?<=[\u4e00-\u9fff][A-Za-z0-9])\?")
#: Every signal starts at one of these characters.
ANY_SIGNAL_CHAR = re.compile(f"[{SUSPICIOUS}?{LATIN_LETTERS}]")
#: What a garbled run may hold around its signals: the signals, `?`, ASCII letters, marks and
#: Han characters (misread pairs are often valid Han).
_RUN_CHAR = re.compile(rf"[{SUSPICIOUS}?A-Za-z0-9\u4e00-\u9fff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]")
#: Signals further apart than this are separate runs.
_MAX_GAP = 4
#: Latin letters that end a glued reading: a syllable with tone marks closed by a parenthesis.
GLUED_READING_TAIL = re.compile(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")
#: Characters after the last signal that may still belong to the run.
_MAX_TAIL = 4


def find_runs(text: str) -> list[tuple[int, int]]:
    """Spans of garbled text: clusters of signals, widened over the characters between them
    and the `?`/ASCII letters at their edges, never across a line."""
    if not ANY_SIGNAL_CHAR.search(text):
        return []  # the common case: nothing a signal could start from, one fast scan
    runs: list[tuple[int, int]] = []
    for signal in prefiltered_finditer(_SIGNAL, ANY_SIGNAL_CHAR, text):
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
            if text[end].isascii() and GLUED_READING_TAIL.match(text, end):
                break  # zhí) is a reading glued after the run, not part of it
            end += 1
        widened.append((start, end))
    return widened


def prefiltered_finditer(pattern: re.Pattern, first: re.Pattern, text: str):
    """`pattern.finditer(text)` for a pattern whose every match starts with a character `first`
    matches there: the pattern is tried only at those characters. The engine scans for a
    character class fast, but tries a pattern of alternatives or lookbehinds at every position.
    Matches do not overlap, as finditer's."""
    end = 0
    for found in first.finditer(text):
        if found.start() < end:
            continue
        matched = pattern.match(text, found.start())
        if matched is not None:
            end = matched.end()
            yield matched


def clean_text(text: str, runs: list[tuple[int, int]]) -> str:
    """The document without its garbled runs: what it says it is made of."""
    parts, cursor = [], 0
    for start, end in runs:
        parts.append(text[cursor:start])
        cursor = end
    parts.append(text[cursor:])
    return "\n".join(parts)


@lru_cache(maxsize=1)
def gbk_pairs() -> dict[tuple[int, int], str]:
    """Every two-byte GBK pair that Python's `gbk` codec decodes, with its character."""
    pairs = {}
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                pairs[(lead, trail)] = bytes((lead, trail)).decode("gbk")
            except UnicodeDecodeError:
                continue
    return pairs
