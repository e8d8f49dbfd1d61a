"""Values that look numeric but are identifiers: header hints and code shapes."""

from __future__ import annotations

from kho.ingest.vn.slugs import slugify

_CODE_WORDS = {
    "ma",
    "code",
    "id",
    "sdt",
    "cmnd",
    "cccd",
    "mst",
    "zip",
    "phone",
    "tel",
    "msisdn",
    "cnpj",
    "cpf",
    "siret",
    "siren",
    "insee",
    "postal",
    "fax",
    "hotline",
    "stt_ma",
}
_CODE_PHRASES = (
    "so_dien_thoai",
    "dien_thoai",
    "so_hieu",
    "ma_so",
    "so_cmnd",
    "so_cccd",
    "can_cuoc",
    "ma_buu_chinh",
    "so_tai_khoan",
    "so_dinh_danh",
    "so_ho_chieu",
)
_FLAG_FIRST = {"is", "has", "co", "da", "flag", "bool", "la"}
PROCEDURE_CODE = r"^\d{1,2}\.0\d{5}$"  # thủ tục hành chính codes such as 1.004227
MAX_INTEGER_DIGITS = 18


def has_code_hint(header: str) -> bool:
    """Tell whether a header names an identifier (mã, code, id, số điện thoại, CCCD, MST…)."""
    slug = slugify(header)
    words = slug.split("_")
    return bool(_CODE_WORDS.intersection(words)) or any(p in slug for p in _CODE_PHRASES)


def has_flag_hint(header: str) -> bool:
    """Tell whether a header names a yes/no flag ("Có BHYT", "Đã thanh toán", "is_active")."""
    words = slugify(header).split("_")
    return words[0] in _FLAG_FIRST or "flag" in words
