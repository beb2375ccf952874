"""Punctuation width: Chinese marks in one width throughout, the document's own by default.

Mirror sites fold full-width marks to ASCII (，→ , and （→ ( on every line of seed 000), and a
repair that reads bytes again brings the full-width forms back on the lines it repaired, so one
document ends up with both. The convention is counted per mark (comma, semicolon, colon,
brackets, question and exclamation marks) over the places where the mark stands in Chinese text
(a Han character beside it); marks of the minority width are turned to the majority's, but only
where the document is clear (`min_share` of the counted marks) and only in Chinese text, so
1,000, 10:30, (IP) and English sentences keep their ASCII. Brackets change as a pair, and only
a pair that holds no ASCII letter or digit. `--punct full|half` asks for one width whatever the
document uses; `--punct keep` changes nothing.
"""

from __future__ import annotations

import re

from ..config import PunctConfig, RepairConfig
from ..model import Action, Edit, Proposal
from ..stage import DocumentView, Stage

NAME = "punct"

#: Full-width mark → its ASCII form.
_HALF_OF = {"，": ",", "；": ";", "：": ":", "？": "?", "！": "!", "（": "(", "）": ")"}
_FULL_OF = {half: full for full, half in _HALF_OF.items()}
#: The classes a convention is counted for: the brackets count as one.
_CLASS_OF = {"，": ",", ",": ",", "；": ";", ";": ";", "：": ":", ":": ":", "？": "?", "?": "?", "！": "!", "!": "!", "（": "(", "(": "(", "）": "(", ")": "("}
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff□]")
_SINGLE = re.compile(r"[，,；;：:？?！!]")
_ASCII_SINGLE = re.compile(r"[,;:?!]")
#: A bracket pair on one line: its text is Chinese when it holds no ASCII letter or digit.
_PAIR = re.compile(r"[（(]([^()（）\n]{1,60})[）)]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
#: A space or table rule beside a mark: "发布机构: 国务院", "| 文号: |" (a line break is no sign).
_LABEL_SIDE = frozenset(" \t\u00a0|")


def propose(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(find_punct_edits(view.text, config.punct, config.output.punct))


STAGE = Stage(NAME, propose)


def _in_chinese(text: str, index: int) -> bool:
    """A single mark stands in Chinese text: a Han character (or □) on either side, and neither
    side an ASCII letter or digit (1,000 and 10:30 are numbers; a,b is code), white space or a
    table rule (Chinese marks take no space after them; "发布机构: 国务院" is an ASCII label)."""
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if _ASCII_WORD.match(before) or _ASCII_WORD.match(after) or before in _LABEL_SIDE or after in _LABEL_SIDE:
        return False  # a number, code, or "key: value" with a space: ASCII usage, not a folded mark
    return bool(_HAN.match(before) or _HAN.match(after))


def _no_ascii_mark_in_chinese(text: str) -> bool:
    """No ASCII mark stands in Chinese text (no single one, and no bracket pair with an ASCII
    half): every counted mark is full-width, so every class's convention is full-width or
    unclear, and with the document's convention or --punct full nothing changes. Most clean
    documents pass here, after a scan of their few ASCII marks rather than of all their commas."""
    if any(_in_chinese(text, found.start()) for found in _ASCII_SINGLE.finditer(text)):
        return False
    if "(" not in text and ")" not in text:
        return True
    return all(found.group()[0] == "（" and found.group()[-1] == "）" for found in _chinese_pairs(text))


def _chinese_pairs(text: str) -> list[re.Match[str]]:
    return [found for found in _PAIR.finditer(text) if not _ASCII_WORD.search(found.group(1)) and _HAN.search(found.group(1))]


def _convention(singles: list[tuple[int, str]], pairs: list[re.Match[str]], config: PunctConfig, mode: str) -> dict[str, str]:
    """Mark class → "full" or "half": the width each mark is to have. Classes without a clear
    majority are absent (their marks stay as they are). A bracket pair counts once."""
    if mode in ("full", "half"):
        return {mark: mode for mark in set(_CLASS_OF.values())}
    counts: dict[str, list[int]] = {}  # class → [half-width uses, full-width uses]
    for _, mark in singles:
        counts.setdefault(_CLASS_OF[mark], [0, 0])[mark in _HALF_OF] += 1
    for found in pairs:
        counts.setdefault("(", [0, 0])[found.group()[0] == "（"] += 1
    convention = {}
    for mark, (half, full) in counts.items():
        total = half + full
        if total >= config.min_count and max(half, full) >= config.min_share * total:
            convention[mark] = "half" if half > full else "full"
    return convention


def find_punct_edits(text: str, config: PunctConfig | None = None, mode: str = "document") -> list[Edit]:
    """One edit per mark whose width differs from the convention (the document's, or `mode`:
    "full" or "half"), in Chinese text only; none for mode "keep"."""
    config = config or PunctConfig()
    if mode == "keep" or (mode != "half" and _no_ascii_mark_in_chinese(text)):
        return []
    # The marks that stand in Chinese text, found once: they are both counted and converted.
    singles = [(found.start(), found.group()) for found in _SINGLE.finditer(text) if _in_chinese(text, found.start())]
    pairs = _chinese_pairs(text)
    convention = _convention(singles, pairs, config, mode)
    if not convention:
        return []
    why = "asked for with --punct" if mode in ("full", "half") else "the document's own convention"
    edits = []

    def convert(index: int, mark: str) -> None:
        width = convention.get(_CLASS_OF[mark])
        target = _HALF_OF.get(mark, mark) if width == "half" else _FULL_OF.get(mark, mark) if width == "full" else mark
        if target != mark:
            edits.append(
                Edit(index, index + 1, target, Action.NORMALIZE_PUNCT, f"{mark} written {width}-width, {why}", {"width": width, "mode": mode})
            )

    for index, mark in singles:
        convert(index, mark)
    for found in pairs:
        convert(found.start(), found.group()[0])
        convert(found.end() - 1, found.group()[-1])
    return sorted(edits, key=lambda edit: edit.start)
