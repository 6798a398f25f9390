"""One pydantic model per data file in extractor/rules/data (a `.jsonl` file: one per record).

`extractor.rules.loader.load_data` checks a file against its model; every model forbids keys it
does not name, so a misspelt key is an error rather than a silently ignored rule. Checks that need
more than one field (regexes that compile, units pint knows, surfaces listed twice) stay with the
component that compiles the rules.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    StrictFloat,
    StrictInt,
)


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must be a non-empty string")
    return value


Word = Annotated[str, AfterValidator(_non_empty)]  # a non-empty, not all-space string


def _lower_case(value: str) -> str:
    if value != value.lower():
        raise ValueError("must be lower-case")
    return value


def _unique(values: list[str]) -> list[str]:
    dupes = sorted({v for v in values if values.count(v) > 1})
    if dupes:
        raise ValueError(f"duplicate entries {dupes}")
    return values


Patterns = Annotated[list[str], Field(min_length=1)]  # regular expressions, at least one
LowerWord = Annotated[Word, AfterValidator(_lower_case)]
UniqueWords = Annotated[list[Word], AfterValidator(_unique)]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True, populate_by_name=True)

    doc: str | None = Field(None, alias="_doc")
    comment: str | None = None


# ---------------------------------------------------------------- claimx_sentences

class SentencesFile(Schema):
    abbreviations: list[str]
    closers: list[str]
    enders: list[str]
    capital_units: list[str]
    letter_names_after: list[str] = []
    ends_before_opener: list[str] = []  # `al.`: ends a sentence after all before one of `openers`
    openers: list[str] = []


# ---------------------------------------------------------------- claimx_citations

class NumericCitations(Schema):
    max_ref: PositiveInt
    max_range: PositiveInt
    range_dashes: list[str]
    item_separators: list[str]
    group_separators: list[str]
    leaders: list[str]
    locator_max_chars: PositiveInt
    not_after: list[str]
    superscript_not_after: list[str] = []  # `Fig.3`: not a flattened superscript citation


class AuthorYearCitations(Schema):
    min_year: PositiveInt
    max_year: PositiveInt
    name_particles: list[str]
    max_name_words: PositiveInt
    et_al: list[str]
    conjunctions: list[str]
    year_words: list[str]
    leaders: list[str]
    not_names: list[str]


class CitationsFile(Schema):
    numeric: NumericCitations
    author_year: AuthorYearCitations


# ---------------------------------------------------------------- references (plain text)

class ReferencesFile(Schema):
    """extractor.references.text: the reference section's headings and the entry parser's words."""

    headings: Annotated[list[LowerWord], Field(min_length=1), AfterValidator(_unique)]
    end_headings: Annotated[list[LowerWord], AfterValidator(_unique)]
    name_particles: Annotated[list[LowerWord], AfterValidator(_unique)]
    et_al: UniqueWords
    conjunctions: UniqueWords
    group_words: Annotated[list[LowerWord], AfterValidator(_unique)]
    title_abbreviations: Annotated[list[LowerWord], AfterValidator(_unique)]
    doi_prefixes: UniqueWords
    pmid_markers: UniqueWords
    trailer_markers: UniqueWords
    min_year: PositiveInt
    max_year: PositiveInt
    max_label: PositiveInt
    max_first_label: PositiveInt
    max_group_author_words: PositiveInt
    min_dated_share: Annotated[float, Field(ge=0, le=1)]


# ---------------------------------------------------------------- claimx_quantities

class Timepoint(Schema):
    cues_before: UniqueWords
    adjective_cues_before: UniqueWords
    cues_after: UniqueWords
    baseline_cues: UniqueWords
    event_cues: UniqueWords = []  # `before induction`, `30 min after extubation`: a time set by an event
    events: UniqueWords = []
    ordinal_modifiers: UniqueWords = []  # `the 14th postoperative day`: a word between ordinal and unit


class Duration(Schema):
    cues_before: UniqueWords
    nouns_after: UniqueWords = []  # `an 8 h infusion`, `a 4 week period`: how long, whatever the cue before
    of_treatment_after: UniqueWords = []  # `after 7 days of treatment`: the time on treatment


class SampleSize(Schema):
    nouns: UniqueWords
    verbs: UniqueWords
    active_verbs: UniqueWords
    event_words: UniqueWords
    modifier_phrases: UniqueWords
    n_symbols: UniqueWords
    total_cues: UniqueWords
    not_before: UniqueWords
    not_nouns: UniqueWords
    modifier_stop_words: UniqueWords
    max_modifiers: Annotated[int, Field(ge=0, le=6)]
    not_noun_phrases: UniqueWords = []  # `nine test cases`: a participant noun after a word that makes it a thing
    population_heads: UniqueWords = []  # `the ketamine group (n = 30)`: a count of people
    non_population_heads: UniqueWords = []  # `shared mutations (n = 71)`: a count of things, not a sample size


class Statistic(Schema):
    unit: str
    abbreviations: list[str]
    phrases: list[str]
    signed: bool = False


class TimeUnitMultiple(Schema):
    surfaces: UniqueWords  # `fortnight`, `decades`
    times: Annotated[float, Field(gt=0)]
    unit: str  # a pint unit of time (a key of time_units)


class TimeAmounts(Schema):
    counted: dict[LowerWord, Annotated[float, Field(gt=0)]] = {}  # `a couple of` -> 2
    vague: UniqueWords = []  # `several`, `a few`: a DURATION with no value


Comparator = Literal[">", ">=", "<=", "<"]


class Qualifiers(Schema):
    gt: UniqueWords = Field([], alias=">")
    ge: UniqueWords = Field([], alias=">=")
    le: UniqueWords = Field([], alias="<=")
    lt: UniqueWords = Field([], alias="<")


class QuantitiesFile(Schema):
    time_units: dict[str, list[str] | str]  # unit -> surfaces (and `_doc`)
    time_unit_multiples: list[TimeUnitMultiple] = []
    time_amounts: TimeAmounts = TimeAmounts()
    qualifiers: Qualifiers = Qualifiers()  # `more than` -> `>` before a duration or time point
    qualifiers_after_cue: Qualifiers = Qualifiers()  # `for over 6 months`; `over 12 weeks` alone is not one
    time_lead_words: dict[str, list[str] | str]
    timepoint: Timepoint
    duration: Duration
    fillers: UniqueWords
    time_not_before: UniqueWords
    seconds_not_before: UniqueWords = []
    time_not_after: UniqueWords
    time_unit_modifiers: UniqueWords
    sample_size: SampleSize
    statistics: list[Statistic]
    statistic_connectors: UniqueWords
    ci_names: UniqueWords
    p_comparators: UniqueWords
    percent_words: UniqueWords
    percent_not_before: UniqueWords


# ---------------------------------------------------------------- claimx_drugs (the claimx word lists)

class DrugClass(Schema):
    name: Word
    surfaces: list[Word]
    concept_id: str | None = None
    is_class: bool = True


class DrugStoplistFile(Schema):
    terms: list[str]
    not_before: list[str] = []
    canonical_trees: list[str] = []
    analyte_before: list[LowerWord] = []
    analyte_phrases: list[str] = []
    analyte_after: list[LowerWord] = []
    analyte_fluids: list[LowerWord] = []
    biomolecule_trees: list[str] = []
    biomolecule_drugs: list[str] = []


class DrugSaltsFile(Schema):
    salts: list[str]


class DrugSuffixesFile(Schema):
    suffixes: list[str]
    min_length: NonNegativeInt
    not_suffixes: list[str] = []


class DrugAbbreviationsFile(Schema):
    abbreviations: dict[str, str]


class DrugPreparationsFile(Schema):
    latin_parts: list[Word]
    latin_qualifiers: list[str]
    decoction_suffixes: list[LowerWord]
    extract_heads: list[str]
    not_before_head: list[LowerWord]
    given_words: list[LowerWord]
    comparators: list[str] = []
    comparator_after: list[LowerWord] = []
    part_words: list[LowerWord] = []
    supplements: list[str] = []
    vehicle_verbs: list[LowerWord] = []


class DrugSpellingsFile(Schema):
    spellings: dict[Word, Word]


# ---------------------------------------------------------------- claimx_dosing

class DoseUnit(Schema):
    surfaces: list[str]
    pint: str | None
    canonical: str | None


class DoseUnitsFile(Schema):
    amounts: list[DoseUnit]
    per: list[DoseUnit]
    percent_needs_drug: bool = True
    not_per: list[str] = []


class DoseLevel(Schema):
    pattern: str
    value: str


class Route(Schema):
    value: str
    patterns: list[str]
    case_sensitive: list[str] = []


class Frequency(Schema):
    pattern: str
    value: str
    per_day: float | Literal["count", "interval"] | None  # times a day, or how to read it from the match


class DosingContextFile(Schema):
    route_not_after: list[str]
    route_not_before: list[str]
    frequency_not_before: list[str]
    route_acts: list[str]
    route_gap_stop: list[str]
    frequency_context_after: list[str]
    not_list_after: list[str]
    dose_upper_bounds: list[str]
    dose_lower_bounds: list[str]
    frequency_not_after: list[str]
    dose_level_not_before: list[str]
    dose_not_after: list[str]
    not_between_percent_and_drug: list[str]
    frequency_measure_after: list[str] = []
    amounts_need_drug: list[str] = []
    amount_giving_words: list[str] = []
    amount_recipe_words: list[str] = []
    dosed_name_not: list[str] = []
    route_object_after: list[str] = []
    dosed_long_form_after: list[str] = []
    dosed_name_forms: list[str] = []
    dosed_long_form_not_heads: list[str] = []
    dosage_forms: list[str] = []
    dosage_form_modifiers: list[str] = []
    product_words: list[str] = []


class FrequencyMultipliersFile(BaseModel):
    model_config = ConfigDict(extra="allow", defer_build=True)  # word -> how many times: any word is a key


# ---------------------------------------------------------------- claimx_outcomes

class OutcomesFile(Schema):
    terms: list[LowerWord]
    heads: list[str]
    max_modifiers: Annotated[int, Field(ge=0, le=6)]
    not_modifiers: list[str]
    not_terms: list[str] = []
    judgement_words: list[LowerWord] = []  # `significantly more effective`: judges an arm, names no outcome


class OutcomeTermsFile(Schema):
    terms: list[LowerWord]


# ---------------------------------------------------------------- claimx_context

class Cue(Schema):
    phrase: LowerWord
    np_scope: bool = False


class ContextFile(Schema):
    negation: list[Cue]
    hedge: list[Cue]
    pseudo_negation: list[str]
    pseudo_hedge: list[str] = []  # phrases holding a hedge word that hedge nothing (`more likely to`)
    complement_hedges: list[LowerWord] = []  # hedge cues that govern their whole `that` clause
    sentence_hedges: list[str] = []  # hedge phrases that govern the whole sentence (`to our knowledge`)
    clause_breaks: list[str]
    soft_breaks: list[str]


# ---------------------------------------------------------------- claimx_claims

class ClaimTypes(Schema):
    recommendation: Patterns
    hypothesis: Patterns
    finding: Patterns


class ArmValues(Schema):
    treated_first: Word
    control_first: Word


class ClaimsFile(Schema):
    claim_type: ClaimTypes
    no_change: Patterns
    not_significant: Patterns
    significant: Patterns
    speculative_significance: Patterns = []  # `may have a significant impact`: a significance word that states none
    increase: Patterns
    decrease: Patterns
    flip: Patterns
    arm_values: ArmValues
    comparison: Patterns
    not_claim: Patterns = []  # sentences that are never claims: headings, acknowledgements, funding
    other_study: Patterns = []  # `Smith et al. showed`: another study's result, background where cited
    own_study: Patterns = []  # `we found`, `our results`: the paper's own result, a finding even where cited
    earlier_own_study: Patterns = []  # `in our previous study, we reported`: the authors' earlier result, background
    not_a_change_after: list[str] = []  # `without`: the change word after it (`without increasing`) is no change
    merit_before_change: Patterns = []  # `more effective ... in decreasing`: the governed change decides
    novelty: Patterns = []  # `this may be the first study to`: background unless it states an effect
    aim: Patterns = []  # `we aimed to`: background whatever change words it names
    explanation: Patterns = []  # `one possible explanation might be that`: a hypothesis with no direction
    back_matter: Patterns = []  # section names (`competing interests`): no sentence under such a heading is a claim
    min_words: Annotated[int, Field(ge=1)] = 1  # a claim has at least this many words
    alpha: Annotated[float, Field(gt=0, lt=1)]


# ---------------------------------------------------------------- claimx_regimens

class RegimensFile(Schema):
    barriers: list[str]
    coordinators: list[str]
    shared_labels: list[str]
    barrier_cost: int
    paren_cost: int
    max_gap: int
    elapsed_joiners: list[str]
    elapsed_not: list[str]
    elapsed_window: int
    elapsed_treatments: list[str]
    elapsed_articles: list[str]
    articles: list[str]
    renaming: list[str]
    not_in_appositive: list[str]
    placebos: list[LowerWord] = []
    placebo_links: list[str] = []
    sample_size_after: list[LowerWord] = []
    history_before: list[LowerWord] = []
    history_window: Annotated[int, Field(ge=0, le=8)] = 0
    chain_words: list[LowerWord] = []
    alias_words: list[LowerWord] = []
    placebo_nouns_max: Annotated[int, Field(ge=0, le=4)] = 0
    of_words: list[LowerWord] = []
    for_words: list[LowerWord] = []
    trial_nouns: list[LowerWord] = []
    negations: list[LowerWord] = []
    elapsed_before: list[LowerWord] = []
    elapsed_before_window: Annotated[int, Field(ge=0, le=20)] = 0
    outcome_after: list[LowerWord] = []
    chain_phrases: list[LowerWord] = []
    container_phrases: list[LowerWord] = []
    container_window: Annotated[int, Field(ge=0, le=12)] = 0
    arm_words: list[LowerWord] = []
    single_drug_max_gap: Annotated[int, Field(ge=0, le=200)] = 0
    of_nouns: list[LowerWord] = []


class BenchFile(Schema):
    bench_words: list[LowerWord]
    bench_units: list[Word] = []
    recipient_words: list[LowerWord]
    clinical_words: list[LowerWord] = []
    giving_words: list[LowerWord] = []
    lab_document_min: NonNegativeInt = 0


# ---------------------------------------------------------------- claimx_ner_labels

class NerLabelsFile(Schema):
    comment: str | None = Field(None, alias="_comment")
    labels: dict[str, str | None]


# ---------------------------------------------------------------- shared: numbers, normalisation, tokenizer

Number = StrictInt | StrictFloat  # not a bool, not a string


class NumbersFile(Schema):
    ones: dict[str, Number]
    teens: dict[str, Number]
    tens: dict[str, Number]
    scales: dict[str, Number]
    ordinals: dict[str, Number]
    fractions: dict[str, Number]


class NormalizeFile(Schema):
    ligatures: dict[str, str]
    quotes: dict[str, str]
    spaces: list[str]
    keep_hyphen_prefixes: list[str]



class TokenizerFile(Schema):
    unit_abbreviations: UniqueWords
    compound_heads: UniqueWords
    keep_prefixes: UniqueWords


class EvidenceFile(Schema):
    """evidence.json: words that do not tell arms apart, change words, windows."""

    generic_words: UniqueWords
    intervention_roles: UniqueWords = []  # `the intervention group`: the intervention named by its role
    comparator_roles: UniqueWords = []  # `controls`: the comparator named by its role
    not_abbreviations: UniqueWords = []  # `CI`, `OR`: upper-case tokens that never abbreviate an arm
    increase: UniqueWords
    decrease: UniqueWords
    cue_window: PositiveInt
    short_passage_chars: PositiveInt
    pooled_passages: PositiveInt = 1  # a long document's effect: pooled over the ranker's best sentences
    control_arms: UniqueWords
    effect_measure_pattern: str
    not_group_names: UniqueWords
    measured_before: UniqueWords
    measured_after: UniqueWords
    not_outcomes: UniqueWords
    better: UniqueWords = []  # `improved`: a good change, a decrease of an adverse outcome
    worse: UniqueWords = []  # `worsened`: a bad change, an increase of an adverse outcome
    adverse_outcomes: UniqueWords = []  # `pain`, `mortality`: outcomes whose improvement is a decrease
    method_sentence_pattern: str = r"(?!x)x"  # `pain was assessed by`: a sentence about what was measured
    citing_pattern: str = r"(?!x)x"  # `(Tsai & Maibach, 1999)`: a sentence citing another study
    baseline_pattern: str = r"(?!x)x"  # `groups were similar at baseline`: a comparison before any effect
    threshold_before: UniqueWords = []  # `one or more`, `3 or higher`: a change word after these is a threshold
    clause_break_pattern: str = r"(?!x)x"  # `, whereas`: a result sentence turns to another result
    co_treatment_before: str = r"(?!x)x"  # `combined with`: the drug after it is given with an arm, not one
    negated_arm_before: UniqueWords = []  # `non `: the drug after it names the arm without it
