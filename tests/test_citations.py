import json
import re

import pandas as pd
import pytest
import spacy

from extractor.components.citations import (
    CitationRules,
    author_year_refs,
    expand_numeric,
    find_citations,
)
from extractor.errors import PatternFileError
from extractor.rules.loader import load_json

# (text, expected [(marker text, refs, style)])
CASES = [
    ("Earlier trials [15] were small.", [("[15]", [15], "numeric")]),
    ("as reported [1,11].", [("[1,11]", [1, 11], "numeric")]),
    ("en dash [3–5] here", [("[3–5]", [3, 4, 5], "numeric")]),
    ("hyphen [3-5] here", [("[3-5]", [3, 4, 5], "numeric")]),
    ("em dash [3—5] here", [("[3—5]", [3, 4, 5], "numeric")]),
    ("mixed [3-5, 9] here", [("[3-5, 9]", [3, 4, 5, 9], "numeric")]),
    ("a review (see [18]) exists", [("[18]", [18], "numeric")]),
    ("several [12, 14–16] reports", [("[12, 14–16]", [12, 14, 15, 16], "numeric")]),
    ("adjacent [1][2] markers", [("[1][2]", [1, 2], "numeric")]),
    ("comma-joined [44], [45] markers", [("[44], [45]", [44, 45], "numeric")]),
    ("range across brackets [18]–[23].", [("[18]–[23]", [18, 19, 20, 21, 22, 23], "numeric")]),
    ("glued to a word studies[7] and", [("[7]", [7], "numeric")]),
    ("full stop first trials.[8] Next", [("[8]", [8], "numeric")]),
    ("with a locator [12: fig. 3] here", [("[12: fig. 3]", [12], "numeric")]),
    ("a leader [e.g., 7] inside", [("[e.g., 7]", [7], "numeric")]),
    ("pain relief (Smith et al., 2009).", [("(Smith et al., 2009)", ["Smith et al., 2009"], "author_year")]),
    ("no comma (Smith et al. 2009) here", [("(Smith et al. 2009)", ["Smith et al., 2009"], "author_year")]),
    ("two items (Smith and Jones 2010; Lee 2011).",
     [("(Smith and Jones 2010; Lee 2011)", ["Smith and Jones, 2010", "Lee, 2011"], "author_year")]),
    ("ampersand (Smith & Jones, 2010a).", [("(Smith & Jones, 2010a)", ["Smith & Jones, 2010a"], "author_year")]),
    ("a leader (see Lee 2011).", [("Lee 2011", ["Lee, 2011"], "author_year")]),
    ("mixed content (Figure 2; Aragón et al., 2009).",
     [("Aragón et al., 2009", ["Aragón et al., 2009"], "author_year")]),
    ("narrative: Smith et al. (2009) found", [("Smith et al. (2009)", ["Smith et al., 2009"], "author_year")]),
    ("narrative pair: Hill and Park (1992) found",
     [("Hill and Park (1992)", ["Hill and Park, 1992"], "author_year")]),
    ("two years (Whitham et al., 2006, 2012).",
     [("(Whitham et al., 2006, 2012)", ["Whitham et al., 2006", "Whitham et al., 2012"], "author_year")]),
    ("letter suffixes (Kato et al. 1995a, b).",
     [("(Kato et al. 1995a, b)", ["Kato et al., 1995a", "Kato et al., 1995b"], "author_year")]),
    ("particles (van der Berg, 2004; de Jonge et al., 1992)",
     [("(van der Berg, 2004; de Jonge et al., 1992)", ["van der Berg, 2004", "de Jonge et al., 1992"],
       "author_year")]),
    ("an organisation (World Health Organization, 2019)",
     [("(World Health Organization, 2019)", ["World Health Organization, 2019"], "author_year")]),
    ("run split by a leader (Roberts, 2013; reviewed in Dudek and Pitt, 2008)",
     [("Roberts, 2013", ["Roberts, 2013"], "author_year"),
      ("Dudek and Pitt, 2008", ["Dudek and Pitt, 2008"], "author_year")]),
    ("square author-year [Panfilio, 2008])", [("[Panfilio, 2008]", ["Panfilio, 2008"], "author_year")]),
    ("both kinds [3] and (Lee 2011)", [("[3]", [3], "numeric"), ("(Lee 2011)", ["Lee, 2011"], "author_year")]),
    # a superscript flattened onto the full stop (PMC plain text) before a new sentence
    ("seen with other agents.8 In this context", [("8", [8], "numeric")]),
    ("as in two trials.12,14 The third", [("12,14", [12, 14], "numeric")]),
    ("in cirrhotic patients.5–8 The prognosis", [("5–8", [5, 6, 7, 8], "numeric")]),
    pytest.param("superscript-style 17–20. Next", [("17–20", [17, 18, 19, 20], "numeric")],
                 marks=pytest.mark.xfail(reason="bare (superscript) numbers are not detected", strict=True)),
    pytest.param("nested (Riddle and Center (U.S.) (2001))", [("Riddle and Center (U.S.) (2001)", [], "author_year")],
                 marks=pytest.mark.xfail(reason="nested parentheses in author names", strict=True)),
]

