"""The Python API: `extract_tables` gives the tables `claimx extract` writes, in memory, and
`read_table` reads them back with the same types from every format."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import extractor
from extractor.errors import OutputError, UsageError
from extractor.reading.document import Document
from extractor.running.job import extract
from extractor.tables.read import read_table
from extractor.tables.rows import ALL_COLUMNS, CLAIM_COLUMNS, MENTION_COLUMNS, to_frame
from extractor.tables.writers import FORMATS, write_tables
from tests.conftest import ROOT

CORPUS = ROOT / "corpus" / "texts"
# abbreviations, citations, claims and regimens among them; no citation list item holding a `;`
CORPUS_TEXTS = ["cannabidiol-anxiety-commentary", "pregabalin-dose-ranging", "ketamine-crps-commentary",
                "methods-with-traps", "esketamine-depression-abstract"]
REGIMEN = "Patients (n = 30) received ketamine 0.5 mg/kg intravenously over 4 days."
DTYPES = {"str": "string", "int": "Int64", "float": "Float64", "bool": "boolean", "list": "object"}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """Corpus texts, and documents whose cells hold the text `NA` or `None`, or nothing."""
    folder = tmp_path_factory.mktemp("inputs")
    for name in CORPUS_TEXTS:
        shutil.copy(CORPUS / f"{name}.txt", folder / f"{name}.txt")
    (folder / "NA.txt").write_text("None of the 12 patients received morphine.\n", encoding="utf-8")  # cue `None`
    (folder / "None.txt").write_text(REGIMEN + "\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")  # an error row: no sentences, no mentions
    records = [{"id": "NA", "text": "Morphine 10 mg was given orally [3]."}, {"id": "r2", "text": ""}]
    (folder / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def in_memory(nlp, inputs) -> dict[str, pd.DataFrame]:
    return extractor.extract_tables(inputs, nlp=nlp)


def assert_lists_are_lists(frame: pd.DataFrame, name: str) -> None:
    for column, kind in ALL_COLUMNS[name].items():
        if kind == "list":
            assert all(type(v) is list and all(type(x) is str for x in v) for v in frame[column]), (name, column)


def test_frames_have_the_columns_and_dtypes_of_the_column_constants(in_memory):
    assert list(in_memory) == list(ALL_COLUMNS)
    for name, frame in in_memory.items():
        assert list(frame.columns) == list(ALL_COLUMNS[name])
        assert {c: str(t) for c, t in frame.dtypes.items()} == {c: DTYPES[k] for c, k in ALL_COLUMNS[name].items()}
        assert_lists_are_lists(frame, name)


def test_paths_are_read_as_claimx_extract_reads_them(in_memory, inputs):
    docs = in_memory["documents"].set_index("doc_id")
    assert sorted(docs.index) == sorted([*CORPUS_TEXTS, "NA", "None", "empty", "NA~2", "r2"])
    assert docs.loc["empty", "error"] == "empty file" and docs.loc["r2", "status"] == "error"
    assert docs.loc["None", "source"] == str((inputs / "None.txt").resolve())
    mentions = in_memory["mentions"]
    assert "None" in mentions.loc[mentions["doc_id"] == "NA", "negation_cue"].tolist()


@pytest.mark.parametrize("fmt", FORMATS)
def test_extract_tables_equals_read_table_of_the_same_run(nlp, inputs, in_memory, tmp_path, fmt):
    extract([str(inputs)], tmp_path / "out", fmt=fmt, workers=0, loader=lambda _model: nlp)
    for name, frame in in_memory.items():
        back = read_table(tmp_path / "out", name)
        pd.testing.assert_frame_equal(back, frame, obj=f"{fmt} {name}")
        assert_lists_are_lists(back, name)


# ---------------------------------------------------------------- read_table on hand-made cells

MENTIONS = [
    {"doc_id": "NA", "sent_id": 0, "start": 0, "end": 2, "label": "DRUG", "text": "NA", "value": "None",
     "norm_value": 0.1, "negated": False, "hedged": True, "negation_cue": "None", "hedge_cue": "null"},
    {"doc_id": "None", "sent_id": 1, "start": 3, "end": 3, "label": "DOSE", "text": "", "value": None,
     "norm_value": None, "negated": True, "hedged": False, "negation_cue": None, "hedge_cue": "nan"},
    {"doc_id": "007", "sent_id": None, "start": None, "end": None, "label": "DOSE", "text": " 5 mg\n",
     "value": "5", "norm_value": 1 / 3, "negated": None, "hedged": None},
]
CLAIMS = [
    {"doc_id": "NA", "sent_id": 0, "start": 0, "end": 9, "text": "NA", "drugs": [], "doses": ["NA", "None"],
     "citations": ["[1]", "[2, 3]"], "significant": None, "score": 0.75, "is_claim": True},
    {"doc_id": "b", "sent_id": 0, "start": 0, "end": 1, "text": "None", "drugs": ["ketamine"], "significant": True,
     "is_claim": False},
]


def _written(tmp_path: Path, fmt: str) -> dict[str, pd.DataFrame]:
    frames = {"mentions": to_frame(MENTIONS, MENTION_COLUMNS), "claims": to_frame(CLAIMS, CLAIM_COLUMNS)}
    write_tables(frames, tmp_path, fmt)
    return frames


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_na_none_and_empty_lists_read_back_as_written(tmp_path, fmt):
    frames = _written(tmp_path, fmt)
    for name, frame in frames.items():
        want = frame.copy()
        if fmt in ("csv", "xlsx"):  # an empty cell there is a missing value
            want["text"] = want["text"].replace("", pd.NA)
        back = read_table(tmp_path, name)
        # JSONL keeps 10 decimal places of a float (pandas `to_json`), hence not exact there
        pd.testing.assert_frame_equal(back, want, check_exact=fmt != "jsonl", obj=f"{fmt} {name}")
        assert_lists_are_lists(back, name)
    back = read_table(tmp_path, "mentions")
    assert back["text"].tolist()[0] == "NA" and back["value"].tolist()[0] == "None"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_table_reads_back_with_its_dtypes(tmp_path, fmt):
    write_tables({"claims": to_frame([], CLAIM_COLUMNS)}, tmp_path, fmt)
    pd.testing.assert_frame_equal(read_table(tmp_path, "claims"), to_frame([], CLAIM_COLUMNS))


def test_a_cell_of_the_wrong_kind_names_table_and_column(tmp_path):
    write_tables({"mentions": to_frame(MENTIONS[:1], MENTION_COLUMNS)}, tmp_path, "csv")
    path = tmp_path / "mentions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",False,", ",perhaps,"), encoding="utf-8")
    (tmp_path / ".claimx" / "state.json").unlink()  # the edit changed the committed size
    with pytest.raises(OutputError, match=r"mentions\.negated: cannot read a bool value: 'perhaps'"):
        read_table(tmp_path, "mentions")


@pytest.mark.parametrize("fmt", [
    pytest.param("csv", marks=pytest.mark.xfail(strict=True, reason="CSV joins list items with `;`")),
    "parquet", "jsonl",
    pytest.param("xlsx", marks=pytest.mark.xfail(strict=True, reason="spreadsheets join list items with `;`")),
])
def test_a_list_item_holding_the_separator(tmp_path, fmt):
    row = {"doc_id": "a", "citations": ["(Smith et al., 2009; Lee and Park 2011)"]}
    write_tables({"claims": to_frame([row], CLAIM_COLUMNS)}, tmp_path, fmt)
    assert read_table(tmp_path, "claims")["citations"].tolist() == [row["citations"]]


# ---------------------------------------------------------------- inputs


def test_texts_get_ids_in_order_and_an_empty_one_is_an_error_row(nlp):
    tables = extractor.extract_tables([REGIMEN, "  ", REGIMEN], nlp=nlp)
    docs = tables["documents"].set_index("doc_id")
    assert sorted(docs.index) == ["text-1", "text-2", "text-3"]
    assert docs.loc["text-2", "error"] == "empty text" and docs.loc["text-1", "status"] == "ok"
    assert tables["regimens"]["doc_id"].tolist() == ["text-1", "text-3"]
    assert tables["regimens"]["drug"].tolist() == ["ketamine", "ketamine"]


def test_one_text_a_dict_and_documents(nlp):
    one = extractor.extract_tables(REGIMEN, nlp=nlp)
    assert one["documents"]["doc_id"].tolist() == ["text-1"]
    keyed = extractor.extract_tables({"PMC1": REGIMEN, 2: "Morphine 10 mg."}, nlp=nlp)
    assert keyed["documents"]["doc_id"].tolist() == ["PMC1", "2"]
    pd.testing.assert_frame_equal(keyed["regimens"].iloc[:1].drop(columns="doc_id"),
                                  one["regimens"].drop(columns="doc_id"))
    document = Document("d", REGIMEN, "my-db", {"year": 2020})
    mixed = extractor.extract_tables([document, document, REGIMEN], nlp=nlp)
    assert mixed["documents"]["doc_id"].tolist() == ["d", "d~2", "text-1"]
    assert mixed["documents"]["source"].tolist()[:2] == ["my-db", "my-db"]
    assert document.id == "d" and document.meta == {"year": 2020}  # the caller's Document is left alone


def test_a_glob_reads_like_its_folder(nlp, inputs, in_memory):
    tables = extractor.extract_tables(inputs / "*.txt", nlp=nlp)
    want = in_memory["documents"]
    want = want[~want["source"].str.contains("records.jsonl")].reset_index(drop=True)
    pd.testing.assert_frame_equal(tables["documents"], want)


def test_nothing_is_written_and_no_pipeline_loaded_when_nlp_is_given(nlp, tmp_path, monkeypatch):
    import extractor.pipeline.load

    def no_load(name):
        raise AssertionError("loaded a pipeline")

    monkeypatch.setattr(extractor.pipeline.load, "load", no_load)
    monkeypatch.chdir(tmp_path)
    tables = extractor.extract_tables(REGIMEN, nlp=nlp)
    assert len(tables["regimens"]) == 1 and list(tmp_path.iterdir()) == []
    empty = extractor.extract_tables([])  # no documents: no pipeline needed
    assert all(frame.empty for frame in empty.values()) and list(empty) == list(ALL_COLUMNS)


@pytest.mark.parametrize("inputs, message", [
    (3, "got int"),
    (b"text", "got bytes"),
    ([REGIMEN, None], "inputs[1] must be a text (str), a Document or a path (pathlib.Path); got NoneType"),
    ({"a": 3}, "the value for 'a' must be a text (str); got int"),
    ([Path("no/such/file.txt")], "path not found: no/such/file.txt"),
    (Path("no/such/*.txt"), "no files match no/such/*.txt"),
], ids=["int", "bytes", "none-in-list", "dict-value", "missing-path", "empty-glob"])
def test_bad_inputs_are_one_line_usage_errors_before_any_pipeline_loads(monkeypatch, inputs, message):
    import extractor.pipeline.load

    monkeypatch.setattr(extractor.pipeline.load, "load", lambda name: pytest.fail("loaded a pipeline"))
    with pytest.raises(UsageError, match="^\\[E001\\] ") as error:
        extractor.extract_tables(inputs)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_model_and_nlp_together_is_a_usage_error(nlp):
    with pytest.raises(UsageError, match="either model= or nlp="):
        extractor.extract_tables(REGIMEN, model="rules", nlp=nlp)
