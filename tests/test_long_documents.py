"""Documents longer than spaCy's max_length (1,000,000 characters) are analysed in pieces:
offsets into the original text, sentence ids continuing, the same mentions as each paragraph
alone."""

from __future__ import annotations

import pandas as pd
import pytest

from extractor.pipeline.annotate import MAX_PIECE_CHARS, split_text, table_rows
from extractor.reading.document import Document

# PDF-like paragraphs: a line break inside each, a ligature, so the clean text differs from the
# original and every offset goes through the normaliser's map
PARAGRAPHS = [
    "Patients (n = 30) received ketamine 0.5 mg/kg intravenously twice daily for 4 weeks [1].\n"
    "Pain scores were signiﬁcantly reduced compared with placebo (p < 0.05).",
    "In the open-label extension, 12 participants took oral methadone 10 mg once daily for\n"
    "6 months. Ketamine did not improve sleep quality compared with placebo [2, 3].",
    "Lidocaine 1.5 mg/kg was given as an infusion over 30 minutes in 45 patients with\n"
    "neuropathic pain. Nausea was reported by 3 patients.",
]


def _mentions(rows, shift=0):
    return [(r["start"] + shift, r["end"] + shift, r["label"], r["text"]) for r in rows["mentions"]]


@pytest.mark.parametrize(("text", "cut_after"), [
    ("a" * 50 + ". B" + "b" * 20 + "\n\n" + "c" * 60, "\n\n"),  # a paragraph break first
    ("a" * 50 + ". Bb bb" + "b" * 60, ". "),  # else a sentence end
    ("a" * 50 + " b" + "b" * 60, " "),  # else a space
])
def test_split_text_cuts_at_a_paragraph_else_a_sentence_else_a_space(text, cut_after):
    (a, cut), (cut_, end) = split_text(text, 100)
    assert (a, cut_, end) == (0, cut, len(text))
    assert text[:cut].endswith(cut_after)


def test_split_text_covers_the_text_in_pieces_of_at_most_max_chars():
    text = "word " * 1000 + "x" * 250
    pieces = split_text(text, 100)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(end - start <= 100 for start, end in pieces)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
    assert split_text("short", 100) == [(0, 5)]


def test_a_text_over_a_million_characters_is_analysed_in_pieces(nlp_rules):
    alone = [next(table_rows(nlp_rules, [Document("p", p, "t")]))[1] for p in PARAGRAPHS]
    sentences = [r["documents"][0]["n_sentences"] for r in alone]
    repeats = 1_200_000 // len("\n\n".join(PARAGRAPHS)) + 1
    paragraphs = PARAGRAPHS * repeats
    text = "\n\n".join(paragraphs)
    assert len(text) > 1_200_000 and len(split_text(text)) > 2

    ((document, rows),) = table_rows(nlp_rules, [Document("long", text, "t")], memory_zone=True)

    row = rows["documents"][0]
    assert (row["status"], row["error"]) == ("ok", None)
    assert row["n_sentences"] == sum(sentences) * repeats
    assert row["n_words"] == sum(r["documents"][0]["n_words"] for r in alone) * repeats
    for table in ("mentions", "claims", "citations"):
        for r in rows[table]:
            assert text[r["start"]:r["end"]] == r["text"]
    # the mentions of each paragraph analysed alone, shifted to where it is, with their
    # sentence ids shifted by the sentences before it: no sentence is cut at a piece boundary
    expected, expected_claims, start, sent = [], [], 0, 0
    for i, paragraph in enumerate(paragraphs):
        one = alone[i % len(PARAGRAPHS)]
        expected += [(s + start, e + start, label, t, sid + sent) for s, e, label, t, sid in
                     ((r["start"], r["end"], r["label"], r["text"], r["sent_id"]) for r in one["mentions"])]
        expected_claims += [(r["start"] + start, r["text"].strip(), r["sent_id"] + sent) for r in one["claims"]]
        start += len(paragraph) + 2
        sent += sentences[i % len(PARAGRAPHS)]
    got = [(r["start"], r["end"], r["label"], r["text"], r["sent_id"]) for r in rows["mentions"]]
    assert got == expected
    # (a claim, a sentence, keeps the blank line after it, as in any document)
    assert [(r["start"], r["text"].strip(), r["sent_id"]) for r in rows["claims"]] == expected_claims
    assert expected_claims  # the check means something


