"""Indicator packs: YAML files of definitions (and example targets) loadable with one command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kho.errors import InvalidInput, NotFound
from kho.indicators.models import IndicatorDef


def available(folder: Path) -> list[str]:
    """Names of the packs shipped with Kho."""
    return sorted(p.stem for p in folder.glob("*.yaml"))


def read_pack(name_or_path: str | Path, folder: Path) -> tuple[str, list[IndicatorDef]]:
    """Read and validate a pack by shipped name or by path; errors name the indicator and field."""
    import yaml
    from pydantic import ValidationError

    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = folder / f"{name_or_path}.yaml"
    if not path.is_file():
        raise NotFound(
            f"No indicator pack {str(name_or_path)!r}.",
            hint=f"Shipped packs: {', '.join(available(folder))}; or give a path to a .yaml file.",
        )
    try:
        doc: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path.name} is not valid YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("indicators"), list):
        raise InvalidInput(
            f"{path.name} needs a top-level `indicators:` list.",
            hint="See docs/indicators.md for the pack format.",
        )
    pack = str(doc.get("pack") or path.stem)
    shared = {
        k: doc[k] for k in ("org_aliases", "org_parents", "access_level", "owner_org") if k in doc
    }
    defs = []
    for i, entry in enumerate(doc["indicators"]):
        if not isinstance(entry, dict):
            raise InvalidInput(f"{path.name}: indicator #{i + 1} is not a mapping.")
        merged = {**shared, **entry, "pack": pack}
        if "org_aliases" in shared and "org_aliases" in entry:
            merged["org_aliases"] = {**shared["org_aliases"], **entry["org_aliases"]}
        try:
            defs.append(IndicatorDef.model_validate(merged))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise InvalidInput(
                f"{path.name}: indicator {entry.get('code', f'#{i + 1}')!r}, field {where!r}: "
                f"{first['msg']}.",
                hint="See docs/indicators.md for the pack format.",
            ) from exc
    codes = [d.code for d in defs]
    if len(set(codes)) != len(codes):
        raise InvalidInput(f"{path.name} defines an indicator code twice.")
    return pack, defs
