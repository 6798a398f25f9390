"""The extract job at scale: worker processes, resuming after SIGKILL, per-document limits, Dask."""

import gzip
import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from spacy.language import Language

from extractor.pipeline.load import load
from extractor.reading.readers import read_source
from extractor.running.job import extract
from extractor.tables.read import read_table
from extractor.tables.rows import ALL_COLUMNS
from tests.conftest import ROOT, shared_pipeline

FIXTURES = ROOT / "tests" / "fixtures" / "inputs"

SENTENCES = [
    "Ketamine 0.35 mg/kg/h was infused for {n} days in {m} patients [{r}].",
    "Pain scores fell at week {n} compared with placebo (n = {m}).",
    "The N-methyl-D-aspartate (NMDA) receptor was blocked in {m} rats given NMDA antagonists.",
    "Oral morphine 10 mg twice daily did not reduce pain at {n} weeks [{r}-{m}].",
    "Adverse events may be more frequent with higher doses.",
]


@Language.component("claimx_test_trouble")
def trouble(doc):
    """A test-only component that misbehaves on request, to exercise the per-document limits."""
    if "HANG" in doc.text:
        time.sleep(600)
    if "EXHAUST" in doc.text:
        bytearray(4 * 1024 ** 3)  # more than --max-memory allows
    if "CRASH" in doc.text:
        os.kill(os.getpid(), signal.SIGKILL)
    if "LEAK" in doc.text:
        _LEAKED.append(b"x" * 300 * 1024 ** 2)  # kept for the life of the worker
    return doc


_LEAKED: list[bytes] = []


def troubled_pipeline(model: str) -> Language:
    nlp = load(model)
    nlp.add_pipe("claimx_test_trouble")
    return nlp


def make_corpus(folder, n_texts=12, mixed=True):
    """Small documents of every kind, written here (no shared data needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_texts):
        text = " ".join(s.format(n=i % 7 + 1, m=10 + i, r=i % 9 + 1) for s in SENTENCES[i % 3:i % 3 + 3])
        sub = folder / f"group{i % 3}"
        sub.mkdir(exist_ok=True)
        (sub / f"doc{i:03d}.txt").write_text(text, encoding="utf-8")
    if mixed:
        (folder / "infusion-trial.pdf").write_bytes((FIXTURES / "infusion-trial.pdf").read_bytes())
        (folder / "nerve-block.nxml.gz").write_bytes(gzip.compress((FIXTURES / "nerve-block.nxml").read_bytes()))
        records = [{"pmid": f"p{i}", "abstract": SENTENCES[i % 5].format(n=i, m=20 + i, r=3)} for i in range(5)]
        records.append({"pmid": "broken", "abstract": None})
        (folder / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        (folder / "empty.txt").write_text("")
    return folder


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as sorted strings, so runs can be compared row for row."""
    text = frame.astype(object).where(frame.notna(), None).map(
        lambda v: ";".join(map(str, v)) if hasattr(v, "__len__") and not isinstance(v, str) else str(v))
    return text.sort_values(list(text.columns)).reset_index(drop=True)


def tables(out) -> dict[str, pd.DataFrame]:
    return {name: canonical(read_table(out, name)) for name in ALL_COLUMNS}


def assert_same_tables(a, b):
    ta, tb = tables(a), tables(b)
    for name in ALL_COLUMNS:
        pd.testing.assert_frame_equal(ta[name], tb[name], obj=name)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus") / "in")


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory):
    """The corpus analysed in this process, no workers: what every other run must reproduce."""
    out = tmp_path_factory.mktemp("reference")
    summary = extract([str(corpus)], out, fmt="parquet", id_field="pmid", text_field="abstract",
                      workers=0, batch_size=4, loader=shared_pipeline)
    assert summary.documents == 21 and summary.failed == 2
    return out


@pytest.mark.parametrize("workers", [1, 2])
def test_tables_are_the_same_whatever_the_number_of_workers(corpus, reference, tmp_path, workers):
    summary = extract([str(corpus)], tmp_path, fmt="parquet", id_field="pmid", text_field="abstract",
                      workers=workers, batch_size=3)
    assert (summary.documents, summary.failed, summary.workers) == (21, 2, workers)
    assert_same_tables(reference, tmp_path)


