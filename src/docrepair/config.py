"""One frozen config per stage, gathered in RepairConfig under the stage's own name. Every seed
and threshold lives here and is recorded in the output's header (`header["config"]`), so a
result says exactly how it was made: `RepairConfig.from_dict(result.header["config"])` is the
config that made it. All checks are in one place (`RepairConfig._check`) and raise ConfigError.

The configs live here, not in their stage modules, because the core may not import a stage.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import ConfigError

#: The stages, in pipeline order (docrepair.pipeline.STAGES; a test keeps the two the same).
#: Each name is a module of docrepair.stages, the `stage` of its notes and a field below.
STAGE_NAMES = (
    "decode",
    "mojibake",
    "cleanup",
    "byteshift",
    "punct",
    "segment",
    "boilerplate",
    "layout",
    "markers",
    "dedup",
    "merge",
    "order",
    "script",
)


@dataclass(frozen=True)
class DecodeConfig:
    #: Force this codec instead of detecting one (any name Python's codecs know).
    encoding: str | None = None


@dataclass(frozen=True)
class CleanupConfig:
    #: Verified glued readings a document needs before any is removed: the annotation scripts
    #: of mirror sites gloss hundreds of characters; an author glosses one or two.
    min_pinyin_glosses: int = 5


@dataclass(frozen=True)
class MojibakeConfig:
    #: How much more probable (natural log, character model and document) a line's bytes read
    #: as UTF-8 must be than the line read as GBK before it is taken: e**10 ≈ 22,000 times.
    min_utf8_gain_nats: float = 10.0
    #: A character read from a byte the GBK decoder rejected (U+FFFD) is named only when it beats
    #: every other candidate between its neighbours by this much (e**4 ≈ 55 times); else □.
    min_rejected_margin_nats: float = 4.0
    #: Mean log-probability gain per Han character a whole-text re-reading needs (nats).
    min_whole_gain_nats: float = 2.0
    #: …and it must read like Chinese: the samples score -7.9 to -8.2 per Han character, random
    #: Han characters -16.6 (measured with the shipped model).
    min_whole_score_nats: float = -11.0


@dataclass(frozen=True)
class ShiftConfig:
    """The byte-shift stage (docrepair.stages.byteshift)."""

    #: How much better (natural-log probability) the chosen reading must be than the text as
    #: it stands before a run is replaced: e**8 ≈ 3,000 times more probable.
    min_gain_nats: float = 8.0
    #: A character half of whose bytes are lost is named only when its best candidate beats the
    #: second by this margin (e**5 ≈ 150 times) and forms a pair the model or document attests.
    min_candidate_margin_nats: float = 5.0
    #: Longest stretch (characters) a run is widened over on each side of its signals.
    max_widen_chars: int = 60
    #: The decoder keeps one hypothesis per state, then the best `beam_width * 4` of those.
    beam_width: int = 12


#: Widths `--punct` may ask for (docrepair.stages.punct).
PUNCT_MODES = ("document", "keep", "full", "half")
#: Scripts `--script` may ask for (docrepair.stages.script).
SCRIPTS = ("keep", "simplified", "traditional")


@dataclass(frozen=True)
class OutputConfig:
    """What the user asks the output to look like (`--script`, `--punct`); the script and punct
    stages read their mode here."""

    #: "keep" (the input's script), "simplified" or "traditional" (OpenCC conversion, last).
    script: str = "keep"
    #: Punctuation width: "document" (each mark in the width the document mostly uses), "keep",
    #: "full" or "half" (in Chinese text only; see docrepair.stages.punct).
    punct: str = "document"


@dataclass(frozen=True)
class PunctConfig:
    """How the punct stage finds a document's convention; its mode is `output.punct`."""

    #: The majority must hold at least this share of a mark's counted uses to be followed (the
    #: repaired lines of seed 000 bring back 10 full-width pairs beside 28 folded ones: 74%).
    min_share: float = 0.7
    #: …and there must be at least this many counted uses.
    min_count: int = 5


@dataclass(frozen=True)
class SegmentConfig:
    #: Longest run of text (code points) taken as a heading when a marker follows it mid-line
    #: without punctuation; official headings are short (GB/T 9704 headings rarely pass 40).
    max_heading_chars: int = 60
    #: Longest line that can be a title (the layout stage joins broken titles up to it too).
    max_title_chars: int = 100


@dataclass(frozen=True)
class ChromeRule:
    """A convention of site templates: lines matching `pattern` are chrome. A weak rule counts
    only inside a tail run that a strong rule has opened (docrepair.stages.boilerplate)."""

    name: str
    pattern: re.Pattern[str]
    strong: bool = True


