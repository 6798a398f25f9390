"""The BILUO-tagging NER: decoding tags into entities, and a real (tiny) training run."""

from __future__ import annotations

import pytest

from extractor.components.biluo_ner import biluo_labels, decode_biluo


@pytest.mark.parametrize("tags, expected", [
    ("O O O", []),
    ("U-CHEM O B-DIS L-DIS", [(0, 1, "CHEM"), (2, 4, "DIS")]),
    ("B-DIS I-DIS I-DIS L-DIS", [(0, 4, "DIS")]),
    ("B-DIS I-DIS O", [(0, 2, "DIS")]),
    ("O I-DIS L-DIS", [(1, 3, "DIS")]),
    ("L-CHEM O", [(0, 1, "CHEM")]),
    ("B-CHEM L-DIS", [(0, 1, "CHEM"), (1, 2, "DIS")]),
    ("B-CHEM B-CHEM L-CHEM", [(0, 1, "CHEM"), (1, 3, "CHEM")]),
    ("B-CHEM U-CHEM", [(0, 1, "CHEM"), (1, 2, "CHEM")]),
    ("O B-DIS I-DIS", [(1, 3, "DIS")]),
    ("", []),
], ids=["outside", "unit-and-pair", "long", "unclosed", "opened-by-I", "lone-L", "label-switch", "B-after-B",
        "U-after-B", "open-at-end", "empty"])
def test_decode_biluo(tags, expected):
    assert decode_biluo(tags.split()) == expected


def test_biluo_labels_are_ordered_and_complete():
    assert biluo_labels(["DISEASE", "CHEMICAL", "CHEMICAL"]) == [
        "O", "B-CHEMICAL", "I-CHEMICAL", "L-CHEMICAL", "U-CHEMICAL",
        "B-DISEASE", "I-DISEASE", "L-DISEASE", "U-DISEASE"]


def test_a_trained_tagger_writes_entities_not_tags(nlp):
    """Train the shipped architecture on a handful of sentences until it fits them: its
    predictions land in doc.ents (with spans that decode from BILUO), token tags stay empty."""
    import spacy
    from spacy.training import Example

    train = [
        ("Cisplatin caused acute renal failure in rats.", [(0, 9, "CHEMICAL"), (17, 36, "DISEASE")]),
        ("Haloperidol induced catalepsy.", [(0, 11, "CHEMICAL"), (20, 29, "DISEASE")]),
        ("Patients with migraine received sumatriptan.", [(14, 22, "DISEASE"), (32, 43, "CHEMICAL")]),
    ]
    blank = spacy.blank("en")
    blank.tokenizer = nlp.tokenizer
    ner = blank.add_pipe("claimx_biluo_ner", name="ner")
    examples = []
    for text, spans in train:
        doc = blank.make_doc(text)
        examples.append(Example.from_dict(doc, {"entities": [(s, e, label) for s, e, label in spans]}))
    optimizer = blank.initialize(lambda: examples)
    assert ner.labels == ("CHEMICAL", "DISEASE")  # entity labels, as spaCy's ner reports them
    assert ner.tags == tuple(biluo_labels(["CHEMICAL", "DISEASE"]))
    for _ in range(60):
        blank.update(examples, sgd=optimizer)
    for text, spans in train:
        doc = blank(text)
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == spans
        assert all(t.tag_ == "" for t in doc)
    scores = blank.evaluate(examples)
    assert scores["ents_f"] == 1.0


TAGS = ("O", "B-X", "I-X", "L-X", "U-X")


def valid(path) -> bool:
    kinds = [TAGS[i][0] for i in path]
    if not kinds:
        return True
    if kinds[0] in "IL" or kinds[-1] in "BI":
        return False
    return all((b in "IL") == (a in "BI") for a, b in zip(kinds, kinds[1:]))


def brute_force(x):
    import itertools

    import numpy

    best = max((p for p in itertools.product(range(len(TAGS)), repeat=len(x)) if valid(p)),
               key=lambda p: float(numpy.sum(x[numpy.arange(len(x)), p])))
    return list(best)


@pytest.mark.parametrize("seed", range(8))
def test_viterbi_finds_the_best_valid_sequence(seed):
    import numpy

    from extractor.components.biluo_ner import _constraints, viterbi

    rng = numpy.random.default_rng(seed)
    docs = [rng.normal(size=(n, len(TAGS))).astype("float32") for n in (1, 3, 5, 6)]
    assert viterbi(docs, *_constraints(TAGS)) == [brute_force(x) for x in docs]


def one_hot(tags: str, margin: float = 3.0):
    import numpy

    names = tags.split()
    x = numpy.zeros((len(names), len(TAGS)), dtype="float32")
    for i, name in enumerate(names):
        x[i, TAGS.index(name)] = margin
    return x


@pytest.mark.parametrize("seed", range(8))
def test_best_tag_paths_are_valid_and_keep_valid_argmax(seed):
    import numpy

    from extractor.components.biluo_ner import best_tag_paths

    rng = numpy.random.default_rng(100 + seed)
    docs = [rng.normal(size=(n, len(TAGS))).astype("float32") for n in (0, 1, 4, 9, 30)]
    docs.append(one_hot("O B-X I-X L-X O U-X O"))
    paths = best_tag_paths(docs, TAGS)
    assert [len(p) for p in paths] == [len(x) for x in docs]
    assert all(valid(p) for p in paths)
    for x, path in zip(docs, paths):
        if len(x) and valid(x.argmax(axis=1).tolist()):
            assert path == x.argmax(axis=1).tolist()


def test_an_invalid_step_is_repaired_by_the_scores():
    """`B-X O` is not a sequence: the second token's weaker L-X score closes the entity."""
    from extractor.components.biluo_ner import best_tag_paths

    x = one_hot("O B-X O O")
    x[2, TAGS.index("L-X")] = 2.0
    assert [TAGS[i] for i in best_tag_paths([x], TAGS)[0]] == ["O", "B-X", "L-X", "O"]


def test_training_examples_without_entities_are_a_clear_error(nlp):
    import spacy
    from spacy.training import Example

    blank = spacy.blank("en")
    blank.add_pipe("claimx_biluo_ner", name="ner")
    examples = [Example.from_dict(blank.make_doc("Nothing to see here."), {"entities": []})]
    with pytest.raises(ValueError, match="no entities"):
        blank.initialize(lambda: examples)


@pytest.mark.parametrize("label, tags", [
    ("DRUG", ["B-DRUG", "I-DRUG", "L-DRUG", "U-DRUG"]),
    ("U-GENE", ["U-GENE"]),
    ("O", ["O"]),
], ids=["entity-label", "one-tag", "outside"])
def test_add_label_takes_entity_labels_or_tags(label, tags):
    import spacy

    ner = spacy.blank("en").add_pipe("claimx_biluo_ner", name="ner")
    assert ner.add_label(label) == 1
    assert list(ner.tags) == tags
    assert ner.add_label(label) == 0
