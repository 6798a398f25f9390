"""DRUG mentions: lexicon, salts, plurals, classes, abbreviations, NER union, concept ids, bad dictionaries."""

from __future__ import annotations

import bz2
import json
import pickle

import pytest
import spacy
from spacy.tokens import Span

from extractor.errors import DrugLexiconError
from extractor.rules.drug_lexicon import _self_named, choose_concept_id, read_dictionary

DRUG_CASES = [
    # (text, expected DRUG texts, expected concept ids (None = not checked))
    ("Patients received ketamine after surgery.", ["ketamine"], ["DB01221"]),
    ("KETAMINE and Morphine were compared.", ["KETAMINE", "Morphine"], ["DB01221", "DB00295"]),
    ("Ketamine hydrochloride was diluted in saline.", ["Ketamine hydrochloride"], ["DB01221"]),
    ("Morphine sulfate 10 mg was given.", ["Morphine sulfate"], ["DB00295"]),
    ("Both statins lowered LDL.", ["statins"], ["D019161"]),
    ("NMDA receptor antagonists such as memantine", ["NMDA receptor antagonists", "memantine"], None),
    ("SSRIs and benzodiazepines were stopped.", ["SSRIs", "benzodiazepines"], ["D017367", "D001569"]),
    ("Chronic opioids were tapered.", ["opioids"], ["D000701"]),
    ("Ketamine (KET) was infused; KET reduced pain.", ["Ketamine", "KET", "KET"], ["DB01221"] * 3),
    ("a case of amiodarone-induced thyrotoxicosis", ["amiodarone"], None),
    ("imipenem/cilastatin was given", ["imipenem", "cilastatin"], None),
    ("trimethoprim-sulfamethoxazole was given", ["trimethoprim", "sulfamethoxazole"], None),  # ingredients
    ("MTX was restarted at a lower dose.", ["MTX"], None),
    ("ketamine or placebo", ["ketamine", "placebo"], ["DB01221", None]),
    ("Serotonin syndrome developed.", [], []),
    ("a placebo-controlled trial", [], []),
    ("glutamate receptors were blocked", [], []),
    ("The patient drank water.", [], []),
    ("5-FU-based chemotherapy", ["5-FU"], None),
    # dictionary entries that no variant names: matched by their own (canonical) name
    ("An infusion of mannitol lowered the pressure.", ["mannitol"], ["DB00742"]),
    ("Extended-release niacin caused flushing.", ["niacin"], ["DB00627"]),
    ("Topical testosterone gel was applied daily.", ["testosterone"], ["DB13946"]),
    ("Serum creatine kinase rose sharply.", [], []),
    ("LDL cholesterol and VLDL cholesterol fell by 50%.", [], []),  # lab analytes, not drugs
    ("Serum ferritin, hsCRP, calprotectin and E-selectin were measured.", [], []),
    ("Paclitaxel(N = 59) and metformin(n = 135)", ["Paclitaxel", "metformin"], None),  # PMC table headers
    ("Both agents inhibit CYP3A in the liver.", [], []),
    # tokenizer v2 splits a hyphen between words, so the drug's name is a token of its own
    ("ketamine-like effects", ["ketamine"], None),
    # stop-listed dictionary variants that are not drugs given to anyone (PHEE train, third round)
    ("The rash began at 10 weeks.", [], []),
    ("Cultures grew Pseudomonas aeruginosa and Escherichia coli.", [], []),
    ("a mutation of the sodium channel", [], []),
    ("sodium channel blockers were avoided", ["sodium channel blockers"], None),
    ("monoamine oxidase inhibitors", ["monoamine oxidase inhibitors"], None),
    # spelling variants the dictionary lacks (drug_spellings.json): British, alpha/alfa, hyphenated
    ("Adrenaline was injected into the thigh.", ["Adrenaline"], ["DB00668"]),
    ("She took oral oestradiol for two years.", ["oestradiol"], ["DB13956"]),
    ("an infusion of 10% dextrose", ["dextrose"], ["DB01914"]),
    ("levo-dopa-induced dyskinesia", ["levo-dopa"], ["DB01235"]),
    ("peginterferon alpha-2b and ribavirin", ["peginterferon alpha-2b", "ribavirin"], ["DB00022", "DB00811"]),
    ("Aciclovir was started at once.", ["Aciclovir"], ["DB00787"]),  # the US name's DrugBank id
    ("sodium polystyrene sulphonate enemas", ["sodium polystyrene sulphonate"], None),
    ("a short course of steroid therapy", ["steroid"], ["D000305"]),
    ("after a sulphonylurea was added", ["sulphonylurea"], ["D013453"]),
    ("The FK506 dose was lowered, then FK506 was stopped.", ["FK506", "FK506"], ["DB00864", "DB00864"]),
    ("She was started on TMZ after radiotherapy.", ["TMZ"], ["DB00853"]),
    ("Kayexalate was given for the high potassium.", ["Kayexalate"], None),
    ("senna was taken nightly as a laxative", ["senna"], ["DB11365"]),
    ("calcium hopantenate was prescribed for the boy", ["calcium hopantenate"], ["DB14044"]),
    ("gold salts were given for her arthritis", ["gold salts"], None),
    ("Gold-standard criteria were used.", [], []),  # plain `gold` stays stop-listed
    # hyphenated short forms the tokenizer splits (`IFN` `-` `alpha`): matched as one lexicon term
    ("Thyroiditis followed IFN-alpha therapy.", ["IFN-alpha"], ["DB05258"]),
    ("relapses fell on IFN-beta-1b", ["IFN-beta-1b"], ["DB00068"]),
    ("prophylaxis with TMP-SMX was begun", ["TMP-SMX"], ["DB00440"]),
    ("He was given cis-platinum and etoposide.", ["cis-platinum", "etoposide"], ["DB00515", "DB00773"]),
    ("induction with all-trans retinoic acid", ["all-trans retinoic acid"], ["DB00755"]),
    ("all-trans retinoic acid syndrome", [], []),  # `syndrome` after a drug: not a drug mention
    ("interferon alpha 2b was started after surgery", ["interferon alpha 2b"], ["DB00105"]),
]


