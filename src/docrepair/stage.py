"""The stage contract: what a stage sees (DocumentView) and what it is (Stage).

A stage is a name and a function `propose(view, config) -> Proposal` (docrepair.model): it reads
the document through a read-only view and proposes edits, placements, flags and facts; only the
ledger changes the text. The name is the stage's module in docrepair.stages, the `stage` of its
notes and its field of RepairConfig. A stage whose work must straddle another stage's (cleanup:
invisible characters before the byte repairs, glued readings after; mojibake: line re-reads before
byteshift, lost characters named by their readings after) contributes one Stage per point of
the pipeline, all under its one name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from .clauses import ClausePosition, find_clause_positions
from .model import Action, Note, Proposal, Role, Span, Unit

if TYPE_CHECKING:
    from .config import RepairConfig
    from .ledger import Ledger


@dataclass(frozen=True)
class Stage:
    name: str
    propose: Callable[["DocumentView", "RepairConfig"], Proposal]


class DocumentView:
    """The document as a stage sees it: the current text, its units, what the input was, and
    what earlier stages recorded (notes) or learnt (facts). Read-only for stages.

    Units are derived, never refreshed by hand: they are computed on first use after each change
    to the text (`Ledger.version`) by `segment` (the pipeline passes the segment stage's
    `segment_units`, so this core module imports no stage), which gets the text and the ledger's
    `input_spans` and gives each unit its covering span in the input. So are the units' places
    in the clause structure (`clause_positions`).
    """

    def __init__(
        self,
        ledger: "Ledger",
        segment: Callable[[str, Callable[[list[int], list[int]], list[Span]]], list[Unit]],
        decoded: Any = None,
    ) -> None:
        self._ledger = ledger
        self._segment = segment
        #: The decode stage's result (docrepair.stages.decode.DecodedInput), None for text.
        self.decoded = decoded
        self._facts: dict[str, Any] = {}
        self._units: tuple[Unit, ...] = ()
        self._units_version = -1
        self._positions: list[ClausePosition] = []
        self._positions_version = -1

    @property
    def text(self) -> str:
        return self._ledger.text

    @property
    def input_text(self) -> str:
        return self._ledger.input_text

    @property
    def units(self) -> tuple[Unit, ...]:
        """The lines of the current text, classified, each with its covering span in the input."""
        if self._units_version != self._ledger.version:
            self._units = tuple(self._segment(self._ledger.text, self._ledger.input_spans))
            self._units_version = self._ledger.version
        return self._units

    @property
    def clause_positions(self) -> Sequence[ClausePosition]:
        """Every unit's place among the numbered clauses (docrepair.clauses), derived like the
        units: once per change to the text, however many stages read it."""
        if self._positions_version != self._ledger.version:
            self._positions = find_clause_positions(self.units)
            self._positions_version = self._ledger.version
        return self._positions

    @property
    def notes(self) -> Sequence[Note]:
        """What earlier stages recorded, in order (output spans are not known yet: None)."""
        return self._ledger.recorded()

    def notes_of(self, action: Action) -> Sequence[Note]:
        """The notes of one action earlier stages recorded, in order."""
        return self._ledger.recorded(action)

    @property
    def facts(self) -> Mapping[str, Any]:
        return dict(self._facts)

    def learn(self, facts: Mapping[str, Any]) -> None:
        """Keep a stage's facts (the pipeline calls this, stages do not)."""
        self._facts.update(facts)

    def describe(self) -> dict[str, Any]:
        """The document's own particulars for the header: title, number, issuer and date as its
        layout gives them, then the facts the stages learnt (the metadata table's fields, the
        input's script)."""
        units = self.units

        def first_of(role: Role) -> str | None:
            return next((unit.text for unit in units if unit.role is role), None)

        def last_of(role: Role) -> str | None:
            return next((unit.text for unit in reversed(units) if unit.role is role), None)

        return {
            "title": first_of(Role.TITLE),
            "number": first_of(Role.DOC_NUMBER),
            # The document's own signature; else the issuer the page's chrome named (`page`).
            "issuer": last_of(Role.SIGNATURE) or self._facts.get("page", {}).get("issuer"),
            "date": last_of(Role.DATE),
            **self._facts,
        }
