"""Cleanup: character-level damage that carries no text of its own.

- Invisible characters (zero-width marks, a byte-order mark inside the text, control characters)
  are removed: they break comparisons and markers (（\u200b一）) and never carry text.
- Pinyin glued after characters by a mirror site's annotation script, 發(fā)布機構(gòu), is removed
  where the pinyin is a reading of the character before it (pypinyin's heteronyms, tone marks
  and all), and only in a document where such readings recur (at least `min_pinyin_glosses`):
  a lone 重(zhòng) is an author's gloss and stays, as do real parentheses 各縣(區), (试行) and
  北京(Beijing), whose contents are no reading of the character before them.
- A stray half-width comma glued before another mark (`,、` `,,` `,。`) is removed.
"""

from __future__ import annotations

import re

from ..config import CleanupConfig, RepairConfig
from ..model import Action, Edit, Proposal
from ..readings import readings_of
from ..stage import DocumentView, Stage

NAME = "cleanup"

#: Zero-width space/joiners, word joiner, BOM as zero-width no-break space, soft hyphen, and
#: C0/C1 controls other than tab, line feed, form feed and carriage return.
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]+")
#: A Han character followed by a parenthesised syllable of lower-case pinyin with tone marks; a
#: space may stand inside the parentheses (會(huì ), as some sites render the gloss).
_GLUED_READING = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff])[(（][ \u3000]?([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7})[ \u3000]?[)）]")
#: A half-width comma right before another mark of punctuation.
_STRAY_COMMA = re.compile(r",(?=[、，。；：,.;:！？!?])")


def propose_invisible(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(find_invisible_edits(view.text))


def propose(view: DocumentView, config: RepairConfig) -> Proposal:
    return Proposal(find_cleanup_edits(view.text, config.cleanup))


# Two points of the pipeline: invisible characters go first (they break every later match);
# glued readings and stray commas only after the byte repairs, which read the glued readings as
# evidence and would lose bytes a removed comma stood for.
INVISIBLE = Stage(NAME, propose_invisible)
STAGE = Stage(NAME, propose)


def find_invisible_edits(text: str) -> list[Edit]:
    return [
        Edit(
            found.start(),
            found.end(),
            "",
            Action.DROP_INVISIBLE,
            "invisible characters removed",
            {"code_points": [f"U+{ord(ch):04X}" for ch in found.group()[:8]]},
        )
        for found in _INVISIBLE.finditer(text)
    ]


def find_cleanup_edits(text: str, config: CleanupConfig | None = None) -> list[Edit]:
    """Glued readings and stray commas, as one sorted list of non-overlapping edits."""
    config = config or CleanupConfig()
    edits = _pinyin_edits(text, config) + _stray_comma_edits(text)
    return sorted(edits, key=lambda edit: (edit.start, edit.end))


def _pinyin_edits(text: str, config: CleanupConfig) -> list[Edit]:
    verified = []
    for found in _GLUED_READING.finditer(text):
        character, syllable = found.groups()
        if syllable in readings_of(character):  # a toneless syllable only as a neutral-tone reading
            verified.append(found)
    if len(verified) < config.min_pinyin_glosses:
        return []
    # A glossed document repeats its glosses (发(fā) dozens of times): one reason and one pair of
    # evidence strings per distinct gloss, shared by its notes, keep a note's memory to its own
    # span and dict (a 35 KB document with 770 glosses held 0.26 MB of copies of them).
    shared: dict[tuple[str, str], tuple[str, str, str]] = {}
    edits = []
    for found in verified:
        gloss = found.group(1, 2)
        character, syllable, reason = shared.get(gloss) or shared.setdefault(gloss, (*gloss, f"the reading {gloss[1]} glued after {gloss[0]} removed"))
        edits.append(
            Edit(found.end(1), found.end(), "", Action.STRIP_PINYIN, reason, {"character": character, "pinyin": syllable, "document_glosses": len(verified)})
        )
    return edits


def _stray_comma_edits(text: str) -> list[Edit]:
    return [
        Edit(found.start(), found.end(), "", Action.DROP_STRAY_PUNCT, "a half-width comma glued before another mark removed", {"before": text[found.end() : found.end() + 1]})
        for found in _STRAY_COMMA.finditer(text)
    ]
