"""One lazily built pint registry for every component that converts units.

Building a UnitRegistry costs ~0.2 s, so it is made once per process, on first use, from pint's
own cache of its parsed definitions (the user's cache folder) where it can write one.
"""

from __future__ import annotations

from functools import lru_cache

import pint


@lru_cache(maxsize=1)
def ureg() -> pint.UnitRegistry:
    try:
        registry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, cache_folder=":auto:")
    except Exception:  # noqa: BLE001 - no writable cache folder, or a cache file another process is writing
        registry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    # units papers use that pint lacks or spells differently
    registry.define("international_unit = [iu] = IU")
    return registry


@lru_cache(maxsize=4096)
def convert(value: float, unit: str, target: str) -> float:
    """Convert `value` in `unit` (pint syntax) to `target`; ValueError if impossible."""
    registry = ureg()
    try:
        return float(registry.Quantity(value, unit).to(target).magnitude)
    except (pint.errors.PintError, AttributeError, TypeError) as e:
        raise ValueError(f"cannot convert {value} {unit} to {target}: {e}") from e


def to_days(value: float, unit: str) -> float:
    """Durations and time points are reported in days (`norm_unit` = "d")."""
    return convert(value, unit, "day")
