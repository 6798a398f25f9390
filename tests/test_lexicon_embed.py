"""The drug lexicon as a tok2vec feature: the codes tokens get, and the shipped model using them."""

from __future__ import annotations

import pytest
from spacy.util import registry

from extractor.components.lexicon_embed import (
    BEGIN,
    CLASS_OFFSET,
    DRUG_LIKE,
    INSIDE,
    LAST,
    NONE,
    UNIT,
    chebi_codes,
    disease_codes,
    lexicon_hash_embed,
    lexicon_hash_embed_v2,
    lexicon_hash_embed_v3,
    token_codes,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a drug the recognizer never saw in BC5CDR train: the dictionary knows it
        ("Patients received sildenafil daily.", {"sildenafil": UNIT, "Patients": NONE, "daily": NONE}),
        # a salt extends the match: first and last token
        ("ketamine hydrochloride was infused", {"ketamine": BEGIN, "hydrochloride": LAST, "was": NONE}),
        # a drug class, split at its hyphen by the tokenizer
        ("beta-blockers were withheld", {"beta": BEGIN + CLASS_OFFSET, "-": INSIDE + CLASS_OFFSET,
                                         "blockers": LAST + CLASS_OFFSET}),
        # not in the dictionary, but spelled like a drug (-mab, -vir suffixes)
        ("zorbulimab was given", {"zorbulimab": DRUG_LIKE}),
        # ordinary words stay unmarked
        ("The trial enrolled adults with asthma.", {"trial": NONE, "adults": NONE, "asthma": NONE}),
    ],
)
def test_token_codes(nlp_rules, text, expected):
    doc = nlp_rules.make_doc(text)
    codes = dict(zip([t.text for t in doc], token_codes(doc)))
    for word, code in expected.items():
        assert codes[word] == code, (word, codes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a pesticide no drug dictionary holds
        ("Paraquat and rotenone induce parkinsonism.", {"Paraquat": UNIT, "and": NONE, "rotenone": UNIT}),
        # a two-word name: first and last token
        ("nitric oxide release", {"nitric": BEGIN, "oxide": LAST, "release": NONE}),
        # names train marks as non-chemical most of the time are dropped from the list
        ("water was given at the same time", {"water": NONE, "same": NONE}),
    ],
    ids=["single", "two-word", "dropped-by-train"],
)
def test_chebi_codes(nlp_rules, text, expected):
    doc = nlp_rules.make_doc(text)
    codes = dict(zip([t.text for t in doc], chebi_codes(doc)))
    for word, code in expected.items():
        assert codes[word] == code, (word, codes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # phenotypes a drug-safety abstract names, singular and plural
        ("Hypotension and seizures followed.", {"Hypotension": UNIT, "and": NONE, "seizures": UNIT}),
        # a two-word name: first and last token
        ("children with short stature", {"short": BEGIN, "stature": LAST, "children": NONE}),
        # the longest name that train marks as a disease: BC5CDR marks `heart failure`, not `chronic`
        ("chronic heart failure", {"chronic": NONE, "heart": BEGIN, "failure": LAST}),
        # names train marks as no disease most of the time are dropped from the list
        ("drowsiness and malaise", {"drowsiness": NONE, "malaise": NONE}),
        ("The trial enrolled adults.", {"trial": NONE, "adults": NONE}),
    ],
    ids=["single", "two-word", "train-boundary", "dropped-by-train", "ordinary"],
)
def test_disease_codes(nlp_rules, text, expected):
    doc = nlp_rules.make_doc(text)
    codes = dict(zip([t.text for t in doc], disease_codes(doc)))
    for word, code in expected.items():
        assert codes[word] == code, (word, codes)


def test_name_list_matches_longest_first():
    from extractor.rules.name_list import NameList

    names = NameList([("nitric",), ("nitric", "oxide"), ("oxide",)])
    assert names.match(["nitric", "oxide", "and", "oxide"]) == [(0, 2), (3, 4)]


def test_v2_layer_gives_width_vectors(nlp_rules):
    docs = [nlp_rules.make_doc("Paraquat lowered pressure."), nlp_rules.make_doc("No drug here.")]
    model = lexicon_hash_embed_v2(32, ["NORM", "SHAPE"], [500, 100], include_static_vectors=False,
                                  lexicon_width=8, chebi_width=4)
    model.initialize(X=docs)
    out, backprop = model(docs, is_train=True)
    assert [y.shape for y in out] == [(len(docs[0]), 32), (len(docs[1]), 32)]
    assert backprop(out) == []


def test_v3_layer_gives_width_vectors(nlp_rules):
    docs = [nlp_rules.make_doc("Paraquat caused hypotension."), nlp_rules.make_doc("No drug here.")]
    model = lexicon_hash_embed_v3(32, ["NORM", "SHAPE"], [500, 100], include_static_vectors=False,
                                  lexicon_width=8, chebi_width=4, disease_width=4)
    model.initialize(X=docs)
    out, backprop = model(docs, is_train=True)
    assert [y.shape for y in out] == [(len(docs[0]), 32), (len(docs[1]), 32)]
    assert backprop(out) == []


def test_layer_gives_width_vectors_and_backpropagates(nlp_rules):
    docs = [nlp_rules.make_doc("Sildenafil lowered pressure."), nlp_rules.make_doc("No drug here.")]
    model = lexicon_hash_embed(32, ["NORM", "SHAPE"], [500, 100], include_static_vectors=False, lexicon_width=8)
    model.initialize(X=docs)
    out, backprop = model(docs, is_train=True)
    assert [y.shape for y in out] == [(len(docs[0]), 32), (len(docs[1]), 32)]
    assert backprop(out) == []


def test_architecture_is_registered_and_used_by_the_shipped_model():
    from extractor.pipeline.shipped import shipped_models

    assert registry.architectures.get("claimx.LexiconHashEmbed.v1") is lexicon_hash_embed
    assert registry.architectures.get("claimx.LexiconHashEmbed.v2") is lexicon_hash_embed_v2
    assert registry.architectures.get("claimx.LexiconHashEmbed.v3") is lexicon_hash_embed_v3
    config = (shipped_models()["default"] / "config.cfg").read_text()
    assert '@architectures = "claimx.LexiconHashEmbed.v3"' in config
