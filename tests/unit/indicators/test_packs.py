"""Pack files: the shipped packs validate; broken or hostile packs are refused with the place named."""

from __future__ import annotations

from pathlib import Path

import pytest

from kho.errors import InvalidInput, NotFound
from kho.indicators import _sql
from kho.indicators.models import TableSource
from kho.indicators.packs import available, read_pack
from kho.indicators.service import PACKS


def test_shipped_packs_validate_and_their_measures_parse() -> None:
    assert available(PACKS) == ["online_services", "warehouse"]
    name, defs = read_pack("online_services", PACKS)
    assert name == "online_services" and len(defs) == 4
    online = next(d for d in defs if d.code == "DVC_NOP_TRUC_TUYEN")
    assert online.aggregation == "ratio" and online.units is not None
    assert (online.units.registry, online.units.as_of) == ("province", "today")  # 34 provinces
    assert [(t.org, t.value) for t in online.targets] == [("*", 70)]
    for d in defs:
        assert isinstance(d.source, TableSource)
        assert _sql.measures(d.source)
    assert len(read_pack("warehouse", PACKS)[1]) == 5


def test_unknown_pack_lists_the_shipped_ones() -> None:
    with pytest.raises(NotFound, match="online_services, warehouse"):
        read_pack("khong_co", PACKS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("indicators: [", "not valid YAML"),
        ("pack: x\n", "top-level `indicators:` list"),
        (
            "indicators:\n  - code: A\n    name_vi: a\n    direction: sideways\n    type: reported\n",
            "'A', field 'direction'",
        ),
        ("indicators:\n  - code: 'A; DROP'\n    name_vi: a\n    type: reported\n", "field 'code'"),
        (
            "indicators:\n  - {code: A, name_vi: a, type: reported}\n  - {code: A, name_vi: b, type: reported}\n",
            "defines an indicator code twice",
        ),
        (
            "indicators:\n  - code: A\n    name_vi: a\n    source: {dataset: d, date_column: n}\n",
            "either `aggregate`",
        ),
    ],
)
def test_broken_packs_are_refused_naming_the_place(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=message):
        read_pack(path, PACKS)