@dataclass(frozen=True)
class BoilerplateConfig:
    #: Rules beyond the built-in ones (e.g. lines an archive shows to recur across a source).
    extra_rules: tuple[ChromeRule, ...] = ()
    #: Lines known to be chrome from elsewhere (lines an archive shows to recur in the head or
    #: tail of many of its documents: docrepair.chrome), as keys: width folded, white space
    #: removed, digits masked (docrepair.chrome.chrome_key).
    known_lines: frozenset[str] = field(default_factory=frozenset)
    #: In how many documents of the archive each known line was seen, for the notes.
    known_line_counts: tuple[tuple[str, int], ...] = ()
    #: A head or tail line no rule names is chrome when its score (boilerplate.score_chrome_line,
    #: a sum of feature weights) reaches this. 4 is two widget labels, or a label alone on its
    #: line, or a widget word in brackets with little Han text: no line of the 4,439 of the clean
    #: corpus scores above 1; of the 770 pieces no strong rule names that mirror_chrome inserts on
    #: 300 pages, 287 score 4 or more (the rest are link titles, which the related-list rule takes).
    min_chrome_score: float = 4.0


@dataclass(frozen=True)
class LayoutConfig:
    """Broken titles are joined up to `segment.max_title_chars` (one limit for both stages)."""

    #: A body line shorter than this is a heading, never a sentence cut by the scrape.
    min_cut_line_chars: int = 30
    #: Blank lines allowed between the halves of a broken title.
    max_blank_lines: int = 3
    #: Lines a broken title may span (gov.cn breaks long titles over two or three; four is the
    #: most a scraped page was seen to need).
    max_title_lines: int = 4


@dataclass(frozen=True)
class MarkersConfig:
    """The markers stage has no settings: the numbering around a damaged line decides."""


@dataclass(frozen=True)
class DedupConfig:
    #: Character n-gram size of the shingles. 3 keeps short Chinese clauses comparable
    #: (a 20-character clause still has 18 shingles).
    shingle_chars: int = 3
    #: MinHash permutations and seed; the scheme is passed to datasketch explicitly because
    #: datasketch 2 changed its default scheme and so every hash value.
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"
    #: Up to this many distinct units every pair is scored directly (complete, and faster than
    #: sketching at this size: measured 3-8x on the samples); beyond, MinHash LSH.
    exact_max_units: int = 400
    #: Estimated Jaccard similarity at which two units become LSH candidates.
    jaccard_threshold: float = 0.6
    #: rapidfuzz ratio (0..100) on comparison keys that confirms a near-duplicate.
    min_ratio: float = 90.0
    #: Share of a shorter unit's sentences found in a longer one that makes it a partial copy.
    min_containment: float = 1.0
    #: A lone repeated unit shorter than this (comparison-key characters) is left alone: short
    #: lines such as "一、总体要求" or "特此通知。" may repeat legitimately. Inside a repeated
    #: block (consecutive units whose twins are consecutive too) every unit is dropped.
    min_unit_chars: int = 12
    #: A repeated block needs at least this many units and key characters to count as one.
    min_block_units: int = 2
    min_block_chars: int = 30
    #: Copies interleaved in a kept block that a repeated block may step over (a title pasted
    #: between two of its lines).
    max_interleaved_copies: int = 3
    #: Sentence keys shorter than this are not indexed for partial copies: 特此通知 says nothing
    #: about copying.
    min_sentence_key_chars: int = 8
    #: A sentence key shared by more distinct units than this is too common to be evidence of a
    #: copy (a department list repeated under every clause); it is not indexed.
    max_units_per_sentence: int = 8


@dataclass(frozen=True)
class MergeConfig:
    #: Sentence keys shorter than this do not make two clauses copies (特此通知 proves nothing).
    min_shared_sentence_chars: int = 8


@dataclass(frozen=True)
class OrderConfig:
    #: How far after a header (in input units) its first clause is looked for: headings sit
    #: right before their first clause, so a short look bounds the cost on pathological input.
    max_lookahead: int = 64
    #: How far back in the input a unit's predecessor is looked for among units that stay.
    max_lookback: int = 64


@dataclass(frozen=True)
class ScriptConfig:
    """OpenCC configurations by target script (`output.script` chooses the target)."""

    to_simplified: str = "t2s"
    to_traditional: str = "s2t"


