"""Cleanup: characters nobody can see are removed (zero-width marks, a byte-order mark inside
the text, control characters), one note per run. They break comparisons and markers
(（\u200b一）) and never carry text."""

from __future__ import annotations

import re

from ..model import Action, Edit

STAGE = "cleanup"

#: Zero-width space/joiners, word joiner, BOM as zero-width no-break space, soft hyphen, and
#: C0/C1 controls other than tab, line feed, form feed and carriage return.
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]+")


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
