"""The stage contract: the names chain (module = note stage = config field), the one config and
its round trip through the header, skipping stages, units derived from the current text, and the
layer rule that no stage imports another."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path

import pytest

from conftest import SAMPLES
from docrepair import repair_file, repair_text
from docrepair.config import STAGE_NAMES, BoilerplateConfig, ChromeRule, DedupConfig, OutputConfig, RepairConfig
from docrepair.errors import ConfigError
from docrepair.ledger import Ledger, find_lost_offsets, replay
from docrepair.model import Action, Edit, Flag, Proposal, Role
from docrepair.pipeline import STAGES
from docrepair.stage import DocumentView
from docrepair.stages import segment

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "docrepair"


def _sample(prefix: str) -> Path:
    return next(path for path in SAMPLES if path.name.startswith(prefix))


def test_every_stage_is_named_by_its_module_and_its_config_field():
    config_fields = {item.name for item in dataclasses.fields(RepairConfig)}
    for stage in STAGES:
        module = stage.propose.__module__
        assert module == f"docrepair.stages.{stage.name}", (stage.name, module)
        assert stage.name in config_fields
    # STAGE_NAMES (what `skip` is checked against) lists the stages in pipeline order, each once.
    assert STAGE_NAMES == tuple(dict.fromkeys(stage.name for stage in STAGES))
    # Every module of docrepair.stages is a stage of the pipeline (a stage grown past one module
    # is a package of its own: docrepair.stages.byteshift).
    modules = {path.stem for path in (PACKAGE / "stages").glob("*.py") if path.stem != "__init__"}
    modules |= {path.parent.name for path in (PACKAGE / "stages").glob("*/__init__.py")}
    assert modules == set(STAGE_NAMES)


def test_notes_carry_the_stage_that_made_them_and_the_header_counts_them(sample_results):
    for result in sample_results.values():
        by_stage: dict[str, dict[str, int]] = {}
        for note in result.notes:
            assert note.stage in STAGE_NAMES
            tally = by_stage.setdefault(note.stage, {})
            tally[note.action.value] = tally.get(note.action.value, 0) + 1
        stages = result.header["stages"]
        assert [entry["name"] for entry in stages] == list(STAGE_NAMES)
        assert {entry["name"]: entry["notes"] for entry in stages if entry["notes"]} == by_stage
        assert set(result.seconds) == set(STAGE_NAMES) and all(value >= 0 for value in result.seconds.values())
        # Seconds vary between runs: they stay out of the header, which outputs carry.
        assert "seconds" not in json.dumps(result.header)


def test_the_byte_shift_and_marker_repairs_record_their_own_stage(sample_results):
    notes = sample_results[_sample("000").name].notes
    assert {note.stage for note in notes if note.action is Action.RESTORE_MARKER} == {"markers"}
    shifted = [note for note in notes if note.action is Action.REPAIR_MOJIBAKE and note.evidence.get("bytes")]
    assert shifted and {note.stage for note in shifted} == {"byteshift"}


def _unusual_config() -> RepairConfig:
    rule = ChromeRule("archive_footer", re.compile(r"^本档案馆"), strong=False)
    return RepairConfig(
        output=OutputConfig(script="simplified", punct="half"),
        dedup=DedupConfig(min_unit_chars=20, jaccard_threshold=0.7),
        boilerplate=BoilerplateConfig(extra_rules=(rule,), known_lines=frozenset({"返回首页", "网站地图"})),
        skip=("merge",),
    )


@pytest.mark.parametrize("config", [RepairConfig(), _unusual_config()], ids=["default", "unusual"])
def test_the_header_recreates_the_config_that_made_the_result(config):
    result = repair_text("一、总体要求\n（一）加强领导。\n", config)
    assert RepairConfig.from_dict(result.header["config"]) == config
    # …also after the header has been written as JSON and read back.
    assert RepairConfig.from_dict(json.loads(json.dumps(result.header["config"]))) == config


def test_every_setting_reaches_the_header():
    base = RepairConfig().to_dict()
    for section in dataclasses.fields(RepairConfig):
        value = getattr(RepairConfig(), section.name)
        if not dataclasses.is_dataclass(value):
            continue
        for item in dataclasses.fields(value):
            current = getattr(value, item.name)
            changed = {
                bool: lambda v: not v,
                int: lambda v: v + 1,
                float: lambda v: v + 0.01,
                str: lambda v: v,  # enumerated modes are covered by the unusual config above
            }.get(type(current))
            if changed is None or isinstance(current, str):
                continue
            config = dataclasses.replace(RepairConfig(), **{section.name: dataclasses.replace(value, **{item.name: changed(current)})})
            assert config.to_dict() != base, f"{section.name}.{item.name}"
            assert RepairConfig.from_dict(config.to_dict()) == config


def test_configs_are_checked_in_one_place():
    with pytest.raises(ConfigError, match="no stage named 'chrome'"):
        RepairConfig(skip=("chrome",))
    with pytest.raises(ConfigError, match="unknown setting 'beam'"):
        RepairConfig.from_dict({"byteshift": {"beam": 3}})
    with pytest.raises(ConfigError, match="byteshift.beam_width"):
        RepairConfig.from_dict({"byteshift": {"beam_width": 0}})
    with pytest.raises(ConfigError, match="dedup must be a DedupConfig"):
        RepairConfig(dedup={"seed": 2})  # type: ignore[arg-type]


def test_a_skipped_stage_changes_nothing_and_the_rest_still_replays():
    path = _sample("001")
    result = repair_file(path, RepairConfig(skip=("dedup",)))
    assert not [note for note in result.notes if note.stage == "dedup"]
    assert "dedup" not in [entry["name"] for entry in result.header["stages"]]
    assert result.header["config"]["skip"] == ["dedup"]
    assert [note for note in result.notes if note.stage == "layout"]  # the stages around it ran
    assert replay(result.input_text, result.notes) == result.text
    assert find_lost_offsets(result.input_text, result.notes) == []
    # Skipping every stage leaves the text as it came.
    untouched = repair_file(path, RepairConfig(skip=STAGE_NAMES))
    assert untouched.text == untouched.input_text and untouched.notes == ()


def test_units_describe_the_output_even_after_script_conversion():
    """Units are derived from the ledger's current text, so the last stage (script) cannot leave
    them stale: on seed 000, 24 of its 26 units used to describe the unconverted text."""
    result = repair_file(_sample("000"), RepairConfig(output=OutputConfig(script="simplified")))
    assert len(result.units) == 26
    for unit in result.units:
        assert result.text[unit.span.start : unit.span.end] == unit.text
    assert result.header["document"]["title"] == next(unit.text for unit in result.units if unit.role is Role.TITLE)
    assert "泸州市" in result.header["document"]["title"]  # simplified, as the output
    assert result.header["document"]["script"] == "traditional"  # the input's script


def test_the_view_derives_units_once_per_change_to_the_text():
    ledger = Ledger("一、总体要求\n（一）加强领导\n")
    calls = []

    def count(text, input_spans):
        calls.append(text)
        return segment.segment_units(text, RepairConfig().segment, input_spans=input_spans)

    view = DocumentView(ledger, count)
    first = view.units
    assert view.units is first and len(calls) == 1
    ledger.record("layout", Proposal(flags=[Flag(0, 2, Action.FLAG, "a flag changes no text")]))
    assert view.units is first and len(calls) == 1
    ledger.record("cleanup", Proposal([Edit(0, 0, "（", Action.DROP_INVISIBLE, "an edit changes it")]))
    assert view.units is not first and len(calls) == 2
    assert [unit.text for unit in view.units] == ["（一、总体要求", "（一）加强领导"]
    assert view.units[1].input_span.start == 7


def _imports(path: Path) -> list[tuple[int, str]]:
    """(relative level, module) of every import in a file, at any depth of the code."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
            if node.module in (None, "") or node.module == "stages":
                found.extend((node.level, f"{node.module or ''}.{alias.name}".lstrip(".")) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
    return found


def test_no_stage_imports_another_stage():
    for path in sorted((PACKAGE / "stages").rglob("*.py")):
        # A module of a stage's own package (stages/byteshift/) may import its siblings (level 1);
        # one level up is docrepair.stages, where every other stage lives.
        depth = len(path.relative_to(PACKAGE / "stages").parts) - 1
        for level, module in _imports(path):
            assert not (level == 1 + depth and module), f"{path.name} imports the stage {module}"
            assert not (level == 2 + depth and module.split(".")[0] in ("stages", "pipeline")), f"{path.name} imports {module}"
            assert not module.startswith(("docrepair.stages", "docrepair.pipeline")), f"{path.name} imports {module}"


def test_the_core_imports_no_stage():
    core = ["model", "config", "errors", "ledger", "stage", "garble", "keys", "sketch", "charlm", "readings", "align", "clauses", "attributions", "official"]
    for name in core:
        for level, module in _imports(PACKAGE / f"{name}.py"):
            assert not (level == 1 and module.split(".")[0] in ("stages", "pipeline", "batch", "cli", "render")), f"{name}.py imports {module}"
            assert not module.startswith("docrepair."), f"{name}.py imports {module}"


def test_order_learns_where_copies_stood_from_the_drop_notes(monkeypatch):
    """Seed 003 repeats clauses; dedup's drop notes name each kept twin, and that is all the order
    stage needs to know where every copy stood (no span lists passed along by the pipeline)."""
    import docrepair.stages.order as order_stage

    seen = {}
    original = order_stage.where_copies_stood

    def spy(units, notes):
        seen["units"], seen["notes"] = units, notes
        seen["stream"] = original(units, notes)
        return seen["stream"]

    monkeypatch.setattr(order_stage, "where_copies_stood", spy)
    result = repair_file(_sample("003"))
    drops = [note for note in result.notes if note.action is Action.DROP_DUPLICATE]
    assert drops and len(seen["notes"]) == len(drops)
    stream = seen["stream"]
    assert len(stream) == len(seen["units"]) + len(drops)
    copies = [entry.span for entry in stream if not entry.is_own]
    assert len(copies) == len(drops)
    # Each copy stands for its kept twin, which is a unit of the text order saw.
    kept = {(unit.input_span.start, unit.input_span.end) for unit in seen["units"]}
    assert all((span.start, span.end) in kept for span in copies)


def test_load_models_loads_what_the_stages_load_on_first_use():
    """The batch engine calls load_models before it forks its workers, so that they share one
    copy: it must leave the character model and the GBK tables loaded (a fresh process)."""
    import subprocess
    import sys

    probe = (
        "from docrepair.pipeline import load_models\n"
        "from docrepair.charlm import load_charlm\n"
        "from docrepair.garble import gbk_pairs\n"
        "from docrepair.stages.byteshift.tables import gbk_table\n"
        "before = [f.cache_info().currsize for f in (load_charlm, gbk_pairs, gbk_table)]\n"
        "load_models()\n"
        "print(before, [f.cache_info().currsize for f in (load_charlm, gbk_pairs, gbk_table)])\n"
    )
    printed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert printed == "[0, 0, 0] [1, 1, 1]"
