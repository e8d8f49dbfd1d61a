"""The bundled demo: small messy files that show what Kho does, and their generator."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

DATA_DIR = Path(__file__).resolve().parent / "data"


class DemoFile(NamedTuple):
    """One bundled file and the dataset it suggests."""

    key: str
    path: Path
    slug: str
    title_vi: str
    title_en: str


def bundled_files() -> list[DemoFile]:
    """The demo files shipped inside the package (regenerate with `python -m kho.demo.generate`)."""
    from kho.demo.generate import DOSSIERS_FILE, POPULATION_FILE, UNITS_TCVN3_FILE

    return [
        DemoFile("dossiers", DATA_DIR / DOSSIERS_FILE, "ho-so-mot-cua",
                 "Hồ sơ thủ tục hành chính một cửa", "One-stop-shop administrative dossiers"),
        DemoFile("population", DATA_DIR / POPULATION_FILE, "dan-so-trung-binh",
                 "Dân số trung bình theo tỉnh", "Average population by province"),
        DemoFile("units_tcvn3", DATA_DIR / UNITS_TCVN3_FILE, "don-vi-truc-thuoc",
                 "Danh sách đơn vị trực thuộc (TCVN3)", "Units (legacy TCVN3 file)"),
    ]  # fmt: skip
