import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from tests.conftest import ROOT

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("extract_here")  # the worker pool is tested in test_batch.py


def run_cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("verb", ["extract", "models"])
def test_help_has_an_example(verb):
    result = runner.invoke(app, [verb, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_missing_path_is_one_line_exit_2(tmp_path):
    r = run_cli("extract", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "path not found" in r.stderr


def test_unknown_option_is_one_line_exit_2(tmp_path):
    r = run_cli("extract", "--bogus", "x")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "--bogus" in r.stderr


def test_bad_files_are_error_rows_and_the_rest_is_written(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text("Ketamine was given for 4 days (n = 30).")
    (tmp_path / "in" / "empty.txt").write_text("")
    (tmp_path / "in" / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "in" / "latin1.txt").write_bytes("caf\xe9 na\xefve".encode("latin-1"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(tmp_path / "in"), "--out", str(out)])
    assert result.exit_code == 1
    docs = pd.read_csv(out / "documents.csv").set_index("doc_id")
    assert docs.loc["good", "status"] == "ok"
    assert docs.loc["empty", "error"] == "empty file"
    assert "binary" in docs.loc["binary", "error"]
    assert "not UTF-8" in docs.loc["latin1", "error"]


def test_oversized_file_is_an_error_row(tmp_path):
    (tmp_path / "big.txt").write_text("word " * 100)
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(tmp_path / "big.txt"), "--out", str(out),
                                 "--max-bytes", "50"])
    assert result.exit_code == 1
    assert "too large" in pd.read_csv(out / "documents.csv")["error"][0]


def test_stdin(tmp_path):  # standard input of a real process: test_batch.py::test_stdin_records_with_text_field
    result = runner.invoke(app, ["extract", "-", "--out", str(tmp_path)], input="Pain fell at 12 weeks (n = 30).")
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "documents.csv")["doc_id"].tolist() == ["stdin"]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl", "xlsx"])
def test_formats_write_every_table(tmp_path, fmt):
    src = tmp_path / "a.txt"
    src.write_text("The NMDA receptor (N-methyl-D-aspartate receptor) was blocked.")
    result = runner.invoke(app, ["extract", str(src), "--out", str(tmp_path / "o"), "--format", fmt])
    assert result.exit_code == 0, result.output
    from extractor.tables.read import read_table
    from extractor.tables.rows import ALL_COLUMNS

    for name, columns in ALL_COLUMNS.items():
        frame = read_table(tmp_path / "o", name)
        assert list(frame.columns) == list(columns), name


def test_models_lists_default():
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0
    assert result.output.startswith("default\tshipped")


def test_rules_pipeline_extracts_without_the_ner(tmp_path):
    """`--model rules`: the shipped pipeline without tok2vec/ner; drugs come from the lexicon."""
    from extractor.tables.read import read_table

    assert "rules\tshipped" in runner.invoke(app, ["models"]).output
    text = tmp_path / "trial.txt"
    text.write_text("Patients (n = 24) received oral ketamine 0.5 mg/kg twice daily for 4 weeks [3].\n")
    result = runner.invoke(app, ["extract", str(text), "--out", str(tmp_path / "o"), "--model", "rules",
                                 "--workers", "1"])
    assert result.exit_code == 0, result.output
    mentions = read_table(tmp_path / "o", "mentions")
    found = dict(zip(mentions["label"], mentions["text"]))
    assert found == {"CITATION": "[3]", "SAMPLE_SIZE": "n = 24", "DURATION": "4 weeks", "DRUG": "ketamine",
                     "ROUTE": "oral", "DOSE": "0.5 mg/kg", "FREQUENCY": "twice daily"}
    assert read_table(tmp_path / "o", "regimens")["drug"].tolist() == ["ketamine"]
