"""Common abbreviations and historical spellings of province names, mapped to the official short name."""

from __future__ import annotations

from kho.units.models import OLD_VERSION, ListVersion

# Key: folded spelling (no diacritics, single spaces, see names.fold_key), after any prefix such
# as "TP." was removed. Value: (official short name, list version it belongs to, or None = any).
PROVINCE_ALIASES: dict[str, tuple[str, ListVersion | None]] = {
    "hcm": ("Hồ Chí Minh", None),
    "tphcm": ("Hồ Chí Minh", None),
    "hcmc": ("Hồ Chí Minh", None),
    "tp hcm": ("Hồ Chí Minh", None),
    "sai gon": ("Hồ Chí Minh", None),
    "saigon": ("Hồ Chí Minh", None),
    "sai gon gia dinh": ("Hồ Chí Minh", None),
    "ho chi minh city": ("Hồ Chí Minh", None),
    "hn": ("Hà Nội", None),
    "tphn": ("Hà Nội", None),
    "hanoi": ("Hà Nội", None),
    "hp": ("Hải Phòng", None),
    "thua thien hue": ("Huế", OLD_VERSION),
    "thua thien": ("Huế", OLD_VERSION),
    "tt hue": ("Huế", OLD_VERSION),
    "tth": ("Huế", OLD_VERSION),
    "br vt": ("Bà Rịa - Vũng Tàu", OLD_VERSION),
    "brvt": ("Bà Rịa - Vũng Tàu", OLD_VERSION),
    "ba ria": ("Bà Rịa - Vũng Tàu", OLD_VERSION),
    "vung tau": ("Bà Rịa - Vũng Tàu", OLD_VERSION),
    "bac can": ("Bắc Kạn", OLD_VERSION),
    "dac lac": ("Đắk Lắk", None),
    "daclac": ("Đắk Lắk", None),
    "dac nong": ("Đắk Nông", OLD_VERSION),
    "dacnong": ("Đắk Nông", OLD_VERSION),
    "kontum": ("Kon Tum", OLD_VERSION),
}