def test_offsets_index_the_text_read_source_gives_back(reference):
    docs = read_table(reference, "documents").set_index("doc_id")
    texts = {doc_id: read_source(row["source"], doc_id) for doc_id, row in docs.iterrows() if row["status"] == "ok"}
    assert {"infusion-trial", "nerve-block", "p0", "group0__doc000"} <= set(texts)
    checked = 0
    for name, columns in ALL_COLUMNS.items():
        if not {"start", "end", "text"} <= set(columns):
            continue
        for row in read_table(reference, name).itertuples():
            assert texts[row.doc_id][row.start:row.end] == row.text, (name, row)
            checked += 1
    assert checked > 0


def test_errors_are_rows_and_do_not_stop_the_batch(reference):
    docs = read_table(reference, "documents").set_index("doc_id")
    assert docs.loc["empty", "error"] == "empty file"
    assert docs.loc["broken", "error"] == "line 6: no field 'abstract' (set --text-field)"
    assert (docs.drop(["empty", "broken"])["status"] == "ok").all()
    assert docs["content_hash"].str.fullmatch(r"[0-9a-f]{32}").all()


def run_cli(*args, **kwargs):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, **kwargs)


def committed_documents(out, fmt) -> int:
    try:
        return len(read_table(out, "documents"))
    except Exception:  # noqa: BLE001 - not written yet
        return 0


@pytest.mark.parametrize("fmt", ["csv", pytest.param("parquet", marks=pytest.mark.slow)])
def test_sigkill_then_resume_gives_the_uninterrupted_tables(tmp_path, fmt, extract_here):
    n = 40  # 20 batches: the run is killed after 5 of them
    corpus = make_corpus(tmp_path / "in", n_texts=n, mixed=False)
    whole = tmp_path / "whole"
    extract([str(corpus)], whole, fmt=fmt, workers=0, batch_size=2, loader=shared_pipeline)
    out = tmp_path / "out"
    args = ["extract", str(corpus), "--out", str(out), "--format", fmt, "--batch-size", "2"]
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args, "--workers", "1"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while committed_documents(out, fmt) < 10 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = committed_documents(out, fmt)
    assert 10 <= done_before < n, "the run must be killed half-way for this test to mean anything"
    # only the killed run needs processes of its own: the resume reads what it left, in this process
    code, stderr = invoke(*args, "--workers", "0", "--resume")
    assert code == 0, stderr
    assert f"{n - done_before} documents, 0 failed, {done_before} already done" in stderr
    assert_same_tables(whole, out)
    if fmt == "csv":  # appended in input order: the very same bytes
        for name in ALL_COLUMNS:
            assert (out / f"{name}.csv").read_bytes() == (whole / f"{name}.csv").read_bytes(), name


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl", "xlsx"])
def test_resume_replaces_changed_documents_and_adds_new_ones(tmp_path, fmt):
    corpus = make_corpus(tmp_path / "in", n_texts=6, mixed=False)
    out = tmp_path / "out"
    extract([str(corpus)], out, fmt=fmt, workers=0, batch_size=2, loader=shared_pipeline)
    (corpus / "group1" / "doc001.txt").write_text("The N-methyl-D-aspartate (NMDA) receptor was blocked.")
    (corpus / "group2" / "new.txt").write_text("Naloxone 0.4 mg was given intravenously.")
    summary = extract([str(corpus)], out, fmt=fmt, workers=0, batch_size=2, resume=True, loader=shared_pipeline)
    assert (summary.documents, summary.skipped) == (2, 5)
    fresh = tmp_path / "fresh"
    extract([str(corpus)], fresh, fmt=fmt, workers=0, batch_size=2, loader=shared_pipeline)
    assert_same_tables(fresh, out)
    assert (read_table(out, "documents")["doc_id"] == "group1__doc001").sum() == 1


def invoke(*args):
    """The CLI in this process (faster than a subprocess): (exit code, stderr)."""
    from typer.testing import CliRunner

    from extractor.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stderr


