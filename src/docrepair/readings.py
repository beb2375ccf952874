"""Readings of characters (pypinyin, heteronyms, tone marks), shared by the stages that use a
glued reading as evidence: cleanup removes it where it names its character, mojibake uses it to
name a character whose bytes were lost."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=8192)
def readings_of(character: str) -> frozenset[str]:
    """Every tone-marked reading pypinyin knows for a character, in either script."""
    from pypinyin import Style, pinyin

    found = pinyin(character, style=Style.TONE, heteronym=True, errors="ignore")
    readings = set(found[0]) if found else set()
    if not readings:
        from .keys import to_simplified

        simplified = to_simplified(character)
        if simplified != character:
            readings |= set(readings_of(simplified))
    return frozenset(readings)
