"""The exact shortcuts of the mojibake stage: the candidate lines of the UTF-8-read-as-GBK
re-reading found over the document's bytes are the lines with a lattice, its gain bound is never
below the gain the full computation finds, and the cheap scans before the patterns of runs read
as cp1252 and of glued readings miss no match."""

from __future__ import annotations

import glob

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from docrepair.charlm import load_charlm
from docrepair.config import MojibakeConfig
from docrepair.stages.mojibake import _LATIN_RUN, _LATIN_RUN_START, _LOST_WITH_READING, _has_reading_close, _reread_gbk_as_utf8, find_utf8_as_gbk_edits
from docrepair.stages.mojibake.bounds import ROUNDING_NATS, LineBounds, gain_ceiling
from docrepair.stages.mojibake.lines import _COST_CUT, _best_utf8_reading, _candidate_lines, _reading_score, _utf8_lattice, document_evidence

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAMPLE_LINES = sorted({line for path in sorted(glob.glob("samples/*.txt"))[:40] for line in open(path, encoding="utf-8", errors="replace").read().splitlines() if line.strip()})[:400]

#: GBK characters whose two bytes are one UTF-8 character (lead C2-DF, trail 80-BF): clean
#: lines of them read as UTF-8, like 目录 (C4 BF C2 BC).
TWO_BYTE_UTF8 = [ch for lead in range(0xC2, 0xE0) for trail in range(0x80, 0xC0) if (ch := bytes((lead, trail)).decode("gbk", errors="ignore"))]


def as_gbk(line: str) -> str:
    return line.encode("utf-8").decode("gbk", errors="replace")


pieces = st.one_of(
    st.sampled_from(SAMPLE_LINES).map(lambda line: line[:12]),
    st.sampled_from(SAMPLE_LINES).map(lambda line: as_gbk(line[:8])),
    st.lists(st.sampled_from(TWO_BYTE_UTF8 + list("0123456789:、。一二目录编号") + ["Ab", " "]), min_size=1, max_size=6).map("".join),
    st.binary(min_size=1, max_size=12).map(lambda data: data.decode("gbk", errors="replace")),
    st.text(min_size=1, max_size=6),
)
breaks = st.sampled_from(["\n", "\r\n", "\r", "\x0b", "\x1c", "\u2028", "\n\n"])


@st.composite
def documents(draw):
    lines = draw(st.lists(st.tuples(pieces, breaks), min_size=1, max_size=8))
    return "".join(piece + end for piece, end in lines) + draw(st.sampled_from(["", "x", "目录"]))


@SETTINGS
@given(documents())
def test_the_candidate_lines_are_the_lines_with_a_lattice(text):
    lines = text.splitlines(keepends=True)
    assert _candidate_lines(text, lines) == [_utf8_lattice(line.rstrip("\r\n")) is not None for line in lines]


def _gains(text: str):
    """(bound, gain) of each candidate line, the document's model built as the stage builds it."""
    lines = text.splitlines(keepends=True)
    candidates = _candidate_lines(text, lines)
    model, ends = document_evidence(lines, candidates)
    bounds = LineBounds(text, load_charlm())
    for line, candidate in zip(lines, candidates):
        body = line.rstrip("\r\n")
        if candidate:
            lattice = _utf8_lattice(body)
            found = _best_utf8_reading(lattice, model, MojibakeConfig().min_rejected_margin_nats, ends)
            gain = None if found is None else found[0] - _reading_score(body, model)
            yield gain_ceiling(lattice, body, bounds, _COST_CUT), gain


@SETTINGS
@given(documents())
def test_the_gain_bound_is_never_below_the_gain(text):
    for bound, gain in _gains(text):
        if bound is not None and gain is not None:
            assert gain <= bound + ROUNDING_NATS


def test_the_bound_proves_a_clean_table_of_contents_heading_and_keeps_the_garbled_line():
    document = "关于加强工作的通知\n各区县人民政府：\n认真落实工作措施，加强监管。\n"
    (bound, _), = _gains(document + "目录\n")
    assert bound is not None and bound < MojibakeConfig().min_utf8_gain_nats
    assert find_utf8_as_gbk_edits(document + "目录\n目錄\n") == []
    # A garbled line beside it is still read again (its bound proves nothing).
    garbled = as_gbk("一、总体要求")
    text = document + "目录\n" + garbled + "\n"
    (edit,) = find_utf8_as_gbk_edits(text)
    assert text[edit.start : edit.end] == garbled and edit.after.endswith("、总体要求")


@SETTINGS
@example("依□zhí)法")
@example("第(a)款A(zhi)法")
@example("（zhí)法")
@example("□O(jiān)督")
@example("ç®€ä½“")
@given(st.text(alphabet=st.sampled_from("□O7 (（)）zhíjiān執法关于aaaaaaaa\u00e2\u00e7\u00ae\u20ac\u00a0\u00bf“a"), max_size=30))
def test_the_scans_before_the_patterns_miss_no_match(text):
    assert _has_reading_close(text) or _LOST_WITH_READING.search(text) is None
    assert _LATIN_RUN_START.search(text) is not None or _LATIN_RUN.search(text) is None
    if text in ("依□zhí)法", "□O(jiān)督", "ç®€ä½“"):
        assert _LOST_WITH_READING.search(text) or _LATIN_RUN.search(text)


def _reread_reference(text):
    """`_reread_gbk_as_utf8` as it was: the whole text encoded and decoded."""
    if text.count("\ufffd") * 100 > len(text):
        return None
    try:
        return text.encode("gb18030").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


@SETTINGS
@example("鍏充簬" * 30)
@example("x" * 63 + "鍏")
@given(st.one_of(documents(), st.text(max_size=80), st.text(alphabet=st.sampled_from("鍏充簬鍔犲己銆aé\ufffd\n"), max_size=120)))
def test_the_whole_text_reread_decides_as_the_whole_encoding(text):
    assert _reread_gbk_as_utf8(text) == _reread_reference(text)
