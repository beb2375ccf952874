"""Clean reference documents: the truth the damage generator starts from.

They are cut from the seeds in samples/ by rule, never retyped: seed 001's first copy of its body
(traditional script), seed 004's body without the site chrome (simplified script), and seed 002
without the lines its byte shift garbled (traditional script). More documents go in
benchmarks/corpus/*.txt (one clean document per file, UTF-8, each listed with its source in
benchmarks/corpus/SOURCES.md) and are picked up as they are.
"""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
EXTRA = pathlib.Path(__file__).resolve().parent / "corpus"


@dataclass(frozen=True)
class Reference:
    name: str
    script: str  # "traditional" | "simplified"
    text: str


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


def load_references() -> list[Reference]:
    references = [
        Reference("001-tianjin", "traditional", seed_001()),
        Reference("002-hainan", "traditional", seed_002()),
        Reference("004-shijiazhuang", "simplified", seed_004()),
    ]
    for path in sorted(EXTRA.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        script = "traditional" if re.search(r"[國會發關於與為這個們說來時對們經當]", text) else "simplified"
        references.append(Reference(path.stem, script, text))
    return references
