"""Invariants over generated documents: replay, nothing lost, idempotent, deterministic, clean
text untouched, known damage undone."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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


def test_same_bytes_across_processes_with_different_hash_seeds(tmp_path):
    from conftest import SAMPLES

    script = (
        "import sys, json; from docrepair import repair_file; from docrepair.render.notes import notes_to_jsonl;"
        "r = repair_file(sys.argv[1]); sys.stdout.write(r.text + notes_to_jsonl(r.notes))"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        environment = dict(os.environ, PYTHONHASHSEED=seed)
        runs = [subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, env=environment, check=True).stdout for path in SAMPLES]
        outputs.add(json.dumps([run.decode("utf-8") for run in runs]))
    assert len(outputs) == 1
