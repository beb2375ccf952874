"""Clean reference documents: the truth the damage generator starts from.

Three groups:
- `seed`: cut from the seeds in samples/ by rule, never retyped: seed 001's first copy of its body
  (traditional script), seed 004's body without the site chrome (simplified script), and seed 002
  without the lines its byte shift garbled (traditional script). Always present.
- `corpus`: the team's clean official documents, one per file, read from `../shared/corpus/*.txt`
  beside the checkout (or the folder named by DOCREPAIR_CORPUS, or `--corpus`). The project reads
  them and never commits them; where the folder is absent, only the seed group is used, and the
  benchmark says so.
- `toc`: each corpus document with three or more chapters again, with the 目录 (table of contents)
  that printed laws carry after the title: the chapter headings stand twice, legitimately. Built by
  rule from the document's own chapter lines.
- `notes`: each corpus document whose items end with three or more responsibility notes
  (`（人力资源社会保障部、财政部负责）`) again, with each note on a line of its own after its item,
  as 任务分工 documents print them (seed 003): short, similar lines that belong to different items.

Every reference falls in a fixed half, `tuning` or `held-out`, by a hash of its name (a `toc`
variant goes with its document), so that rules are tuned on one half and judged on the other; the
CI quality gate reads the held-out half.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import re
from dataclasses import dataclass

from .structure import line_series

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
_TRADITIONAL = re.compile(r"[國會發關於與為這個們說來時對經當]")


@dataclass(frozen=True)
class Reference:
    name: str
    group: str  # "seed" | "corpus" | "toc" | "notes"
    script: str  # "traditional" | "simplified"
    half: str  # "tuning" | "held-out"
    text: str


def half_of(name: str) -> str:
    """The fixed half a document belongs to: the parity of the first byte of its name's SHA-256."""
    return "tuning" if hashlib.sha256(name.encode("utf-8")).digest()[0] % 2 == 0 else "held-out"


def corpus_dir(override: str | os.PathLike[str] | None = None) -> pathlib.Path:
    return pathlib.Path(override or os.environ.get("DOCREPAIR_CORPUS") or DEFAULT_CORPUS)


def _lines(name: str) -> list[str]:
    path = next(SAMPLES.glob(f"{name}_*.txt"))
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def seed_001() -> str:
    """The notice and its attachment, once: the seed pastes the body twice."""
    lines = _lines("001")
    half = (len(lines) - 1) // 2
    document = lines[: 1 + half]
    # The attachment's title is broken over two lines in the seed: that is damage, not text.
    broken = next(i for i, line in enumerate(document) if line.endswith("知識產權") and document[i + 1].endswith("工作要點"))
    document[broken : broken + 2] = [document[broken] + document[broken + 1]]
    return "\n".join(document) + "\n"


def seed_004() -> str:
    """From the document's own title (the line broken in two) to its last section."""
    lines = _lines("004")
    start = next(i for i, line in enumerate(lines) if line.startswith("关于") and not line.endswith("意见") and "小编" not in line)
    end = max(i for i, line in enumerate(lines) if re.match(r"^\([一二三四五六七八九十]+\)", line))
    body = lines[start : end + 1]
    body[0:2] = [body[0] + body[1]]  # the title, broken over two lines by the page
    # The seeds README: the citation lost the characters between year and number (〔2015〕41号).
    return "\n".join(body).replace("〔201541)", "〔2015〕41号)") + "\n"


def seed_002() -> str:
    """The seed without the lines whose GBK bytes were shifted (they hold `?` beside Han)."""
    return "\n".join(line for line in _lines("002") if not re.search(r"\?[\u4e00-\u9fff]|[\u4e00-\u9fff]\?", line)) + "\n"


def with_table_of_contents(text: str) -> str | None:
    """The document with a 目录 of its chapter headings after its opening lines, or None when it
    has fewer than three chapters. The chapter lines are copied as they stand."""
    lines = text.splitlines()
    chapters = [index for index, line in enumerate(lines) if (found := line_series(line)) and found[0] in ("编", "章", "节")]
    if len([index for index in chapters if line_series(lines[index])[0] == "章"]) < 3:
        return None
    first = chapters[0]
    toc_word = "目錄" if script_of(text) == "traditional" else "目录"
    return "\n".join(lines[:first] + [toc_word] + [lines[index] for index in chapters] + lines[first:]) + "\n"


_RESPONSIBILITY_NOTE = re.compile(r"(?<=[。；;])（[^（）\n]{2,80}(?:负责|牵头|負責|牽頭)[^（）\n]{0,20}）$", re.M)


def with_notes_apart(text: str) -> str | None:
    """The document with each item's closing responsibility note on its own line, or None when it
    has fewer than three."""
    if len(_RESPONSIBILITY_NOTE.findall(text)) < 3:
        return None
    return _RESPONSIBILITY_NOTE.sub(lambda found: "\n" + found.group(0), text)


def script_of(text: str) -> str:
    return "traditional" if len(_TRADITIONAL.findall(text)) > 5 else "simplified"


def load_corpus(directory: str | os.PathLike[str] | None = None) -> list[Reference]:
    """The corpus group and its `toc` and `notes` variants; empty when the folder is absent."""
    folder = corpus_dir(directory)
    references = []
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else ():
        text = path.read_text(encoding="utf-8")
        references.append(Reference(path.stem, "corpus", script_of(text), half_of(path.stem), text))
    for reference in list(references):
        for group, variant in (("toc", with_table_of_contents), ("notes", with_notes_apart)):
            text = variant(reference.text)
            if text is not None:
                references.append(Reference(f"{reference.name}+{group}", group, reference.script, reference.half, text))
    return references


def load_seed_references() -> list[Reference]:
    cut = [("001-tianjin", seed_001()), ("002-hainan", seed_002()), ("004-shijiazhuang", seed_004())]
    return [Reference(name, "seed", script_of(text), half_of(name), text) for name, text in cut]


def load_references(directory: str | os.PathLike[str] | None = None) -> list[Reference]:
    return load_seed_references() + load_corpus(directory)
