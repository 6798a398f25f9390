"""doc_text: the exact `Doc.text`, read from token arrays and kept once per Doc."""

import pytest
from spacy.tokens import Doc

from extractor.pipeline.doctext import doc_text, lower_words, token_offsets

TEXTS = [
    "Ketamine 0.5 mg/kg was infused [3].",
    "  Leading spaces,\ttabs\nand trailing space ",
    "β-blockers (n = 30) – “quoted” text…",
    "",
]


@pytest.mark.parametrize("text", TEXTS, ids=["plain", "whitespace", "unicode", "empty"])
def test_doc_text_is_doc_text_every_time(nlp, text):
    doc = nlp.make_doc(text)
    assert doc_text(doc) == doc.text == text
    assert doc_text(doc) == text  # the kept copy
    starts, ends = token_offsets(doc)
    assert [text[s:e] for s, e in zip(starts, ends)] == [t.text for t in doc]
    assert lower_words(doc) == [t.lower_ for t in doc]


@pytest.mark.filterwarnings("ignore:\\[W102\\]")  # spaCy skips claimx's user_data keys when merging
def test_a_doc_built_from_other_docs_gets_its_own_text(nlp):
    first, second = nlp.make_doc("Morphine was given."), nlp.make_doc("Pain fell at 12 weeks.")
    doc_text(first)  # kept in first.user_data, which Doc.from_docs copies
    joined = Doc.from_docs([first, second])
    assert doc_text(joined) == joined.text == "Morphine was given. Pain fell at 12 weeks."


@pytest.mark.filterwarnings("ignore:\\[W102\\]")
def test_lower_words_of_a_merged_doc_are_its_own(nlp):
    first, second = nlp.make_doc("Morphine IV."), nlp.make_doc("Pain FELL.")
    assert lower_words(first) == ["morphine", "iv", "."]
    joined = Doc.from_docs([first, second])
    assert lower_words(joined) == ["morphine", "iv", ".", "pain", "fell", "."]
