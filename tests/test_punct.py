"""Punctuation width: each mark in the width the document mostly writes it, in Chinese text
only; --punct full/half/keep on request."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from docrepair import repair_text
from docrepair.cli import main
from docrepair.config import OutputConfig, RepairConfig
from docrepair.model import Action
from docrepair.stages import punct

# A mirror's text: commas and brackets folded to ASCII, and one line whose full-width marks a
# byte-level repair brought back.
FOLDED = (
    "关于加强组织领导的通知\n"
    "各区(县)人民政府,市级有关部门:\n"
    "(一)加强领导,明确责任,形成合力。(市政府办公室负责)\n"
    "（二）完善机制，强化监督，落实到位。(市财政局负责)\n"
    "(三)加强宣传,营造氛围,推动落实。(市委宣传部负责)\n"
)


def test_the_minority_width_follows_the_documents_convention():
    result = repair_text(FOLDED)
    assert "(二)完善机制,强化监督,落实到位。" in result.text
    notes = [n for n in result.notes if n.action is Action.NORMALIZE_PUNCT]
    assert sorted(n.before for n in notes) == sorted("（），，")
    assert all(n.evidence["width"] == "half" for n in notes)


@pytest.mark.parametrize(
    "text",
    [
        # Full-width throughout, with ASCII where ASCII belongs: numbers, codes, English, labels.
        "关于印发《管理办法（试行）》的通知\n各有关单位：\n现将网际协议地址(IP地址)管理要求、共1,000份、10:30开会的安排印发给你们。\n"
        "发布机构: 国务院办公厅\n请认真贯彻执行，确保落实到位。\n",
        "關於加強管理的通知\n各縣（區）人民政府：\n一、加強領導，明確責任。\n二、完善機制，強化監督。\n",
    ],
    ids=["simplified", "traditional"],
)
def test_clean_documents_keep_every_mark(text):
    result = repair_text(text)
    assert result.text == text and not [n for n in result.notes if n.action is Action.NORMALIZE_PUNCT]


def test_punct_keep_full_and_half_on_request():
    keep = repair_text(FOLDED, RepairConfig(output=OutputConfig(punct="keep")))
    assert "（二）完善机制，强化监督" in keep.text
    full = repair_text(FOLDED, RepairConfig(output=OutputConfig(punct="full")))
    assert "（一）加强领导，明确责任" in full.text and "各区（县）人民政府，市级有关部门：" in full.text
    half = repair_text(FOLDED, RepairConfig(output=OutputConfig(punct="half")))
    assert "(二)完善机制,强化监督" in half.text


def test_the_cli_takes_punct(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text(FOLDED, encoding="utf-8")
    runner = CliRunner()
    full = runner.invoke(main, ["fix", str(source), "--punct", "full"])
    assert full.exit_code == 0 and "（三）加强宣传，营造氛围" in full.output
    bad = runner.invoke(main, ["fix", str(source), "--punct", "wide"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


# -- the fast path: a text whose ASCII marks all stand outside Chinese text --------------------

_MIXED = st.text(alphabet=st.sampled_from(list("关于通知各部门加强领导1a ，,；;：:？?！!（）()|\n")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(_MIXED, st.sampled_from(["document", "full"]))
def test_no_ascii_mark_in_chinese_text_means_no_edit(text, mode):
    """The pre-check that skips the count is exact: wherever it says no ASCII mark stands in
    Chinese text, the full count and conversion find nothing to change either."""
    if punct._no_ascii_mark_in_chinese(text):
        original = punct._no_ascii_mark_in_chinese
        try:
            punct._no_ascii_mark_in_chinese = lambda _text: False  # force the full path
            assert punct.find_punct_edits(text, mode=mode) == []
        finally:
            punct._no_ascii_mark_in_chinese = original


def test_an_ascii_comma_in_chinese_text_is_not_skipped():
    text = "加强领导，明确责任，形成合力，推动落实。各部门,按职责分工负责。\n" * 3
    assert not punct._no_ascii_mark_in_chinese(text)
    assert [edit.after for edit in punct.find_punct_edits(text)] == ["，"] * 3
