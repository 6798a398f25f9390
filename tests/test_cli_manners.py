"""The CLI's manners (issue 18 item 4): version and help, one-line errors, refusing to mix runs."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from extractor import __version__
from extractor.cli import app

runner = CliRunner()


def test_version_prints_the_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"claimx {__version__}"


@pytest.mark.parametrize("command", [
    [], ["extract"], ["models"], ["evaluate"], ["review"], ["train"],
    ["train", "claims"], ["train", "direction"], ["train", "ner"], ["train", "vectors"],
])
def test_h_is_help_on_every_command(command):
    short = runner.invoke(app, [*command, "-h"])
    long = runner.invoke(app, [*command, "--help"])
    assert short.exit_code == 0 and long.exit_code == 0
    assert short.stdout == long.stdout
    assert short.stdout.startswith("Usage: ")


@pytest.mark.parametrize("command", [[], ["train"]])
def test_a_bare_group_prints_its_help_and_exits_0(command):
    result = runner.invoke(app, command)
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert "error" not in result.stderr


def test_bare_claimx_through_main_has_no_error_line(capsys):
    from extractor.cli import main

    with pytest.raises(SystemExit) as stop:
        main([])
    assert stop.value.code == 0
    out = capsys.readouterr()
    assert out.out.startswith("Usage: claimx ")
    assert "error:" not in out.err


@pytest.mark.parametrize("verb", ["claims", "direction"])
@pytest.mark.parametrize(("content", "message"), [
    (b"", "no {what} records (the file is empty)"),
    (b"\n  \n", "no {what} records (the file is empty)"),
    (b'{"text": "a"\n', "line 1: not a{n} {what} record"),
    (b"[1, 2]\n", "line 1: not a{n} {what} record"),
    (b'{"text": "a", "spans": []}\n\n{"spans": [{"start": 0}]}\n', "line 3: not a{n} {what} record"),
    (b"\xff\xfe\x00\n", "line 1: not UTF-8 text"),
    (b'{"text": "a", "spans": []}\n', "no "),
])
def test_train_on_an_empty_or_malformed_file_is_one_line_exit_2(tmp_path, verb, content, message):
    train = tmp_path / "train.jsonl"
    train.write_bytes(content)
    what = "claims" if verb == "claims" else "evidence_inference"
    expected = message.format(what=what, n="n" if what.startswith("e") else "")
    result = runner.invoke(app, ["train", verb, "--train", str(train), "--dev", str(tmp_path / "none.jsonl"),
                                 "--out", str(tmp_path / "model.json")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("claimx: error: ")
    assert str(train) in lines[0] and expected in lines[0]
    assert not (tmp_path / "model.json").exists()


@pytest.mark.parametrize("verb", ["claims", "direction"])
def test_train_on_a_folder_is_one_line_exit_2(tmp_path, verb):
    result = runner.invoke(app, ["train", verb, "--train", str(tmp_path), "--out", str(tmp_path / "m.json")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"claimx: error: [E001] training data {tmp_path} is not a file"


# --- extract into a folder that already holds tables ---------------------------------------------

FAST = ["--model", "rules", "--workers", "0"]


def extract_into(tmp_path, out, *args, text="Ketamine 0.5 mg/kg was given for 4 days (n = 30)."):
    source = tmp_path / "in.txt"
    source.write_text(text)
    return runner.invoke(app, ["extract", str(source), "--out", str(out), *FAST, *args])


@pytest.mark.parametrize("leftover", [
    "documents.csv", "mentions.jsonl", "claims.parquet", "tables.xlsx", "documents", ".claimx",
])
def test_extract_refuses_a_folder_holding_tables(tmp_path, leftover):
    out = tmp_path / "out"
    out.mkdir()
    target = out / leftover
    target.mkdir() if "." not in leftover.lstrip(".") else target.write_text("old")
    result = extract_into(tmp_path, out)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("claimx: error: ")
    assert leftover in lines[0] and "--resume" in lines[0] and "--overwrite" in lines[0]
    assert target.exists() and sorted(p.name for p in out.iterdir()) == [leftover]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "xlsx"])
def test_a_second_run_is_refused_and_overwrite_replaces_the_tables(tmp_path, fmt):
    from extractor.tables.read import read_table

    out = tmp_path / "out"
    assert extract_into(tmp_path, out, "--format", fmt).exit_code == 0
    first = read_table(out, "documents")
    assert extract_into(tmp_path, out, "--format", fmt, text="Aspirin was given.").exit_code == 2
    assert read_table(out, "documents").equals(first)
    other = "jsonl" if fmt != "jsonl" else "csv"
    result = extract_into(tmp_path, out, "--format", other, "--overwrite", text="Aspirin was given.")
    assert result.exit_code == 0, result.output
    docs = read_table(out, "documents")
    assert len(docs) == 1 and int(docs["n_words"][0]) == 3
    old = [p.name for p in out.iterdir() if p.suffix in (f".{fmt}", ".xlsx") or p.is_dir() and p.name != ".claimx"]
    assert old == []


def test_resume_keeps_the_tables_and_overwrite_with_resume_is_refused(tmp_path):
    out = tmp_path / "out"
    assert extract_into(tmp_path, out).exit_code == 0
    assert extract_into(tmp_path, out, "--resume").exit_code == 0
    both = extract_into(tmp_path, out, "--resume", "--overwrite")
    assert both.exit_code == 2 and "exclude each other" in both.stderr


@pytest.mark.parametrize("args", [["--overwrite"], ["--resume"]])
def test_no_stale_review_page_beside_new_tables(tmp_path, args):
    out = tmp_path / "out"
    assert extract_into(tmp_path, out).exit_code == 0
    assert runner.invoke(app, ["review", str(out)]).exit_code == 0
    assert (out / "review.html").exists()
    # new tables (a changed document on --resume): the old page goes
    assert extract_into(tmp_path, out, *args, text="Aspirin was given.").exit_code == 0
    assert not (out / "review.html").exists()


def test_resume_with_nothing_new_keeps_the_review_page(tmp_path):
    out = tmp_path / "out"
    assert extract_into(tmp_path, out).exit_code == 0
    assert runner.invoke(app, ["review", str(out)]).exit_code == 0
    assert extract_into(tmp_path, out, "--resume").exit_code == 0
    assert (out / "review.html").exists()


# --- files claimx cannot read ---------------------------------------------------------------------

DOCX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml\x00\x00binary"


@pytest.mark.parametrize(("name", "suffix"), [
    ("report.docx", ".docx"), ("Figure1.PNG", ".png"), ("table.csv.gz", ".csv.gz"), ("notes.md", ".md"),
])
@pytest.mark.parametrize("how", ["named", "glob"])
def test_a_file_of_another_type_is_an_error_row_saying_so(tmp_path, name, suffix, how):
    import pandas as pd

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes(DOCX)
    (tmp_path / "in" / "good.txt").write_text("Ketamine was given for 4 days.")
    inputs = [str(tmp_path / "in" / name), str(tmp_path / "in" / "good.txt")] if how == "named" else [
        f"{tmp_path}/in/*"]
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", *inputs, "--out", str(out), *FAST])
    assert result.exit_code == 1
    docs = pd.read_csv(out / "documents.csv").set_index("doc_id")
    assert docs.loc["good", "status"] == "ok"
    bad = docs.drop(index="good").iloc[0]
    assert bad["status"] == "error" and int(bad["n_words"]) == 0
    assert bad["error"] == (f"unsupported file type {suffix}: claimx reads .txt, .pdf, .xml/.nxml, .jsonl "
                            "(optionally .gz)")
    assert pd.read_csv(out / "mentions.csv").empty or set(pd.read_csv(out / "mentions.csv")["doc_id"]) == {"good"}


def test_a_folder_skips_files_of_other_types(tmp_path):
    import pandas as pd

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "report.docx").write_bytes(DOCX)
    (tmp_path / "in" / "good.txt").write_text("Ketamine was given for 4 days.")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(tmp_path / "in"), "--out", str(out), *FAST])
    assert result.exit_code == 0
    assert pd.read_csv(out / "documents.csv")["doc_id"].tolist() == ["good"]
    # but not silently: one line names what was left out
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: skipped")]
    assert len(notes) == 1 and "1 file of a type claimx cannot read" in notes[0] and "report.docx" in notes[0]


def test_a_folder_of_readable_files_has_no_skipped_note(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text("Ketamine was given for 4 days.")
    (tmp_path / "in" / "NOTES").write_text("no suffix: not read in a folder, and no note")
    result = runner.invoke(app, ["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), *FAST])
    assert result.exit_code == 0 and "skipped" not in result.stderr


def test_a_file_without_suffix_is_read_as_text(tmp_path):
    import pandas as pd

    (tmp_path / "NOTES").write_text("Ketamine was given for 4 days.")
    out = tmp_path / "out"
    assert runner.invoke(app, ["extract", str(tmp_path / "NOTES"), "--out", str(out), *FAST]).exit_code == 0
    assert pd.read_csv(out / "documents.csv")["status"].tolist() == ["ok"]


# --- a worker's unexpected failure: one line on the terminal, the trace in the error log ----------

def _raise_broken_pipe():
    raise BrokenPipeError(32, "Broken pipe")


def _raise_array_memory_error():
    import numpy as np

    np.empty((10**8, 10**8))  # numpy's ArrayMemoryError, at once


FAILURES = {"BrokenPipeError": _raise_broken_pipe, "ArrayMemoryError": _raise_array_memory_error}
# what the row says: numpy shows its ArrayMemoryError as a MemoryError
SAYS = {"BrokenPipeError": "BrokenPipeError: [Errno 32] Broken pipe",
        "ArrayMemoryError": "MemoryError: Unable to allocate"}


def crashing_pipeline(model: str):
    """The pipeline `model`, whose memory zone (entered by every batch) raises the error named
    by CLAIMX_TEST_CRASH: a failure outside any one document's pipeline run."""
    import os
    from contextlib import contextmanager

    from extractor.pipeline.load import load

    nlp = load(model)
    fail = FAILURES[os.environ["CLAIMX_TEST_CRASH"]]

    @contextmanager
    def zone():
        fail()
        yield

    nlp.memory_zone = zone
    return nlp


