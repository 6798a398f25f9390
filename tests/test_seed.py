"""The seed commentary through the extract library: the quantities and abbreviations the product
was designed around. Asserts on values and short tokens only (the text is not ours to copy)."""

import pytest

from extractor.reading.document import Document
from extractor.reading.readers import read_documents
from extractor.running.batches import extract_rows
from extractor.tables.rows import frames_from_rows
from tests.conftest import SEED


@pytest.fixture(scope="module")
def tables(nlp, seed_text):
    return frames_from_rows(extract_rows(nlp, read_documents([str(SEED)])))


@pytest.fixture(scope="module")
def mentions(tables):
    return tables["mentions"]


def _rows(mentions, label):
    return mentions[mentions["label"] == label]


def test_the_seed_is_one_ok_document(tables):
    docs = tables["documents"]
    assert list(docs["status"]) == ["ok"]


def test_two_sample_sizes_of_30(mentions):
    rows = _rows(mentions, "SAMPLE_SIZE")
    assert list(rows["value"]) == ["30", "30"]
    assert list(rows["norm_value"]) == [30, 30]


@pytest.mark.parametrize("value,unit,days", [("4.2", "day", 4.2), ("12", "week", 84)])
def test_durations(mentions, value, unit, days):
    rows = _rows(mentions, "DURATION")
    match = rows[(rows["value"] == value) & (rows["unit"] == unit)]
    assert len(match) == 1
    assert match["norm_value"].iloc[0] == pytest.approx(days)
    assert match["norm_unit"].iloc[0] == "d"


def test_ranges_show_their_bounds(nlp):
    rows = frames_from_rows(extract_rows(nlp, [Document("r", "Given for 2 to 3 weeks.", "-")]))["mentions"]
    (row,) = rows[rows["label"] == "DURATION"].itertuples()
    assert (row.value, row.norm_value, row.min_value, row.max_value) == ("2-3", 17.5, 14, 21)


def test_only_those_durations(mentions):
    rows = _rows(mentions, "DURATION")
    assert sorted(rows["value"].dropna()) == ["12", "4.2"]
    # `for many years`, `for many months`: durations with no value (issue 18's definition)
    assert sorted(rows[rows["value"].isna()]["text"]) == ["many months", "many years"]


def test_timepoints_of_12_and_6_weeks(mentions):
    rows = _rows(mentions, "TIMEPOINT")
    assert set(zip(rows["value"], rows["unit"])) == {("12", "week"), ("6", "week")}
    assert set(rows["norm_value"]) == {84, 42}


@pytest.mark.parametrize("short,long_start", [("NMDA", "Nmethyl"), ("PTSD", "post-traumatic")])
def test_abbreviations_with_long_forms(tables, short, long_start):
    abbreviations = tables["abbreviations"]
    rows = abbreviations[abbreviations["text"] == short]
    assert len(rows) >= 1
    assert rows["long_form"].str.startswith(long_start).all()


def test_every_offset_points_into_the_original(tables, seed_text):
    checked = 0
    for name, frame in tables.items():
        if "start" not in frame.columns:
            continue
        text_column = "text" if "text" in frame.columns else "drug"  # regimens name their drug
        for row in frame.itertuples():
            assert seed_text[row.start:row.end] == getattr(row, text_column), (name, row)
            checked += 1
        if name == "abbreviations":
            for row in frame.itertuples():
                assert seed_text[row.long_start:row.long_end] == row.long_form
    assert checked > 0
