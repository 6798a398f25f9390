"""Inputs: every supported kind, ids, sources that re-read, and hostile files. No pipeline needed."""

import gzip
import json
import shutil

import pytest

from extractor.errors import DocumentError, UsageError
from extractor.reading.readers import (
    ReadOptions,
    count_documents,
    document_id,
    iter_items,
    jats_text,
    pdf_text,
    read_source,
    safe_id,
    split_suffix,
    to_document,
)
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
PDF = FIXTURES / "inputs" / "infusion-trial.pdf"
JATS = FIXTURES / "inputs" / "nerve-block.nxml"


def documents(paths, **options):
    options = ReadOptions(**options)
    return [to_document(item, options.max_bytes) for item in iter_items([str(p) for p in paths], options)]


@pytest.mark.parametrize("raw, expected", [
    ("paper", "paper"),
    ("trials/2019/smith", "trials__2019__smith"),
    ("a b:c*d?", "a_b_c_d_"),
    ("../../etc/passwd", "etc__passwd"),
    (".hidden", "hidden"),
    ("-rf", "rf"),
    ("", "doc"),
    ("///", "doc"),
    ("étude-über", "étude-über"),
    ("a~2", "a_2"),
    ("x" * 200, "x" * 109 + "-" + __import__("hashlib").sha1(b"x" * 200).hexdigest()[:10]),
], ids=["plain", "folders", "unsafe-chars", "dot-dot", "leading-dot", "leading-dash", "empty", "slashes",
        "unicode-letters", "tilde-reserved", "too-long"])
def test_safe_id(raw, expected):
    result = safe_id(raw)
    assert result == expected
    assert "/" not in result and len(result) <= 120


@pytest.mark.parametrize("name, expected", [
    ("paper.txt", ("paper", "text", False)),
    ("paper.nxml.gz", ("paper", "jats", True)),
    ("PAPER.PDF", ("PAPER", "pdf", False)),
    ("records.jsonl.gz", ("records", "jsonl", True)),
    ("notes.md", ("notes.md", None, False)),
], ids=["txt", "nxml-gz", "upper-pdf", "jsonl-gz", "unknown"])
def test_split_suffix(name, expected):
    assert split_suffix(name) == expected


def test_folder_ids_are_relative_paths_and_skip_hidden_and_unsupported(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "one.txt").write_text("One.")
    (tmp_path / "a" / "two.txt.gz").write_bytes(gzip.compress(b"Two."))
    (tmp_path / "notes.md").write_text("not an input")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden")
    docs = documents([tmp_path])
    assert [(d.id, d.text) for d in docs] == [("a__b__one", "One."), ("a__two", "Two.")]
    assert docs[0].source == str((tmp_path / "a" / "b" / "one.txt").resolve())


def test_glob_ids_are_relative_to_the_fixed_part(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "p1.txt").write_text("P1.")
    (tmp_path / "x" / "p2.txt").write_text("P2.")
    assert [d.id for d in documents([f"{tmp_path}/**/*.txt"])] == ["x__p1", "x__p2"]


def test_glob_without_match_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no files match"):
        list(iter_items([f"{tmp_path}/*.txt"]))


def test_repeated_ids_get_a_counter(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text("A.")
    (tmp_path / "b" / "same.txt").write_text("B.")
    ids = [d.id for d in documents([tmp_path / "a" / "same.txt", tmp_path / "b" / "same.txt"])]
    assert ids == ["same", "same~2"]


def write_jsonl(path, records, gz=False):
    data = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records).encode()
    path.write_bytes(gzip.compress(data) if gz else data)


@pytest.mark.parametrize("gz", [False, True], ids=["jsonl", "jsonl-gz"])
def test_jsonl_records_with_text_and_id_fields(tmp_path, gz):
    path = tmp_path / ("recs.jsonl.gz" if gz else "recs.jsonl")
    write_jsonl(path, [{"pmid": "123", "abstract": "First."}, {"abstract": "No id."}, "", {"pmid": 7, "x": 1}],
                gz=gz)
    docs = documents([path], text_field="abstract", id_field="pmid")
    assert [(d.id, d.text, d.error) for d in docs] == [
        ("123", "First.", None), ("recs-2", "No id.", None),
        ("7", "", "line 4: no field 'abstract' (set --text-field)"),
    ]
    assert docs[1].source.endswith("recs.jsonl" + (".gz" if gz else "") + "#line=2&field=abstract")


def test_jsonl_bad_lines_are_error_documents(tmp_path):
    path = tmp_path / "bad.jsonl"
    write_jsonl(path, ['{"text": "ok"}', "{not json", "[1, 2]", '{"text": 5}'])
    errors = [d.error for d in documents([path])]
    assert errors[0] is None
    assert errors[1].startswith("line 2: not JSON")
    assert errors[2] == "line 3: a JSON list, not an object"
    assert errors[3] == "line 4: a int in field 'text' (set --text-field)"


def test_gzip_bomb_is_stopped_at_max_bytes(tmp_path):
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a " * 5_000_000))
    [doc] = documents([path], max_bytes=100_000)
    assert doc.error == "file too large once decompressed: over 100,000 bytes"


def test_corrupt_gzip_is_an_error_document(tmp_path):
    path = tmp_path / "broken.txt.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    [doc] = documents([path])
    assert doc.error.startswith("not a readable gzip file")


