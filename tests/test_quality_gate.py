"""The quality gate: docrepair on each gate set's first generated cases (benchmarks/gate.py) must
stay at or above the floors recorded in benchmarks/floors.json ('duplicated' at or below its
ceiling). Floors are raised when quality improves, never lowered in the change that needs them lower.

The `seed` set is cut from samples/ and always runs; the `held-out` set reads the held-out half of
the clean corpus in ../shared/corpus, which a user's clone does not have: there it skips and says so.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pypinyin", reason="the benchmark's pinyin damage needs pypinyin (pip install -e '.[test]')")

from benchmarks.corpus import corpus_dir  # noqa: E402
from benchmarks.gate import gate_references, load_floors, measure, violations  # noqa: E402

GATES = load_floors()["gates"]


@pytest.mark.parametrize("name", sorted(GATES))
def test_quality_stays_at_or_above_its_floors(name):
    if not gate_references(name):
        pytest.skip(f"no clean corpus at {corpus_dir()} (the team's ../shared beside the checkout); the {name} gate needs it")
    gate = GATES[name]
    measured = measure(name, gate["cases"])
    assert set(gate["floors"]) <= set(measured), f"groups with a floor but no case: {sorted(set(gate['floors']) - set(measured))}"
    assert violations(gate["floors"], measured) == []


def test_a_broken_repair_fails_the_gate():
    """The gate can fail: output that loses every other line is below the seed floors."""
    from benchmarks.cases import build_cases, evaluate, mean

    def lossy(text: str) -> str:
        return "\n".join(text.splitlines()[::2])

    cases = build_cases(GATES["seed"]["cases"], gate_references("seed"))
    results = evaluate(cases, {"lossy": lossy}).groups("lossy")
    assert violations(GATES["seed"]["floors"], {group: mean(scores) for group, scores in results.items()})
