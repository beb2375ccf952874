"""Invariants over generated documents: replay, nothing lost, idempotent, deterministic, clean
text untouched, known damage undone."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents import documents
from docrepair import repair_text
from docrepair.ledger import find_lost_offsets, replay
from docrepair.stages.segment import match_marker

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def damaged_documents(draw):
    """A clean document and a damaged copy: body pasted again, title repeated, lines glued."""
    lines = draw(documents())
    damaged = list(lines)
    if draw(st.booleans()):
        damaged = damaged + damaged[1:]  # the whole body pasted twice
    if draw(st.booleans()):
        damaged.insert(draw(st.integers(1, len(damaged))), lines[0])  # the title again
    text = ""
    for index, line in enumerate(damaged):
        glue = index and draw(st.integers(0, 3)) == 0 and damaged[index - 1][-1:] == "。" and match_marker(line) is not None
        text += ("" if glue else ("\n" if index else "")) + line
    return lines, text + "\n"


@SETTINGS
@given(documents())
def test_a_clean_document_passes_through_unchanged(lines):
    text = "\n".join(lines) + "\n"
    result = repair_text(text)
    assert result.text == text
    assert result.notes == ()


@SETTINGS
@given(damaged_documents())
def test_replay_gives_the_output_and_nothing_is_lost(case):
    _, text = case
    result = repair_text(text)
    assert replay(text, result.notes) == result.text
    assert find_lost_offsets(text, result.notes) == []


@SETTINGS
@given(damaged_documents())
def test_duplication_and_gluing_are_undone(case):
    lines, text = case
    result = repair_text(text)
    assert result.text == "\n".join(lines) + "\n"


@SETTINGS
@given(damaged_documents())
def test_repairing_the_output_again_changes_nothing(case):
    _, text = case
    once = repair_text(text)
    twice = repair_text(once.text)
    assert twice.text == once.text and twice.notes == ()


@pytest.mark.slow
def test_same_bytes_across_processes_with_different_hash_seeds():
    """Two processes with different string hash seeds, each repairing every sample."""
    from conftest import SAMPLES

    script = (
        "import sys, json; from docrepair import repair_file; from docrepair.render.notes import notes_to_jsonl;"
        "results = [repair_file(path) for path in sys.argv[1:]];"
        "json.dump([r.text + notes_to_jsonl(r.notes) for r in results], sys.stdout)"
    )
    runs = [  # side by side: one core each
        subprocess.Popen([sys.executable, "-c", script, *map(str, SAMPLES)], stdout=subprocess.PIPE, env=dict(os.environ, PYTHONHASHSEED=seed))
        for seed in ("0", "12345")
    ]
    outputs = {run.communicate(timeout=300)[0] for run in runs}
    assert [run.returncode for run in runs] == [0, 0]
    assert len(outputs) == 1 and len(json.loads(outputs.pop())) == len(SAMPLES)


def _level(line: str) -> int:
    return 3 if line[0].isdigit() else 2 if line[0] == "（" else 1


def _leads_to_a_clause(lines: list[str], position: int) -> bool:
    """Whether a numbered clause follows this heading before a heading of its level or above."""
    level = _level(lines[position])
    for line in lines[position + 1 :]:
        if line[0].isdigit():
            return True
        if _level(line) <= level:
            return False
    return False


@st.composite
def scrambled_documents(draw):
    """A clean document whose numbered clauses are shuffled (each heading stays just before the
    clause that follows it), then repeated, some copies cut after their first sentence. Every
    section has a clause: where a heading of a restarting series (（一） under each chapter) has
    none, a shuffle can leave no trace of which chapter it belongs to."""
    lines = draw(documents(max_chapters=3, max_sections=3, max_items=3, min_items=1))
    first_clause = next(i for i, line in enumerate(lines) if line.startswith("一、"))
    body, closing = lines[first_clause:-2], lines[-2:]
    # Groups of lines move together: the headings that lead to a clause, and the clause. A
    # heading with no clause under it stays with the clause before it, where it stood.
    groups: list[list[str]] = [[]]
    for position, line in enumerate(body):
        if not groups[-1] and len(groups) > 1 and not _leads_to_a_clause(body, position):
            groups[-2].append(line)
            continue
        groups[-1].append(line)
        if line[0].isdigit():
            groups.append([])
    trailing = groups.pop()  # headings no clause follows keep their place at the end
    shuffled = [groups[index] for index in draw(st.permutations(range(len(groups))))]
    items = [line for line in body if line[0].isdigit()]
    # Copies land between groups: a copy between a heading and its clause would leave no
    # trace of where a restarting heading (（一） under each chapter) belongs.
    # At least one copy: the order stage moves clauses only in a document that shows damage.
    for _ in range(draw(st.integers(1, 4)) if items else 0):
        item = draw(st.sampled_from(items))
        copy = item if draw(st.booleans()) else item[: item.index("。") + 1]
        # Not right after a heading: a clause's copy there would claim the heading as its own.
        slots = [i for i in range(len(shuffled) + 1) if i == 0 or shuffled[i - 1][-1][0].isdigit()]
        shuffled.insert(draw(st.sampled_from(slots)), [copy])
    damaged = [line for group in shuffled for line in group]
    text = "\n".join(lines[:first_clause] + damaged + trailing + closing) + "\n"
    return lines, text


@SETTINGS
@given(scrambled_documents())
def test_scrambled_repeated_and_truncated_clauses_come_back_in_order(case):
    lines, text = case
    result = repair_text(text)
    assert result.text == "\n".join(lines) + "\n"
    assert replay(text, result.notes) == result.text
    assert find_lost_offsets(text, result.notes) == []
