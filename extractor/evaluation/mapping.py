"""Label maps: how another corpus's labels and fields become claimx labels and attributes.

A map is a JSON object (shipped ones in `label_maps/<name>.json`, or any file):

* `spans`: gold label (fnmatch glob allowed, e.g. `O:*`) -> claimx label, or null to drop it.
  The first matching key wins, so put exact labels before globs.
* `claims`: gold label -> object of constant claim attributes; such spans become claims.
* `attributes`: gold field -> claimx attribute (`mesh` -> `concept_id`, `numbers` -> `refs`).
* `derive`: gold field -> {gold value -> {attribute: value}} (`effect` ->
  `significantly_increased` -> direction `increase`, significant true).
* `where`: {field: value}: keep only spans whose field has this value (citations: `level` `group`).
* `none_values`: field values that mean "no value" (BC5CDR's MeSH `-1`).
* `predicted`: predicted label -> label it is scored as (BC5CDR chemicals include drugs:
  `DRUG` -> `CHEMICAL`).
* `predicted_needs`: predicted label -> attribute a prediction of it must have to be scored
  (PHEE: a TIMEPOINT counts as DURATION only with an amount of time, `norm_value`; `after
  surgery` is no PHEE category and is left out).

Gold labels a map does not name are dropped and counted in the report's notes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from extractor.errors import GoldFormatError, PatternFileError
from extractor.rules.loader import require_keys
from extractor.tables.rows import MENTION_LABELS

CLAIM_LABEL = "CLAIM"
SPAN_ATTRIBUTES = ("value", "unit", "norm_value", "norm_unit", "concept_id", "concept_name", "refs",
                   "negated", "hedged")
CLAIM_ATTRIBUTES = ("claim_type", "direction", "significant", "hedged", "negated")
KNOWN_ATTRIBUTES = frozenset(SPAN_ATTRIBUTES + CLAIM_ATTRIBUTES)
_KEYS = {"name", "description", "spans", "claims", "attributes", "derive", "where", "none_values", "predicted",
         "predicted_needs"}
_PACKAGE = "extractor.evaluation.label_maps"


@dataclass(frozen=True)
class LabelMap:
    name: str
    spans: dict[str, str | None]
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    derive: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    where: dict[str, Any] = field(default_factory=dict)
    none_values: tuple[Any, ...] = ()
    predicted: dict[str, str] = field(default_factory=dict)
    description: str = ""
    predicted_needs: dict[str, str] = field(default_factory=dict)

    def span_label(self, gold_label: str) -> str | None:
        """claimx label for a gold label; None when dropped or not named."""
        if gold_label in self.spans:
            return self.spans[gold_label]
        for pattern, target in self.spans.items():
            if fnmatchcase(gold_label, pattern):
                return target
        return None

    def claim_attrs(self, gold_label: str) -> dict[str, Any] | None:
        return self.claims.get(gold_label)

    def targets(self) -> set[str]:
        """The claimx labels this map produces: the labels the corpus annotates."""
        out = {t for t in self.spans.values() if t}
        if self.claims:
            out.add(CLAIM_LABEL)
        return out

    def keep(self, record: dict[str, Any]) -> bool:
        return all(record.get(k) == v for k, v in self.where.items())

    def attrs(self, record: dict[str, Any]) -> dict[str, Any]:
        """Renamed and derived attributes of one gold record (unknown fields ignored)."""
        out: dict[str, Any] = {}
        nested = [v for k, v in record.items() if k in ("attrs", "attributes") and isinstance(v, dict)]
        for key, value in [*record.items(), *(item for d in nested for item in d.items())]:
            target = self.attributes.get(key, key)
            if target in KNOWN_ATTRIBUTES and not _is_none(value, self.none_values):
                out[target] = value
        for key, table in self.derive.items():
            value = record.get(key)
            if isinstance(value, (str, int, float, bool)) and str(value) in table:
                out.update(table[str(value)])
        return out


def _is_none(value: Any, none_values: tuple[Any, ...]) -> bool:
    if value is None or value == "" or value == []:
        return True
    if isinstance(value, list):
        return all(v in none_values for v in value)
    return value in none_values


# the identity map used when no --label-map is given: our own labels, CLAIM spans -> claims
IDENTITY = LabelMap(name="claimx", spans={label: label for label in MENTION_LABELS},
                    claims={CLAIM_LABEL: {}}, description="claimx labels as they are")


def shipped_label_maps() -> dict[str, Path]:
    root = resources.files(_PACKAGE)
    return {Path(p.name).stem: Path(str(p)) for p in sorted(root.iterdir(), key=lambda p: p.name)
            if p.name.endswith(".json")}


@cache
def load_label_map(name_or_path: str) -> LabelMap:
    """A shipped map by name (`bc5cdr`) or a JSON file; errors name the file and the key."""
    shipped = shipped_label_maps()
    path = shipped.get(name_or_path) or Path(name_or_path)
    if not path.is_file():
        raise GoldFormatError(
            f"no label map {name_or_path!r}: not a file, and not a shipped map ({', '.join(shipped)})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise GoldFormatError(f"label map {path} is not readable JSON: {e}") from e
    return parse_label_map(data, str(path))


def parse_label_map(data: Any, where: str) -> LabelMap:
    if not isinstance(data, dict):
        raise GoldFormatError(f"label map {where}: expected a JSON object")
    try:
        require_keys(data, _KEYS, {"spans"}, f"label map {where}")
    except PatternFileError as e:  # a data-file error -> the evaluator's input error
        raise GoldFormatError(str(e).split("] ", 1)[-1]) from e
    allowed_targets = set(MENTION_LABELS)
    for gold, target in data["spans"].items():
        if target is not None and target not in allowed_targets:
            raise GoldFormatError(
                f"label map {where}: spans[{gold!r}] -> {target!r} is not a claimx label "
                f"({', '.join(MENTION_LABELS)})")
    for gold, attrs in data.get("claims", {}).items():
        _check_attrs(attrs, f"label map {where}: claims[{gold!r}]")
    for pred, target in data.get("predicted", {}).items():
        if pred not in allowed_targets or target not in allowed_targets:
            raise GoldFormatError(f"label map {where}: predicted[{pred!r}] -> {target!r}: both must be claimx labels")
    for pred, attr in data.get("predicted_needs", {}).items():
        if pred not in allowed_targets or attr not in KNOWN_ATTRIBUTES:
            raise GoldFormatError(f"label map {where}: predicted_needs[{pred!r}] -> {attr!r}: needs a claimx label "
                                  "and an attribute")
    for key, target in data.get("attributes", {}).items():
        if target not in KNOWN_ATTRIBUTES:
            raise GoldFormatError(f"label map {where}: attributes[{key!r}] -> {target!r} is not an attribute "
                                  f"({', '.join(sorted(KNOWN_ATTRIBUTES))})")
    for key, table in data.get("derive", {}).items():
        if not isinstance(table, dict):
            raise GoldFormatError(f"label map {where}: derive[{key!r}] must map values to attribute objects")
        for value, attrs in table.items():
            _check_attrs(attrs, f"label map {where}: derive[{key!r}][{value!r}]")
    return LabelMap(
        name=data.get("name", Path(where).stem), spans=dict(data["spans"]), claims=dict(data.get("claims", {})),
        attributes=dict(data.get("attributes", {})), derive=dict(data.get("derive", {})),
        where=dict(data.get("where", {})), none_values=tuple(data.get("none_values", ())),
        predicted=dict(data.get("predicted", {})),
        description=data.get("description", ""), predicted_needs=dict(data.get("predicted_needs", {})),
    )


def _check_attrs(attrs: Any, where: str) -> None:
    if not isinstance(attrs, dict):
        raise GoldFormatError(f"{where} must be an object of attributes")
    unknown = set(attrs) - KNOWN_ATTRIBUTES
    if unknown:
        raise GoldFormatError(f"{where}: unknown attributes {sorted(unknown)}")
