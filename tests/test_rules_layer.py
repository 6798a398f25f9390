"""The rules layer: one loader with schemas, and every rule component's rules_path / to_disk / from_disk."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest
import spacy

import extractor
from extractor.errors import PatternFileError
from extractor.rules import schemas
from extractor.rules.loader import load_data, load_json

TEXT = ("Ketamine 0.5 mg/kg was given intravenously twice daily for 4 weeks to 60 patients (n = 60) [3]. "
        "Pain scores did not decrease with ketamine compared with placebo (p = 0.04; Smith et al., 2009). "
        "Clozapine, an atypical antipsychotic, may reduce relapse.")

RULE_COMPONENTS = ["claimx_sentences", "claimx_citations", "claimx_quantities", "claimx_drugs", "claimx_dosing",
                   "claimx_outcomes", "claimx_context", "claimx_claims", "claimx_regimens"]


def _spans(doc):
    return {key: [(s.start, s.end, s.label_) for s in group] for key, group in doc.spans.items()}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    nlp = extractor.load("rules")
    folder = tmp_path_factory.mktemp("pipe") / "rules"
    nlp.to_disk(folder)
    return nlp, folder


@pytest.mark.parametrize("name", RULE_COMPONENTS)
def test_component_writes_its_data_files(saved, name):
    nlp, folder = saved
    component = nlp.get_pipe(name)
    assert component.rules_data, name
    for file in component.FILES:
        assert (folder / name / file).is_file(), (name, file)


def test_saved_pipeline_gives_the_same_spans(saved):
    nlp, folder = saved
    loaded = extractor.load(str(folder))
    doc, again = nlp(TEXT), loaded(TEXT)
    assert _spans(again) == _spans(doc)
    assert [s.start for s in again.sents] == [s.start for s in doc.sents]


def test_ner_labels_round_trip(tmp_path):
    (tmp_path / "ner_labels.json").write_text(json.dumps({"labels": {"CHEMICAL": "DRUGLIKE"}}))
    nlp = spacy.blank("en")
    nlp.add_pipe("claimx_ner_labels", config={"rules_path": str(tmp_path)})
    assert nlp.get_pipe("claimx_ner_labels").mapping == {"CHEMICAL": "DRUGLIKE"}
    nlp.to_disk(tmp_path / "saved")
    assert spacy.load(tmp_path / "saved").get_pipe("claimx_ner_labels").mapping == {"CHEMICAL": "DRUGLIKE"}


def test_custom_word_list_changes_the_regimens(tmp_path):
    data = load_json("regimens.json")
    (tmp_path / "regimens.json").write_text(json.dumps({**data, "renaming": []}))
    shipped = spacy.blank("en")
    shipped.add_pipe("claimx_regimens")
    custom = spacy.blank("en")
    custom.add_pipe("claimx_regimens", config={"rules_path": str(tmp_path)})
    assert custom.get_pipe("claimx_regimens").rules.renaming == frozenset()
    assert shipped.get_pipe("claimx_regimens").rules.renaming == frozenset({",", "is", "was"})


def test_custom_abbreviation_changes_the_sentences(tmp_path):
    data = load_json("sentences.json")
    (tmp_path / "sentences.json").write_text(json.dumps({**data, "abbreviations": data["abbreviations"] + ["pts."]}))
    text = "We saw 12 pts. Then they left."
    shipped = spacy.blank("en")
    shipped.add_pipe("claimx_sentences")
    custom = spacy.blank("en")
    custom.add_pipe("claimx_sentences", config={"rules_path": str(tmp_path / "sentences.json")})
    assert len(list(shipped(text).sents)) == 2
    assert len(list(custom(text).sents)) == 1
    folder = tmp_path / "saved"
    custom.to_disk(folder)
    assert len(list(spacy.load(folder)(text).sents)) == 1


def test_custom_stoplist_changes_the_drugs(tmp_path):
    data = load_json("drug_stoplist.json")
    (tmp_path / "drug_stoplist.json").write_text(json.dumps({**data, "terms": data["terms"] + ["clozapine"]}))
    shipped = spacy.blank("en")
    shipped.add_pipe("claimx_drugs")
    custom = spacy.blank("en")
    custom.add_pipe("claimx_drugs", config={"rules_path": str(tmp_path)})
    text = "Clozapine was given."
    doc, custom_doc = shipped(text), custom(text)
    assert [s.text for s in doc.spans["drugs"]] == ["Clozapine"]
    assert [s.text for s in custom_doc.spans["drugs"]] == []


def test_custom_route_changes_the_dosing(tmp_path):
    routes = (ROUTES := files("extractor.rules.data") / "routes.jsonl").read_text(encoding="utf-8")
    (tmp_path / ROUTES.name).write_text(routes + json.dumps({"value": "nasogastric", "patterns": ["via NG tube"]})
                                        + "\n", encoding="utf-8")
    text = "Ketamine 10 mg was given via NG tube twice daily."
    shipped = spacy.blank("en")
    shipped.add_pipe("claimx_dosing")
    custom = spacy.blank("en")
    custom.add_pipe("claimx_dosing", config={"rules_path": str(tmp_path)})

    def routes_of(nlp):
        doc = nlp(text)
        return [(s.text, s._.value) for s in doc.spans["dosing"] if s.label_ == "ROUTE"]

    assert routes_of(shipped) == []
    assert routes_of(custom) == [("via NG tube", "nasogastric")]
    custom.to_disk(tmp_path / "saved")
    assert routes_of(spacy.load(tmp_path / "saved")) == [("via NG tube", "nasogastric")]


@pytest.mark.parametrize(("name", "schema", "content", "message"), [
    ("routes.jsonl", schemas.Route, '{"value": "oral", "patterns": "oral"}\n',
     r"routes\.jsonl line 1, field 'patterns': Input should be a valid list"),
    ("routes.jsonl", schemas.Route, '{"value": "oral", "patterns": []}\n{"value": "iv", "patterns": [], "x": 1}\n',
     r"routes\.jsonl line 2, field 'x': unknown key"),
    ("routes.jsonl", schemas.Route, '{"value": "oral", "patterns": []}\n{"value": \n',
     r"routes\.jsonl line 2: not valid JSON"),
    ("regimens.json", schemas.RegimensFile, '{"barriers": []}', r"regimens\.json, field 'coordinators': missing key"),
    ("context.json", schemas.ContextFile, '{"negation": [', r"context\.json line 1: not valid JSON"),
    ("claims.json", schemas.ClaimsFile, "[]", r"claims\.json: expected a JSON object"),
], ids=["wrong-type", "unknown-key", "bad-json-line", "missing-key", "bad-json", "not-object"])
def test_loader_errors_name_file_record_and_field(tmp_path, name, schema, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(PatternFileError, match=message) as e:
        load_data(path, schema)
    assert str(path) in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("name", ["sentences.json", "citations.json", "quantities.json", "regimens.json",
                                  "routes.jsonl", "drug_classes.jsonl", "claims.json", "context.json"])
def test_shipped_files_load_once(name):
    schema = {"routes.jsonl": schemas.Route, "drug_classes.jsonl": schemas.DrugClass, "sentences.json":
              schemas.SentencesFile, "citations.json": schemas.CitationsFile, "quantities.json":
              schemas.QuantitiesFile, "regimens.json": schemas.RegimensFile, "claims.json": schemas.ClaimsFile,
              "context.json": schemas.ContextFile}[name]
    assert load_data(name, schema) is load_data(name, schema)


# the tokenizer's word lists came out of its code into tokenizer.json: the compiled patterns must be
# the ones the code built before (a change of these lists changes tokens, and so every table)
_HEADS_BEFORE = (r"|(?<=[A-Za-z]{2})-(?=(?:induced|associated|related|based|dependent|mediated|treated|"
                 r"resistant|containing|exposed|naive|sparing|refractory|responsive)\b)"
                 r"|(?<=[a-z]{4})/(?=[a-z]{4})")


def test_tokenizer_word_lists_build_the_same_infixes():
    from extractor.pipeline import tokenizer

    assert tokenizer._extra_infixes() == tokenizer._EXTRA_INFIXES + _HEADS_BEFORE + tokenizer._superscript_infix()
    # the abbreviations of citations.json keep `Fig.3` whole
    assert r"(?<!\bfig\.)(?<!\bFig\.)" in tokenizer._superscript_infix()
    keep = tokenizer._v2_infixes()
    assert keep.startswith(r"|(?<=[A-Za-z)\]])-(?<!\banti-)(?<!\bAnti-)(?<!\bnon-)")
    assert keep.endswith(r"(?<!\byear-)(?<!\bYear-)(?=[A-Za-z]{2})|(?<=[A-Za-z]{3})/(?=[A-Za-z]{3})"
                         r"|(?<=[A-Z])/(?=[A-Z]{2,}\b)" + tokenizer._BRACKETED_SHORT_FORM)


@pytest.mark.parametrize(("text", "tokens"), [
    ("amiodarone-induced", ["amiodarone", "-", "induced"]),
    ("placebo-controlled", ["placebo-controlled"]),
    ("for 48 h.", ["for", "48", "h", "."]),
    ("AZL-M/CTD 20/12.5 mg", ["AZL-M", "/", "CTD", "20/12.5", "mg"]),
    ("5 IU/mL", ["5", "IU/mL"]),
    ("other agents.8 In", ["other", "agents", ".", "8", "In"]),
    ("see Fig.3 For", ["see", "Fig.3", "For"]),
], ids=["compound-head", "kept-prefix", "unit-abbreviation", "codes-slash", "unit-slash", "superscript",
        "figure-number"])
def test_tokenizer_word_lists_take_effect(nlp, text, tokens):
    assert [t.text for t in nlp.tokenizer(text)] == tokens