def test_pdf_text_layer_across_pages():
    text = pdf_text(PDF.read_bytes())
    assert text.startswith("Lidocaine infusion for neuropathic pain\nIn a randomised trial, 24 patients")
    assert "saline [4]. Pain\nscores fell" in text
    assert text.endswith("resolved within 2 days [5,6].")
    assert "\r" not in text


@pytest.mark.parametrize("data, reason", [
    ((FIXTURES / "blank.pdf").read_bytes(), "PDF has no text layer"),
    (b"%PDF-1.4 truncated nonsense", "not a readable PDF"),
], ids=["no-text-layer", "corrupt"])
def test_bad_pdf_is_an_error_document(tmp_path, data, reason):
    (tmp_path / "x.pdf").write_bytes(data)
    [doc] = documents([tmp_path / "x.pdf"])
    assert doc.error.startswith(reason)


def test_jats_title_abstract_sections_and_citations_as_shown():
    text = jats_text(JATS.read_bytes())
    blocks = text.strip().split("\n\n")
    assert blocks[:3] == ["Bupivacaine nerve block after knee surgery", "Background",
                          "Opioid use after knee surgery remains high."]
    assert "Regional blocks reduce pain early [1, 2], although effects fade (Smith et al., 2019)." in blocks
    assert ["Methods", "Dosing"] == blocks[-3:-1]
    assert "Flow of participants." in blocks  # a figure's caption (label and image left out)
    for left_out in ("Figure 1", "cell text", "Reference one", "Journal of Sample Studies"):
        assert left_out not in text


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY secret SYSTEM "file:///etc/hostname">
<!ENTITY lol "lollollollollollollollollollol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY remote SYSTEM "http://192.0.2.1/x.dtd">]>
<article><front><article-meta><title-group><article-title>T &secret; &lol2; &remote;</article-title>
</title-group></article-meta></front><body><p>Body text.</p></body></article>"""


def test_jats_never_expands_entities_or_reads_files():
    text = jats_text(XXE)
    hostname = open("/etc/hostname").read().strip() if shutil.os.path.exists("/etc/hostname") else "\x00"
    assert hostname not in text
    assert "lol" not in text and "secret" not in text and "&" not in text
    assert text.startswith("T") and "Body text." in text


@pytest.mark.parametrize("data, reason", [
    (b"<html><body>x</body></html>", "not a JATS article (root element <html>)"),
    (b"<article><body><p>unclosed", "not well-formed XML"),
    (b"<article><front/></article>", "JATS article without title, abstract or body text"),
], ids=["not-jats", "malformed", "no-text"])
def test_bad_jats_is_an_error_document(tmp_path, data, reason):
    (tmp_path / "x.xml").write_bytes(data)
    [doc] = documents([tmp_path / "x.xml"])
    assert doc.error.startswith(reason)


def test_explicit_file_with_unknown_suffix_is_an_error(tmp_path):
    (tmp_path / "notes.md").write_text("Dose was 5 mg.")
    [doc] = documents([tmp_path / "notes.md"])
    assert (doc.id, doc.text) == ("notes.md", "")
    assert doc.error.startswith("unsupported file type .md: claimx reads .txt, .pdf")


def test_explicit_file_without_suffix_is_text(tmp_path):
    (tmp_path / "NOTES").write_text("Dose was 5 mg.")
    [doc] = documents([tmp_path / "NOTES"])
    assert (doc.id, doc.text, doc.error) == ("NOTES", "Dose was 5 mg.", None)


def test_content_hash_follows_content(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("One.")
    first = next(iter_items([str(path)])).content_hash
    path.write_text("Two.")
    assert next(iter_items([str(path)])).content_hash != first


@pytest.mark.parametrize("name", ["plain.txt", "plain.txt.gz", "infusion-trial.pdf", "nerve-block.nxml",
                                  "nerve-block.nxml.gz", "recs.jsonl", "recs.jsonl.gz"])
def test_read_source_gives_back_the_original_text(tmp_path, name):
    target = tmp_path / name
    if name.startswith("plain"):
        data = "Café dosing: 5 mg.\r\nNext line.".encode()
        target.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    elif name.startswith("recs"):
        write_jsonl(target, [{"id": "r1", "body": "First record."}, {"id": "r2", "body": "Second record."}],
                    gz=name.endswith(".gz"))
    else:
        source = PDF if name.endswith(".pdf") else JATS
        data = source.read_bytes()
        target.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    docs = documents([target], text_field="body")
    assert docs and all(d.ok for d in docs)
    for doc in docs:
        assert read_source(doc.source, doc.id) == doc.text


def test_read_source_of_a_missing_file_is_a_document_error(tmp_path):
    with pytest.raises(DocumentError, match="cannot re-read x from"):
        read_source(str(tmp_path / "gone.txt"), "x")


def test_count_documents(tmp_path):
    (tmp_path / "a.txt").write_text("A.")
    write_jsonl(tmp_path / "r.jsonl", [{"text": "1"}, {"text": "2"}, "", {"text": "3"}])
    assert count_documents([str(tmp_path)]) == 4


def test_document_id_of_a_named_file():
    assert document_id(PDF) == "infusion-trial"


def test_pdf_without_the_extra_is_a_clear_error_row(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pypdfium2", None)  # as if `claimx[pdf]` were not installed
    [doc] = documents([PDF])
    assert doc.error == "PDF support is not installed: pip install 'claimx[pdf]'"
