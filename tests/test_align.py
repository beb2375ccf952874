"""The aligner pair (RapidFuzz's pattern: a reference and a fast implementation behind one
interface, tested to agree): cydifflib and difflib give the same opcodes, matching blocks and
ratio on the same input, so a note's evidence does not depend on which one ran."""

from __future__ import annotations

import difflib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docrepair.align import ALIGNER, align_opcodes

cydifflib = pytest.importorskip("cydifflib")

SENTENCES = [
    "开展专项整治行动。", "严厉打击侵权行为。", "加强重点领域监管。", "建立长效机制。", "完善举报投诉渠道。",
    "鼓励社会监督。", "特此通知。", "", "　", "1．", "（一）",
]


def _both(first, second, autojunk: bool = False):
    fast = cydifflib.SequenceMatcher(None, first, second, autojunk=autojunk)
    reference = difflib.SequenceMatcher(None, first, second, autojunk=autojunk)
    return fast, reference


def _assert_agree(first, second, autojunk: bool = False) -> None:
    fast, reference = _both(first, second, autojunk)
    assert fast.get_opcodes() == reference.get_opcodes()
    assert fast.get_matching_blocks() == reference.get_matching_blocks()
    assert fast.ratio() == reference.ratio()


CASES = {
    "empty": ([], []),
    "one side empty": (["甲", "乙"], []),
    "equal": (list("关于加强安全管理的通知"), list("关于加强安全管理的通知")),
    "one sentence lost": (SENTENCES[:6], SENTENCES[:2] + SENTENCES[3:6]),
    "reordered": (SENTENCES[:6], SENTENCES[3:6] + SENTENCES[:3]),
    "repeats": (SENTENCES[:2] * 5, SENTENCES[:2] * 3 + SENTENCES[2:4]),
    "script converted, characters": (list("關於加強知識產權保護工作的通知"), list("关于加强知识产权保护工作的通知")),
    "long, popular elements": (list("的" * 300 + "通知" + "的" * 300), list("的" * 250 + "通告" + "的" * 340)),
}


@pytest.mark.parametrize(("first", "second"), list(CASES.values()), ids=list(CASES))
@pytest.mark.parametrize("autojunk", [False, True], ids=["autojunk off", "autojunk on"])
def test_cydifflib_and_difflib_agree_on_varied_inputs(first, second, autojunk):
    _assert_agree(first, second, autojunk)


def test_they_agree_on_random_edits_of_long_sentence_lists():
    rng = random.Random(15)
    for _ in range(50):
        first = [rng.choice(SENTENCES) for _ in range(rng.randint(0, 300))]
        second = list(first)
        for _ in range(rng.randint(0, 20)):
            position = rng.randint(0, len(second))
            second[position:position + rng.randint(0, 3)] = [rng.choice(SENTENCES) for _ in range(rng.randint(0, 3))]
        _assert_agree(first, second)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES)), st.lists(st.sampled_from(SENTENCES)))
def test_they_agree_on_any_two_sentence_lists(first, second):
    _assert_agree(first, second)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="关于加强通知。，的一二三（）\n　", max_size=80), st.text(alphabet="关于加强通知。，的一二三（）\n　", max_size=80))
def test_they_agree_on_any_two_character_strings(first, second):
    _assert_agree(list(first), list(second))


def test_align_opcodes_is_difflib_with_autojunk_off_whichever_implementation_runs():
    first, second = SENTENCES[:6], SENTENCES[1:4] + ["新增的一句话。"] + SENTENCES[4:]
    assert align_opcodes(first, second) == difflib.SequenceMatcher(None, first, second, autojunk=False).get_opcodes()
    assert ALIGNER in ("cydifflib", "difflib")
