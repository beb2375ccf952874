"""What a dropped unit takes with it, and how a note quotes a unit."""

from __future__ import annotations

from ...model import Unit


def line_extent(text: str, unit: Unit) -> tuple[int, int]:
    """The whole line of a unit with its line break, and the blank line after it when one
    stands before it too, so dropping a paragraph does not leave a double gap."""
    start = text.rfind("\n", 0, unit.span.start) + 1
    newline = text.find("\n", unit.span.end)
    end = len(text) if newline < 0 else newline + 1
    previous_start = text.rfind("\n", 0, max(start - 1, 0)) + 1
    before_blank = start == 0 or text[previous_start : start - 1].strip() == ""
    if before_blank and start > 0:
        next_newline = text.find("\n", end)
        if next_newline >= 0 and text[end:next_newline].strip() == "":
            end = next_newline + 1
    return start, end


def preview(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
