"""ftfy's own test cases (../shared/peer/ftfy, read, never committed): text in any language that a
scraped archive may hold. docrepair's field is Chinese, but it must never remove such text: no case
may lose a line to the chrome rules, and ftfy's negative cases (text that only looks damaged) come
out as they went in."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from docrepair import repair_text

PEER = ROOT.parent / "shared" / "peer" / "ftfy"
_MISSING = f"ftfy's test cases are not at {PEER} (the team's ../shared beside the checkout)"


def _cases(name: str) -> list[dict]:
    path = PEER / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


_ALL = [case for name in ("in-the-wild.json", "synthetic.json", "language-names.json", "known-failures.json", "negative.json") for case in _cases(name)]
@pytest.mark.skipif(not _ALL, reason=_MISSING)
def test_no_ftfy_case_loses_text_to_the_chrome_rules():
    emptied = [case["label"] for case in _ALL if not repair_text(case["original"]).text.strip()]
    chrome = [case["label"] for case in _ALL if any(note.action.value == "drop_chrome" for note in repair_text(case["original"]).notes)]
    assert (emptied, chrome) == ([], [])


@pytest.mark.skipif(not _cases("negative.json"), reason=_MISSING)
@pytest.mark.parametrize("case", [pytest.param(case, id=case["label"][:50]) for case in _cases("negative.json")])
def test_ftfy_negative_cases_keep_every_letter(case):
    """Unchanged but for C1 control characters, which are removed with a note (ftfy reads \\x85 as …)."""
    result = repair_text(case["original"])
    removed = [note for note in result.notes if note.action.value != "drop_invisible"]
    assert removed == []
    kept = "".join(ch for ch in case["original"] if not 0x80 <= ord(ch) <= 0x9F)
    assert result.text.rstrip("\n") == kept.rstrip("\n")


@pytest.mark.skipif(not _ALL, reason=_MISSING)
def test_ftfys_chinese_cases_are_fixed_as_ftfy_fixes_them():
    chinese = [case for case in _ALL if any("\u4e00" <= ch <= "\u9fff" for ch in case["fixed"]) and case["original"] != case["fixed"]]
    assert len(chinese) >= 2
    for case in chinese:
        assert repair_text(case["original"]).text.rstrip("\n") == case["fixed"].rstrip("\n"), case["label"]
