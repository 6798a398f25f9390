"""The sample corpus: every gold record is valid, and the pipeline finds its spans.

Each record of corpus/gold.jsonl is its own test case. Only the labels in CHECKED_LABELS
are compared (strict: same original offsets and label); extend the set as components land.
"""

import json

import pytest

from tests.conftest import ROOT

CORPUS = ROOT / "corpus"
GOLD = CORPUS / "gold.jsonl"
CHECKED_LABELS = {"CITATION", "TIMEPOINT", "SAMPLE_SIZE"}  # the rest: corpus/baseline.json

LABELS = {"DRUG", "DOSE", "ROUTE", "FREQUENCY", "DURATION", "TIMEPOINT", "SAMPLE_SIZE", "STATISTIC", "CITATION",
          "OUTCOME"}
SPAN_KEYS = {"start", "end", "label", "text", "value", "unit", "norm_value", "norm_unit", "min_value", "max_value",
             "refs", "style", "negated", "hedged", "is_class"}
CLAIM_KEYS = {"start", "end", "text", "claim_type", "direction", "significant", "hedged", "negated"}
CLAIM_TYPES = {"finding", "hypothesis", "recommendation", "background"}
DIRECTIONS = {"decrease", "increase", "no_change", "unknown"}
TIME_LABELS = {"DURATION", "TIMEPOINT"}


def _records() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


RECORDS = _records()
IDS = [r["id"] for r in RECORDS]


def test_corpus_size():
    # quantities-gold.jsonl annotates extra texts for the quantity labels only
    extra = [json.loads(line)["id"] for line in (CORPUS / "quantities-gold.jsonl").read_text().splitlines() if line]
    assert len(RECORDS) >= 13
    assert sorted(p.stem for p in (CORPUS / "texts").glob("*.txt")) == sorted(IDS + extra)


def _problems(record: dict) -> list[str]:
    problems = []
    text = record["text"]
    path = CORPUS / "texts" / f"{record['id']}.txt"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        problems.append(f"text differs from {path.name}")
    seen = set()
    for s in record["spans"]:
        where = f"span {s.get('label')} {s.get('text')!r}"
        if set(s) - SPAN_KEYS:
            problems.append(f"{where}: unknown keys {sorted(set(s) - SPAN_KEYS)}")
        if s.get("label") not in LABELS:
            problems.append(f"{where}: unknown label")
        if not 0 <= s["start"] < s["end"] <= len(text) or text[s["start"]:s["end"]] != s["text"]:
            problems.append(f"{where}: offsets {s['start']}:{s['end']} do not match the text")
        key = (s["start"], s["end"], s["label"])
        if key in seen:
            problems.append(f"{where}: duplicate")
        seen.add(key)
        if s["label"] in TIME_LABELS and s.get("norm_value") is not None and s.get("norm_unit") != "d":
            problems.append(f"{where}: durations and time points with a value are normalised to days")
        if s["label"] == "CITATION" and (s.get("style") not in ("numeric", "author_year") or not s.get("refs")):
            problems.append(f"{where}: citations need refs and a style")
        if s["label"] == "SAMPLE_SIZE" and not isinstance(s.get("value"), int):
            problems.append(f"{where}: sample size value must be a count")
    for c in record["claims"]:
        where = f"claim {c.get('text', '')[:30]!r}"
        if set(c) != CLAIM_KEYS:
            problems.append(f"{where}: keys {sorted(c)} != {sorted(CLAIM_KEYS)}")
            continue
        if text[c["start"]:c["end"]] != c["text"]:
            problems.append(f"{where}: offsets do not match the text")
        if c["claim_type"] not in CLAIM_TYPES or c["direction"] not in DIRECTIONS:
            problems.append(f"{where}: bad claim_type or direction")
        if c["significant"] not in (True, False, None):
            problems.append(f"{where}: significant must be true, false or null")
    return problems


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_gold_record_is_valid(record):
    assert _problems(record) == []


def test_validator_catches_a_bad_record():
    record = json.loads(json.dumps(RECORDS[0]))
    record["spans"][0]["start"] += 1
    record["spans"].append({"start": 0, "end": 1, "label": "NOPE", "text": record["text"][0]})
    assert len(_problems(record)) == 2


@pytest.fixture(scope="module")
def predicted(nlp):
    from extractor.reading.document import Document
    from extractor.running.batches import extract_rows

    documents = [Document(id=r["id"], text=r["text"], source=str(GOLD)) for r in RECORDS]
    rows = extract_rows(nlp, documents)
    by_doc: dict[str, list[dict]] = {r["id"]: [] for r in RECORDS}
    for row in rows["mentions"]:
        by_doc[row["doc_id"]].append(row)
    return by_doc, rows["citations"]


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_pipeline_finds_gold_spans(record, predicted):
    mentions, _ = predicted
    gold = {(s["start"], s["end"], s["label"]): s["text"] for s in record["spans"] if s["label"] in CHECKED_LABELS}
    found = {(m["start"], m["end"], m["label"]): m["text"] for m in mentions[record["id"]]
             if m["label"] in CHECKED_LABELS}
    missing = sorted((k, v) for k, v in gold.items() if k not in found)
    spurious = sorted((k, v) for k, v in found.items() if k not in gold)
    assert not missing and not spurious, f"missing: {missing}\nspurious: {spurious}"


@pytest.mark.parametrize("record", RECORDS, ids=IDS)
def test_citation_refs_match_gold(record, predicted):
    _, citations = predicted
    gold = {(s["start"], s["end"]): [str(r) for r in s["refs"]] for s in record["spans"] if s["label"] == "CITATION"}
    found = {(c["start"], c["end"]): c["refs"] for c in citations if c["doc_id"] == record["id"]}
    assert found == gold
