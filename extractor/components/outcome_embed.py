"""Where a token sits in an abstract, as a learned feature of the OUTCOME tagger's tok2vec
(`claimx.OutcomeContextHashEmbed.v2`).

The tagger's CNN sees a few words either side, so it cannot tell a title or an aim (`Efficacy of
X in patients with Y`: the condition and the treatment) from a results sentence. Each token gets a
small learned vector for its sentence (the first, second, third or a later one) and its part of a
structured abstract (the last heading seen: background, methods, results, conclusions, none),
embedded beside the hash embeddings of its spelling and mixed with them by the same maxout layer.
"""

from __future__ import annotations

from spacy.attrs import ORTH
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Embed, Maxout, Model, chain, concatenate, with_array

# Section headings of structured abstracts, by the part of the abstract they open.
SECTION_WORDS = {
    1: ("BACKGROUND", "INTRODUCTION", "CONTEXT", "OBJECTIVE", "OBJECTIVES", "PURPOSE", "AIM", "AIMS", "GOAL",
        "GOALS", "RATIONALE", "IMPORTANCE", "UNLABELLED"),
    2: ("METHODS", "METHOD", "DESIGN", "SETTING", "SETTINGS", "PATIENTS", "SUBJECTS", "PARTICIPANTS",
        "INTERVENTION", "INTERVENTIONS", "MATERIAL", "MATERIALS", "POPULATION"),
    3: ("RESULTS", "RESULT", "MEASUREMENTS", "FINDINGS", "OUTCOME", "OUTCOMES", "MAIN"),
    4: ("CONCLUSION", "CONCLUSIONS", "INTERPRETATION", "DISCUSSION", "SIGNIFICANCE", "IMPLICATIONS"),
}
_SECTION_OF = {word: part for part, words in SECTION_WORDS.items() for word in words}
N_PLACES = 4  # sentence 0 (the title), 1, 2, later
LATER = N_PLACES - 1
N_CONTEXT_CODES = N_PLACES * (len(SECTION_WORDS) + 1)
MIN_SENTENCES = 4
_ENDS = frozenset({".", "?", "!"})


_LAYOUT_KEY = ("claimx", "abstract_layout")


def abstract_layout(doc: Doc) -> tuple[int, list[int], list[int], list[str]]:
    """(number of sentences, each token's sentence, each token's part of a structured abstract,
    each sentence's opening heading or ""). Sentences end at `.`, `?` or `!` before a capitalised
    word, so the layout is the same in training and in any pipeline; a part is the last heading
    seen (1 background or aim, 2 methods, 3 results, 4 conclusions, 0 none yet). Read once per Doc
    (kept in `doc.user_data`: the tagger's feature and claimx_outcomes both need it)."""
    cached = doc.user_data.get(_LAYOUT_KEY)
    if isinstance(cached, (list, tuple)) and len(cached) == 4 and len(cached[1]) == len(doc):
        return cached
    strings = doc.vocab.strings
    words = [strings[orth] for orth in doc.to_array(ORTH).tolist()] if len(doc) else []
    sentences, sections, headings = [0] * len(words), [0] * len(words), [""]
    sentence = section = 0
    starts = True
    for i, word in enumerate(words):
        if starts and word.isupper() and word in _SECTION_OF:
            section = _SECTION_OF[word]
            if not headings[sentence]:
                headings[sentence] = word
        sentences[i], sections[i] = sentence, section
        starts = False
        if word in _ENDS and i + 1 < len(words) and words[i + 1][:1].isupper():
            sentence += 1
            headings.append("")
            starts = True
        elif word.isspace():
            starts = True
    layout = (sentence + 1, sentences, sections, headings)
    doc.user_data[_LAYOUT_KEY] = layout
    return layout


def context_codes(doc: Doc) -> list[int]:
    """One code per token: which sentence it is in (the first, second, third or a later one: a
    title and an aim name the condition and the treatment more often than outcomes) and the part
    of a structured abstract it is in (abstract_layout). A text of fewer than MIN_SENTENCES
    sentences (a claim, a table cell) is not an abstract: all its tokens count as in a later
    sentence."""
    n_sentences, sentences, sections, _headings = abstract_layout(doc)
    n_sections = len(SECTION_WORDS) + 1
    if n_sentences < MIN_SENTENCES:
        return [LATER * n_sections + part for part in sections]
    return [min(place, LATER) * n_sections + part for place, part in zip(sentences, sections)]


def context_place(code: int) -> int:
    """0, 1, 2: the first, second, third sentence of an abstract; 3: any other."""
    return code // (len(SECTION_WORDS) + 1)


def context_section(code: int) -> int:
    """0: no heading yet, 1: background or aim, 2: methods, 3: results, 4: conclusions."""
    return code % (len(SECTION_WORDS) + 1)


def context_feature_extractor(attrs: list[str]) -> Model[list[Doc], list]:
    """Docs -> per doc, spaCy's FeatureExtractor columns for `attrs` and a last column of
    context codes."""
    from spacy.ml.featureextractor import FeatureExtractor

    extract = FeatureExtractor(attrs)

    def forward(model: Model, docs: list[Doc], is_train: bool):
        features, _ = extract(docs, is_train)
        ops = model.ops
        out = [ops.xp.hstack([f, ops.asarray(context_codes(doc), dtype=f.dtype).reshape((-1, 1))])
               for f, doc in zip(features, docs)]
        return out, lambda d_out: []

    return Model("claimx_outcome_features", forward, layers=[extract])


@registry.architectures("claimx.OutcomeContextHashEmbed.v2")
def outcome_context_hash_embed_v2(width: int, attrs: list[str], rows: list[int], include_static_vectors: bool,
                                  context_width: int = 8) -> Model[list[Doc], list]:
    """spaCy's MultiHashEmbed (same tables and seeds) with the context codes' embedding as one
    more table, all mixed by its one maxout layer."""
    from thinc.api import HashEmbed, list2ragged, ragged2list

    if include_static_vectors:
        raise ValueError("claimx.OutcomeContextHashEmbed.v2 takes no static vectors")
    if len(rows) != len(attrs):
        raise ValueError(f"Mismatched lengths: {len(rows)} vs {len(attrs)}")
    embeddings = [HashEmbed(width, rows[i], column=i, seed=8 + i, dropout=0.0) for i in range(len(attrs))]
    context = Embed(nO=context_width, nV=N_CONTEXT_CODES, column=len(attrs), dropout=0.0)
    model = chain(context_feature_extractor(attrs), list2ragged(),
                  with_array(concatenate(*embeddings, context)),
                  with_array(Maxout(width, width * len(attrs) + context_width, nP=3, dropout=0.0, normalize=True)),
                  ragged2list())
    model.set_dim("nO", width)
    return model
