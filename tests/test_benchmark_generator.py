"""The benchmark's damage generator and corpus loader (benchmarks/): the structure it reads, the
damage it applies at every level, and the fixed tuning / held-out split."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from benchmarks import corpus, damage, structure

LAW = """示范条例
第一章 总则
第一条 为了规范管理，制定本条例。
第二条 本条例适用于本市。
第二章 管理
第三条 有下列情形之一的，不予登记：
（一）泄露委托人的发明创造内容的；
（二）超出代理权限的；
第四条 有下列行为之一的，处以罚款：
（一）泄露委托人的发明创造内容的；
（二）伪造证明文件的；
第五条 其他事项另行规定。
第三章 附则
第六条 本条例自公布之日起施行。
"""

TAIWAN = """示範規則
第 1 條
本規則依法訂定之。
第 2 條
申請應備下列文件：
一、申請書。
二、身分證明文件。
三、其他文件。
第 3 條
本規則自發布日施行。
"""


def test_every_numbering_system_is_read_with_its_rank():
    cases = {
        "第一编 总则": "编", "第三章 附则": "章", "第二节 登记": "节", "第十二条 内容": "条", "第 4 條": "条",
        "一、总体要求": "一、", "（三）加强协调。": "（一）", "(三)加强协调": "（一）", "2．完善制度": "1.",
        "1.2 范围": "1.1", "（4）具体措施": "（1）", "②其他": "①",
    }
    for line, series in cases.items():
        assert structure.line_series(line)[0] == series, line
    assert structure.line_series("2019年1月1日起施行") is None
    ranks = [structure.line_series(line)[1] for line in ["第一编", "第一章", "第一节", "第一条", "一、", "（一）", "1.", "1.1", "（1）", "①"]]
    assert ranks == sorted(ranks)


def test_sibling_groups_restart_under_each_parent():
    lines = LAW.splitlines()
    groups = {tuple(lines[c.line][:4] for c in group) for group in structure.sibling_groups(lines)}
    assert ("第一章 ", "第二章 ", "第三章 ") in groups
    assert ("（一）泄", "（二）超") in groups and ("（一）泄", "（二）伪") in groups
    assert ("第三条 ", "第四条 ", "第五条 ") in groups
    third = next(c for c in structure.clauses(lines) if lines[c.line].startswith("第三条"))
    assert lines[third.end].startswith("第四条")  # its block holds its own items


@pytest.mark.parametrize("text", [LAW, TAIWAN])
@pytest.mark.parametrize("seed", range(12))
def test_scramble_moves_whole_blocks_among_siblings_and_loses_nothing(text, seed):
    damaged = damage.scramble(text, random.Random(seed))
    assert Counter(damaged.splitlines()) == Counter(line for line in text.splitlines() if line.strip())
    assert damaged != text
    # Items stay under their own article: a block moves whole.
    lines = damaged.splitlines()
    for item in ("（二）超出代理权限的；", "（二）伪造证明文件的；"):
        if item in lines:
            owner = next(line for line in reversed(lines[: lines.index(item)]) if line.startswith("第"))
            assert owner.startswith({"（二）超出代理权限的；": "第三条", "（二）伪造证明文件的；": "第四条"}[item])


def test_scramble_reaches_every_level_over_seeds():
    levels = Counter()
    for seed in range(40):
        lines = damage.scramble(LAW, random.Random(seed)).splitlines()
        levels["章"] += lines.index("第二章 管理") < lines.index("第一章 总则") or lines.index("第三章 附则") < lines.index("第二章 管理")
        levels["条"] += lines.index("第五条 其他事项另行规定。") < lines.index("第三条 有下列情形之一的，不予登记：")
        levels["（一）"] += lines.index("（二）伪造证明文件的；") < lines.index("第五条 其他事项另行规定。") and lines.index("（二）伪造证明文件的；") < lines.index("（一）泄露委托人的发明创造内容的；", lines.index("第四条 有下列行为之一的，处以罚款："))
    assert all(levels[level] > 0 for level in ("章", "条", "（一）")), levels


def test_clause_repeat_adds_copies_of_existing_clauses_only():
    for seed in range(20):
        damaged = damage.clause_repeat(LAW, random.Random(seed)).splitlines()
        original = [line for line in LAW.splitlines() if line.strip()]
        extra = Counter(damaged) - Counter(original)
        assert 1 <= sum(extra.values()) <= 4
        assert all(any(line.startswith(copy) for line in original) for copy in extra)


def test_glue_lines_glues_before_markers_of_any_level():
    glued = damage.glue_lines(TAIWAN, random.Random(3))
    assert glued.replace("\n", "") == TAIWAN.replace("\n", "")
    assert glued.count("\n") < TAIWAN.count("\n")


def test_table_of_contents_variant_repeats_the_chapter_headings():
    toc = corpus.with_table_of_contents(LAW)
    lines = toc.splitlines()
    assert lines[1] == "目录" and lines[2:5] == ["第一章 总则", "第二章 管理", "第三章 附则"]
    assert lines[5:] == LAW.splitlines()[1:]
    assert corpus.with_table_of_contents(TAIWAN) is None


def test_halves_are_fixed_by_name_and_both_used():
    names = [f"doc-{index}" for index in range(200)]
    halves = Counter(corpus.half_of(name) for name in names)
    assert halves["tuning"] > 60 and halves["held-out"] > 60
    assert [corpus.half_of(name) for name in names] == [corpus.half_of(name) for name in names]


def test_corpus_absent_means_seed_references_only(tmp_path):
    assert corpus.load_corpus(tmp_path / "missing") == []
    references = corpus.load_references(tmp_path / "missing")
    assert {reference.group for reference in references} == {"seed"} and len(references) == 3


def test_harm_check_counts_a_drop_or_a_lost_sentence_as_harm():
    from benchmarks.harm import HarmCheck

    reference = corpus.Reference("law", "corpus", "simplified", "tuning", LAW)
    assert not HarmCheck(reference, {}, 1.0, 1.0, True).harmed
    assert HarmCheck(reference, {"drop_duplicate": 1}, 1.0, 1.0, False).harmed
    assert HarmCheck(reference, {}, 0.9, 1.0, False).harmed
    assert HarmCheck(reference, {}, 1.0, 0.99, False).harmed


def test_notes_variant_puts_each_responsibility_note_on_its_own_line():
    text = "意见\n（一）加强培训。开展培训。（人力资源社会保障部、财政部负责）\n（二）稳定岗位。（财政部负责）\n（三）扩大就业。（各地区负责）\n"
    lines = corpus.with_notes_apart(text).splitlines()
    assert lines == ["意见", "（一）加强培训。开展培训。", "（人力资源社会保障部、财政部负责）", "（二）稳定岗位。", "（财政部负责）", "（三）扩大就业。", "（各地区负责）"]
    assert corpus.with_notes_apart("意见\n（一）加强培训。（财政部负责）\n") is None


@pytest.mark.parametrize("kinds", [("chrome",), ("mirror_chrome",), ("body_repeat", "chrome"), ("broken_title", "chrome", "title_repeat")])
@pytest.mark.parametrize("seed", range(12))
def test_chrome_kinds_report_the_span_of_every_piece_they_insert(kinds, seed):
    """Cutting the reported spans out of the damaged page gives the page as it was before the
    chrome kind ran: nothing inserted is left unreported, nothing of the document is reported."""
    for text in (LAW, TAIWAN):
        inserted = damage.damage_with_chrome(text, kinds, seed)
        assert inserted.text == damage.damage(text, kinds, seed)
        assert inserted.spans
        kept, last = "", 0
        for start, end in inserted.spans:
            kept, last = kept + inserted.text[last:start], end
        kept += inserted.text[last:]
        # Chrome kinds run last, with the same draws: the page before them is the other kinds' damage.
        before = damage.damage(text, tuple(kind for kind in kinds if kind not in damage.CHROME_KINDS), seed)
        # A glued stamp joined two lines: compare the characters, line breaks aside.
        assert "".join(kept.split()) == "".join(before.split())


def test_chrome_recall_counts_pieces_removed_and_body_lines_removed(monkeypatch):
    """The figure is the share of inserted pieces a repair deleted; a drop_chrome note outside
    the inserted chrome is a body line removed."""
    from benchmarks import chrome_recall
    from benchmarks.cases import build_cases
    from benchmarks.corpus import load_seed_references

    cases = [case for case in build_cases(60, load_seed_references()) if "mirror_chrome" in case.kinds][:2]
    assert cases
    measured = chrome_recall.measure(cases)
    assert measured.inserted == sum(len(damage.damage_with_chrome(c.reference.text, c.kinds, c.seed).spans) for c in cases)
    assert measured.removed <= measured.inserted and measured.chrome_cases == len(cases)

    import docrepair

    real = docrepair.repair_text

    def drops_nothing(text, config=None):
        return real(text, docrepair.RepairConfig(skip=("boilerplate", "dedup")))

    monkeypatch.setattr(docrepair, "repair_text", drops_nothing)
    assert chrome_recall.measure(cases).removed < measured.removed


NOTICE = """国务院办公厅关于山西、安徽省
四起特大煤矿瓦斯爆炸事故
调查处理情况的通报
国办发〔2004〕7号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经调查认定，山西、安徽省发生的4起特大煤矿瓦斯爆炸事故均为责任事故。
第一章 总则
第一条 为了规范管理，制定本办法。
国务院办公厅
二〇〇四年一月十五日
"""


def _sentence_scores(output: str, truth: str) -> tuple[float, ...]:
    from benchmarks.score import score

    result = score(output, truth)
    return result.recall, result.precision, result.duplicated, result.order


def test_score_reads_a_title_joined_from_its_typeset_lines_as_no_change():
    joined = NOTICE.replace("安徽省\n四起", "安徽省四起").replace("事故\n调查", "事故调查")
    assert _sentence_scores(joined, NOTICE) == (1.0, 1.0, 0.0, 1.0)
    partly = NOTICE.replace("事故\n调查", "事故调查")
    assert _sentence_scores(partly, NOTICE) == (1.0, 1.0, 0.0, 1.0)
    traditional = joined.replace("国务院办公厅关于", "國務院辦公廳關於")
    assert _sentence_scores(traditional, NOTICE) == (1.0, 1.0, 0.0, 1.0)
    # A truth that prints the title whole as well: only the broken copy joined is split again.
    law = "关于审理非法行医刑事案件具体应用法律若干问题的解释\n为了依法惩处非法行医犯罪，作如下修改。\n附：\n关于审理非法行医刑事案件具体应用法律\n若干问题的解释\n第一条 具有下列情形之一的，应当认定。\n"
    assert _sentence_scores(law.replace("法律\n若干", "法律若干"), law) == (1.0, 1.0, 0.0, 1.0)
    assert _sentence_scores(law, law) == (1.0, 1.0, 0.0, 1.0)


def test_score_still_counts_title_damage_that_is_not_a_join():
    from benchmarks.score import score

    # A joined copy of the title left in the body is still junk.
    copied = NOTICE.replace("安徽省\n四起", "安徽省四起").replace("事故\n调查", "事故调查")
    copied += "国务院办公厅关于山西、安徽省四起特大煤矿瓦斯爆炸事故调查处理情况的通报\n"
    assert _sentence_scores(copied, NOTICE)[1] < 1.0
    # A title line lost: the joined rest is no title of the truth.
    lost = NOTICE.replace("国务院办公厅关于山西、安徽省\n四起特大煤矿瓦斯爆炸事故\n", "四起特大煤矿瓦斯爆炸事故")
    assert score(lost, NOTICE).recall < 1.0
    # The title glued to its document number, or to the addressees: junk and a loss.
    glued = NOTICE.replace("\n国办发", "国办发").replace("安徽省\n四起", "安徽省四起").replace("事故\n调查", "事故调查")
    assert score(glued, NOTICE).precision < 1.0
    # Two headings glued and a signature glued to its date are no title.
    headings = NOTICE.replace("总则\n第一条", "总则第一条")
    assert score(headings, NOTICE).recall < 1.0
    signature = NOTICE.replace("国务院办公厅\n二〇〇四", "国务院办公厅二〇〇四")
    assert score(signature, NOTICE).precision < 1.0
    # A title broken where the truth does not break it stays damage.
    broken = NOTICE.replace("煤矿瓦斯", "煤矿\n瓦斯")
    assert score(broken, NOTICE).recall < 1.0


def test_batch_speed_runs_docrepair_batch_and_finds_worker_counts_agree(capsys):
    """benchmarks.batch_speed runs the real `docrepair batch` on a written archive with 1 and 2
    workers and compares what they wrote; a run that failed or disagreed would exit non-zero."""
    from benchmarks import batch_speed

    assert batch_speed.main(["--docs", "12", "--workers", "1", "2"]) == 0
    printed = capsys.readouterr().out
    assert "archive: 12 documents" in printed
    assert "2 workers:" in printed and "outputs identical across worker counts: yes" in printed
