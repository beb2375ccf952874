"""The published JSON Schema (docs/schema/repair-result.schema.json) describes what `fix --format
json` writes, and names every action, role and stage the code has."""

from __future__ import annotations

import dataclasses
import json

import pytest

from conftest import ROOT, SAMPLES
from docrepair.config import STAGE_NAMES, RepairConfig
from docrepair.model import Action, Role
from docrepair.render.notes import result_to_json

jsonschema = pytest.importorskip("jsonschema", reason="the schema test needs jsonschema (pip install -e '.[test]')")
SCHEMA = json.loads((ROOT / "docs" / "schema" / "repair-result.schema.json").read_text(encoding="utf-8"))


def test_the_schema_is_a_valid_schema_and_names_every_action_role_stage_and_setting():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    definitions = SCHEMA["$defs"]
    assert definitions["note"]["properties"]["action"]["enum"] == [action.value for action in Action]
    assert definitions["note"]["properties"]["stage"]["enum"] == list(STAGE_NAMES)
    assert definitions["unit"]["properties"]["role"]["enum"] == [role.value for role in Role]
    assert definitions["header"]["properties"]["config"]["required"] == [item.name for item in dataclasses.fields(RepairConfig)]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_every_sample_result_validates(path, sample_results):
    document = json.loads(result_to_json(sample_results[path.name]))
    jsonschema.Draft202012Validator(SCHEMA).validate(document)


def test_a_note_with_an_unknown_action_is_refused(sample_results):
    document = json.loads(result_to_json(next(iter(sample_results.values()))))
    document["notes"][0]["action"] = "delete_everything"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(document)
