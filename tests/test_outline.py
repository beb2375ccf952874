"""The outline (docrepair.render.outline, `docrepair outline`, `fix --format json`): every numbered
clause with its path and the span of its block, so a pipeline can cut a document into clauses."""

from __future__ import annotations

import json

from click.testing import CliRunner

from conftest import SAMPLES
from docrepair import repair_text
from docrepair.cli import main
from docrepair.render.outline import outline

LAW = "示范条例\n第一章 总则\n第一条 为了规范管理，制定本条例。\n第二条 有下列情形之一的，不予登记：\n（一）超出代理权限的；\n（二）伪造证明文件的。\n第二章 附则\n第三条 本条例自公布之日起施行。\n"


def test_every_clause_gets_its_path_and_its_block():
    result = repair_text(LAW)
    entries = outline(result)
    assert [entry["path"] for entry in entries] == ["第一章", "第一章/第一条", "第一章/第二条", "第一章/第二条/（一）", "第一章/第二条/（二）", "第二章", "第二章/第三条"]
    second = entries[2]
    block = result.text[second["block"][0] : second["block"][1]]
    assert block.startswith("第二条") and block.rstrip().endswith("伪造证明文件的。") and "第二章" not in block
    chapter = result.text[entries[0]["block"][0] : entries[0]["block"][1]]
    assert chapter.startswith("第一章") and "第三条" not in chapter


def test_the_seed_003_outline_has_each_item_once_under_its_section(sample_results):
    result = sample_results[next(path.name for path in SAMPLES if path.name.startswith("003"))]
    items = [entry for entry in outline(result) if entry["series"] == "1."]
    assert [entry["number"] for entry in items] == sorted({entry["number"] for entry in items})
    assert all(entry["path"].count("/") == 2 for entry in items)  # 一、/（一）/1．


def test_outline_command_and_fix_json_carry_the_tree(tmp_path):
    path = tmp_path / "law.txt"
    path.write_text(LAW, encoding="utf-8")
    runner = CliRunner()
    text = runner.invoke(main, ["outline", str(path)])
    assert text.exit_code == 0 and text.stdout.splitlines()[3].startswith("    第一章/第二条/（一）")
    as_json = json.loads(runner.invoke(main, ["outline", str(path), "--format", "json"]).stdout)
    fixed = json.loads(runner.invoke(main, ["fix", str(path), "--format", "json"]).stdout)
    assert as_json == fixed["outline"] and len(as_json) == 7
