"""The command line as a user runs it: exit codes, one stderr line per error, where output goes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from docrepair.cli import main
from docrepair.model import SCHEMA_VERSION

SEED_001 = next(path for path in SAMPLES if path.name.startswith("001"))


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def assert_one_error_line(result, *words: str) -> None:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


def test_fix_writes_only_the_clean_text_to_stdout():
    result = run("fix", str(SEED_001))
    assert result.exit_code == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines.count("（一）加强组织领导。") <= 1
    # The body of seed 001 is there twice in the input and once in the output.
    body_line = SEED_001.read_text(encoding="utf-8").splitlines()[2]
    assert SEED_001.read_text(encoding="utf-8").count(body_line) == 2
    assert result.stdout.count(body_line) == 1


def test_fix_reads_stdin_and_notes_go_to_their_file(tmp_path):
    notes_path = tmp_path / "notes.jsonl"
    result = run("fix", "-", "--notes", str(notes_path), input=SEED_001.read_bytes())
    assert result.exit_code == 0
    notes = [json.loads(line) for line in notes_path.read_text(encoding="utf-8").splitlines()]
    assert notes and all(note["schema"] == SCHEMA_VERSION for note in notes)
    assert list(notes[0]) == ["schema", "id", "step", "stage", "action", "input_span", "output_span", "at", "to", "before", "after", "reason", "evidence"]
    dropped = [note for note in notes if note["action"] == "drop_duplicate"]
    assert dropped and all(note["output_span"] is None and note["evidence"]["kept_input_span"] for note in dropped)


def test_output_file_is_written_and_notes_can_go_to_stdout(tmp_path):
    output = tmp_path / "clean.txt"
    result = run("fix", str(SEED_001), "-o", str(output), "--notes", "-")
    assert result.exit_code == 0
    assert output.read_text(encoding="utf-8").count("\n") > 10
    assert all(json.loads(line)["schema"] == SCHEMA_VERSION for line in result.stdout.splitlines())


def test_json_format_has_text_units_notes_and_header():
    result = run("fix", str(SEED_001), "--format", "json")
    data = json.loads(result.stdout)
    assert set(data) >= {"text", "units", "notes", "header"}
    assert data["header"]["input"]["sha256"] and data["header"]["config"]["dedup"]["seed"] == 1
    assert len(data["notes"]) == sum(data["header"]["counts"].values())
    assert data["header"]["counts"]["drop_duplicate"] == 68  # the second body copy, its broken title joined into one line


def test_replay_of_the_notes_rebuilds_the_output(tmp_path):
    notes_path = tmp_path / "notes.jsonl"
    fixed = run("fix", str(SEED_001), "--notes", str(notes_path))
    replayed = run("replay", str(SEED_001), str(notes_path))
    assert replayed.exit_code == 0 and replayed.stdout == fixed.stdout


def test_explain_prints_a_summary_and_a_line_per_note():
    fixed = run("fix", str(SEED_001), "--format", "json")
    explained = run("explain", str(SEED_001))
    lines = explained.stdout.splitlines()
    notes = json.loads(fixed.stdout)["notes"]
    assert lines[0].startswith("kept ") and "dropped 68 duplicates" in lines[0]
    note_lines = [line for line in lines[1:] if line.startswith("   n")]
    assert len(note_lines) == len(notes)
    # Grouped: a heading per output line, then the removed text in a group of its own.
    assert all(line.startswith("── ") and line.endswith("]") for line in lines[1:] if not line.startswith("   "))
    assert any("drop_duplicate" in line and "→ removed" in line and "kept at input" in line for line in note_lines)


@pytest.mark.parametrize(
    ("make_input", "words"),
    [
        (lambda tmp: tmp / "missing.txt", ["no such file"]),
        (lambda tmp: tmp, ["directory"]),
    ],
    ids=["missing", "directory"],
)
def test_unreadable_input_is_one_error_line_and_exit_1(tmp_path, make_input, words):
    result = run("fix", str(make_input(tmp_path)))
    assert result.exit_code == 1
    assert_one_error_line(result, *words)


def test_binary_input_is_refused_naming_what_was_tried(tmp_path):
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    result = run("fix", str(binary))
    assert result.exit_code == 1
    assert_one_error_line(result)


def test_an_unknown_encoding_is_one_error_line(tmp_path):
    result = run("fix", str(SEED_001), "--encoding", "no-such-codec")
    assert result.exit_code == 1
    assert_one_error_line(result, "no-such-codec")


def test_output_over_the_input_is_a_usage_error(tmp_path):
    copy = tmp_path / "doc.txt"
    copy.write_bytes(SEED_001.read_bytes())
    result = run("fix", str(copy), "-o", str(copy))
    assert result.exit_code == 2
    assert copy.read_bytes() == SEED_001.read_bytes()


def test_notes_to_stdout_without_an_output_file_is_a_usage_error():
    result = run("fix", str(SEED_001), "--notes", "-")
    assert result.exit_code == 2


def test_unknown_option_is_a_usage_error():
    assert run("fix", "--no-such-option").exit_code == 2


def test_a_damaged_notes_file_is_one_error_line(tmp_path):
    notes_path = tmp_path / "notes.jsonl"
    notes_path.write_text('{"not": "a note"}\n', encoding="utf-8")
    result = run("replay", str(SEED_001), str(notes_path))
    assert result.exit_code == 1
    assert_one_error_line(result, "notes")


def test_every_command_is_in_the_readme():
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"docrepair {name}" in readme, f"`docrepair {name}` is not documented in README.md"


def test_every_action_is_in_the_readme():
    from conftest import ROOT
    from docrepair.model import Action

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for action in Action:
        assert f"`{action.value}`" in readme, f"action {action.value} has no line in README.md"


def test_python_dash_m_runs_the_cli_in_a_real_process():
    completed = subprocess.run([sys.executable, "-m", "docrepair", "fix", str(SEED_001)], capture_output=True, timeout=120)
    assert completed.returncode == 0 and completed.stderr == b""
    assert completed.stdout.decode("utf-8").count("\n") > 10


def test_importing_the_package_does_not_load_the_heavy_libraries():
    code = "import sys, docrepair; print(sorted(m for m in ('numpy', 'datasketch', 'opencc', 'rapidfuzz', 'click') if m in sys.modules))"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert completed.stdout.strip() == "[]"


def test_script_conversion_is_on_request_and_noted():
    kept = run("fix", str(SEED_001))
    converted = run("fix", str(SEED_001), "--script", "simplified", "--format", "json")
    data = json.loads(converted.stdout)
    assert "關於" in kept.stdout or "國" in kept.stdout
    assert "国" in data["text"] and "國" not in data["text"]
    assert data["header"]["counts"]["convert_script"] > 0
    assert data["header"]["document"]["script"] == "traditional"
