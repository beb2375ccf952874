"""Small frozen value types shared by every stage: spans, edits, notes, units, results.

Offsets are always Python string indices (code points). `input_span` fields point into the
*decoded input*; `at` fields point into the text as it was just before the note's step, which is
what replay needs; `output_span` points into the final output.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from .errors import NotesError
from .garble import MISSING

#: Version of the notes/JSON schema. Bump when a field changes meaning.
SCHEMA_VERSION = 1


class ReplayRule(enum.Enum):
    """How a note changes the text when notes are replayed on the input."""

    EDIT = "edit"  # text[at] is replaced by `after` (covers insert, delete, replace)
    MOVE = "move"  # text[at] is cut and re-inserted at offset `to` of the step's result
    NONE = "none"  # a flag: the note records damage or a decision, the text is unchanged


class Action(enum.Enum):
    """The closed set of things a stage may do. Each has a replay rule and a README line."""

    # value, replay rule, one-line meaning (used by `explain` and the README table)
    REPAIR_MOJIBAKE = ("repair_mojibake", ReplayRule.EDIT, "garbled text re-decoded from its bytes (encoding and shift named)")
    MARK_MISSING = ("mark_missing", ReplayRule.EDIT, "a character whose bytes are gone replaced by □")
    STRIP_PINYIN = ("strip_pinyin", ReplayRule.EDIT, "a pinyin reading glued after its character removed")
    DROP_STRAY_PUNCT = ("drop_stray_punct", ReplayRule.EDIT, "a stray half-width comma before another mark removed")
    DROP_INVISIBLE = ("drop_invisible", ReplayRule.EDIT, "zero-width or control characters removed")
    SPLIT_LINE = ("split_line", ReplayRule.EDIT, "a line break inserted where run-on text glued two units")
    MERGE = ("merge", ReplayRule.EDIT, "sentences only another copy of a clause holds added to the kept copy")
    DROP_DUPLICATE = ("drop_duplicate", ReplayRule.EDIT, "a repeated copy removed; the kept twin is named")
    DROP_CHROME = ("drop_chrome", ReplayRule.EDIT, "a line of site chrome (breadcrumb, footer, copyright, share bar …) removed; the rule is named")
    EXTRACT_METADATA = ("extract_metadata", ReplayRule.EDIT, "a row of a scraped metadata table moved out of the text into the header's fields")
    JOIN_LINES = ("join_lines", ReplayRule.EDIT, "a line break the scrape put inside a title or a sentence removed")
    REPAIR_CITATION = ("repair_citation", ReplayRule.EDIT, "a damaged document number (year and serial run together) repaired")
    RESTORE_MARKER = ("restore_marker", ReplayRule.EDIT, "a clause marker destroyed by garbled bytes restored from the numbering around it")
    NORMALIZE_PUNCT = ("normalize_punct", ReplayRule.EDIT, "a mark written in the width of the document's convention (or of --punct)")
    CONVERT_SCRIPT = ("convert_script", ReplayRule.EDIT, "characters converted to the other script on request (--script)")
    MOVE = ("move", ReplayRule.MOVE, "a clause block moved to the place its numbering gives it")
    GAP = ("gap", ReplayRule.NONE, "a number missing from a clause series reported; nothing is invented for it")
    FLAG = ("flag", ReplayRule.NONE, "damage seen but left as it is")

    def __init__(self, value: str, rule: ReplayRule, meaning: str) -> None:
        self._value_ = value
        self.rule = rule
        self.meaning = meaning

    @classmethod
    def _missing_(cls, value: object) -> "Action | None":
        """`Action("drop_duplicate")`, which is also how pickle and copy rebuild a member: the
        enum machinery indexes members by the whole tuple they were defined with, not by the
        name `__init__` makes their value, so the lookup by value alone lands here."""
        for action in cls:
            if action._value_ == value:
                return action
        return None

    @classmethod
    def from_name(cls, name: str) -> "Action":
        try:
            return cls(name)
        except ValueError:
            raise NotesError(f"unknown action {name!r}") from None


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range [start, end) of code points."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def as_list(self) -> list[int]:
        return [self.start, self.end]


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open ranges sorted and merged where they overlap or touch."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True, slots=True)
class Edit:
    """A change a stage proposes on the current text; the ledger applies and records it.

    Stages never change text themselves: they return edits, so every change passes through
    the ledger's single recording path.
    """

    start: int
    end: int
    after: str
    action: Action
    reason: str
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Placement:
    """One block of a reorder: the current span and, if it moves, why."""

    start: int
    end: int
    reason: str = ""
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Flag:
    """Damage seen and left, or a decision worth a note, at current [start, end): a FLAG or a GAP
    (a position, start == end). The text is unchanged."""

    start: int
    end: int
    action: Action
    reason: str
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Proposal:
    """What one stage asks of the ledger in one step. Recorded in this order: the flags (offsets
    in the text the stage saw), the edits (offsets in the same text, one step), then the
    placements (a reorder of the text as it is after the edits, one step). `facts` are what the
    stage learnt about the document (the metadata table's fields, the input's script): later
    stages read them from the view and they end up in the header's `document`."""

    edits: Sequence[Edit] = ()
    placements: Sequence[Placement] = ()
    flags: Sequence[Flag] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Note:
    """One recorded change or flag. Removal is a move into a note: `before` keeps the text."""

    id: str
    step: int
    stage: str
    action: Action
    input_span: Span
    output_span: Span | None
    at: Span
    to: int | None
    before: str
    after: str
    reason: str
    evidence: Mapping[str, Any]

    @property
    def risk(self) -> str:
        """`review` for a change a person should look at: a □ or a character read from bytes by the
        model, a copy dropped without being an exact copy, a merge, a move by wording or by numbering alone, a marker
        restored from the numbering, a flag or a gap, chrome named only by a weak rule; `routine`
        for the rest (pinyin, widths, invisible characters, line breaks, exact copies, moves by
        number, chrome a strong rule names, a strict re-read of bytes)."""
        evidence = self.evidence
        if self.action in _ALWAYS_REVIEW:
            return "review"
        if self.action is Action.REPAIR_MOJIBAKE:
            guessed = MISSING in self.after or any(key in evidence for key in ("model_gain_nats", "named_from_one_byte", "pinyin", "margin_nats"))
            return "review" if guessed else "routine"
        if self.action is Action.DROP_DUPLICATE:
            return "routine" if evidence.get("match") == "exact" else "review"
        if self.action is Action.MOVE:
            # By wording, or by the numbering alone with no other damage in the document.
            return "review" if evidence.get("basis") == "wording" or evidence.get("damage_seen") is False else "routine"
        if self.action is Action.DROP_CHROME:
            return "review" if evidence.get("rule") in ("site_notice", "related_link") else "routine"
        return "routine"

    def to_dict(self) -> dict[str, Any]:
        """Fixed key order: the JSONL notes are read by people and diffed by tools."""
        return {
            "schema": SCHEMA_VERSION,
            "id": self.id,
            "step": self.step,
            "stage": self.stage,
            "action": self.action.value,
            "risk": self.risk,
            "input_span": self.input_span.as_list(),
            "output_span": None if self.output_span is None else self.output_span.as_list(),
            "at": self.at.as_list(),
            "to": self.to,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "evidence": dict(self.evidence),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Note":
        """The inverse of `to_dict`; NotesError names what is missing or malformed."""
        try:
            output_span = data.get("output_span")
            return cls(
                id=data["id"],
                step=int(data["step"]),
                stage=data["stage"],
                action=Action.from_name(data["action"]),
                input_span=Span(*data["input_span"]),
                output_span=None if output_span is None else Span(*output_span),
                at=Span(*data["at"]),
                to=data.get("to"),
                before=data["before"],
                after=data["after"],
                reason=data["reason"],
                evidence=data.get("evidence", {}),
            )
        except NotesError:
            raise
        except KeyError as error:
            raise NotesError(f"a note without the field {error}") from None
        except (AttributeError, TypeError, ValueError) as error:
            raise NotesError(f"a malformed note ({error})") from None


class Role(enum.Enum):
    """What a unit (one line of the repaired layout) is in an official document."""

    TITLE = "title"
    DOC_NUMBER = "doc_number"  # 渝府办发〔2017〕132号
    ADDRESSEES = "addressees"  # 各区县人民政府，市政府有关部门：
    METADATA = "metadata"  # 发布日期:2017-08-28, 索引号: …
    CHAPTER = "chapter"  # 一、
    SECTION = "section"  # （一）
    ITEM = "item"  # 1． 1.
    SUB_ITEM = "sub_item"  # （1）
    CIRCLED = "circled"  # ①
    ARTICLE = "article"  # 第X条 / 第X章
    ATTRIBUTION = "attribution"  # （市农委、市商务委按职责分工负责）: a clause's responsible bodies
    SIGNATURE = "signature"  # the issuing body's name at the end
    DATE = "date"  # 2018年1月26日
    PARAGRAPH = "paragraph"


@dataclass(frozen=True, slots=True)
class Unit:
    """A line of the text with its role and, for numbered clauses, its marker and number."""

    role: Role
    span: Span  # in the text the unit was computed on
    input_span: Span | None  # covering range in the decoded input; None for inserted text
    text: str
    marker: str = ""
    number: int | None = None
    level: int | None = None  # 1 chapter, 2 section, 3 item, 4 sub-item, 5 circled; articles 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role.value,
            "span": self.span.as_list(),
            "input_span": None if self.input_span is None else self.input_span.as_list(),
            "marker": self.marker,
            "number": self.number,
            "level": self.level,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Unit":
        """The inverse of `to_dict`; NotesError names what is missing or malformed."""
        try:
            input_span = data.get("input_span")
            return cls(
                role=Role(data["role"]),
                span=Span(*data["span"]),
                input_span=None if input_span is None else Span(*input_span),
                text=data["text"],
                marker=data.get("marker", ""),
                number=data.get("number"),
                level=data.get("level"),
            )
        except KeyError as error:
            raise NotesError(f"a unit without the field {error}") from None
        except (AttributeError, TypeError, ValueError) as error:
            raise NotesError(f"a malformed unit ({error})") from None


@dataclass(frozen=True, slots=True)
class RepairResult:
    """What a repair returns: the clean text and the exact account of how it was made."""

    text: str
    input_text: str
    notes: tuple[Note, ...]
    units: tuple[Unit, ...]
    header: Mapping[str, Any]
    #: Wall seconds per stage, in pipeline order. Kept out of the header and of `to_dict`: the
    #: header is written to outputs that must be the same bytes on every run.
    seconds: Mapping[str, float] = field(default_factory=dict, compare=False)
    #: The output→input map the ledger ended with: for each output character, the input offset
    #: it came from (-1 for inserted text), a numpy int32 array (int64 past 2**31 characters).
    #: `explain` and `report` read it through `ledger.map_offsets` instead of replaying; None for
    #: a result built without it (map_offsets then replays once, linearly).
    origin: Any = field(default=None, repr=False, compare=False)

    def to_dict(self, *, with_input: bool = False) -> dict[str, Any]:
        """`--format json`'s object. `with_input` adds `input_text`, which `from_dict` needs to
        rebuild the whole result (the notes and the header hold only what changed)."""
        data = {
            "header": dict(self.header),
            "text": self.text,
            "units": [unit.to_dict() for unit in self.units],
            "notes": [note.to_dict() for note in self.notes],
        }
        if with_input:
            data["input_text"] = self.input_text
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], input_text: str | None = None) -> "RepairResult":
        """The inverse of `to_dict(with_input=True)`, or of `to_dict()` given the decoded input
        text. `seconds` and `origin` are not carried (`ledger.map_offsets` replays the notes
        when it has no `origin`)."""
        if input_text is None:
            input_text = data.get("input_text")
        if not isinstance(input_text, str):
            raise NotesError("a result without its input_text: pass it to RepairResult.from_dict")
        try:
            header = dict(data["header"])
            return cls(
                text=data["text"],
                input_text=input_text,
                notes=tuple(Note.from_dict(note) for note in data["notes"]),
                units=tuple(Unit.from_dict(unit) for unit in data["units"]),
                header=header,
            )
        except KeyError as error:
            raise NotesError(f"a result without the field {error}") from None
        except (AttributeError, TypeError, ValueError) as error:
            raise NotesError(f"a malformed result ({error})") from None


#: Actions a person should always look at (Note.risk).
_ALWAYS_REVIEW = frozenset({Action.MARK_MISSING, Action.MERGE, Action.RESTORE_MARKER, Action.FLAG, Action.GAP})