NOT_CITATIONS = [
    "free [Ca2+]i rose", "[3H]thymidine uptake", "given [0.5 mg] daily", "the [sic] text",
    "odds ratio [95% CI 1.2-3.4]", "group (n = 30)", "was lower (p < 0.05)", "as before (2009 data)",
    "was approved (in 2010)", "an F[1,12] test", "the interval [10, 20] mm", "[2010] archive",
    "range [1–500] mg", "(January 2010)", "(Figure 3, 2009)", "BMI (1975)", "(Phase 2, 2010)",
    "values [0, 1]", "x[2]y", "(Stata 2009)", "see Fig.3 For details", "it was 2.8 In total",
    "as in No.2 The", "the dose.2 mg",
]


def _found(text):
    return [(text[c.start:c.end], list(c.refs), c.style) for c in find_citations(text)]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_find_citations(text, expected):
    assert _found(text) == expected


@pytest.mark.parametrize("text", NOT_CITATIONS, ids=NOT_CITATIONS)
def test_no_false_markers(text):
    assert _found(text) == []


@pytest.mark.parametrize(("marker", "refs"), [
    ("[3–5]", [3, 4, 5]), ("[12, 14–16]", [12, 14, 15, 16]), ("[18]–[23]", [18, 19, 20, 21, 22, 23]),
    ("[0]", None), ("[2001]", None), ("[5–3]", None), ("[1–80]", None),
], ids=["range", "mixed", "cross-bracket", "zero", "over-max", "descending", "range-too-long"])
def test_expand_numeric_limits(marker, refs):
    assert expand_numeric(marker) == refs


def test_author_year_refs_expand_years():
    assert author_year_refs("Kato  et al.", "1995a, b") == ["Kato et al., 1995a", "Kato et al., 1995b"]


@pytest.mark.parametrize(("data", "message"), [
    ({"numeric": {}}, "field 'numeric.max_ref': missing key"),
    ({**load_json("citations.json"), "extra": 1}, "field 'extra': unknown key"),
    ("not an object", "JSON object"),
], ids=["missing-section", "unknown-key", "not-object"])
def test_bad_rules_file_names_the_problem(data, message):
    with pytest.raises(PatternFileError, match=message):
        CitationRules(data)


def test_bad_limit_in_rules_file():
    data = json.loads(json.dumps(load_json("citations.json")))
    data["numeric"]["max_ref"] = 0
    with pytest.raises(PatternFileError, match="max_ref"):
        CitationRules(data)


def test_component_works_alone():
    nlp = spacy.blank("en")
    nlp.add_pipe("claimx_citations")
    doc = nlp("Two trials [3–5] and (Smith et al., 2009) agree.")
    spans = doc.spans["citations"]
    assert [(s.text, s.label_, s._.refs, s._.style, s._.source) for s in spans] == [
        ("[3–5]", "CITATION", [3, 4, 5], "numeric", "claimx_citations"),
        ("(Smith et al., 2009)", "CITATION", ["Smith et al., 2009"], "author_year", "claimx_citations"),
    ]


def test_round_trip_to_disk(nlp, nlp_saved):
    text = "Prior work [1,11] and (Lee 2011)."
    doc = nlp(text)
    before = [(s.start_char, s.end_char, s._.refs) for s in doc.spans["citations"]]
    _, loaded = nlp_saved  # nlp.to_disk, then spacy.load
    assert "claimx_citations" in loaded.pipe_names
    doc = loaded(text)
    after = [(s.start_char, s.end_char, s._.refs) for s in doc.spans["citations"]]
    assert after == before == [(11, 17, [1, 11]), (22, 32, ["Lee, 2011"])]


def test_default_pipeline_on_seed(nlp, seed_text):
    from extractor.reading.normalize import normalize

    doc = nlp(normalize(seed_text).text)
    spans = [s for s in doc.spans["citations"] if s._.style == "numeric"]
    expected = re.findall(r"\[[\d,\s–-]+\]", seed_text)
    assert len(expected) == 19
    assert [s.text for s in spans] == expected
    assert [s._.refs for s in spans if s.text == "[1,11]"] == [[1, 11]]


def test_extract_citation_rows_point_into_original(tmp_path, seed_text, extract_here):
    from typer.testing import CliRunner

    from extractor.cli import app

    src = tmp_path / "seed.txt"
    src.write_text(seed_text, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(src), "--out", str(tmp_path / "out"), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = pd.read_json(tmp_path / "out" / "citations.jsonl", lines=True)
    assert len(rows) == 19
    for row in rows.itertuples():
        assert seed_text[row.start:row.end] == row.text
    assert [list(map(str, x)) for x in rows.loc[rows.text == "[1,11]", "refs"]] == [["1", "11"]]


def test_shipped_pipelines_run_the_component(nlp):
    assert "claimx_citations" in nlp.pipe_names
