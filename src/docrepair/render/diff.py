"""The repair as a unified diff of the decoded input against the output, line by line (what
`fix --diff` prints, for review and for patch tools)."""

from __future__ import annotations

import difflib

#: The marker diff and patch write after a last line that has no newline.
_NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(before: str, after: str, name: str = "-", context: int = 3) -> str:
    """`--- name` / `+++ name (repaired)` and the hunks; "" when the texts are the same."""
    lines = difflib.unified_diff(
        _lines(before), _lines(after), fromfile=name, tofile=f"{name} (repaired)", n=context
    )
    out = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:  # a last line without its newline: as diff -u shows it
            out.append(line + "\n" + _NO_NEWLINE)
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Lines with their newlines; only \n ends a line (str.splitlines would also split at U+2028,
    \x1c …, which a document may hold inside a line), and a CRLF's \r stays on its line."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])
