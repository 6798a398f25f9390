"""Write gold records as the tables `claimx extract` would write, to score them back."""

from __future__ import annotations

import json
from pathlib import Path

from extractor.tables.rows import ALL_COLUMNS, to_frame
from extractor.tables.writers import write_tables
from tests.conftest import ROOT

GOLD = ROOT / "tests" / "data" / "evaluation" / "gold.jsonl"
BRAT = ROOT / "tests" / "data" / "evaluation" / "brat"
CLAIM_COLUMNS = {
    "doc_id": "str", "sent_id": "int", "start": "int", "end": "int", "text": "str", "claim_type": "str",
    "direction": "str", "significant": "bool", "hedged": "bool", "negated": "bool",
}


def gold_records(path: Path = GOLD) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_predictions(out: Path, records: list[dict], fmt: str = "csv") -> Path:
    """One `documents`, `mentions`, `citations` and `claims` table, predictions = these records."""
    rows = {"documents": [], "mentions": [], "citations": [], "claims": []}
    for r in records:
        text = r["text"]
        rows["documents"].append({"doc_id": r["id"], "source": f"{r['id']}.txt", "n_chars": len(text),
                                  "n_words": len(text.split()), "n_sentences": 1, "status": "ok", "error": None})
        for s in r.get("spans", []):
            base = {"doc_id": r["id"], "sent_id": 0, "start": s["start"], "end": s["end"],
                    "text": text[s["start"]:s["end"]]}
            rows["mentions"].append({**base, "label": s["label"], "value": s.get("value"),
                                     "norm_value": s.get("norm_value"), "norm_unit": s.get("norm_unit"),
                                     "concept_id": s.get("concept_id"), "negated": bool(s.get("negated")),
                                     "hedged": bool(s.get("hedged"))})
            if s["label"] == "CITATION":
                rows["citations"].append({**base, "refs": s.get("refs", []), "style": "numeric"})
        for c in r.get("claims", []):
            rows["claims"].append({"doc_id": r["id"], "sent_id": 0, "start": c["start"], "end": c["end"],
                                   "text": text[c["start"]:c["end"]],
                                   **{k: c.get(k) for k in ("claim_type", "direction", "significant", "hedged",
                                                            "negated")}})
    columns = {**ALL_COLUMNS, "claims": ALL_COLUMNS.get("claims", CLAIM_COLUMNS)}
    frames = {name: to_frame(rows[name], columns[name]) for name in ("documents", "mentions", "citations", "claims")}
    write_tables(frames, out, fmt)
    return out


def write_gold(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
