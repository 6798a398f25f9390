"""`claimx evaluate`: exit codes 0 / 1 (threshold, regression) / 2 (bad usage or input), reports."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from tests.conftest import ROOT
from tests.evaluation_helpers import GOLD, gold_records, write_predictions

runner = CliRunner()


@pytest.fixture()
def pred_dir(tmp_path):
    records = gold_records()
    records[0]["spans"] = [s for s in records[0]["spans"] if s["label"] != "ROUTE"]  # ROUTE F1 0
    return write_predictions(tmp_path / "pred", records)


def invoke(*args):
    return runner.invoke(app, ["evaluate", *map(str, args)])


def test_help_has_an_example():
    result = runner.invoke(app, ["evaluate", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_scores_table_and_reports(tmp_path, pred_dir):
    md, js = tmp_path / "r.md", tmp_path / "r.json"
    assert invoke(GOLD, "--pred", pred_dir, "--report", md).exit_code == 0
    result = invoke(GOLD, "--pred", pred_dir, "--report", js, "--show-errors", "5")
    assert result.exit_code == 0, result.output
    assert "ROUTE" in result.output and "micro" in result.output
    assert "[[intranasally]]" in result.output  # the error table, contexts printed verbatim
    assert "| esketamine-trial | ROUTE | missed |" in md.read_text()
    data = json.loads(js.read_text())
    assert data["labels"]["ROUTE"]["strict"]["fn"] == 1 and data["regressions"] == []
    assert data["errors"][0]["context"]


def test_fail_under_exits_1_and_names_the_label(tmp_path, pred_dir):
    report = tmp_path / "r.md"
    result = invoke(GOLD, "--pred", pred_dir, "--fail-under", "0.5", "--report", report)
    assert result.exit_code == 1
    assert "ROUTE: strict F1 0.000 is under --fail-under 0.500" in result.output
    assert "## Regressions" in report.read_text()
    assert invoke(GOLD, "--pred", pred_dir, "--fail-under", "0.5", "--labels", "DRUG,DOSE").exit_code == 0


def test_baseline_regression_exits_1(tmp_path, pred_dir):
    baseline = tmp_path / "baseline.json"
    perfect = write_predictions(tmp_path / "perfect", gold_records())
    assert invoke(GOLD, "--pred", perfect, "--save-baseline", baseline).exit_code == 0
    assert json.loads(baseline.read_text())["labels"]["ROUTE"]["strict"]["f1"] == 1.0
    assert invoke(GOLD, "--pred", perfect, "--baseline", baseline, "--tolerance", "0").exit_code == 0
    result = invoke(GOLD, "--pred", pred_dir, "--baseline", baseline)
    assert result.exit_code == 1
    assert "ROUTE: strict F1 fell from 1.000 to 0.000" in result.output


def test_runs_the_default_pipeline_without_pred():
    result = invoke(GOLD, "--labels", "CITATION")
    assert result.exit_code == 0, result.output
    assert "CITATION" in result.output


def run_cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "evaluate", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def test_bad_input_is_one_line_exit_2(tmp_path):
    r = run_cli(tmp_path / "missing.jsonl", "--pred", tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "gold path not found" in r.stderr


BAD = [
    ("pred and model", ["--pred", "{pred}", "--model", "default"], "not both"),
    ("report suffix", ["--pred", "{pred}", "--report", "{tmp}/r.txt"], ".md or .json"),
    ("unknown label", ["--pred", "{pred}", "--labels", "GENE"], "unknown label"),
    ("unknown label map", ["--pred", "{pred}", "--label-map", "nope"], "no label map"),
    ("bad metric", ["--pred", "{pred}", "--metric", "fuzzy"], "strict or lenient"),
    ("fail-under range", ["--pred", "{pred}", "--fail-under", "5"], "between 0 and 1"),
    ("missing baseline", ["--pred", "{pred}", "--baseline", "{tmp}/none.json"], "baseline not found"),
    ("pred not a folder", ["--pred", "{tmp}/nothing"], "prediction folder not found"),
    ("unknown model", ["--model", "no-such-model"], "no pipeline named"),
]


@pytest.mark.parametrize("args,message", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_usage_exits_2(tmp_path, pred_dir, args, message):
    result = invoke(GOLD, *(a.format(pred=pred_dir, tmp=tmp_path) for a in args))
    assert result.exit_code == 2
    assert message in result.output


def test_mismatched_text_exits_2(tmp_path):
    records = gold_records()
    records[0]["text"] = records[0]["text"].upper()
    result = invoke(GOLD, "--pred", write_predictions(tmp_path / "p", records))
    assert result.exit_code == 2 and "predictions were made on another text" in result.output


def test_bad_gold_exits_2(tmp_path, pred_dir):
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"id": "a", "text": "abc", "spans": [{"start": 0, "end": 9, "label": "DRUG"}]}\n')
    result = invoke(bad, "--pred", pred_dir)
    assert result.exit_code == 2 and "line 1" in result.output and "outside the text" in result.output