def test_pieces_of_a_short_document_are_the_whole_document(nlp_rules):
    text = "\n\n".join(PARAGRAPHS)
    assert len(text) < MAX_PIECE_CHARS
    ((_, whole),) = table_rows(nlp_rules, [Document("d", text, "t")])
    ((_, pieces),) = table_rows(nlp_rules, [Document("d", text, "t")], max_chars=200)
    assert len(split_text(text, 200)) > 1
    assert _mentions(pieces) == _mentions(whole)
    assert [r["sent_id"] for r in pieces["mentions"]] == [r["sent_id"] for r in whole["mentions"]]
    assert pieces["documents"] == whole["documents"]


def test_a_failing_piece_fails_its_document_only(nlp_rules, monkeypatch):
    long = "\n\n".join(PARAGRAPHS * 3)
    documents = [Document("long", long, "t"), Document("short", PARAGRAPHS[0], "t")]
    original = type(nlp_rules).__call__

    def breaks_on_methadone(self, text, *args, **kwargs):
        if "methadone" in text:
            raise ValueError("broken")
        return original(self, text, *args, **kwargs)

    monkeypatch.setattr(type(nlp_rules), "pipe", lambda self, texts, **kw: [self(t) for t in texts])
    monkeypatch.setattr(type(nlp_rules), "__call__", breaks_on_methadone)
    by_id = {d.id: rows for d, rows in table_rows(nlp_rules, documents, max_chars=300)}
    assert by_id["long"]["documents"][0]["status"] == "error"
    assert by_id["long"]["documents"][0]["error"].startswith("pipeline failed: ValueError")
    assert list(by_id["long"]) == ["documents"]
    assert by_id["short"]["documents"][0]["status"] == "ok" and by_id["short"]["mentions"]


def test_fewer_documents_than_a_batch_start_no_worker_processes(tmp_path, monkeypatch):
    from extractor.running import job
    from tests.conftest import shared_pipeline

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(job, "WorkerPool", no_pool)
    monkeypatch.setattr(job, "default_workers", lambda: 4)
    (tmp_path / "one.txt").write_text(PARAGRAPHS[0], encoding="utf-8")
    summary = job.extract([str(tmp_path / "one.txt")], tmp_path / "out", fmt="jsonl", model="rules",
                          loader=shared_pipeline)
    assert (summary.documents, summary.failed, summary.workers) == (1, 0, 0)


def test_a_full_batch_still_goes_to_the_worker_pool(tmp_path, monkeypatch):
    from extractor.running import job

    started = []

    class Pool:
        def __init__(self, n, *args, **kwargs):
            started.append(n)

        def run(self, batches):
            raise RuntimeError("stop here")

    monkeypatch.setattr(job, "WorkerPool", Pool)
    monkeypatch.setattr(job, "default_workers", lambda: 4)
    for i in range(2):
        (tmp_path / f"{i}.txt").write_text(PARAGRAPHS[i], encoding="utf-8")
    with pytest.raises(RuntimeError, match="stop here"):
        job.extract([str(tmp_path)], tmp_path / "out", fmt="jsonl", model="rules", batch_size=2)
    assert started == [4]


# ---------------------------------------------------------------- written piece by piece

def _write_corpus(folder, long_repeats=4):
    """short, long (several pieces at max_chars=300), short: in that (sorted) order."""
    folder.mkdir()
    (folder / "a.txt").write_text(PARAGRAPHS[0], encoding="utf-8")
    (folder / "b.txt").write_text("\n\n".join(PARAGRAPHS * long_repeats), encoding="utf-8")
    (folder / "c.txt").write_text(PARAGRAPHS[2], encoding="utf-8")
    return folder


def _tables(out):
    from extractor.tables.read import read_table
    from extractor.tables.rows import ALL_COLUMNS

    return {name: read_table(out, name).drop(columns=["seconds"], errors="ignore") for name in ALL_COLUMNS}