@pytest.mark.parametrize("error", sorted(FAILURES))
def test_a_worker_traceback_is_one_line_and_the_trace_goes_to_the_log(tmp_path, capfd, monkeypatch, error):
    from extractor.running.job import extract
    from extractor.tables.read import read_table

    monkeypatch.setenv("CLAIMX_TEST_CRASH", error)  # the spawned worker inherits it
    (tmp_path / "a.txt").write_text("Ketamine was given for 4 days.")
    out = tmp_path / "out"
    summary = extract([str(tmp_path / "a.txt")], out, model="rules", workers=1, loader=crashing_pipeline)
    assert summary.failed == 1
    log = out / ".claimx" / "errors.log"
    [row] = read_table(out, "documents").to_dict("records")
    assert row["status"] == "error" and "\n" not in row["error"]
    assert row["error"].startswith(f"worker failed: {SAYS[error]}") and row["error"].endswith(f"trace in {log}")
    stderr = capfd.readouterr().err
    assert "Traceback" not in stderr
    assert [line for line in stderr.splitlines() if "worker failed" in line] == [f"claimx: a: {row['error']}"]
    trace = log.read_text()
    assert "Traceback (most recent call last)" in trace and error in trace and "worker failed on a" in trace


def test_an_unknown_model_writes_nothing_so_the_next_run_is_not_refused(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("Ketamine 10 mg was given.", encoding="utf-8")
    out = tmp_path / "out"
    first = CliRunner().invoke(app, ["extract", str(text), "--out", str(out), "--model", "no-such-model"])
    assert first.exit_code == 2
    assert not out.exists()
    second = CliRunner().invoke(app, ["extract", str(text), "--out", str(out), "--model", "rules", "--workers", "0"])
    assert second.exit_code == 0, second.output


@pytest.mark.parametrize("error", sorted(FAILURES))
def test_a_run_that_stops_in_process_is_one_line_and_the_trace_goes_to_the_log(tmp_path, capfd, monkeypatch, error):
    """--workers 0: the failure is the run's own, not a worker's; the tables written so far stay."""
    import extractor.running.job as job
    from extractor.cli import main

    def crash(nlp):
        FAILURES[error]()

    monkeypatch.setattr(job, "warm_up", crash)
    (tmp_path / "a.txt").write_text("Ketamine was given for 4 days.")
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stop:
        main(["extract", str(tmp_path / "a.txt"), "--out", str(out), *FAST])
    assert stop.value.code == 1
    stderr = capfd.readouterr().err
    log = out / ".claimx" / "errors.log"
    assert "Traceback" not in stderr
    [line] = [line for line in stderr.splitlines() if line.strip()]
    assert line.startswith(f"claimx: error: extract stopped: {SAYS[error].split(':')[0]}")
    assert f"full trace in {log}" in line and "--resume" in line
    assert "Traceback (most recent call last)" in log.read_text()


def test_an_unexpected_failure_of_any_command_is_one_line(tmp_path, capfd, monkeypatch):
    import tempfile

    import extractor.review as review
    from extractor.cli import main

    def crash(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe") from KeyError("inner")

    monkeypatch.setattr(review, "write_review", crash)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(SystemExit) as stop:
        main(["review", str(tmp_path)])
    stderr = capfd.readouterr().err
    assert stop.value.code == 1 and stderr == ""  # a closed pipe (`| head`): click exits quietly
    monkeypatch.setattr(review, "write_review", lambda *a, **k: {}["missing key"])
    with pytest.raises(SystemExit) as stop:
        main(["review", str(tmp_path)])
    [line] = capfd.readouterr().err.splitlines()
    log = tmp_path / "claimx-errors.log"
    assert stop.value.code == 1
    assert line == f"claimx: error: claimx failed: KeyError: 'missing key'; full trace in {log}"
    assert "Traceback (most recent call last)" in log.read_text()


def test_a_task_that_fails_on_a_local_dask_cluster_is_one_line_and_the_trace_goes_to_the_log(
        tmp_path, capfd, monkeypatch):
    pytest.importorskip("distributed")
    from extractor.running.job import extract
    from extractor.tables.read import read_table

    monkeypatch.setenv("CLAIMX_TEST_CRASH", "BrokenPipeError")
    (tmp_path / "a.txt").write_text("Ketamine was given for 4 days.")
    out = tmp_path / "out"
    summary = extract([str(tmp_path / "a.txt")], out, model="rules", workers=1, dask=True, loader=crashing_pipeline)
    assert summary.failed == 1
    log = out / ".claimx" / "errors.log"
    [row] = read_table(out, "documents").to_dict("records")
    assert row["error"] == f"failed on the cluster: {SAYS['BrokenPipeError']}; full trace in {log}"
    stderr = capfd.readouterr().err
    assert "Traceback" not in stderr and "Compute Failed" not in stderr
    assert [line for line in stderr.splitlines() if "failed on the cluster" in line] == [f"claimx: a: {row['error']}"]
    assert "Traceback (most recent call last)" in log.read_text() and "_raise_broken_pipe" in log.read_text()
