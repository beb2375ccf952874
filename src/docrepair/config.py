"""One frozen config per stage, gathered in RepairConfig. Every seed and threshold lives here and
is recorded in the output's header, so a result says exactly how it was made."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class DecodeConfig:
    #: Force this codec instead of detecting one (any name Python's codecs know).
    encoding: str | None = None


@dataclass(frozen=True)
class SegmentConfig:
    #: Longest run of text (code points) taken as a heading when a marker follows it mid-line
    #: without punctuation; official headings are short (GB/T 9704 headings rarely pass 40).
    max_heading_chars: int = 60
    #: Longest line that can be a title.
    max_title_chars: int = 100


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


#: Widths `--punct` may ask for (docrepair.stages.punct).
PUNCT_MODES = ("document", "keep", "full", "half")


@dataclass(frozen=True)
class OutputConfig:
    #: "keep" (the input's script), "simplified" or "traditional" (OpenCC conversion, last).
    script: str = "keep"
    #: Punctuation width: "document" (each mark in the width the document mostly uses), "keep",
    #: "full" or "half" (in Chinese text only; see docrepair.stages.punct).
    punct: str = "document"


@dataclass(frozen=True)
class RepairConfig:
    decode: DecodeConfig = field(default_factory=DecodeConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)

    def __post_init__(self) -> None:
        dedup = self.dedup
        if dedup.shingle_chars < 1:
            raise ConfigError("dedup.shingle_chars must be at least 1")
        if dedup.num_perm < 16:
            raise ConfigError("dedup.num_perm must be at least 16")
        if not 0.0 < dedup.jaccard_threshold <= 1.0:
            raise ConfigError("dedup.jaccard_threshold must be in (0, 1]")
        if self.output.script not in ("keep", "simplified", "traditional"):
            raise ConfigError("output.script must be keep, simplified or traditional")
        if self.output.punct not in PUNCT_MODES:
            raise ConfigError("output.punct must be document, keep, full or half")
        if dedup.scheme not in ("affine32",):
            raise ConfigError("dedup.scheme must be 'affine32' (the scheme our vectorised MinHash implements)")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
