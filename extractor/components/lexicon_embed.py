"""The drug lexicon as a learned feature of the recognizer's tok2vec (`claimx.LexiconHashEmbed.v1`).

The CNN reads a word's spelling and its neighbours, so a chemical it never saw in training
(`sildenafil`, `deferasirox`) is often missed although the drug dictionary knows it. Each token
gets a small learned vector for where it sits in a dictionary match (first, inside, last or only
token; of a drug or of a drug class) or, outside any match, whether it has a drug-name suffix. The
vector is concatenated to the hash embeddings and mixed by one maxout layer, so training decides
how far the dictionary is trusted in context. The dictionary is the installed one (read once per
process, cached on disk), so the weights carry no copy of it.

`claimx.LexiconHashEmbed.v2` adds a second learned vector for each token's place in a match of
ChEBI's chemical names (`extractor/rules/chebi_names.py`): metabolites, toxins, reagents and
natural products that a drug dictionary lacks (`paraquat`, `rotenone`, `nitric oxide`).
`claimx.LexiconHashEmbed.v3` adds a third, for disease and phenotype names
(`extractor/rules/disease_names.py`: the Human Phenotype Ontology's abnormalities, the rare
diseases it annotates, and the Disease Ontology's diseases), which no corpus the recognizer is trained on covers.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.attrs import IS_SPACE
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Embed, Maxout, Model, chain, concatenate, with_array
from thinc.types import Ints2d

from extractor.pipeline.doctext import doc_text, lower_words, token_offsets
from extractor.rules.chebi_names import chebi_names
from extractor.rules.disease_names import disease_names

NONE, DRUG_LIKE = 0, 9
# first / inside / last / only token of a match, +4 for a drug class
BEGIN, INSIDE, LAST, UNIT, CLASS_OFFSET = 1, 2, 3, 4, 4
N_CODES = 10
N_NAME_CODES = 5  # NONE, BEGIN, INSIDE, LAST, UNIT


@lru_cache(maxsize=1)
def _lexicon():
    from extractor.components.drugs import FILES
    from extractor.rules.drug_lexicon import lexicon_from_rules
    from extractor.rules.loader import read_rules

    return lexicon_from_rules(None, read_rules(FILES, None))


def token_codes(doc: Doc, lexicon=None) -> list[int]:
    """One code per token: its place in the longest dictionary match, else drug-like or none."""
    from extractor.components.drugs import doc_lexicon_matches

    lexicon = lexicon or _lexicon()
    codes = [NONE] * len(doc)
    text = doc_text(doc)
    starts, ends = token_offsets(doc)
    for start, end, concept in doc_lexicon_matches(doc, lexicon):
        offset = CLASS_OFFSET if concept.is_class else 0
        if end - start == 1:
            codes[start] = UNIT + offset
            continue
        codes[start] = BEGIN + offset
        for i in range(start + 1, end - 1):
            codes[i] = INSIDE + offset
        codes[end - 1] = LAST + offset
    for i, (start, end) in enumerate(zip(starts, ends)):
        if codes[i] == NONE and end - start > 4 and lexicon.is_drug_like(text[start:end]):
            codes[i] = DRUG_LIKE
    return codes


def _words(doc: Doc) -> tuple[list[int] | None, list[str]]:
    """The indices of the non-space tokens (None when every token is one) and their lower-cased
    forms, read once per Doc for every name list (kept in `doc.user_data`)."""
    cached = doc.user_data.get(_WORDS_KEY)
    if isinstance(cached, tuple) and cached[2] == len(doc):
        return cached[0], cached[1]
    lower = lower_words(doc)
    spaces = doc.to_array(IS_SPACE).tolist()
    if any(spaces):
        index = [i for i, space in enumerate(spaces) if not space]
        words = [lower[i] for i in index]
    else:
        index, words = None, lower
    doc.user_data[_WORDS_KEY] = (index, words, len(doc))
    return index, words


_WORDS_KEY = ("claimx", "name_list_words")


def name_codes(doc: Doc, names) -> list[int]:
    """One code per token: its place (BEGIN/INSIDE/LAST/UNIT) in the longest match of `names`
    (a NameList), else NONE."""
    codes = [NONE] * len(doc)
    index, words = _words(doc)
    for start, end in names.match(words):
        if index is not None:
            start, end = index[start], index[end - 1] + 1
        if end - start == 1:
            codes[start] = UNIT
            continue
        for i in range(start + 1, end - 1):
            codes[i] = INSIDE
        codes[start], codes[end - 1] = BEGIN, LAST
    return codes


def chebi_codes(doc: Doc) -> list[int]:
    return name_codes(doc, chebi_names())


def disease_codes(doc: Doc) -> list[int]:
    return name_codes(doc, disease_names())


def name_features(codes, name: str) -> Model[list[Doc], list[Ints2d]]:
    """Docs -> one column of `codes(doc)` per doc (no weights, nothing to backpropagate)."""

    def forward(model: Model, docs: list[Doc], is_train: bool):
        return [model.ops.asarray1i(codes(doc)) for doc in docs], lambda d_out: []

    return Model(name, forward)


def lexicon_features() -> Model[list[Doc], list[Ints2d]]:
    """Docs -> one column of lexicon codes per doc (no weights, nothing to backpropagate)."""

    def forward(model: Model, docs: list[Doc], is_train: bool):
        lexicon = _lexicon()
        out = [model.ops.asarray1i(token_codes(doc, lexicon)) for doc in docs]
        return out, lambda d_out: []

    return Model("claimx_lexicon_features", forward)


@registry.architectures("claimx.LexiconHashEmbed.v1")
def lexicon_hash_embed(width: int, attrs: list[str], rows: list[int], include_static_vectors: bool,
                       lexicon_width: int = 16) -> Model[list[Doc], list]:
    """spaCy's MultiHashEmbed with the lexicon codes' embedding beside it, mixed back to `width`."""
    from spacy.ml.models.tok2vec import MultiHashEmbed

    hashed = MultiHashEmbed(width=width, attrs=attrs, rows=rows, include_static_vectors=include_static_vectors)
    lexical = chain(lexicon_features(), with_array(Embed(nO=lexicon_width, nV=N_CODES)))
    model = chain(concatenate(hashed, lexical),
                  with_array(Maxout(width, width + lexicon_width, nP=3, dropout=0.0, normalize=True)))
    model.set_dim("nO", width)
    return model


def _with_name_lists(width: int, attrs: list[str], rows: list[int], include_static_vectors: bool,
                     lexicon_width: int, name_lists: list[tuple]) -> Model[list[Doc], list]:
    """Hash embeddings, the drug lexicon's codes and each (codes, model name, width) of `name_lists`
    embedded side by side, mixed back to `width` by one maxout layer."""
    from spacy.ml.models.tok2vec import MultiHashEmbed

    hashed = MultiHashEmbed(width=width, attrs=attrs, rows=rows, include_static_vectors=include_static_vectors)
    lexical = chain(lexicon_features(), with_array(Embed(nO=lexicon_width, nV=N_CODES)))
    names = [chain(name_features(codes, name), with_array(Embed(nO=n_out, nV=N_NAME_CODES)))
             for codes, name, n_out in name_lists]
    n_in = width + lexicon_width + sum(n_out for _, _, n_out in name_lists)
    model = chain(concatenate(hashed, lexical, *names),
                  with_array(Maxout(width, n_in, nP=3, dropout=0.0, normalize=True)))
    model.set_dim("nO", width)
    return model


@registry.architectures("claimx.LexiconHashEmbed.v2")
def lexicon_hash_embed_v2(width: int, attrs: list[str], rows: list[int], include_static_vectors: bool,
                          lexicon_width: int = 16, chebi_width: int = 8) -> Model[list[Doc], list]:
    """v1 with the ChEBI-name codes' own embedding beside the drug lexicon's."""
    return _with_name_lists(width, attrs, rows, include_static_vectors, lexicon_width,
                            [(chebi_codes, "claimx_chebi_features", chebi_width)])


@registry.architectures("claimx.LexiconHashEmbed.v3")
def lexicon_hash_embed_v3(width: int, attrs: list[str], rows: list[int], include_static_vectors: bool,
                          lexicon_width: int = 16, chebi_width: int = 8,
                          disease_width: int = 8) -> Model[list[Doc], list]:
    """v2 with the disease names' codes' own embedding beside the ChEBI names'."""
    return _with_name_lists(width, attrs, rows, include_static_vectors, lexicon_width,
                            [(chebi_codes, "claimx_chebi_features", chebi_width),
                             (disease_codes, "claimx_disease_features", disease_width)])
