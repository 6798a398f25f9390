"""Documents longer than spaCy's max_length (1,000,000 characters) are analysed in pieces:
offsets into the original text, sentence ids continuing, the same mentions as each paragraph
alone."""

from __future__ import annotations

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
