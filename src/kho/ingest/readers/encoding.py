"""Decide how a text file is encoded from a large sample, and transcode it to UTF-8 in chunks."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_BYTES = 4 << 20
CHUNK_BYTES = 8 << 20
BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Letters and tone marks that Windows-1258 Vietnamese text is made of (decoded as cp1258).
CP1258_VIETNAMESE = set("ăâêôơưđĂÂÊÔƠƯĐàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵÀÁÈÉÌÍÒÓÙÚÝ") | {
    "\u0300",
    "\u0301",
    "\u0303",
    "\u0309",
    "\u0323",
}


@dataclass
class Decision:
    """The chosen encoding and what a person should know about the choice."""

    encoding: str
    warnings: list[str] = field(default_factory=list)


def read_sample(path: Path) -> bytes:
    """The head of the file plus, for large files, a slice from its middle and its tail."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        if size <= SAMPLE_BYTES:
            return head
        parts = [head]
        for offset in (size // 2, max(size - (1 << 20), SAMPLE_BYTES)):
            handle.seek(offset)
            chunk = handle.read(1 << 20)
            parts.append(chunk[chunk.find(b"\n") + 1 :] if b"\n" in chunk else b"")
        return b"\n".join(parts)


def detect_encoding(sample: bytes) -> Decision:
    """UTF-8, UTF-8-BOM, UTF-16, Windows-1258, else Windows-1252 (legacy fonts, stray Latin-1)."""
    for bom, name in BOMS:
        if sample.startswith(bom):
            return Decision(name)
    if _looks_utf16(sample):
        return Decision(
            "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        )
    bad = _invalid_utf8_count(sample)
    if bad == 0:
        return Decision("utf-8")
    return _single_byte(sample, bad)


def _looks_utf16(sample: bytes) -> bool:
    head = sample[:4096]
    return len(head) >= 4 and head.count(0) > len(head) // 4


def _invalid_utf8_count(sample: bytes) -> int:
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    text = decoder.decode(sample, final=False)
    return text.count("\ufffd") - sample.count("\ufffd".encode())


def _single_byte(sample: bytes, bad: int) -> Decision:
    high = [b for b in sample if b >= 0x80]
    text = sample.decode("cp1258", "replace")
    non_ascii = [ch for ch in text if ord(ch) >= 0x80]
    vietnamese = sum(ch in CP1258_VIETNAMESE for ch in non_ascii)
    if len(non_ascii) >= 10 and vietnamese >= 0.9 * len(non_ascii) and _has_tone_marks(text):
        return Decision("cp1258", ["The file is not UTF-8; decoded as Windows-1258 (Vietnamese)."])
    line = sample[: sample.find(bytes([high[0]]))].count(b"\n") + 1
    if len(high) <= 3:
        return Decision(
            "cp1252",
            [
                f"The file is not UTF-8: {len(high)} stray byte(s) from line {line} on were "
                "decoded as Windows-1252/Latin-1; check those cells."
            ],
        )
    return Decision(
        "cp1252",
        [
            f"The file is not UTF-8 ({bad} invalid sequences, first on line {line}); decoded as "
            "Windows-1252 (legacy TCVN3/VNI text is converted later)."
        ],
    )


def _has_tone_marks(text: str) -> bool:
    return any(mark in text for mark in ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323")) or any(
        ch in text for ch in "ăơưđĂƠƯĐ"
    )


def transcode_to_utf8(source: Path, encoding: str, target: Path) -> None:
    """Rewrite `source` as UTF-8 into `target`, chunk by chunk, without a byte-order mark."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    with source.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        first = True
        while chunk := src.read(CHUNK_BYTES):
            text = decoder.decode(chunk)
            dst.write(text.removeprefix("\ufeff") if first else text)
            first = False
        dst.write(decoder.decode(b"", final=True))
