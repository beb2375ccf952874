"""The quality gate: docrepair on the first generated benchmark cases must stay at or above the
floors recorded in benchmarks/floors.json ('duplicated' at or below its ceiling). Floors are
raised when quality improves, never lowered in the change that needs them lower."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT

pytest.importorskip("pypinyin", reason="the benchmark's pinyin damage needs pypinyin (pip install -e '.[test]')")

FLOORS = json.loads((ROOT / "benchmarks" / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def docrepair_means():
    from benchmarks.__main__ import build_cases, evaluate, mean
    from benchmarks.baselines import docrepair_fix

    results = evaluate(build_cases(FLOORS["cases"]), {"docrepair": docrepair_fix})["docrepair"]
    return {group: mean(scores) for group, scores in results.items()}


@pytest.mark.parametrize("group", sorted(FLOORS["floors"]))
def test_quality_stays_at_or_above_its_floor(group, docrepair_means):
    measured = docrepair_means[group]
    for metric, floor in FLOORS["floors"][group].items():
        if metric == "duplicated":
            assert measured[metric] <= floor, f"{group}: {metric} {measured[metric]:.3f} above its ceiling {floor}"
        else:
            assert measured[metric] >= floor, f"{group}: {metric} {measured[metric]:.3f} below its floor {floor}"
