"""Decode: bytes in, text out. Strict decode attempts first; charset-normalizer breaks ties.

Encodings are tried in a fixed order and only strict decodes count, so a file is never silently
mangled. When more than one legacy Chinese codec decodes the bytes cleanly (GB18030 accepts most
Big5 byte sequences), charset-normalizer's coherence scoring picks between them.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass

from ..config import DecodeConfig, RepairConfig
from ..errors import DecodeError
from ..model import Action, Flag, Proposal
from ..stage import DocumentView, Stage

NAME = "decode"

#: Tried in this order after the BOM checks. GB18030 is a superset of GBK and GB2312.
_CANDIDATES = ("utf-8", "gb18030", "big5")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Share of C0 control bytes (other than tab, CR, LF, FF) above which input is binary.
_MAX_CONTROL_SHARE = 0.01


@dataclass(frozen=True)
class MixedRun:
    """A line of a mostly UTF-8 file that was not UTF-8: decoded another way, or with U+FFFD
    for bytes no codec accepted. Offsets are in the decoded text."""

    start: int
    end: int
    encoding: str  # the codec that decoded the line, or "replacement"
    raw_hex: str  # the line's bytes, so nothing is lost even where U+FFFD stands


@dataclass(frozen=True)
class DecodedInput:
    text: str
    encoding: str
    bom: bool
    tried: tuple[str, ...]
    sha256: str = ""
    mixed: tuple[MixedRun, ...] = ()


def propose(view: DocumentView, config: RepairConfig) -> Proposal:
    """Decoding happened before the pipeline (`decode_bytes`); in it, the decode stage flags each
    line of a mostly UTF-8 file that was read another way, with its bytes."""
    mixed = view.decoded.mixed if isinstance(view.decoded, DecodedInput) else ()
    return Proposal(flags=[_mixed_flag(run) for run in mixed])


STAGE = Stage(NAME, propose)


def _mixed_flag(run: MixedRun) -> Flag:
    reason = (
        f"this line was not UTF-8 like the rest of the file; it was read as {run.encoding}"
        if run.encoding != "replacement"
        else "bytes of this line are valid in no codec tried; they stand as U+FFFD (the bytes are in the evidence)"
    )
    return Flag(run.start, run.end, Action.FLAG, reason, {"encoding": run.encoding, "bytes": run.raw_hex})


def decode_bytes(data: bytes, config: DecodeConfig | None = None) -> DecodedInput:
    """Decode input bytes; the result records the codec, whether a BOM was stripped, what was
    tried and the SHA-256 of the bytes."""
    decoded = _decode(data, config or DecodeConfig())
    return DecodedInput(decoded.text, decoded.encoding, decoded.bom, decoded.tried, hashlib.sha256(data).hexdigest(), decoded.mixed)


def _decode(data: bytes, config: DecodeConfig) -> DecodedInput:
    if config.encoding:
        return _decode_forced(data, config.encoding)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise DecodeError(
                    f"input starts with a {encoding} byte-order mark but is not valid {encoding} "
                    f"(byte {error.start + len(bom)}); try --encoding"
                ) from None
            return DecodedInput(_check_text(text, encoding), encoding, True, (encoding,))
    _reject_binary(data)
    decoded: dict[str, str] = {}
    for encoding in _CANDIDATES:
        try:
            decoded[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8":
            break  # valid UTF-8 of any length is almost never another codec's text
    if "utf-8" not in decoded:
        mixed = _decode_mostly_utf8(data)
        if mixed is not None:
            return mixed
    if not decoded:
        raise DecodeError(
            f"input is not valid in any of {', '.join(_CANDIDATES)}; if you know its encoding, try --encoding NAME"
        )
    if len(decoded) == 1:
        encoding, text = next(iter(decoded.items()))
    else:
        encoding = _break_tie(data, tuple(decoded))
        text = decoded[encoding]
    tried = _CANDIDATES[: _CANDIDATES.index(max(decoded, key=_CANDIDATES.index)) + 1]
    return DecodedInput(_check_text(text, encoding), encoding, False, tried)


def _decode_mostly_utf8(data: bytes) -> DecodedInput | None:
    """A UTF-8 file with a few lines that are not: each such line is decoded as GB18030 when it
    is valid GB18030, else as UTF-8 with U+FFFD for the bad bytes; every such line is recorded
    so the pipeline can note it. None when the file is not mostly UTF-8."""
    lines = data.splitlines(keepends=True)
    if not _is_mostly_utf8(lines):
        return None
    parts: list[str] = []
    mixed: list[MixedRun] = []
    offset = 0
    for line in lines:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text, encoding = line.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
                text, encoding = line.decode("utf-8", errors="replace"), "replacement"
            body = text.rstrip("\r\n")
            mixed.append(MixedRun(offset, offset + len(body), encoding, line.rstrip(b"\r\n").hex()))
        parts.append(text)
        offset += len(text)
    text = "".join(parts)
    return DecodedInput(_check_text(text, "utf-8"), "utf-8", False, _CANDIDATES, mixed=tuple(mixed))


def _is_mostly_utf8(lines: list[bytes]) -> bool:
    """More lines with non-ASCII bytes are valid UTF-8 than not: a UTF-8 file with a pasted
    foreign line, not a legacy file (whose Chinese lines are almost never valid UTF-8)."""
    valid = invalid = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            valid += 1
        except UnicodeDecodeError:
            invalid += 1
    return valid > invalid


def _decode_forced(data: bytes, encoding: str) -> DecodedInput:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r}; use a Python codec name such as gb18030 or big5") from None
    bom = False
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8") and data.startswith(codecs.BOM_UTF8):
        data, bom = data[len(codecs.BOM_UTF8) :], True
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DecodeError(f"input is not valid {encoding} at byte {error.start}; check --encoding") from None
    return DecodedInput(_check_text(text, encoding), encoding, bom, (encoding,))


def _reject_binary(data: bytes) -> None:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DecodeError(
            f"input looks binary (NUL byte at offset {nul}); tried BOM detection, "
            f"{', '.join(_CANDIDATES)}; for UTF-16 without a BOM use --encoding utf-16-le"
        )
    if data:
        controls = sum(data.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
        if controls / len(data) > _MAX_CONTROL_SHARE:
            raise DecodeError("input looks binary (too many control bytes); it is not a text document")


def _check_text(text: str, encoding: str) -> str:
    if "\x00" in text:
        raise DecodeError(f"input decoded as {encoding} contains NUL characters; it looks binary")
    return text


def _break_tie(data: bytes, encodings: tuple[str, ...]) -> str:
    """charset-normalizer's best guess among encodings that all decoded strictly; the first
    candidate in our order when it has no opinion."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(encodings)).best()
    if best is not None:
        guess = codecs.lookup(best.encoding).name
        for encoding in encodings:
            if codecs.lookup(encoding).name == guess:
                return encoding
    return encodings[0]