@pytest.mark.parametrize("text,expected,ids", DRUG_CASES, ids=[str(i) for i in range(len(DRUG_CASES))])
def test_drug_mentions(nlp, text, expected, ids):
    doc = nlp(text)
    drugs = list(doc.spans["drugs"])
    assert [s.text for s in drugs] == expected
    if ids is not None:
        assert [s._.concept_id for s in drugs] == ids


@pytest.mark.parametrize("text,is_class", [("opioids", True), ("SSRIs", True), ("ketamine", False),
                                           ("placebo", False)], ids=["opioids", "ssri", "ketamine", "placebo"])
def test_class_flag(nlp, text, is_class):
    doc = nlp(f"We studied {text} here.")
    (span,) = doc.spans["drugs"]
    assert span._.is_class is is_class


def test_concept_name_filled(nlp):
    doc = nlp("ketamine")
    (span,) = doc.spans["drugs"]
    assert span._.concept_name == "Ketamine"
    assert span._.source == "lexicon"


@pytest.mark.parametrize("record,owners,expected", [
    ({"mesh_id": "D007649"}, {"D007649": 1}, ("D007649", "mesh")),
    ({"mesh_id": "D018691", "drugbank_id": "DB01221"}, {"D018691": 11}, ("DB01221", "drugbank_over_mesh")),
    ({"mesh_id": "D018691"}, {"D018691": 11}, (None, "mesh_dropped")),
    ({"mesh_id": "D000900", "mesh_tree": ["D27.505.954.122.085"]}, {"D000900": 1}, (None, "mesh_dropped")),
    ({"mesh_id": "016194"}, {"016194": 1}, (None, "mesh_dropped")),
    ({"drugbank_id": "DB00295"}, {}, ("DB00295", "drugbank")),
    ({"drugbank_id": "bad", "mesh_id": "D009020"}, {"D009020": 1}, ("D009020", "mesh")),
    ({}, {}, (None, "none")),
], ids=["own-mesh", "drugbank-first", "shared-no-drugbank", "class-tree", "malformed", "drugbank-only",
        "bad-drugbank", "none"])
