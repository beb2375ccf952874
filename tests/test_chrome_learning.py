"""Chrome learned from an archive (docrepair.chrome): template lines recur in the head or tail of
many different documents and never inside a body; a document's own recurring lines do not count."""

from __future__ import annotations

import random

from docrepair import RepairConfig, repair_text
from docrepair.chrome import LearnedChrome, learn_chrome
from docrepair.model import Action

WORDS = ["加强", "监管", "工作", "落实", "责任", "推进", "改革", "完善", "制度", "保障", "服务", "质量", "安全", "建设", "管理", "发展"]

#: Three invented site templates, each a head and a tail; {n} varies per page (counts, dates).
TEMPLATES = [
    (["甲站首页 > 法规频道 > 正文", "阅览人次{n} 收录于{n}-{n}-{n}"], ["甲站法规频道 版本{n}", "甲站客服热线 400-{n}"]),
    (["乙网｜政策库", "编号A{n}｜入库{n}/{n}"], ["回到乙网政策库首页", "乙网运营单位 某某信息科技有限公司"]),
    (["【丙文库】精选政策文件", "第{n}期 丙文库整理"], ["丙文库会员专享 下载全文", "丙文库 沪ICP证{n}号"]),
]


def document(rng: random.Random, serial: int) -> list[str]:
    sentence = lambda: "".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))) + "。"  # noqa: E731
    title = f"关于{''.join(rng.sample(WORDS, 3))}第{serial}号工作的通知"
    body = [f"{number}、{''.join(rng.sample(WORDS, 2))}" if index % 3 == 0 else sentence() + sentence() for index, number in enumerate("一二三四五六七八九", 1)]
    return [title, "各区县人民政府，市政府各部门：", *body, "特此通知。", "某市人民政府办公厅", "2019年3月1日"]


def page(rng: random.Random, template: int, lines: list[str]) -> str:
    head, tail = TEMPLATES[template]
    fill = lambda line: line.format(n=rng.randint(1, 9999))  # noqa: E731
    return "\n".join([fill(line) for line in head] + lines + [fill(line) for line in tail]) + "\n"


def archive(count: int = 60, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    pages = [page(rng, index % 3, document(rng, index)) for index in range(count)]
    # A popular notice and its mirror copies, all on one template: its own lines recur too.
    popular = document(rng, 999)
    pages += [page(rng, 0, popular) for _ in range(6)]
    return pages


def test_each_templates_chrome_is_learned_and_the_documents_own_lines_are_not():
    learned = learn_chrome(archive())
    examples = {line.example for line in learned.lines}
    keys = {line.key for line in learned.lines}
    for head, tail in TEMPLATES:
        for line in head + tail:
            assert any(line.split("{")[0][:4] in example for example in examples), line
    assert len(keys) == sum(len(head) + len(tail) for head, tail in TEMPLATES)
    for own in ["各区县人民政府，市政府各部门：", "特此通知。", "某市人民政府办公厅", "2019年3月1日"]:
        assert not any(own in example for example in examples), own
    assert not any("第999号" in example for example in examples)  # mirror copies count once
    assert min(line.documents for line in learned.lines) >= 3


def test_a_page_of_the_archive_loses_its_template_and_keeps_its_text(tmp_path):
    pages = archive()
    learned = learn_chrome(pages)
    path = tmp_path / "chrome.json"
    learned.save(path)
    config = RepairConfig(boilerplate=LearnedChrome.load(path).config())
    rng = random.Random(99)
    own = document(rng, 12345)
    result = repair_text(page(rng, 1, own), config)
    assert result.text == "\n".join(own) + "\n"
    drops = [note for note in result.notes if note.action is Action.DROP_CHROME]
    assert len(drops) == 4
    assert all(note.evidence["rule"] in ("known_chrome_line",) or note.evidence["documents"] is None for note in drops)
    known = [note for note in drops if note.evidence["rule"] == "known_chrome_line"]
    assert known and all("documents of this archive" in note.reason and note.evidence["documents"] >= 3 for note in known)
    # Without the learned lines the invented template stays: no built-in rule knows it.
    assert "乙网运营单位" in repair_text(page(rng, 1, own)).text


def test_the_learned_config_round_trips_through_the_header():
    learned = learn_chrome(archive(30))
    config = RepairConfig(boilerplate=learned.config())
    assert RepairConfig.from_dict(config.to_dict()) == config


def test_learn_chrome_then_fix_with_it_from_the_command_line(tmp_path):
    from click.testing import CliRunner

    from docrepair.cli import main

    folder = tmp_path / "archive"
    folder.mkdir()
    for index, text in enumerate(archive()):
        (folder / f"{index:03d}.txt").write_text(text, encoding="utf-8")
    runner = CliRunner()
    learned = runner.invoke(main, ["learn-chrome", str(folder), "-o", str(tmp_path / "chrome.json")])
    assert learned.exit_code == 0, learned.output
    assert "learned 12 chrome lines from 66 documents" in learned.stderr
    rng = random.Random(5)
    own = document(rng, 4242)
    (tmp_path / "page.txt").write_text(page(rng, 2, own), encoding="utf-8")
    fixed = runner.invoke(main, ["fix", str(tmp_path / "page.txt"), "--chrome", str(tmp_path / "chrome.json")])
    assert fixed.exit_code == 0 and fixed.stdout == "\n".join(own) + "\n"
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    refused = runner.invoke(main, ["fix", str(tmp_path / "page.txt"), "--chrome", str(tmp_path / "bad.json")])
    assert refused.exit_code == 1 and "not a chrome file" in refused.stderr


def test_a_batch_over_200_pages_of_3_templates_learns_and_removes_each_templates_chrome(tmp_path):
    from click.testing import CliRunner

    from docrepair.cli import main

    rng = random.Random(2026)
    folder = tmp_path / "archive"
    folder.mkdir()
    owns = {}
    for index in range(200):
        own = document(rng, index)
        owns[f"{index:03d}.txt"] = "\n".join(own) + "\n"
        (folder / f"{index:03d}.txt").write_text(page(rng, index % 3, own), encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "clean"), "--learn-chrome", "--jobs", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    learned = LearnedChrome.load(tmp_path / "clean" / ".docrepair" / "chrome.json")
    assert len(learned.lines) == 12 and learned.documents == 200
    for name, own in owns.items():
        assert (tmp_path / "clean" / name).read_text(encoding="utf-8") == own, name
