"""Script: the output keeps the input's script unless asked to convert (OpenCC). Conversion runs
last, after every repair that needed the original characters (byte evidence, readings), and
records one note per run of converted characters."""

from __future__ import annotations

import re
from functools import lru_cache

from ..align import align_opcodes
from ..config import RepairConfig, ScriptConfig
from ..model import Action, Edit, Proposal
from ..stage import DocumentView, Stage

NAME = "script"


def propose(view: DocumentView, config: RepairConfig) -> Proposal:
    """The conversion `output.script` asks for, and, as a fact for the header, the script the
    input was written in."""
    edits = find_conversion_edits(view.text, config.output.script, config.script)
    return Proposal(edits, facts={"script": detect_script(view.input_text)})


STAGE = Stage(NAME, propose)
#: Characters used only in traditional writing, common enough to tell a document's script.
_TRADITIONAL_ONLY = re.compile("[國會發關於與為這個們說來時對經當體點還進過開實現機動產動應東車區們麼]")
_SIMPLIFIED_ONLY = re.compile("[国会发关于与为这个们说来时对经当体点还进过开实现机动产应东车区么]")


def detect_script(text: str) -> str:
    """'traditional', 'simplified' or 'unknown', by which script's own characters dominate."""
    traditional = len(_TRADITIONAL_ONLY.findall(text))
    simplified = len(_SIMPLIFIED_ONLY.findall(text))
    if traditional > 2 * simplified and traditional >= 3:
        return "traditional"
    if simplified > 2 * traditional and simplified >= 3:
        return "simplified"
    return "unknown"


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def find_conversion_edits(text: str, target: str | None, config: ScriptConfig | None = None) -> list[Edit]:
    """Edits that convert `text` to `target` script, one per run of changed characters."""
    if target is None or target == "keep":
        return []
    config = config or ScriptConfig()
    opencc_config = config.to_simplified if target == "simplified" else config.to_traditional
    converted = "\n".join(_converter(opencc_config).convert(line) for line in text.split("\n"))
    if converted == text:
        return []
    if len(converted) == len(text):
        spans = _changed_runs(text, converted)
    else:
        spans = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in align_opcodes(list(text), list(converted)) if tag != "equal"]
    reason = f"converted to {target} script (OpenCC {opencc_config})"
    return [Edit(i1, i2, converted[j1:j2], Action.CONVERT_SCRIPT, reason, {"opencc": opencc_config}) for i1, i2, j1, j2 in spans]


def _changed_runs(before: str, after: str) -> list[tuple[int, int, int, int]]:
    runs: list[tuple[int, int, int, int]] = []
    start = None
    for index, (a, b) in enumerate(zip(before, after)):
        if a != b and start is None:
            start = index
        elif a == b and start is not None:
            runs.append((start, index, start, index))
            start = None
    if start is not None:
        runs.append((start, len(before), start, len(before)))
    return runs
