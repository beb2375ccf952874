"""The command line as a user runs it: exit codes, one stderr line per error, where output goes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLES
from docrepair.cli import main
from docrepair.model import SCHEMA_VERSION

SEED_001 = next(path for path in SAMPLES if path.name.startswith("001"))
ROOT_SRC = ROOT / "src" / "docrepair"


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
    assert list(notes[0]) == ["schema", "id", "step", "stage", "action", "risk", "input_span", "output_span", "at", "to", "before", "after", "reason", "evidence"]
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


_REPAIR_OPTIONS = {"encoding", "script", "punct"}


@pytest.mark.parametrize("name", ["fix", "explain", "report", "batch", "dedup"])
def test_every_repairing_command_takes_the_same_repair_options(name):
    options = {param.name: param for param in main.commands[name].params}
    assert _REPAIR_OPTIONS <= set(options)
    fix_options = {param.name: param for param in main.commands["fix"].params}
    for option in _REPAIR_OPTIONS:  # the same choices and defaults, declared once
        assert options[option].default == fix_options[option].default
        assert getattr(options[option].type, "choices", None) == getattr(fix_options[option].type, "choices", None)


def test_explain_and_report_reproduce_a_fix_with_the_same_repair_options(tmp_path):
    fixed = json.loads(run("fix", str(SEED_001), "--punct", "half", "--script", "simplified", "--format", "json").stdout)
    explained = run("explain", str(SEED_001), "--punct", "half", "--script", "simplified")
    assert explained.exit_code == 0
    note_lines = [line for line in explained.stdout.splitlines() if line.startswith("   n")]
    assert sorted(line.split()[:2] for line in note_lines) == sorted([note["id"], f"[{note['stage']}/{note['action']}]"] for note in fixed["notes"])
    assert fixed["header"]["counts"]["convert_script"] > 0 and fixed["header"]["config"]["output"]["punct"] == "half"
    page = tmp_path / "report.html"
    assert run("report", str(SEED_001), "-o", str(page), "--punct", "half", "--script", "simplified").exit_code == 0
    assert "convert_script" in page.read_text(encoding="utf-8")


def test_an_unexpected_exception_is_one_line_and_its_traceback_only_with_debug(monkeypatch):
    import docrepair

    def broken(*args, **kwargs):
        raise RuntimeError("a stage fell over")

    monkeypatch.setattr(docrepair, "repair_bytes", broken)
    plain = run("fix", str(SEED_001))
    assert plain.exit_code == 1
    assert_one_error_line(plain, "internal error", "RuntimeError", "a stage fell over", "--debug")
    for args in (["fix", "--debug", str(SEED_001)], ["--debug", "fix", str(SEED_001)]):
        debugged = run(*args)
        assert debugged.exit_code == 1 and "Traceback" in debugged.stderr
        assert debugged.stderr.splitlines()[-1].startswith("Error: internal error")


def test_a_library_error_keeps_its_exit_code_at_the_boundary(monkeypatch):
    import docrepair
    from docrepair.errors import DocrepairError

    class Odd(DocrepairError):
        exit_code = 3

    def refuse(*args, **kwargs):
        raise Odd("refused for a reason; try another thing")

    monkeypatch.setattr(docrepair, "repair_bytes", refuse)
    result = run("explain", str(SEED_001))
    assert result.exit_code == 3
    assert_one_error_line(result, "refused for a reason; try another thing")


def _imports_of(path) -> set[str]:
    """The docrepair modules a source file imports, at module level or inside functions."""
    import ast

    package = "docrepair." + ".".join(path.relative_to(ROOT_SRC).with_suffix("").parts)
    package = package.rsplit(".", 1)[0] if not path.name == "__init__.py" else package.removesuffix(".__init__")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("docrepair")}


def test_the_batch_commands_register_without_importing_the_cli():
    for path in (ROOT_SRC / "batch").rglob("*.py"):
        assert "docrepair.cli" not in _imports_of(path), f"{path.name} imports docrepair.cli (batch never imports the CLI)"
    assert not {"docrepair.cli", "docrepair.batch"} & {name.rsplit(".", 1)[0] for name in _imports_of(ROOT_SRC / "cli_options.py")}
    code = "import sys, docrepair.batch.cli; print('docrepair.cli' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert completed.stdout.strip() == "False", completed.stderr


def test_a_notes_file_error_is_typed_in_the_library():
    from docrepair.errors import DocrepairError, NotesError
    from docrepair.model import Action, Note
    from docrepair.render.notes import notes_from_jsonl

    with pytest.raises(NotesError, match=r"^n\.jsonl is not a docrepair notes file \(line 2: "):
        notes_from_jsonl('\n{"not": "a note"}\n', source="n.jsonl")
    with pytest.raises(NotesError, match="line 1"):
        notes_from_jsonl("not json at all")
    with pytest.raises(NotesError, match="not UTF-8"):
        notes_from_jsonl(b"\xff\xfe")
    with pytest.raises(NotesError, match="unknown action 'recolour'"):
        Action.from_name("recolour")
    with pytest.raises(NotesError, match="bad span"):
        Note.from_dict({"id": "n1", "step": 1, "stage": "x", "action": "flag", "input_span": [3, 1], "at": [0, 0], "before": "", "after": "", "reason": ""})
    assert issubclass(NotesError, DocrepairError) and issubclass(NotesError, ValueError)


def test_skip_leaves_a_stage_out_of_fix_and_explain_and_is_recorded():
    sample = str(next(path for path in SAMPLES if path.name.startswith("001")))
    runner = CliRunner()
    full = json.loads(runner.invoke(main, ["fix", sample, "--format", "json"]).output)
    skipped = json.loads(runner.invoke(main, ["fix", sample, "--format", "json", "--skip", "dedup"]).output)
    assert any(note["stage"] == "dedup" for note in full["notes"])
    assert not any(note["stage"] == "dedup" for note in skipped["notes"]) and len(skipped["text"]) > len(full["text"])
    assert skipped["header"]["config"]["skip"] == ["dedup"]
    explained = runner.invoke(main, ["explain", sample, "--skip", "dedup"])
    assert explained.exit_code == 0 and "[dedup/" not in explained.output and "[merge/" in explained.output
    unknown = runner.invoke(main, ["fix", sample, "--skip", "nonsense"])
    assert unknown.exit_code == 2


@pytest.mark.parametrize("data", [b"", b"  \n", "\u3000\n".encode()], ids=["empty", "blank", "ideographic space"])
def test_an_empty_input_is_the_same_error_in_fix_and_batch(data, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(data)
    fixed = run("fix", str(path))
    assert fixed.exit_code == 1 and fixed.stdout == ""
    assert_one_error_line(fixed, "empty input")
    batched = run("batch", str(path), "-o", str(tmp_path / "out"), "--quiet")
    assert batched.exit_code == 1
    (failure,) = [json.loads(line) for line in (tmp_path / "out" / "failures.jsonl").read_text(encoding="utf-8").splitlines()]
    assert failure["id"] == "empty.txt" and failure["error"] == "empty input: no text to repair"


@pytest.mark.parametrize("option", ["-o", "--notes", "--report"])
def test_a_folder_where_fix_writes_a_file_is_a_usage_error(option, tmp_path):
    result = run("fix", str(SEED_001), option, str(tmp_path), *(["-o", str(tmp_path / "x.txt")] if option != "-o" else []))
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert errors == [f"Error: {option} {tmp_path} is a folder; give a file name (docrepair batch writes into folders)"]
    assert not (tmp_path / "x.txt").exists()


def test_an_input_ending_in_a_newline_gives_an_output_ending_in_one(tmp_path):
    # Issue 19 reported a lost final newline; every command's output keeps it (checked, nothing
    # to fix), and this keeps it so: the seeds with a newline added, CRLF, and a dropped tail.
    inputs = [seed.read_bytes().rstrip() + b"\n" for seed in SAMPLES]
    inputs += ["关于加强管理的通知\r\n各单位：\r\n".encode(), "正文内容很长很长。\n版权所有：某某市人民政府办公厅\n".encode()]
    for number, data in enumerate(inputs):
        path = tmp_path / f"{number}.txt"
        path.write_bytes(data)
        fixed = run("fix", str(path))
        assert fixed.exit_code == 0 and fixed.stdout_bytes.endswith(b"\n"), path
    assert run("batch", str(tmp_path), "-o", str(tmp_path / "out"), "--quiet").exit_code == 0
    assert all(path.read_bytes().endswith(b"\n") for path in (tmp_path / "out").glob("*.txt"))


def test_the_header_names_the_version_of_every_runtime_dependency():
    import re
    import tomllib

    from docrepair import repair_text

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower() for requirement in declared}
    dependencies = repair_text("一、总则\n").header["dependencies"]
    assert set(dependencies) == names and "pypinyin" in names
    assert all(dependencies.values())


def test_check_writes_nothing_and_exits_1_only_when_the_repair_would_change_the_text(tmp_path):
    damaged = run("fix", str(SEED_001), "--check")
    assert damaged.exit_code == 1 and damaged.stdout == ""
    assert damaged.stderr.splitlines() == [f"would change {SEED_001}: {_changes(SEED_001)} changes (docrepair explain {SEED_001} lists them)"]
    clean = tmp_path / "clean.txt"
    clean.write_text(run("fix", str(SEED_001)).stdout, encoding="utf-8")
    again = run("fix", str(clean), "--check")
    assert again.exit_code == 0 and again.stdout == "" and again.stderr == ""
    assert run("fix", str(SEED_001), "--check", "-o", str(tmp_path / "x.txt")).exit_code == 2
    assert not (tmp_path / "x.txt").exists()


def _changes(path) -> int:
    from docrepair import repair_file
    from docrepair.model import ReplayRule

    return sum(1 for note in repair_file(path).notes if note.action.rule is not ReplayRule.NONE)


def test_diff_prints_a_unified_diff_that_patch_applies(tmp_path):
    import shutil

    from docrepair import repair_file

    result = run("fix", str(SEED_001), "--diff", "-o", str(tmp_path / "clean.txt"))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"--- {SEED_001}" and lines[1] == f"+++ {SEED_001} (repaired)" and lines[2].startswith("@@ -")
    assert (tmp_path / "clean.txt").read_text(encoding="utf-8") == repair_file(SEED_001).text
    if shutil.which("patch"):
        copy = tmp_path / "input.txt"
        copy.write_bytes(SEED_001.read_bytes())
        (tmp_path / "d.patch").write_text(result.stdout, encoding="utf-8")
        subprocess.run(["patch", "-s", str(copy), str(tmp_path / "d.patch")], check=True)
        assert copy.read_text(encoding="utf-8") == repair_file(SEED_001).text
    # Nothing to change: an empty diff; with --check, the diff and exit 1.
    clean = tmp_path / "clean.txt"
    assert run("fix", str(clean), "--diff").stdout == ""
    checked = run("fix", str(SEED_001), "--diff", "--check")
    assert checked.exit_code == 1 and checked.stdout == result.stdout


def test_settings_come_from_a_config_file_then_set_then_the_named_options(tmp_path):
    sample = str(next(path for path in SAMPLES if path.name.startswith("000")))
    (tmp_path / "run.toml").write_text('skip = ["order"]\n[dedup]\nmin_ratio = 95\n[output]\nscript = "simplified"\n', encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["fix", sample, "--format", "json", "--config", str(tmp_path / "run.toml"), "--set", "dedup.min_unit_chars=20", "--punct", "full"])
    assert result.exit_code == 0, result.output
    config = json.loads(result.stdout)["header"]["config"]
    assert config["dedup"]["min_ratio"] == 95.0 and config["dedup"]["min_unit_chars"] == 20
    assert config["output"] == {"script": "simplified", "punct": "full"} and config["skip"] == ["order"]
    # A result's header.config re-creates the run.
    (tmp_path / "header.json").write_text(json.dumps(json.loads(result.stdout)["header"]), encoding="utf-8")
    again = runner.invoke(main, ["fix", sample, "--format", "json", "--config", str(tmp_path / "header.json")])
    assert json.loads(again.stdout)["text"] == json.loads(result.stdout)["text"]
    bad = runner.invoke(main, ["fix", sample, "--set", "dedup.no_such_knob=1"])
    assert bad.exit_code == 1 and bad.stderr.count("Error:") == 1 and "no_such_knob" in bad.stderr
    malformed = runner.invoke(main, ["fix", sample, "--set", "min_ratio"])
    assert malformed.exit_code == 1 and "SECTION.FIELD=VALUE" in malformed.stderr
    wrong_kind = runner.invoke(main, ["fix", sample, "--set", "dedup.min_ratio=abc"])
    assert wrong_kind.exit_code == 1 and "dedup.min_ratio must be a number" in wrong_kind.stderr and "internal" not in wrong_kind.stderr