def test_resume_into_another_format_is_a_usage_error(tmp_path, extract_here):
    corpus = make_corpus(tmp_path / "in", n_texts=1, mixed=False)
    assert invoke("extract", str(corpus), "--out", str(tmp_path / "o"), "--workers", "0")[0] == 0
    code, stderr = invoke("extract", str(corpus), "--out", str(tmp_path / "o"), "--format", "jsonl", "--resume")
    assert code == 2
    assert "holds csv tables; resume with --format csv" in stderr and stderr.count("\n") == 1


@pytest.mark.parametrize("trigger, options, reason", [
    ("HANG", {"doc_timeout": 1}, "stopped after --doc-timeout 1 s"),
    ("EXHAUST", {"max_memory_mb": 1536}, "pipeline failed: out of memory (--max-memory 1536 MB)"),
    pytest.param("CRASH", {}, "worker process died (killed by signal 9)", marks=pytest.mark.slow),
], ids=["hang", "memory", "crash"])
def test_a_misbehaving_document_is_stopped_and_recorded(tmp_path, trigger, options, reason):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name, text in [("a", "Ketamine was given for 4 days."), ("b", f"{trigger} this one."),
                       ("c", "Placebo was given (n = 30).")]:
        (corpus / f"{name}.txt").write_text(text)
    summary = extract([str(corpus)], tmp_path / "out", workers=1, batch_size=3, loader=troubled_pipeline,
                      **{"doc_timeout": 60, "max_memory_mb": 1536, **options})
    assert (summary.documents, summary.failed) == (3, 1)
    docs = read_table(tmp_path / "out", "documents").set_index("doc_id")
    assert docs.loc["b", "error"].startswith(reason)
    assert list(docs.loc[["a", "c"], "status"]) == ["ok", "ok"]


