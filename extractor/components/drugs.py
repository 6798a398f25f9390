"""DRUG mentions into `doc.spans["drugs"]`: the drug lexicon, salt forms, abbreviations
defined in the text, and the NER's CHEMICAL entities that the lexicon or a drug-name suffix
confirms.

The matching is a pure function over token texts (`match_lexicon`); the component adds the
abbreviation and NER steps and sets the spans and their attributes.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.components.batching import RulesPipe
from extractor.components.bench import BENCH_FILE, Bench
from extractor.pipeline.doctext import doc_text, lower_words, token_offsets, token_texts
from extractor.pipeline.extensions import set_attrs
from extractor.pipeline.intervals import Containers, Occupied
from extractor.rules.drug_lexicon import FILES, MAX_TOKENS, DrugConcept, DrugLexicon, lexicon_from_rules
from extractor.rules.loader import read_rules
from extractor.rules.preparations import compile_preparations, find_all

GROUP = "drugs"


_PART_SPLIT = re.compile(r"[-/]")


def match_lexicon(text: str, starts: list[int], ends: list[int], lexicon: DrugLexicon,
                  ) -> list[tuple[int, int, DrugConcept]]:
    """Longest lexicon matches, left to right, over the tokens of `text` (given by their
    character offsets). Returns (start, end, concept) in token indices.

    Tokens are compared lower-cased with single spaces between them. The case-sensitive
    abbreviation list (`MTX`, `5-FU`) is tried where nothing matched. A hyphenated token the
    tokenizer kept whole (`amiodarone-induced`) matches on its first part. A match followed
    by a `not_before` word (`serotonin syndrome`) is skipped.
    """
    low = text.lower()
    if len(low) != len(text):  # a rare character whose lower case is longer
        low = "".join(ch.lower()[:1] for ch in text)
    n = len(starts)
    lowers = [low[starts[i]:ends[i]] for i in range(n)]
    prefixes, terms, salts = lexicon.prefixes, lexicon.terms, lexicon.salts
    out = []
    i = 0
    while i < n:
        key = lowers[i]
        best = None
        if key in prefixes or key in terms:
            j = i
            while True:
                concept = lexicon.lookup(key)
                if concept is not None:
                    best = (j + 1, concept)
                if key not in prefixes:
                    break
                j += 1
                while j < n and not lowers[j].strip():  # space tokens
                    j += 1
                if j >= n or j - i >= MAX_TOKENS:
                    break
                key = key + (" " if starts[j] > ends[j - 1] else "") + lowers[j]
        elif key.endswith("s") and len(key) > 4:
            concept = lexicon.lookup(key)
            if concept is not None:
                best = (i + 1, concept)
        if best is None:
            concept = lexicon.abbreviations.get(text[starts[i]:ends[i]])
            if concept is not None:
                best = (i + 1, concept)
            elif "-" in key or "/" in key:
                part, rest = _PART_SPLIT.split(key, 1)
                concept = lexicon.lookup(part) if len(part) > 3 and rest not in lexicon.not_before else None
                if concept is not None:
                    best = (i + 1, concept)
        if best is not None and best[0] < n and lowers[best[0]] in lexicon.not_before:
            best = None
        if best is None:
            i += 1
            continue
        end, concept = best
        parts = _combination(i, end, starts, ends, lowers, lexicon)
        if parts:  # "lopinavir/ritonavir": each ingredient is a drug of its own
            out.extend(parts)
            i = end
            continue
        if not concept.is_class:
            while end < n and lowers[end] in salts and starts[end] > ends[end - 1]:  # "ketamine hydrochloride"
                end += 1
        out.append((i, end, concept))
        i = end
    return out


_MATCHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def doc_lexicon_matches(doc: Doc, lexicon: DrugLexicon) -> list[tuple[int, int, DrugConcept]]:
    """`match_lexicon` over a Doc's tokens, once per Doc and lexicon: the recognizer's lexicon
    feature and claimx_drugs both need them (a weak reference: nothing outlives the Doc)."""
    cached = _MATCHES.get(doc)
    if cached is not None and cached[0] is lexicon and cached[1] == len(doc):
        return cached[2]
    starts, ends = token_offsets(doc)
    matches = match_lexicon(doc_text(doc), starts, ends, lexicon)
    _MATCHES[doc] = (lexicon, len(doc), matches)
    return matches

def _combination(i: int, end: int, starts: list[int], ends: list[int], lowers: list[str], lexicon: DrugLexicon,
                 ) -> list[tuple[int, int, DrugConcept]]:
    """The ingredients of a combination matched as one term (`lopinavir/ritonavir`,
    `bortezomib / dexamethasone`): [(start, end, concept)] for the two drugs when the match
    is drug, `/` or `-`, drug and both are single drugs (not classes) in the lexicon; else []."""
    if end - i != 3 or lowers[i + 1] not in ("/", "-"):
        return []
    first, second = lexicon.lookup(lowers[i]), lexicon.lookup(lowers[i + 2])
    if first is None or second is None or first.is_class or second.is_class:
        return []
    return [(i, i + 1, first), (i + 2, i + 3, second)]


def _taken(doc: Doc, spans: list[Span]) -> Occupied:
    """The tokens `spans` cover, for overlap tests that stay fast on long documents."""
    return Occupied(len(doc), ((s.start, s.end) for s in spans))


_LIST_WORDS = frozenset({",", "and", "or", "(", ")"})
_DOSE_AFTER_WINDOW = 3


def measured_analytes(drugs: list[Span], words: list[str], before: frozenset[str], phrases: tuple[list[str], ...],
                      after: frozenset[str] = frozenset(), fluids: frozenset[str] = frozenset()) -> set[int]:
    """ids of the drug spans that name an analyte measured, not a drug given: right after an
    `analyte_before` word (`serum adiponectin`, `fasting plasma insulin`) or an `analyte_phrases`
    phrase (`levels of GLP-1`), and the drugs listed after such a one with only commas, `and`,
    `or` and brackets between (`levels of ANP, cGMP, nitrate and endothelin-1`). A drug with a
    number right after it (`plasma ... lidocaine 2 mg/kg`) stays a drug. So is one followed by an
    `after` word, a `fluids` word may sit between (`ATP synthesis`, `ANP plasma concentration`),
    unless a number follows that word (`a lidocaine concentration of 2%`). `words`: the Doc's
    lower-cased token texts."""
    out: set[int] = set()
    previous: Span | None = None
    for d in drugs:
        near = words[max(0, d.start - 3):d.start]
        listed = (previous is not None and id(previous) in out and previous.end <= d.start
                  and all(w in _LIST_WORDS for w in words[previous.end:d.start]))
        measured = (bool(near) and near[-1] in before) or any(near[-len(p):] == p for p in phrases if p)
        if (measured or listed) and not any(_NUMBER.match(w) for w in words[d.end:d.end + _DOSE_AFTER_WINDOW]):
            out.add(id(d))
        elif after:
            k = d.end + (d.end < len(words) and words[d.end] in fluids)
            if k < len(words) and words[k] in after and not _stated_amount(words, k + 1):
                out.add(id(d))
        previous = d
    return out


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*$")


def _stated_amount(words: list[str], i: int) -> bool:
    """A number at `i`, or after `of`, `=` or `:` there (`a lidocaine concentration of 2%`)."""
    if i < len(words) and words[i] in ("of", "=", ":"):
        i += 1
    return i < len(words) and bool(_NUMBER.match(words[i]))


def named_classes(drugs: list[Span]) -> set[int]:
    """ids of the class spans that only describe the drug named right after them (`the thiazide
    diuretic HCTZ`, `the SSRI escitalopram`): the class itself is not meant (regimens
    GUIDELINES.md). `drugs` sorted by start."""
    return {id(a) for a, b in zip(drugs, drugs[1:]) if a._.is_class and not b._.is_class and a.end == b.start}


_SHORT_FORM = re.compile(r"^(?=[^a-z]*[A-Z0-9α-ωΑ-Ω])[A-Za-z0-9α-ωΑ-Ω][\w\-α-ωΑ-Ω]{0,6}$")
_ABBREVIATION_WINDOW = 12  # tokens before the bracket where the drug(s) it abbreviates may start


def letters_in_order(short: str, long: str) -> bool:
    """`OLM` in `olmesartan medoxomil`, `SP` in `sulfadoxine ... pyrimethamine`: the short
    form's letters, first letter first, appear in order in the long form."""
    letters = [c for c in short.lower() if c.isalpha()]
    long = long.lower()
    if not letters or not long.startswith(letters[0]):
        return False
    pos = 0
    for c in letters:
        pos = long.find(c, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def arm_abbreviations(doc: Doc, drugs: list[Span], make, words: list[str] | None = None,
                      glued: list[bool] | None = None) -> list[Span]:
    """`lisinopril (L)`, `chloroquine (CQ1)`, `sulfadoxine (25 mg/kg) and pyrimethamine (1.25
    mg/kg) (SP)`, `placebo (PL; 32 subjects)`: a short form in brackets right after a drug, or
    after the drug's own bracket, whose letters come in order from the drug names just before
    it (so `ketamine (Sigma)` is a supplier, not an abbreviation) names that drug; every later
    occurrence of it in the text is a DRUG too. The abbreviation detector misses these when the
    short form is one letter or the long form is cut by a dose in brackets. `words`: the token
    texts; `glued[i]`: token i has no space after it (both read off the Doc when not given)."""
    if not drugs:
        return []
    words = words if words is not None else token_texts(doc)
    if "(" not in words:
        return []
    glued = glued if glued is not None else [not t.whitespace_ for t in doc]
    by_end: dict[int, Span] = {d.end: d for d in drugs}
    forms: dict[str, Span] = {}
    n = len(words)
    for i, w in enumerate(words):
        if w != "(" or i + 2 >= n or words[i + 2] not in (")", ";", ","):
            continue
        short = words[i + 1]
        if short in forms or not _SHORT_FORM.match(short):
            continue
        end = i
        if end not in by_end and end > 0 and words[end - 1] == ")":  # the drug's own bracket first
            opening = next((k for k in range(end - 2, max(-1, end - 10), -1) if words[k] == "("), None)
            end = opening if opening is not None else end
        drug = by_end.get(end)
        if drug is None:
            continue
        names = " ".join(d.text for d in drugs if drug.end - _ABBREVIATION_WINDOW <= d.start and d.end <= drug.end)
        candidates = [names[k:] for k in range(len(names)) if k == 0 or names[k - 1] == " "]
        if any(letters_in_order(short, c) for c in candidates):
            forms[short] = drug
    return _occurrences(doc, forms, drugs, make, words, glued)


def _occurrences(doc: Doc, forms: dict[str, Span], drugs: list[Span], make, words: list[str],
                 glued: list[bool]) -> list[Span]:
    """A DRUG span for every occurrence of a short form after the drug it names."""
    if not forms:
        return []
    n = len(words)
    found: list[Span] = []
    taken = _taken(doc, drugs)
    for i, w in enumerate(words):
        drug = forms.get(w)
        if drug is None or i < drug.end or (glued[i] and i + 1 < n and words[i + 1] == "-"):
            continue  # `L-placebo`: part of another name
        if taken.overlaps(i, i + 1):
            continue
        span = make(doc, i, i + 1, None, "abbreviation")
        set_attrs(span, concept_id=drug._.concept_id, concept_name=drug._.concept_name, is_class=drug._.is_class)
        found.append(span)
        taken.add(i, i + 1)
    return found


_GLOSSARY_BEFORE = frozenset({",", ";", ".", ":"})


def glossary_abbreviations(doc: Doc, drugs: list[Span], make, words: list[str], glued: list[bool]) -> list[Span]:
    """`AQ: amodiaquine, SP: sulphadoxine pyrimethamine` (a table's or figure's key): a short
    form, a colon and a drug whose letters it takes in order names that drug, and every later
    occurrence of it is a DRUG too."""
    if ":" not in words or not drugs:
        return []
    by_start = {d.start: d for d in drugs}
    forms: dict[str, Span] = {}
    keys: list[int] = []
    for i in range(len(words) - 2):
        short = words[i]
        if words[i + 1] != ":" or short in forms or not _SHORT_FORM.match(short):
            continue
        if i > 0 and words[i - 1] not in _GLOSSARY_BEFORE and not doc[i].is_sent_start:
            continue
        drug = by_start.get(i + 2)
        if drug is None:
            continue
        names = " ".join(d.text for d in drugs if drug.start <= d.start <= drug.start + _ABBREVIATION_WINDOW
                         and "," not in words[drug.start:d.start] and ";" not in words[drug.start:d.start])
        if letters_in_order(short, names):
            forms[short] = drug
            keys.append(i)
    found = []
    for i in keys:  # the key's own short form names the drug too
        span = make(doc, i, i + 1, None, "abbreviation")
        drug = forms[words[i]]
        set_attrs(span, concept_id=drug._.concept_id, concept_name=drug._.concept_name, is_class=drug._.is_class)
        found.append(span)
    return found + _occurrences(doc, forms, drugs + found, make, words, glued)


_JOINED = re.compile(r"[+]")


def joined_codes(doc: Doc, drugs: list[Span], make, words: list[str]) -> list[Span]:
    """`AS+AQ`, `(AS)+AQ`: a token of codes joined by `+` where one part is a drug's short form
    in the text is that combination."""
    forms = {d.text: d for d in drugs if d.end - d.start == 1 and _SHORT_FORM.match(d.text)}
    if not forms:
        return []
    found: list[Span] = []
    taken = _taken(doc, drugs)
    for i, w in enumerate(words):
        if "+" not in w or len(w) > 24:
            continue
        parts = [p.strip("()[]") for p in _JOINED.split(w)]
        known = [forms[p] for p in parts if p in forms]
        if len(parts) < 2 or not known or not all(p and _SHORT_FORM.match(p) for p in parts):
            continue
        if taken.overlaps(i, i + 1):
            continue
        found.append(make(doc, i, i + 1, None, "abbreviation"))
        taken.add(i, i + 1)
    return found


_LIST_SEPARATORS = frozenset({",", ";", "and", "or"})
_LISTED_DRUGS = 2  # drugs the list must hold besides the entity


class _ListedAmong:
    """Whether a span sits in a list of drugs: items joined only by commas, semicolons, `and`
    and `or`, at least _LISTED_DRUGS of them drugs. A chemical in such a list is one of the
    things given (`a blend of beta-alanine, taurine, ... and huperzine A`)."""

    def __init__(self, doc: Doc, drugs: list[Span]):
        self.words = lower_words(doc)
        self.by_end = {d.end: d for d in drugs}
        self.by_start = {d.start: d for d in drugs}

    def _walk(self, i: int, step: int) -> int:
        """Drugs in the list going left (step -1, from the token before i) or right (step 1, from i)."""
        count = 0
        while True:
            k = i - 1 if step < 0 else i
            seps = 0
            while 0 <= k < len(self.words) and self.words[k] in _LIST_SEPARATORS and seps < 2:
                k += step
                seps += 1
            if seps == 0:
                return count
            drug = self.by_end.get(k + 1) if step < 0 else self.by_start.get(k)
            if drug is None:
                return count
            count += 1
            i = drug.start if step < 0 else drug.end

    def __call__(self, span: Span) -> bool:
        return self._walk(span.start, -1) + self._walk(span.end, 1) >= _LISTED_DRUGS


def _substance(drug: Span) -> str:
    """What a mention names: its concept, else its text (an abbreviation shares its drug's concept)."""
    return drug._.concept_name or drug.text.lower()


def defined_as_other(doc: Doc, drugs: list[Span]) -> frozenset[str]:
    """Short forms the text defines by a long form that holds no drug (`American Society of
    Anesthesiologists (ASA)`, `serum creatinine (SC)`): the text's own reading wins over the
    dictionary's (`ASA` for aspirin), at every occurrence."""
    if not Doc.has_extension("abbreviations") or not doc._.abbreviations:
        return frozenset()
    covered = Occupied(len(doc), ((d.start, d.end) for d in drugs))
    out = set()
    for short in doc._.abbreviations:
        long_form = getattr(short._, "long_form", None)
        if long_form is not None and not covered.overlaps(long_form.start, long_form.end):
            out.add(short.text)
    return frozenset(out)


class DrugRecognizer(RulesPipe):
    FILES = FILES

    def __init__(self, lexicon: DrugLexicon, ner_labels: list[str], dictionary: str | None = None,
                 rules_data: dict | None = None):
        self.lexicon = lexicon
        self.dictionary = dictionary
        self.rules_data = rules_data if rules_data is not None else read_rules(FILES)
        self.ner_labels = set(ner_labels)
        self._preparations_data: dict | None = None  # the data _compiled_preparations was made from
        self._compiled_preparations = None
        self._bench_data: dict | None = None
        self._bench = Bench.of(None)

    def _use_rules(self, data: dict) -> None:
        self.rules_data = data
        self.lexicon = lexicon_from_rules(self.dictionary, data)

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        text = doc_text(doc)
        starts, ends = token_offsets(doc)
        for start, end, concept in doc_lexicon_matches(doc, self.lexicon):
            spans.append(self._make(doc, start, end, concept, "lexicon"))
        spans = self._preparations(doc, text, spans)
        spans.extend(self._abbreviations(doc, spans))
        spans.extend(self._from_ner(doc, spans))
        words = [text[a:b] for a, b in zip(starts, ends)]
        glued = [ends[k] == starts[k + 1] for k in range(len(starts) - 1)] + [True]
        spans.extend(arm_abbreviations(doc, spans, self._make, words, glued))
        spans.extend(glossary_abbreviations(doc, sorted(spans, key=lambda s: s.start), self._make, words, glued))
        spans.extend(joined_codes(doc, spans, self._make, words))
        stop = self.rules_data.get("drug_stoplist.json", {})
        analytes = measured_analytes(sorted(spans, key=lambda s: (s.start, s.end)), [w.lower() for w in words],
                                     frozenset(stop.get("analyte_before", ())),
                                     tuple(p.split() for p in stop.get("analyte_phrases", ())),
                                     frozenset(stop.get("analyte_after", ())),
                                     frozenset(stop.get("analyte_fluids", ())))
        spans = sorted((s for s in spans if id(s) not in analytes), key=lambda s: (s.start, s.end))
        described = named_classes(spans)
        other = defined_as_other(doc, spans)
        spans = [s for s in spans if id(s) not in described and s.text not in other]
        doc.spans[GROUP] = self._given(doc, spans, words)
        return doc

    def _given(self, doc: Doc, drugs: list[Span], words: list[str]) -> list[Span]:
        """In a laboratory study (bench.json), the drugs outside its laboratory steps (`cells
        were incubated with 10 µM X`: a reagent) whose substance some sentence of the document
        gives to someone (`mice received X`): `iron uptake`, `staurosporine-treated cells` name no
        drug given. Other documents keep all their drugs. The whole Doc is one sentence when it
        has no sentence starts."""
        if not drugs:
            return drugs
        bench = self._bench_words()
        starts = [s.start for s in doc.sents] if doc.has_annotation("SENT_START") else [0]
        bounds = starts + [len(doc)]
        lower = [w.lower() for w in words]
        sentences = [lower[bounds[k]:bounds[k + 1]] for k in range(len(starts))]
        steps = [bench.at_the_bench(sentences[k], words[bounds[k]:bounds[k + 1]]) for k in range(len(starts))]
        if not bench.laboratory_study(sentences, steps):
            return drugs  # a commentary's `CBD lowered responses in cultured neurons` is about a drug
        where = [bisect_right(starts, d.start) - 1 for d in drugs]
        kept = [(d, k) for d, k in zip(drugs, where) if not steps[k]]
        given = {_substance(d) for d, k in kept
                 if bench.gives(sentences[k], d.start - bounds[k], d.end - bounds[k])}
        return [d for d, _ in kept if _substance(d) in given]

    def _bench_words(self) -> Bench:
        data = self.rules_data.get(BENCH_FILE)
        if self._bench_data is not data:
            self._bench, self._bench_data = Bench.of(data), data
        return self._bench

    @staticmethod
    def _make(doc: Doc, start: int, end: int, concept: DrugConcept | None, source: str) -> Span:
        span = Span(doc, start, end, label="DRUG")
        set_attrs(span, concept_id=concept.concept_id if concept else None,
                  concept_name=concept.name if concept else None,
                  is_class=bool(concept and concept.is_class), source=source)
        return span

    def _preparations(self, doc: Doc, text: str, drugs: list[Span]) -> list[Span]:
        """Herbal preparations (`Paeoniae Radix`, `barley extract`): each replaces the shorter
        lexicon matches inside it (`Ginseng` in `Ginseng Radix Alba`)."""
        data = self.rules_data.get("drug_preparations.json")
        if not data:
            return drugs
        if self._preparations_data is not data:
            self._compiled_preparations, self._preparations_data = compile_preparations(data), data
        preparations, vehicles = find_all(text, self._compiled_preparations)
        if vehicles:  # "1 g in 250 ml normal saline": the vehicle, not a comparator
            drugs = [d for d in drugs if not any(d.start_char < e and s < d.end_char for s, e in vehicles)]
        found = []
        inside = Containers((d.start, d.end) for d in drugs)
        for start, end in preparations:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or inside.contain(span.start, span.end):
                continue
            found.append(self._make(doc, span.start, span.end, None, "preparation"))
        if not found:
            return drugs
        taken = _taken(doc, found)
        return [d for d in drugs if not taken.overlaps(d.start, d.end)] + found

    def _abbreviations(self, doc: Doc, drugs: list[Span]) -> list[Span]:
        """`ketamine (KET) ... KET`: every short form whose long form ends in a drug."""
        if not Doc.has_extension("abbreviations"):
            return []
        found = []
        by_end = {d.end: d for d in drugs}
        taken = _taken(doc, drugs)
        for short in doc._.abbreviations:
            if short.text.isalpha() and short.text.islower():
                continue  # `anti-CD3 (red)`: a figure's colour key, not a short form
            long = short._.long_form
            drug = by_end.get(long.end)
            if drug is None or drug.start < long.start or taken.overlaps(short.start, short.end):
                continue
            span = self._make(doc, short.start, short.end, None, "abbreviation")
            set_attrs(span, concept_id=drug._.concept_id, concept_name=drug._.concept_name,
                      is_class=drug._.is_class)
            found.append(span)
            taken.add(span.start, span.end)
        return found

    def _from_ner(self, doc: Doc, drugs: list[Span]) -> list[Span]:
        """CHEMICAL entities that a drug-name suffix confirms (lexicon matches are DRUGs anyway),
        or that are listed among drugs (`..., caffeine anhydrous, and huperzine A`)."""
        found = []
        taken = _taken(doc, drugs)
        listed = _ListedAmong(doc, drugs)
        for ent in doc.ents:
            if ent.label_ not in self.ner_labels or taken.overlaps(ent.start, ent.end):
                continue
            if any(self.lexicon.is_drug_like(t.text) for t in ent) or listed(ent):
                found.append(self._make(doc, ent.start, ent.end, None, "ner"))
                taken.add(ent.start, ent.end)
        return found


@Language.factory(
    "claimx_drugs", assigns=["doc.spans"],
    default_config={"dictionary": None, "ner_labels": ["CHEMICAL", "Chemical"], "rules_path": None},
)
def make_drugs(nlp: Language, name: str, dictionary: str | None, ner_labels: list[str],
               rules_path: str | None) -> DrugRecognizer:
    """`dictionary`: path of a drug-named-entity-recognition dictionary file (default: the
    installed package's). `rules_path`: a folder holding some of claimx's drug word lists
    (drug_classes.jsonl, drug_stoplist.json, drug_salts.json, drug_suffixes.json,
    drug_abbreviations.json, drug_spellings.json; the others stay shipped), or one of those files
    (null: the shipped ones). Building the lexicon here makes a missing or corrupt dictionary an
    error when the pipeline is loaded."""
    rules = read_rules(FILES, rules_path)
    return DrugRecognizer(lexicon_from_rules(dictionary, rules), ner_labels, dictionary, rules)
