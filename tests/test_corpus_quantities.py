"""Each record of corpus/quantities-gold.jsonl (texts written for this project) through the extract
library: the SAMPLE_SIZE, DURATION, TIMEPOINT and STATISTIC rows must be exactly the gold spans."""

import json

import pandas as pd
import pytest

from extractor.reading.readers import read_documents
from extractor.running.batches import extract_rows
from extractor.tables.rows import frames_from_rows
from tests.conftest import ROOT

GOLD = ROOT / "corpus" / "quantities-gold.jsonl"
TEXTS = ROOT / "corpus" / "texts"


def _records() -> list[dict]:
    with GOLD.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


RECORDS = _records()


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_gold_record(nlp, record):
    path = TEXTS / f"{record['id']}.txt"
    assert path.read_text(encoding="utf-8") == record["text"]
    mentions = frames_from_rows(extract_rows(nlp, read_documents([str(path)])))["mentions"]
    labels = set(record["meta"]["labels"])
    found = sorted(
        (row.start, row.end, row.label, row.text, _text(row.value), _text(row.unit))
        for row in mentions.itertuples() if row.label in labels
    )
    expected = sorted((s["start"], s["end"], s["label"], s["text"], s["value"], s["unit"]) for s in record["spans"])
    assert found == expected
    norms = {(r.start, r.label): r.norm_value for r in mentions.itertuples()}
    for s in record["spans"]:
        if "norm_value" in s:
            assert norms[s["start"], s["label"]] == pytest.approx(s["norm_value"], rel=1e-4), s


def _text(value):
    return None if value is pd.NA else value


def test_gold_spans_point_into_their_text():
    for record in RECORDS:
        for s in record["spans"]:
            assert record["text"][s["start"]:s["end"]] == s["text"]