def test_choose_concept_id(record, owners, expected):
    from collections import Counter

    assert choose_concept_id(record, Counter(owners)) == expected


@pytest.mark.parametrize("record,expected", [
    ({"drugbank_id": "DB00742"}, True),
    ({"mesh_tree": ["D02.033.800"]}, True),
    ({"mesh_tree": ["D08.811.682"]}, False),  # an enzyme
    ({"mesh_tree": ["D12.776", "D08.811"]}, False),
    ({"drugbank_id": "bad", "mesh_tree": []}, False),
    ({}, False),
], ids=["drugbank", "organic-chemical", "enzyme", "protein", "bad-id", "empty"])
def test_self_named_entries(record, expected):
    assert _self_named(record, ("D01", "D02", "D03", "D04", "D06", "D09", "D10", "D20", "D26")) is expected


def _write(path, payload: bytes):
    path.write_bytes(payload)
    return path


@pytest.mark.parametrize("payload", [
    b"not bz2 at all",
    bz2.compress(b"not a pickle"),
    bz2.compress(pickle.dumps(["a", "list"])),
    bz2.compress(pickle.dumps({"drug_variant_to_canonical": {}, "drug_canonical_to_data": {}})),
    bz2.compress(pickle.dumps({"drug_variant_to_canonical": {"x": ["x"]}})),
    bz2.compress(pickle.dumps({"drug_variant_to_canonical": {"x": "x"}, "drug_canonical_to_data": {"x": {}}})),
], ids=["not-bz2", "not-pickle", "not-dict", "empty", "missing-key", "malformed-record"])
def test_corrupt_dictionary_is_a_coded_error(tmp_path, payload):
    path = _write(tmp_path / "dict.pkl.bz2", payload)
    with pytest.raises(DrugLexiconError, match=r"\[E301\]"):
        read_dictionary(path)


def test_pickled_objects_are_refused(tmp_path):
    import collections

    payload = bz2.compress(pickle.dumps(collections.OrderedDict(a=1)))
    with pytest.raises(DrugLexiconError, match="unexpected object"):
        read_dictionary(_write(tmp_path / "d.pkl.bz2", payload))


def test_missing_dictionary_fails_at_pipeline_build(tmp_path):
    nlp = spacy.blank("en")
    with pytest.raises(DrugLexiconError, match="missing"):
        nlp.add_pipe("claimx_drugs", config={"dictionary": str(tmp_path / "nope.pkl.bz2")})


def _numbered_dictionary(n: int = 1200) -> dict:
    canon = {f"drug{i}": {"name": f"Drug{i}", "drugbank_id": f"DB{i:05d}"} for i in range(n)}
    return {"drug_variant_to_canonical": {k: [k] for k in canon}, "drug_canonical_to_data": canon}


def test_spelling_to_unknown_name_is_refused():
    from extractor.rules.drug_lexicon import compile_lexicon

    data = _numbered_dictionary()
    with pytest.raises(DrugLexiconError, match="'fooh' points to 'nonexistium'"):
        compile_lexicon(data, [], set(), [], [], 6, spellings={"fooh": "nonexistium"})


def test_spelling_to_dictionary_entry_name():
    from extractor.rules.drug_lexicon import compile_lexicon

    lexicon = compile_lexicon(_numbered_dictionary(), [], {"drug7"}, [], [], 6, spellings={"drugg7": "drug7"})
    assert lexicon.lookup("drug7") is None  # stop-listed as a term
    assert lexicon.lookup("drugg7").concept_id == "DB00007"  # the variant still reaches the entry


@pytest.mark.parametrize("spellings", [{"x": 1}, {"": "ketamine"}, ["adrenaline"]], ids=["number", "empty", "list"])
def test_malformed_spellings_file_is_an_error(tmp_path, spellings):
    from extractor.errors import PatternFileError
    from extractor.rules import drug_lexicon

    (tmp_path / "drug_spellings.json").write_text(json.dumps({"spellings": spellings}))
    with pytest.raises(PatternFileError, match=r"drug_spellings\.json, field 'spellings"):
        drug_lexicon.load_lexicon(rules_path=str(tmp_path))