@dataclass(frozen=True)
class RepairConfig:
    decode: DecodeConfig = field(default_factory=DecodeConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    cleanup: CleanupConfig = field(default_factory=CleanupConfig)
    mojibake: MojibakeConfig = field(default_factory=MojibakeConfig)
    byteshift: ShiftConfig = field(default_factory=ShiftConfig)
    punct: PunctConfig = field(default_factory=PunctConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    layout: LayoutConfig = field(default_factory=LayoutConfig)
    markers: MarkersConfig = field(default_factory=MarkersConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    merge: MergeConfig = field(default_factory=MergeConfig)
    order: OrderConfig = field(default_factory=OrderConfig)
    script: ScriptConfig = field(default_factory=ScriptConfig)
    #: Stages not to run, by name (STAGE_NAMES); their config is still recorded.
    skip: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.skip, (list, str)):
            # A list from JSON, or one name given bare: stored as the tuple the header records.
            object.__setattr__(self, "skip", (self.skip,) if isinstance(self.skip, str) else tuple(self.skip))
        self._check()

    def _check(self) -> None:
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            expected = _SECTIONS.get(item.name)
            if expected is not None and not isinstance(value, expected):
                raise ConfigError(f"{item.name} must be a {expected.__name__}, not {type(value).__name__}")
        unknown = [name for name in self.skip if name not in STAGE_NAMES]
        if unknown:
            raise ConfigError(f"skip: no stage named {unknown[0]!r}; the stages are {', '.join(STAGE_NAMES)}")
        checks = (
            (self.dedup.shingle_chars >= 1, "dedup.shingle_chars must be at least 1"),
            (self.dedup.num_perm >= 16, "dedup.num_perm must be at least 16"),
            (0.0 < self.dedup.jaccard_threshold <= 1.0, "dedup.jaccard_threshold must be in (0, 1]"),
            (self.dedup.max_interleaved_copies >= 0, "dedup.max_interleaved_copies must not be negative"),
            (self.dedup.scheme in ("affine32",), "dedup.scheme must be 'affine32' (the scheme our vectorised MinHash implements)"),
            (self.output.script in SCRIPTS, "output.script must be keep, simplified or traditional"),
            (self.output.punct in PUNCT_MODES, "output.punct must be document, keep, full or half"),
            (self.cleanup.min_pinyin_glosses >= 1, "cleanup.min_pinyin_glosses must be at least 1"),
            (self.mojibake.min_utf8_gain_nats >= 0, "mojibake.min_utf8_gain_nats must be at least 0"),
            (self.byteshift.beam_width >= 1, "byteshift.beam_width must be at least 1"),
            (self.byteshift.max_widen_chars >= 0, "byteshift.max_widen_chars must not be negative"),
            (0.5 < self.punct.min_share <= 1.0, "punct.min_share must be in (0.5, 1]"),
            (self.punct.min_count >= 1, "punct.min_count must be at least 1"),
            (self.segment.max_title_chars >= 1, "segment.max_title_chars must be at least 1"),
            (self.layout.min_cut_line_chars >= 1, "layout.min_cut_line_chars must be at least 1"),
            (self.layout.max_blank_lines >= 0, "layout.max_blank_lines must not be negative"),
            (self.merge.min_shared_sentence_chars >= 1, "merge.min_shared_sentence_chars must be at least 1"),
            (self.order.max_lookahead >= 1, "order.max_lookahead must be at least 1"),
            (self.order.max_lookback >= 1, "order.max_lookback must be at least 1"),
        )
        for holds, message in checks:
            if not holds:
                raise ConfigError(message)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values: tuples and sets become lists (sets sorted), a rule's pattern its source."""
        return {item.name: _plain(getattr(self, item.name)) for item in dataclasses.fields(self)}

    def key(self) -> str:
        """A short hash of every setting (`to_dict()`, keys sorted): the settings hash a batch
        OUTDIR's markers and the datatrove step's metadata record, so outputs made with other
        settings are told apart."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "RepairConfig":
        """The config `to_dict` (or a result's `header["config"]`) describes; missing sections
        and fields take their defaults, unknown ones raise ConfigError."""
        _no_unknown(cls, data, "config")
        sections: dict[str, Any] = {}
        for name, value in data.items():
            if name == "skip":
                sections[name] = tuple(value)
            else:
                sections[name] = _section(_SECTIONS[name], value, name)
        return cls(**sections)


_SECTIONS: dict[str, type] = {
    item.name: item.default_factory  # type: ignore[misc]
    for item in dataclasses.fields(RepairConfig)
    if item.default_factory is not dataclasses.MISSING
}


def _plain(value: Any) -> Any:
    if isinstance(value, ChromeRule):
        return {"name": value.name, "pattern": value.pattern.pattern, "strong": value.strong}
    if dataclasses.is_dataclass(value):
        return {item.name: _plain(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return value


_KIND_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}


def _same_kind(default: Any, value: Any) -> bool:
    """Whether a setting's value is of the kind its default is (bool is no number here)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def _no_unknown(cls: type, data: Mapping[str, Any], where: str) -> None:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a mapping")
    known = {item.name for item in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown setting {unknown[0]!r}")


def _section(cls: type, data: Mapping[str, Any], where: str) -> Any:
    _no_unknown(cls, data, where)
    defaults = cls()
    values = {}
    for name, value in data.items():
        default = getattr(defaults, name)
        if isinstance(default, frozenset):
            value = frozenset(value)
        elif isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)  # min_ratio = 95 in a TOML file or --set is 95.0
        elif isinstance(default, (bool, int, float, str)) and not _same_kind(default, value):
            raise ConfigError(f"{where}.{name} must be {_KIND_NAMES[type(default)]}, not {value!r}")
        elif name == "known_line_counts":
            value = tuple((str(key), int(count)) for key, count in value)
        elif isinstance(default, tuple):
            value = tuple(ChromeRule(rule["name"], re.compile(rule["pattern"]), rule.get("strong", True)) if name == "extra_rules" else rule for rule in value)
        values[name] = value
    try:
        return cls(**values)
    except TypeError as error:
        raise ConfigError(f"{where}: {error}") from None