def test_a_worker_whose_memory_keeps_growing_is_replaced_and_nothing_is_lost(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for i in range(4):
        (corpus / f"d{i}.txt").write_text(f"LEAK {i}: ketamine was given for {i + 1} days.")
    summary = extract([str(corpus)], tmp_path / "out", workers=1, batch_size=1, loader=troubled_pipeline)
    assert summary.recycled >= 1
    assert (summary.documents, summary.failed) == (4, 0)
    durations = read_table(tmp_path / "out", "mentions").query("label == 'DURATION'")
    assert sorted(durations["doc_id"]) == ["d0", "d1", "d2", "d3"]


def test_dask_local_cluster_writes_the_same_tables(corpus, reference, tmp_path):
    distributed = pytest.importorskip("distributed", reason="Dask is an extra: pip install '.[dask]'")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        summary = extract([str(corpus)], tmp_path, fmt="parquet", id_field="pmid", text_field="abstract",
                          scheduler=cluster.scheduler_address, batch_size=5, loader=shared_pipeline)
    assert (summary.documents, summary.failed) == (21, 2)
    assert sorted(p.name for p in (tmp_path / "documents").iterdir() if p.suffix == ".parquet") == [
        f"part-{i:06d}.parquet" for i in range(5)]
    assert_same_tables(reference, tmp_path)


def test_stdin_records_with_text_field(tmp_path):
    stdin = json.dumps({"id": "a1", "body": "Ketamine 5 mg was given."}) + "\n"
    r = run_cli("extract", "-", "--out", str(tmp_path), "--text-field", "body", "--workers", "0", input=stdin)
    assert r.returncode == 0, r.stderr
    docs = read_table(tmp_path, "documents")
    assert docs["doc_id"].tolist() == ["a1"]
    assert read_source(docs["source"][0], "a1") == "Ketamine 5 mg was given."


def test_quiet_when_not_a_terminal_one_summary_line(tmp_path):
    corpus = make_corpus(tmp_path / "in", n_texts=2, mixed=False)
    r = run_cli("extract", str(corpus), "--out", str(tmp_path / "o"), "--workers", "1")
    assert r.returncode == 0
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("2 documents, 0 failed, ")
    assert "words/s" in r.stderr


@pytest.mark.parametrize("args, message", [
    (["--workers", "-1"], "--workers must be 0 or more"),
    (["--batch-size", "0"], "--batch-size must be at least 1"),
    pytest.param(["--scheduler", "tcp://127.0.0.1:1"], "cannot reach the Dask scheduler",
                 marks=pytest.mark.slow),  # waits for the connection timeout
], ids=["workers", "batch-size", "scheduler"])
def test_bad_batch_options_are_one_line_exit_2(tmp_path, args, message):
    (tmp_path / "a.txt").write_text("Text.")
    if args[0] == "--scheduler":
        pytest.importorskip("distributed", reason="Dask is an extra: pip install '.[dask]'")
    code, stderr = invoke("extract", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o"), *args)
    assert code == 2
    assert message in stderr and stderr.count("\n") == 1


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl", "xlsx"])
def test_write_tables_of_any_name_reads_back(tmp_path, fmt):
    from extractor.tables.writers import write_tables

    frame = pd.DataFrame({"doc_id": ["a", "b"], "score": [0.5, 1.0]})
    write_tables({"scores": frame}, tmp_path, fmt)
    back = read_table(tmp_path, "scores")
    assert back["doc_id"].tolist() == ["a", "b"] and back["score"].tolist() == [0.5, 1.0]


def test_a_memory_limit_too_low_for_the_pipeline_is_one_line_exit_2(tmp_path):
    (tmp_path / "a.txt").write_text("Text.")
    r = run_cli("extract", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o"), "--workers", "1",
                "--max-memory", "64")
    assert r.returncode == 2
    assert "--max-memory" in r.stderr and r.stderr.count("\n") == 1


def test_memory_zones_change_no_row(nlp):
    """Workers analyse each batch inside a spaCy memory zone; the rows must be those of a plain run
    (a component that keeps string ids across documents would break this)."""
    from extractor.pipeline.annotate import warm_up
    from extractor.reading.readers import Item, content_hash, jats_text, pdf_text, to_document
    from extractor.running.batches import extract_rows, process_items
    from tests.conftest import SEED

    texts = [" ".join(s.format(n=i, m=10 + i, r=i) for s in SENTENCES) for i in range(3)]
    texts += [pdf_text((FIXTURES / "infusion-trial.pdf").read_bytes()),
              jats_text((FIXTURES / "nerve-block.nxml").read_bytes())]
    if SEED.exists():
        texts.append(SEED.read_text(encoding="utf-8"))
    items = [Item(f"t{i}", "test", "record", text, content_hash(text)) for i, text in enumerate(texts)]
    warm_up(nlp)
    zoned = [process_items(nlp, [item])[0] for item in items]  # each in its own zone, as in a worker
    plain = extract_rows(nlp, [to_document(item) for item in items])
    for name in ALL_COLUMNS:
        got = pd.DataFrame([row for rows in zoned for row in rows.get(name, [])], columns=list(ALL_COLUMNS[name]))
        want = pd.DataFrame(plain[name], columns=list(ALL_COLUMNS[name]))
        pd.testing.assert_frame_equal(canonical(got), canonical(want), obj=name)


def test_pipeline_batches_are_bounded_by_characters_and_rows_do_not_change(nlp, monkeypatch):
    """Long documents go to the pipeline in batches of at most MAX_BATCH_CHARS characters (a longer
    one alone), so a worker's memory does not grow with the batch; the rows are those of one batch."""
    from extractor.pipeline import annotate as annotate_module
    from extractor.pipeline.annotate import annotate
    from extractor.reading.document import Document
    from extractor.running.batches import extract_rows

    text = " ".join(SENTENCES).format(n=3, m=12, r=4)
    documents = [Document(f"d{i}", text * reps, "test") for i, reps in enumerate([40, 5, 60, 2, 1, 80])]
    want = extract_rows(nlp, documents, batch_size=32)  # one batch: 6 documents

    monkeypatch.setattr(annotate_module, "MAX_BATCH_CHARS", 30 * len(text))
    sizes = []
    real_pipe = nlp.pipe

    def recording_pipe(texts, **kwargs):
        sizes.append([len(t) // len(text) for t in texts])
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", recording_pipe)
    assert [d.id for d, _ in annotate(nlp, documents)] == [d.id for d in documents]
    assert sizes == [[40], [5], [60], [2, 1], [80]]
    got = extract_rows(nlp, documents, batch_size=32)
    for name in ALL_COLUMNS:
        assert got[name] == want[name], name
