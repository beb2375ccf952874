"""Golden outputs and cheap expectations for the samples. Change a golden file only on purpose:
`pytest --update-golden`, then read the diff."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, SAMPLES
from docrepair.ledger import find_lost_offsets, replay
from docrepair.model import Action
from docrepair.render.notes import notes_to_jsonl

GOLDEN = ROOT / "tests" / "golden"


def golden_notes_of(notes) -> str:
    """The notes as the golden file holds them: every field, but the evidence's fractional scores
    (model gains, margins in nats, Jaccard estimates) as "<float>". A retune that changes a score
    and no decision then leaves the golden alone, so a golden diff is always worth reading."""

    def without_floats(value):
        if isinstance(value, float):
            return "<float>"
        if isinstance(value, dict):
            return {key: without_floats(item) for key, item in value.items()}
        if isinstance(value, list):
            return [without_floats(item) for item in value]
        return value

    lines = []
    for note in notes:
        record = note.to_dict()
        record["evidence"] = without_floats(record["evidence"])
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_golden_output(path, sample_results, update_golden):
    result = sample_results[path.name]
    golden_text = GOLDEN / f"{path.stem}.txt"
    golden_notes = GOLDEN / f"{path.stem}.notes.jsonl"
    if update_golden:
        golden_text.write_text(result.text, encoding="utf-8")
        golden_notes.write_text(golden_notes_of(result.notes), encoding="utf-8")
    assert result.text == golden_text.read_text(encoding="utf-8")
    assert golden_notes_of(result.notes) == golden_notes.read_text(encoding="utf-8")


def test_golden_notes_hold_every_decision_but_no_tuning_float(sample_results):
    notes = sample_results[next(path.name for path in SAMPLES if path.name.startswith("000"))].notes
    golden = golden_notes_of(notes)
    assert "model_gain_nats" in golden and '"model_gain_nats": "<float>"' in golden
    assert golden.count("\n") == len(notes) and notes_to_jsonl(notes) != golden


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_replay_and_nothing_lost(path, sample_results):
    result = sample_results[path.name]
    assert replay(result.input_text, result.notes) == result.text
    assert find_lost_offsets(result.input_text, result.notes) == []


def _nonblank(text):
    return [line for line in text.splitlines() if line.strip()]


def test_001_every_body_line_once_in_original_order(sample_results):
    name = next(p.name for p in SAMPLES if p.name.startswith("001"))
    result = sample_results[name]
    lines = _nonblank(result.input_text)
    # The body (line 2 to the end) appears twice; the first copy is the document.
    half = (len(lines) - 1) // 2
    first_copy = lines[: 1 + half]
    assert lines[1 + half :] == lines[1 : 1 + half]
    # The attachment's title, broken over two lines by the scrape, comes out joined.
    broken = next(i for i, line in enumerate(first_copy) if line.endswith("知識產權") and first_copy[i + 1].endswith("工作要點"))
    first_copy[broken : broken + 2] = [first_copy[broken] + first_copy[broken + 1]]
    assert _nonblank(result.text) == first_copy
    sections = re.findall(r"^\(([一二三四五六七八九十]+)\)", result.text, flags=re.M)
    assert len(sections) == 35 and len(set(sections)) == 35
    drops = [n for n in result.notes if n.action is Action.DROP_DUPLICATE]
    assert len(drops) == half - 1 and all(n.evidence["kept_input_span"] for n in drops)


@pytest.mark.parametrize("prefix", ["003", "004"])
def test_repeated_title_appears_once_as_a_line(prefix, sample_results):
    name = next(p.name for p in SAMPLES if p.name.startswith(prefix))
    result = sample_results[name]
    input_lines = _nonblank(result.input_text)
    titles = {line.strip() for line in _nonblank(result.text) if line.strip().endswith(("通知", "实施意见")) and len(line) < 80}
    assert titles
    for title in titles:
        assert [line.strip() for line in _nonblank(result.text)].count(title) == 1
    assert result.input_text.count(next(iter(titles))) >= 2 or any(l.count(next(iter(titles))) for l in input_lines)


def test_clean_sample_lines_survive(sample_results):
    """002 is mostly clean: nothing of it may be dropped as a duplicate."""
    name = next(p.name for p in SAMPLES if p.name.startswith("002"))
    result = sample_results[name]
    assert not [n for n in result.notes if n.action is Action.DROP_DUPLICATE]


def test_003_clauses_in_numbered_order_each_once_and_gaps_reported(sample_results):
    from docrepair.stages.segment import parse_chinese_numeral

    name = next(p.name for p in SAMPLES if p.name.startswith("003"))
    result = sample_results[name]
    items = [int(n) for n in re.findall(r"^(\d+)．", result.text, flags=re.M)]
    assert items == sorted(set(items)) and len(items) == 31
    assert not {13, 15, 18, 22, 23, 32, 35, 37} & set(items)  # never in the input: not invented
    for pattern in (r"^([一二三四五六七八九十]+)、", r"^（([一二三四五六七八九十]+)）"):
        numbers = [parse_chinese_numeral(n) for n in re.findall(pattern, result.text, flags=re.M)]
        assert numbers == sorted(set(numbers))
    gaps = {(n.evidence["series"], n.evidence["number"]) for n in result.notes if n.action is Action.GAP}
    assert {number for series, number in gaps if series == "item/3"} == {13, 15, 18, 22, 23, 32, 35, 37}
    # Item 7 comes out whole: the copy that stops after its first sentence gave way.
    (item_7,) = [line for line in result.text.splitlines() if line.startswith("7．")]
    assert item_7.count("。") >= 2
    assert any(n.action is Action.MOVE for n in result.notes)


def test_004_chrome_gone_title_once_and_whole_body_kept(sample_results):
    name = next(p.name for p in SAMPLES if p.name.startswith("004"))
    result = sample_results[name]
    for chrome in ("当前位置", "下面是小编", "推荐访问", "本文标题", "链接地址", "版权声明", "Copyright", "ICP备", "浏览次数", "在线投稿"):
        assert chrome not in result.text, chrome
    title = "关于加强互联网领域侵权假冒行为治理的实施意见"
    assert [line for line in result.text.splitlines() if title in line] == [title]
    sections = re.findall(r"^\(([一二三四五六七八九十]+)\)", result.text, flags=re.M)
    assert len(sections) == 13 and len(set(sections)) == 13
    # Every body paragraph of the input (long lines that are not chrome) is in the output.
    for line in _nonblank(result.input_text):
        if len(line) > 80 and "小编" not in line:
            assert line.replace("〔201541", "〔2015〕41号") in result.text
    assert any(n.action is Action.REPAIR_CITATION for n in result.notes)


def test_000_sections_once_in_order_no_glued_pinyin_no_stray_commas_script_kept(sample_results):
    from docrepair.stages.segment import parse_chinese_numeral

    name = next(p.name for p in SAMPLES if p.name.startswith("000"))
    result = sample_results[name]
    sections = [parse_chinese_numeral(n) for n in re.findall(r"^\(([一二三四五六七八九十]+)\)", result.text, flags=re.M)]
    assert sections == list(range(1, 18))
    assert not re.search(r"[\u4e00-\u9fff]\((?:fā|gòu|qū|wù|guān|zhì|chǎn)\)", result.text)
    assert not re.search(r",[、，。,]", result.text)
    assert "國" in result.text and "国" not in result.text  # the script stays traditional
    assert result.header["document"]["metadata_table"]["文號"] == "瀘市府發〔2018〕7號"
    assert all(n.evidence.get("number") for n in result.notes if n.action is Action.RESTORE_MARKER)
