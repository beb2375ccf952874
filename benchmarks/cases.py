"""Generated cases and their scores: the library half of `python -m benchmarks`, also used by the
quality gate in tests/test_quality_gate.py.

A case is one clean reference document damaged by one kind of damage, or by a combination seen on
real pages, with its own fixed seed. Cases are dealt round-robin: in round r, reference j gets
plan (j + r) mod P, so each document meets a different damage each round and every kind of damage
reaches every kind of document.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .corpus import Reference, load_references
from .damage import COMBINATIONS, KINDS, damage
from .score import Score, score

PLANS: list[tuple[str, ...]] = [(kind,) for kind in KINDS] + list(COMBINATIONS)


@dataclass(frozen=True)
class Case:
    name: str
    reference: Reference
    kinds: tuple[str, ...]
    seed: int
    damaged: str

    @property
    def truth(self) -> str:
        return self.reference.text

    @property
    def damage_name(self) -> str:
        return "+".join(self.kinds)


def build_cases(count: int, references: Iterable[Reference] | None = None, seed: int = 2026) -> list[Case]:
    """`count` cases dealt round-robin over the references (all of them when None)."""
    references = list(load_references() if references is None else references)
    if not references:
        return []
    cases: list[Case] = []
    round_number = 0
    while len(cases) < count:
        for index, reference in enumerate(references):
            if len(cases) >= count:
                break
            kinds = PLANS[(index + round_number) % len(PLANS)]
            case_seed = seed + len(cases) * 7919 + round_number
            name = f"{reference.name}/{'+'.join(kinds)}/{case_seed}"
            cases.append(Case(name, reference, kinds, case_seed, damage(reference.text, kinds, case_seed)))
        round_number += 1
    return cases


@dataclass
class Results:
    """Every tool's score on every case, in case order."""

    cases: list[Case]
    scores: dict[str, list[Score]] = field(default_factory=dict)

    def groups(self, tool: str, cases: Iterable[int] | None = None) -> dict[str, list[Score]]:
        """Scores of one tool by group: "overall", each damage kind a case contains, "combined"."""
        grouped: dict[str, list[Score]] = defaultdict(list)
        for index in range(len(self.cases)) if cases is None else cases:
            case, result = self.cases[index], self.scores[tool][index]
            grouped["overall"].append(result)
            for kind in case.kinds:
                grouped[kind].append(result)
            if len(case.kinds) > 1:
                grouped["combined"].append(result)
        return grouped


def evaluate(cases: list[Case], tools: dict[str, Callable[[str], str]]) -> Results:
    results = Results(cases, {name: [] for name in tools})
    for case in cases:
        for name, tool in tools.items():
            results.scores[name].append(score(tool(case.damaged), case.truth))
    return results


def mean(scores: list[Score]) -> dict[str, float]:
    return {name: sum(getattr(s, name) for s in scores) / len(scores) for name in Score.FIELDS}


def badness(result: Score) -> float:
    """One number to rank cases worst first: similarity lost, plus sentences lost, junk added,
    duplicated and out of order, each weighted as a share of the document."""
    return (100 - result.similarity) + 100 * ((1 - result.recall) + (1 - result.precision) + result.duplicated + (1 - result.order))
