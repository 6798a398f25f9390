"""ChunkCachedTokenizer must give exactly the tokens, spaces and norms of spaCy's Tokenizer with the
same rules, on any text, with the cache empty, warm or overflowing."""

from __future__ import annotations

import json

import pytest
from spacy.attrs import IDX, NORM, ORTH, SPACY
from spacy.tokenizer import Tokenizer

from extractor.pipeline.chunk_cache import ChunkCachedTokenizer
from tests.conftest import DATA, SHARED, shared_reason


def _plain(tokenizer: Tokenizer) -> Tokenizer:
    return Tokenizer(tokenizer.vocab, rules=tokenizer.rules, prefix_search=tokenizer.prefix_search,
                     suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                     token_match=tokenizer.token_match, url_match=tokenizer.url_match,
                     faster_heuristics=tokenizer.faster_heuristics)


def _same(a, b) -> bool:
    attrs = [ORTH, SPACY, NORM, IDX]
    return a.text == b.text and len(a) == len(b) and (a.to_array(attrs) == b.to_array(attrs)).all()


# unseen chunks split joined by newlines (max_missing 1.0), read off spaCy's Doc of the whole text
# (0.0), or as shipped; the cache used on texts of any length (min_chars 0)
PATHS = {"joined": (1.0, 0), "whole-text": (0.0, 0), "shipped": (None, None)}


@pytest.fixture(scope="module", params=list(PATHS))
def tokenizers(nlp, request):
    assert isinstance(nlp.tokenizer, ChunkCachedTokenizer)
    cached = ChunkCachedTokenizer.like(nlp.tokenizer)
    max_missing, min_chars = PATHS[request.param]
    if max_missing is not None:
        cached.max_missing, cached.min_chars = max_missing, min_chars
    return cached, _plain(nlp.tokenizer)


TEXTS = [
    "Ketamine 0.5 mg/kg i.v. over 40 min, e.g. in TRD [12].",
    "  two leading spaces", "trailing space ", "two trailing  ", " ", "\n", "a", "",
    "tabs\tand\nnewlines \n mixed  with   runs", "no-break\u00a0space and\u2009thin space",
    "Don't stop; they didn't (see Fig. 2).", "quotes ''Brand'' and :( faces :)",
    "for 48 h. then 2 wks. later", "x" * 300,
]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_same_tokens_as_spacy(tokenizers, text):
    cached, plain = tokenizers
    expected = plain(text)
    assert _same(cached(text), expected)  # cache empty for these chunks
    assert _same(cached(text), expected)  # and warm


def test_norms_of_special_cases_survive_the_cache(tokenizers):
    cached, plain = tokenizers
    for _ in range(2):  # the second time from the cache (or, shipped, from spaCy: a short text)
        doc = cached("They don't respond.")
        assert [t.norm_ for t in doc] == [t.norm_ for t in plain("They don't respond.")]
    assert "not" in [t.norm_ for t in doc]


def test_overflowing_cache_is_emptied(nlp):
    cached, plain = ChunkCachedTokenizer.like(nlp.tokenizer), _plain(nlp.tokenizer)
    cached.max_chunks, cached.min_chars = 5, 0
    for text in TEXTS:
        assert _same(cached(text), plain(text))
    assert len(cached._chunk_cache()) <= 20


def test_changing_rules_empties_the_cache(nlp):
    cached = ChunkCachedTokenizer.like(nlp.tokenizer)
    cached.min_chars = 0
    assert [t.text for t in cached("take qwk.")] == ["take", "qwk", "."]
    assert "qwk." in cached._chunk_cache()
    cached.add_special_case("qwk.", [{ORTH: "qwk."}])
    assert [t.text for t in cached("take qwk.")] == ["take", "qwk."]


def test_shipped_pipelines_load_it(nlp, nlp_rules):  # load("default"), load("rules")
    for pipeline in (nlp, nlp_rules):
        assert isinstance(pipeline.tokenizer, ChunkCachedTokenizer)


def test_serialises_like_spacys(nlp):
    cached = ChunkCachedTokenizer.like(nlp.tokenizer)
    restored = ChunkCachedTokenizer(nlp.vocab).from_bytes(cached.to_bytes())
    cached.min_chars = restored.min_chars = 0
    text = "Ketamine (KET) 0.5 mg/kg i.v. for 48 h. e.g. in TRD."
    assert _same(restored(text), cached(text))


def _corpus_texts() -> list[str]:
    texts = []
    for name, limit in (("claims/dev.jsonl", None), ("bc5cdr/dev.jsonl", None), ("evidence_inference/dev.jsonl", 15)):
        path = DATA / name
        if path.exists():
            with path.open(encoding="utf-8") as f:
                texts += [json.loads(line)["text"] for line in f][:limit]
    seed = SHARED / "seeds" / "ketamine-commentary.txt"
    if seed.exists():
        texts.append(seed.read_text(encoding="utf-8"))
    return texts


@pytest.fixture(scope="module")
def corpus_tokens(nlp):
    """The corpus texts and spaCy's own Doc of each, made once for the three paths."""
    texts = _corpus_texts()
    if not texts:
        pytest.skip(shared_reason(DATA))
    plain = _plain(nlp.tokenizer)
    return texts, [plain(text) for text in texts]


def test_same_tokens_on_the_corpora(tokenizers, corpus_tokens):
    texts, plain_docs = corpus_tokens
    cached, _ = tokenizers
    for text, plain_doc in zip(texts + texts, plain_docs + plain_docs):  # the second round from a warm cache
        assert _same(cached(text), plain_doc), text[:80]
    assert len(cached._chunk_cache()) > 1000  # the cache was used


def test_the_shipped_tokenizer_has_scispacys_rules_and_affixes(nlp):
    """claimx builds scispaCy's tokenizer once, without its special cases, and adds them to the
    tokenizer it keeps: the result must be what scispaCy itself builds, plus claimx's own splits."""
    import spacy
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    blank = spacy.blank("en")
    theirs = combined_rule_tokenizer(blank)
    ours = nlp.tokenizer
    from extractor.pipeline.tokenizer import _words

    units = {f"{unit}." for unit in _words()["unit_abbreviations"]}  # claimx's own: `48 h.` -> `h` `.`
    assert all(ours.rules[unit] == [{ORTH: unit[:-1]}, {ORTH: "."}] for unit in units)
    assert {rule: tokens for rule, tokens in ours.rules.items() if rule not in units} == \
        {rule: tokens for rule, tokens in theirs.rules.items() if rule not in units}
    assert ours.prefix_search.__self__.pattern == theirs.prefix_search.__self__.pattern
    assert ours.suffix_search.__self__.pattern == theirs.suffix_search.__self__.pattern
    assert ours.infix_finditer.__self__.pattern.startswith(theirs.infix_finditer.__self__.pattern)