def test_tiny_dictionary_is_refused(tmp_path):
    data = {"drug_variant_to_canonical": {"foo": ["foo"]}, "drug_canonical_to_data": {"foo": {"name": "Foo"}}}
    path = _write(tmp_path / "tiny.pkl.bz2", bz2.compress(pickle.dumps(data)))
    nlp = spacy.blank("en")
    with pytest.raises(DrugLexiconError, match="only"):
        nlp.add_pipe("claimx_drugs", config={"dictionary": str(path)})


@pytest.fixture(scope="module")
def blank_drugs():
    import extractor.components.drugs  # noqa: F401 (registers the factory)

    nlp = spacy.blank("en")
    nlp.add_pipe("claimx_drugs")
    return nlp


@pytest.mark.parametrize("text,chemicals,expected", [
    ("zorbalimab was given", ["zorbalimab"], [("zorbalimab", "ner")]),
    ("fooxine was given", ["fooxine"], []),
    ("ketamine was given", ["ketamine"], [("ketamine", "lexicon")]),
    ("ketamine and zorbalimab", ["zorbalimab"], [("ketamine", "lexicon"), ("zorbalimab", "ner")]),
    ("glucose was given", ["glucose"], []),
    ("cholesterol crystals were seen", ["cholesterol"], []),
], ids=["suffix-confirms", "unconfirmed", "lexicon-wins", "both", "stoplisted-chemical",
                                                   "stoplisted-suffix-word"])
def test_ner_union(blank_drugs, text, chemicals, expected):
    doc = blank_drugs.make_doc(text)
    ents = []
    for chem in chemicals:
        start = text.index(chem)
        ents.append(doc.char_span(start, start + len(chem), label="CHEMICAL"))
    doc.ents = ents
    doc = blank_drugs.get_pipe("claimx_drugs")(doc)
    assert [(s.text, s._.source) for s in doc.spans["drugs"]] == expected


def test_drug_spans_keep_ner_entities(blank_drugs):
    doc = blank_drugs.make_doc("zorbalimab was given")
    doc.ents = [Span(doc, 0, 1, label="CHEMICAL")]
    doc = blank_drugs.get_pipe("claimx_drugs")(doc)
    assert [e.label_ for e in doc.ents] == ["CHEMICAL"]


def test_lexicon_cache_round_trip(tmp_path, monkeypatch):
    from extractor.rules.drug_lexicon import build_lexicon, dictionary_path, read_or_compile

    monkeypatch.setenv("CLAIMX_CACHE_DIR", str(tmp_path))
    built = read_or_compile()  # bypass the per-process cache
    (cached_file,) = tmp_path.glob("drug_lexicon-*.pkl")
    cached = read_or_compile()
    assert cached.terms == built.terms == build_lexicon(dictionary_path()).terms
    assert cached.prefixes == built.prefixes and cached.abbreviations == built.abbreviations
    assert cached_file.exists()


def test_corrupt_cache_is_rebuilt(tmp_path, monkeypatch):
    from extractor.rules.drug_lexicon import read_or_compile

    monkeypatch.setenv("CLAIMX_CACHE_DIR", str(tmp_path))
    read_or_compile()
    (cached_file,) = tmp_path.glob("drug_lexicon-*.pkl")
    cached_file.write_bytes(b"garbage")
    lexicon = read_or_compile()
    assert lexicon.lookup("ketamine") is not None
    assert cached_file.read_bytes() != b"garbage"


@pytest.mark.parametrize("text", ["", "   \n  ", "\x00\x01", "-" * 500, "mg mg / kg 5", "ketamine" * 50],
                         ids=["empty", "spaces", "control", "dashes", "units-only", "glued"])
def test_odd_input_gives_no_error(nlp, text):
    from extractor.components.regimens import link_regimens

    doc = nlp(text)
    assert all(s.label_ == "DRUG" for s in doc.spans["drugs"])
    assert all(s.label_ in ("DOSE", "ROUTE", "FREQUENCY") for s in doc.spans["dosing"])
    assert len(link_regimens(doc)) == len(doc.spans["drugs"])
