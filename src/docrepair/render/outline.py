"""The outline of a repaired document: its numbered clauses as a tree, each with its path
(`二、/（三）/5．`), its role and the span of its whole block in the output (the clause line and
everything under it), so a pipeline that cuts documents into clauses gets clean chunks, each
named by where it stands."""

from __future__ import annotations

from typing import Any

from ..clauses import find_clause_positions, path_label
from ..model import RepairResult, Role


def outline(result: RepairResult) -> list[dict[str, Any]]:
    """One entry per numbered clause, in output order: path, depth, series, number, role, the
    clause line's output and input spans, and `block`, the output span of the clause with
    everything under it."""
    units = sorted(result.units, key=lambda unit: unit.span.start)
    positions = find_clause_positions(units)
    numbered = [index for index, position in enumerate(positions) if position.series is not None and not position.is_toc]
    entries = []
    for order, index in enumerate(numbered):
        unit, position = units[index], positions[index]
        depth = len(position.path)
        following = next((later for later in numbered[order + 1 :] if len(positions[later].path) <= depth), None)
        block_end = units[following].span.start if following is not None else _body_end(result.text, units, index)
        entries.append(
            {
                "path": path_label(positions, units, index),
                "depth": depth,
                "series": position.series,
                "number": position.number,
                "role": unit.role.value,
                "span": unit.span.as_list(),
                "input_span": None if unit.input_span is None else unit.input_span.as_list(),
                "block": [unit.span.start, block_end],
                "text": unit.text,
            }
        )
    return entries


def _body_end(text: str, units, index: int) -> int:
    """Where the last clause's block ends: before the closing signature and date."""
    closing = next((unit.span.start for unit in units[index + 1 :] if unit.role in (Role.SIGNATURE, Role.DATE)), None)
    return closing if closing is not None else len(text.rstrip("\n"))


def render_outline(result: RepairResult, width: int = 40) -> str:
    """The outline as indented lines: path, then the clause's opening words and its output span."""
    lines = []
    for entry in outline(result):
        text = entry["text"] if len(entry["text"]) <= width else entry["text"][: width - 1] + "…"
        lines.append(f"{'  ' * (entry['depth'] - 1)}{entry['path']}  {text}  [output {entry['block'][0]}-{entry['block'][1]}]")
    return "\n".join(lines) + ("\n" if lines else "")
