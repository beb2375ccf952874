"""Title copies: every clean reference with one copy of its title as real pages show them (issue
18), and whether docrepair's output is the reference again, the title kept once and whole.

    python -m benchmarks.title_copies

Kinds: the title with its document number appended (in the middle of the text), a copy cut short
(its second line lost), a copy after the page's metadata box, a copy with an issuer glued before
it, a copy with an update stamp glued after it (at the top), and the red header (…办公厅文件) above
the title and again in the middle (kept once). A case passes when the output equals the expected
text after folding script, width and white space (benchmarks/score.py's fold).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from typing import Callable

from .corpus import Reference, load_references
from .score import fold

_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［【(（]\d{4}[〕\]］】)）]第?\d{1,5}[号號]")
_ISSUER = "某某市人民政府办公厅"
_RED_HEADER = "某某市人民政府办公厅文件"


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _join(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def _middle(lines: list[str]) -> int:
    return max(2, len(lines) // 2)


def _title(lines: list[str]) -> str | None:
    """The reference's title: its first lines up to its document number (a title broken over up
    to three lines, joined), or its first line; None where the text opens with no title (with
    addressees or a sentence)."""
    count = next((index for index, line in enumerate(lines[:4]) if _NUMBER.fullmatch(line.strip())), 1)
    title = "".join(line.strip() for line in lines[: max(1, count)])
    if len(title) < 8 or re.search(r"[。；，,：:]", title):
        return None
    return title


def _number(lines: list[str]) -> str:
    found = next((match.group(0) for line in lines[:4] if (match := _NUMBER.search(line))), None)
    return found or "某府办发〔2020〕7号"


def number_appended(lines: list[str]) -> tuple[list[str], list[str]]:
    at = _middle(lines)
    return lines[:at] + [f"{_title(lines)}（{_number(lines)}）"] + lines[at:], lines


def cut_copy(lines: list[str]) -> tuple[list[str], list[str]]:
    at = _middle(lines)
    title = _title(lines) or ""
    return lines[:at] + [title[: max(8, (len(title) * 3 + 4) // 5)]] + lines[at:], lines


def after_metadata_box(lines: list[str]) -> tuple[list[str], list[str]]:
    box = [
        f"索引号: | 000014349/2020-00007 | 发布机构: | {_ISSUER}",
        f"标题: | {_title(lines)} | 发文字号: | {_number(lines)}",
    ]
    count = next((index for index, line in enumerate(lines[:4]) if _NUMBER.fullmatch(line.strip())), 1)
    return [*lines[: max(1, count)], *box, *lines], lines


def issuer_glued(lines: list[str]) -> tuple[list[str], list[str]]:
    at = _middle(lines)
    return lines[:at] + [f"{_ISSUER}{_title(lines)}"] + lines[at:], lines


def stamp_glued(lines: list[str]) -> tuple[list[str], list[str]]:
    return [f"{_title(lines)}更新时间:2010-11-12 7:32:44", *lines], lines


def red_header(lines: list[str]) -> tuple[list[str], list[str]]:
    at = _middle(lines)
    return [_RED_HEADER, *lines[:at], _RED_HEADER, *lines[at:]], [_RED_HEADER, *lines]


KINDS: dict[str, Callable[[list[str]], tuple[list[str], list[str]]]] = {
    "number_appended": number_appended,
    "cut_copy": cut_copy,
    "after_metadata_box": after_metadata_box,
    "issuer_glued": issuer_glued,
    "stamp_glued": stamp_glued,
    "red_header": red_header,
}


def measure(references: list[Reference]) -> dict[str, dict]:
    """Per kind: cases, passed, and the names of the references that failed."""
    from docrepair import repair_text

    results: dict[str, dict] = {}
    for kind, make in KINDS.items():
        failed = []
        total = 0
        for reference in references:
            lines = _lines(reference.text)
            if len(lines) < 4 or _title(lines) is None:
                continue
            total += 1
            page, expected = make(lines)
            if fold(repair_text(_join(page)).text) != fold(_join(expected)):
                failed.append(reference.name)
        results[kind] = {"cases": total, "passed": total - len(failed), "failed": failed}
    return results


def print_title_copies(results: dict[str, dict], limit: int = 3) -> None:
    passed = sum(result["passed"] for result in results.values())
    cases = sum(result["cases"] for result in results.values())
    print(f"\n== title copies: {passed} of {cases} pages come out as their reference (title kept once and whole)")
    for kind, result in results.items():
        names = ", ".join(result["failed"][:limit])
        print(f"  {kind:20s} {result['passed']:3d} of {result['cases']:3d}" + (f"   failed: {names}" if names else ""))


def main(argv: list[str] | None = None) -> int:
    results = measure(load_references())
    print_title_copies(results)
    kinds = Counter({kind: result["cases"] - result["passed"] for kind, result in results.items()})
    return 0 if not sum(kinds.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