def _expected(nlp, folder, max_chars):
    """What the rows of table_rows give, written in one go."""
    from extractor.reading.readers import ReadOptions, iter_items, to_document
    from extractor.tables.rows import frames_from_rows

    documents = [to_document(item) for item in iter_items([str(folder)], ReadOptions())]
    merged = {}
    for _, rows in table_rows(nlp, documents, max_chars=max_chars):
        for name, table in rows.items():
            merged.setdefault(name, []).extend(table)
    return frames_from_rows(merged)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_a_long_document_written_piece_by_piece_gives_its_rows_in_text_order(nlp_rules, tmp_path, monkeypatch, fmt):
    from extractor.pipeline import annotate
    from extractor.running.job import extract
    from tests.conftest import shared_pipeline

    folder = _write_corpus(tmp_path / "in")
    monkeypatch.setattr(annotate, "MAX_PIECE_CHARS", 300)
    writes = []
    from extractor.tables.writers import TableSink
    original = TableSink.write_rows
    monkeypatch.setattr(TableSink, "write_rows", lambda self, frames: (writes.append(1), original(self, frames)))
    extract([str(folder)], tmp_path / "out", fmt=fmt, model="rules", workers=0, loader=shared_pipeline)
    assert len(writes) > 3  # the long document was written in pieces
    got, expected = _tables(tmp_path / "out"), _expected(nlp_rules, folder, 300)
    for name in ("documents", "mentions", "claims", "citations"):
        want = expected[name]
        assert list(got[name]["doc_id"]) == list(want["doc_id"]), name
        for column in ("start", "end", "text", "sent_id"):
            if column in want:
                assert list(got[name][column]) == list(want[column]), (name, column)
    assert list(got["documents"]["doc_id"]) == ["a", "b", "c"]
    assert list(got["documents"]["status"]) == ["ok"] * 3


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_a_long_document_failing_in_a_later_piece_leaves_only_its_error_row(tmp_path, monkeypatch, fmt):
    from extractor.pipeline import annotate
    from extractor.running.job import extract
    from tests.conftest import shared_pipeline

    folder = _write_corpus(tmp_path / "in")
    text = (folder / "b.txt").read_text(encoding="utf-8")
    (folder / "b.txt").write_text(text + "\n\nLidocaine was FAILING here.", encoding="utf-8")
    monkeypatch.setattr(annotate, "MAX_PIECE_CHARS", 300)
    nlp = shared_pipeline("rules")
    original = type(nlp).__call__

    def fails(self, text, *args, **kwargs):
        if "FAILING" in text:
            raise ValueError("broken")
        return original(self, text, *args, **kwargs)

    monkeypatch.setattr(type(nlp), "pipe", lambda self, texts, **kw: [self(t) for t in texts])
    monkeypatch.setattr(type(nlp), "__call__", fails)
    summary = extract([str(folder)], tmp_path / "out", fmt=fmt, model="rules", workers=0, loader=shared_pipeline)
    tables = _tables(tmp_path / "out")
    assert (summary.documents, summary.failed) == (3, 1)
    assert list(tables["documents"]["status"]) == ["ok", "error", "ok"]
    assert "b" not in set(tables["mentions"]["doc_id"])
    assert {"a", "c"} <= set(tables["mentions"]["doc_id"])


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_run_killed_inside_a_long_document_resumes_to_the_uninterrupted_tables(tmp_path, monkeypatch, fmt):
    from extractor.pipeline import annotate
    from extractor.running.job import extract
    from tests.conftest import shared_pipeline

    folder = _write_corpus(tmp_path / "in")
    monkeypatch.setattr(annotate, "MAX_PIECE_CHARS", 300)
    extract([str(folder)], tmp_path / "whole", fmt=fmt, model="rules", workers=0, loader=shared_pipeline,
            batch_size=2)
    nlp = shared_pipeline("rules")
    original, calls = type(nlp).pipe, []

    def dies_in_the_long_document(self, texts, **kwargs):
        texts = list(texts)
        if "methadone" in " ".join(texts):  # every piece of b.txt, not a.txt nor c.txt
            calls.append(1)
            if len(calls) == 3:
                raise KeyboardInterrupt  # killed with pieces of b.txt written, uncommitted
        return original(self, texts, **kwargs)

    monkeypatch.setattr(type(nlp), "pipe", dies_in_the_long_document)
    with pytest.raises(KeyboardInterrupt):
        extract([str(folder)], tmp_path / "out", fmt=fmt, model="rules", workers=0, loader=shared_pipeline,
                batch_size=2)
    monkeypatch.setattr(type(nlp), "pipe", original)
    summary = extract([str(folder)], tmp_path / "out", fmt=fmt, model="rules", workers=0, loader=shared_pipeline,
                      batch_size=2, resume=True)
    assert summary.documents == 3  # nothing of the killed batch (a.txt, b.txt) was committed
    whole, resumed = _tables(tmp_path / "whole"), _tables(tmp_path / "out")
    for name, frame in whole.items():
        pd.testing.assert_frame_equal(resumed[name].reset_index(drop=True), frame.reset_index(drop=True),
                                      check_dtype=False, obj=name)
