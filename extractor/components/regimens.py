"""Regimens: each DRUG mention with the dose, route, frequency, duration and sample size that
belong to it in its sentence.

Linking is a pure function over token positions (`assign`): every attribute goes to the drug
it is nearest to, where a clause barrier (`;`, `vs.`, `whereas` ...) between them costs extra,
an attribute in parentheses prefers the drug before it (`ketamine group (n = 30)`), and one
with only other attributes between it and a drug is next to that drug (`metformin 500 mg twice
daily or placebo`: the frequency is metformin's). With
`respectively` and as many attributes of a label as drugs, they pair up in order. Routes,
frequencies and durations are shared by coordinated drugs (`ketamine and midazolam were given
intravenously`, `A (8 mg) and B (1 mg) were given orally`; not one chained to a drug's own
dose, `A (10 mg) or B 200 mg twice daily`; also qualitative doses: `therapeutic doses of venlafaxine and
trimipramine`), and a name in parentheses right after a drug is the same drug
(`bevacizumab (Avastin) injection`). Mentions are read by label from any span group, so DURATION and SAMPLE_SIZE
spans written by other components link too.

The `claimx_regimens` component (end of this module) links them in the pipeline and stores the
regimens on the Doc (`doc_regimens` reads them back); the `regimens` table only reads the Doc.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.components.batching import RulesPipe
from extractor.components.bench import BENCH_FILE, Bench
from extractor.pipeline.doctext import lower_words
from extractor.pipeline.extensions import get_attrs, set_attrs
from extractor.pipeline.spans import labelled_spans
from extractor.rules.loader import DATA_FOLDER, read_rules, validate
from extractor.rules.schemas import BenchFile, RegimensFile

ATTRIBUTE_LABELS = ("DOSE", "ROUTE", "FREQUENCY", "DURATION", "SAMPLE_SIZE")
REGIMEN_COLUMNS = {
    "doc_id": "str", "sent_id": "int", "drug": "str", "dose": "str", "route": "str", "frequency": "str",
    "duration": "str", "sample_size": "str", "start": "int", "end": "int", "concept_id": "str",
    "concept_name": "str", "is_class": "bool", "dose_value": "str", "dose_norm_value": "float",
    "dose_norm_unit": "str", "route_value": "str", "frequency_per_day": "float", "duration_days": "float",
    "sample_size_n": "float",
}


@dataclass(frozen=True)
class _Config:
    barriers: frozenset[str]
    coordinators: frozenset[str]
    shared_labels: frozenset[str]
    barrier_cost: int
    paren_cost: int
    max_gap: int
    elapsed_joiners: frozenset[str]
    elapsed_not: frozenset[str]
    elapsed_window: int
    elapsed_treatments: frozenset[str] = frozenset()
    elapsed_articles: frozenset[str] = frozenset()
    # `X, a Y drug` renames X (an appositive): a renaming word, an article, no word that starts another part
    articles: frozenset[str] = frozenset()
    renaming: frozenset[str] = frozenset()
    not_in_appositive: frozenset[str] = frozenset()
    placebos: frozenset[str] = frozenset()
    placebo_links: frozenset[str] = frozenset()
    sample_size_after: frozenset[str] = frozenset()
    history_before: frozenset[str] = frozenset()
    history_window: int = 0
    chain_words: frozenset[str] = frozenset()
    alias_words: frozenset[str] = frozenset()
    placebo_nouns_max: int = 0
    of_words: frozenset[str] = frozenset()
    for_words: frozenset[str] = frozenset()
    trial_nouns: frozenset[str] = frozenset()
    negations: frozenset[str] = frozenset()
    elapsed_before: tuple[tuple[str, ...], ...] = ()
    elapsed_before_window: int = 0
    outcome_after: frozenset[str] = frozenset()
    chain_phrases: tuple[tuple[str, ...], ...] = ()
    container_phrases: tuple[tuple[str, ...], ...] = ()
    container_window: int = 0
    arm_words: frozenset[str] = frozenset()
    single_drug_max_gap: int = 0
    of_nouns: frozenset[str] = frozenset()
    bench: Bench = Bench.of(None)


@lru_cache(maxsize=1)
def config() -> _Config:
    """The shipped rules (extractor/rules/data/regimens.json)."""
    return load_rules()[0]


def rules_from_dict(data: Any, where: str, bench: dict[str, Any] | None = None) -> _Config:
    """A regimens rules file's content, checked (`where` names it in errors), with bench.json's
    (`bench`: what makes a sentence a laboratory step)."""
    validate(data, RegimensFile, where)
    return _Config(frozenset(data["barriers"]), frozenset(data["coordinators"]),
                   frozenset(data["shared_labels"]), int(data["barrier_cost"]), int(data["paren_cost"]),
                   int(data["max_gap"]), frozenset(data["elapsed_joiners"]), frozenset(data["elapsed_not"]),
                   int(data["elapsed_window"]), frozenset(data["elapsed_treatments"]),
                   frozenset(data["elapsed_articles"]), frozenset(data["articles"]), frozenset(data["renaming"]),
                   frozenset(data["not_in_appositive"]), frozenset(data.get("placebos", ())),
                   frozenset(data.get("placebo_links", ())), frozenset(data.get("sample_size_after", ())),
                   frozenset(data.get("history_before", ())), int(data.get("history_window", 0)),
                   frozenset(data.get("chain_words", ())), frozenset(data.get("alias_words", ())),
                   int(data.get("placebo_nouns_max", 0)), frozenset(data.get("of_words", ())),
                   frozenset(data.get("for_words", ())), frozenset(data.get("trial_nouns", ())),
                   frozenset(data.get("negations", ())),
                   tuple(tuple(p.split()) for p in data.get("elapsed_before", ())),
                   int(data.get("elapsed_before_window", 0)), frozenset(data.get("outcome_after", ())),
                   tuple(tuple(p.split()) for p in data.get("chain_phrases", ())),
                   tuple(tuple(p.split()) for p in data.get("container_phrases", ())),
                   int(data.get("container_window", 0)), frozenset(data.get("arm_words", ())),
                   int(data.get("single_drug_max_gap", 0)), frozenset(data.get("of_nouns", ())),
                   Bench.of(bench))


def _paren_depths(words: list[str]) -> list[int]:
    """Open-parenthesis depth before each token (and after the last): `depths[i] > 0` means
    token i is inside a parenthesis opened earlier in the sentence."""
    if "(" not in words:
        return [0] * (len(words) + 1)
    depths = [0]
    depth = 0
    for w in words:
        depth += w == "("
        depth -= w == ")" and depth > 0
        depths.append(depth)
    return depths


def _barrier_counts(words: list[str], cfg: _Config) -> list[int]:
    """How many barrier words come before each token (and in all): the barriers between two
    positions are one subtraction."""
    return list(accumulate(map(cfg.barriers.__contains__, words), initial=0))


def _inside(n: int, attributes: list[tuple[int, int, str]]) -> list[bool]:
    """Whether each token lies inside some attribute."""
    inside = [False] * n
    for start, end, _ in attributes:
        inside[start:end] = [True] * (end - start)
    return inside


def _covered_counts(inside: list[bool]) -> list[int]:
    """How many tokens before each position lie inside some attribute: an attribute with only
    other attributes between it and a drug (`metformin 500 mg twice daily`) is next to it."""
    return list(accumulate(inside, initial=0))


def _chained(drug: tuple[int, int], attr: tuple[int, int], covered: list[int]) -> bool:
    """Only other attributes, at least one, between the drug and the attribute: it belongs to
    that drug's own list (`diclofenac 75 mg twice daily`), not to drugs coordinated with it."""
    lo, hi = (drug[1], attr[0]) if drug[1] <= attr[0] else (attr[1], drug[0])
    return hi > lo and covered[hi] - covered[lo] == hi - lo


def _cost(barriers: list[int], drug: tuple[int, int], attr: tuple[int, int], cfg: _Config, paren: bool,
          covered: list[int]) -> int:
    (ds, de), (as_, ae) = drug, attr
    if as_ < de and ds < ae:
        return 0
    lo, hi = (de, as_) if de <= as_ else (ae, ds)
    gap = hi - lo
    if _chained(drug, attr, covered):
        gap = 0  # only other attributes between: one chain (`metformin 500 mg twice daily`)
    cost = gap + cfg.barrier_cost * (barriers[hi] - barriers[lo])
    if paren and ds >= ae:
        cost += cfg.paren_cost
    return cost


def _coordinated(words: list[str], drugs: list[tuple[int, int]], cfg: _Config,
                 inside: list[bool] | None = None) -> tuple[list[int], set[int]]:
    """Group id per drug, and the groups whose drugs carry their own attributes. Drugs joined
    only by `,`/`and`/`or` ... share a group, also with each one's own attributes between them:
    in parentheses (`A (8 mg) and B (1 mg)`) or bare (`A 400 mg and B 1 g were given every 6
    hours`; `inside[i]`: token i is part of an attribute)."""
    groups = [0] * len(drugs)
    own: set[int] = set()
    for k in range(1, len(drugs)):
        lo, hi = drugs[k - 1][1], drugs[k][0]
        gap = words[lo:hi]
        has_own = inside is not None and any(inside[lo:hi])
        if "(" in gap:  # what a drug's brackets hold does not part it from the next (`A (in 2 doses) or B`)
            gap = _outside_brackets(gap)
        if has_own:  # the drugs' own attributes, and brackets around them, do not part them
            gap = [w for i, w in enumerate(words[lo:hi], lo) if not inside[i] and w not in ("(", ")")
                   and not (w == "of" and inside[i - 1]) and w in gap]  # `500 ml of B`
        joined = bool(gap) and all(w in cfg.coordinators for w in gap)
        groups[k] = groups[k - 1] if joined else groups[k - 1] + 1
        if joined and has_own:
            own.add(groups[k])
    return groups, own


def _outside_brackets(gap: list[str]) -> list[str]:
    """The words of a gap that no closed bracket pair within it holds."""
    out, depth, held = [], 0, []
    for w in gap:
        if w == "(":
            depth += 1
        elif w == ")" and depth:
            depth -= 1
            held = []
        elif depth:
            held.append(w)
        else:
            out.append(w)
    return out + held  # an unclosed bracket holds nothing


def _opener(depths: list[int], words: list[str], start: int) -> int:
    """The index of the bracket that opens the one around token `start` (depths[start] > 0)."""
    depth = 0
    for i in range(start - 1, -1, -1):
        if words[i] == ")":
            depth += 1
        elif words[i] == "(":
            if depth == 0:
                return i
            depth -= 1
    return -1


def _closer(words: list[str], start: int) -> int:
    """The index of the bracket that closes the one around token `start` (or the sentence's end)."""
    depth = 0
    for i in range(start, len(words)):
        if words[i] == "(":
            depth += 1
        elif words[i] == ")":
            if depth == 0:
                return i
            depth -= 1
    return len(words)


def _arm_bracket(words: list[str], start: int, depths: list[int], inside: list[bool], drug_ends: set[int],
                 cfg: _Config) -> bool:
    """Whether the bracket around a sample size follows an arm: a drug or an attribute of one
    (`placebo (n = 30)`, `for 2 wk (n = 40)`), an `arm_words` word (`ketamine group (n = 30)`) or
    another bracket (`placebo (PL) (n = 30)`); not a population (`adults (N = 63)`)."""
    opener = _opener(depths, words, start)
    if opener <= 0:
        return True
    before = opener - 1
    return inside[before] or words[before] in cfg.arm_words or words[before] == ")" or opener in drug_ends


def _contents(words: list[str], end: int, drugs: list[tuple[int, int]], groups: list[int], cfg: _Config) -> list[int]:
    """The drugs listed as what a preparation holds, for an amount `of` it: `5,700 mg of a
    proprietary blend consisting of A, B and C` -> A, B and C (a `container_phrases` phrase within
    `container_window` words after `of`, then a list of drugs)."""
    if end >= len(words) or words[end] not in cfg.of_words or not cfg.container_phrases:
        return []
    starts = {ds: d for d, (ds, _de) in enumerate(drugs)}
    if end + 1 in starts:
        return []  # `23 mg of calcium`: the drug itself
    for k in range(end + 1, min(len(words), end + 1 + cfg.container_window)):
        if words[k] in cfg.barriers or words[k] in (";", "(", ")"):
            return []
        for phrase in cfg.container_phrases:
            n = len(phrase)
            if tuple(words[k:k + n]) == phrase and k + n in starts:
                first = starts[k + n]
                return [d for d in range(first, len(drugs)) if groups[d] == groups[first]]
    return []


def _bracket_list(words: list[str], drugs: list[tuple[int, int]], start: int, depths: list[int],
                  covered: list[int]) -> list[int]:
    """The drugs inside the bracket that closes right before an attribute (only other attributes
    between), when it holds two or more (`(CPM: 750 mg/m2 — MP: 1 g) every four weeks`)."""
    k = start
    while k > 0 and covered[k] - covered[k - 1] == 1 and words[k - 1] != ")":
        k -= 1
    if k == 0 or words[k - 1] != ")" or depths[k] != 0:
        return []
    closer = k - 1
    depth, opener = 0, -1
    for i in range(closer - 1, -1, -1):
        if words[i] == ")":
            depth += 1
        elif words[i] == "(":
            if depth == 0:
                opener = i
                break
            depth -= 1
    inside = [d for d, (ds, de) in enumerate(drugs) if opener < ds and de <= closer]
    return inside if opener >= 0 and len(inside) > 1 else []


def _of_drug(words: list[str], end: int, inside: list[bool], cfg: _Config, label: str) -> int | None:
    """Where the drug starts that an attribute is `of` (`23 mg of calcium`, `an 8 h infusion of 1 g
    X`: other attributes may sit either side of `of`, and an article; an `of_nouns` word before
    it: `a 16 week course of X`) or, for a duration, `for`
    (`4 days for parasympathomimetics`); None when no such word follows."""
    n, k = len(words), end
    while k < n and inside[k]:
        k += 1
    if k < n and words[k] in cfg.of_nouns and k + 1 < n and words[k + 1] in cfg.of_words:
        k += 1  # `a 16 week course of oral prednisolone`
    if k >= n or not (words[k] in cfg.of_words or (label == "DURATION" and words[k] in cfg.for_words)):
        return None
    k += 1
    if k < n and words[k] in cfg.articles:
        k += 1
    while k < n and inside[k]:
        k += 1
    return k


def _whole_trial(words: list[str], start: int, end: int, cfg: _Config) -> bool:
    """A duration of the whole comparison: of a trial word (`an 8-week study`, `12-week medical
    intervention`, `a 14-week supply`; one word may sit between) or opening the sentence
    (`For 12 weeks, the placebo group received ...`)."""
    after = words[end:end + 2]
    if after and (after[0] in cfg.trial_nouns or (len(after) == 2 and after[1] in cfg.trial_nouns
                                                  and after[0].isalpha())):
        return True
    opening = start == 1 and words[0] in cfg.for_words
    return opening and end < len(words) and words[end] == ","


def _negated(words: list[str], drug: tuple[int, int], cfg: _Config) -> bool:
    """`barley extract without catechin`: a drug named as left out."""
    return drug[0] > 0 and words[drug[0] - 1] in cfg.negations


def _named_abbreviations(words: list[str], drugs: list[tuple[int, int]]) -> set[int]:
    """Drugs that are a bracketed name right after another drug and followed by a bracket of
    their own attributes (`lisinopril (L) (10 mg daily)`): what follows belongs to the drug named
    first, the abbreviation takes none of it."""
    out = set()
    for k in range(1, len(drugs)):
        (ds, de), prev_end = drugs[k], drugs[k - 1][1]
        if ds == prev_end + 1 and words[prev_end] == "(" and de + 1 < len(words) and words[de] == ")" \
                and words[de + 1] == "(":
            out.add(k)
    return out


def _bracket_owner(words: list[str], drugs: list[tuple[int, int]], opener: int) -> int | None:
    """The drug right before a bracket (`ketamine (10 mg)`, `lisinopril (L) (10 mg daily)`)."""
    for d, (ds, de) in enumerate(drugs):
        if de == opener or (de == opener - 1 and words[de] == ")" and ds > 0 and words[ds - 1] == "("):
            return d
    return None


def assign(words: list[str], drugs: list[tuple[int, int]], attributes: list[tuple[int, int, str]],
           shareable: frozenset[int] = frozenset(), classes: frozenset[int] = frozenset(),
           cfg: _Config | None = None) -> list[list[int]]:
    """For each drug (token range, sorted), the indices of the attributes linked to it.

    `words`: the sentence's lower-cased tokens; ranges are token offsets into it.
    `shareable`: attributes that coordinated drugs share whatever their label (qualitative
    doses: `therapeutic doses of venlafaxine and trimipramine`).
    `classes`: drugs that are drug classes (`antiviral therapy with A and B` names A and B).
    `cfg`: the rules (default: the shipped ones).
    """
    cfg = cfg or config()
    links: list[list[int]] = [[] for _ in drugs]
    if not drugs:
        return links
    done: set[int] = set()
    if "respectively" in words and len(drugs) > 1:
        for label in ATTRIBUTE_LABELS:
            idx = [i for i, a in enumerate(attributes) if a[2] == label]
            if len(idx) == len(drugs):
                for d, i in enumerate(sorted(idx, key=lambda i: attributes[i][0])):
                    links[d].append(i)
                    done.add(i)
    inside = _inside(len(words), attributes)
    groups, own = _coordinated(words, drugs, cfg, inside)
    aliases = _aliases(words, drugs, groups, classes, cfg)
    depths, barriers = _paren_depths(words), _barrier_counts(words, cfg)
    covered = _covered_counts(inside)
    # `10 mg/kg once daily for 7 days or intravenous Y`: the 7 days are X's (one chain through
    # `for` when choosing the nearest drug; what coordinated drugs share is decided as before)
    chain = list(inside)
    for k in range(len(words)):  # brackets around an attribute: `CQ (25 mg/kg) over 3 days plus PQ`
        if (words[k] == "(" and k + 1 < len(words) and inside[k + 1]) or (words[k] == ")" and k and inside[k - 1]):
            chain[k] = True
    for k in range(1, len(words) - 1):
        if words[k] in cfg.chain_words and chain[k - 1] and inside[k + 1]:
            chain[k] = True
    for phrase in cfg.chain_phrases:  # `20/12.5 mg once daily titrated to 40/25 mg`: the same drug's
        n = len(phrase)
        for k in range(1, len(words) - n):
            if chain[k - 1] and inside[k + n] and tuple(words[k:k + n]) == phrase:
                chain[k:k + n] = [True] * n
    covered_chain = _covered_counts(chain) if chain != inside else covered
    placebos = [de - ds == 1 and words[ds] in cfg.placebos for ds, de in drugs]
    named = _named_abbreviations(words, drugs)
    elapsed: set[int] = set()
    last_duration: int | None = None
    last_end = 0
    drug_ends = {de for _ds, de in drugs}
    # one drug named in the sentence (`tranexamic acid ... which was infused over 8 h`): far is still its
    single = len({tuple(words[ds:de]) for ds, de in drugs}) == 1 and cfg.single_drug_max_gap > cfg.max_gap
    for i, (start, end, label) in enumerate(attributes):
        if i in done:
            continue
        paren = depths[start] > 0
        if label == "DURATION" and (_elapsed(words, start, end, cfg) or (
                last_duration is not None and last_duration in elapsed
                and not any(last_end <= ds < start for ds, _de in drugs))):
            elapsed.add(i)  # "... was 152 days for BT patients, 138 days for BB patients": the list too
            last_duration, last_end = i, end
            continue  # "median time from enrolment to deterioration ... was 152 days", "12 month incidence"
        if label == "DURATION":
            last_duration, last_end = i, end
        if label == "DURATION" and _history(words, start, drugs, cfg):
            continue  # "eczema present for less than six months": the disease's, not a treatment's
        if label == "SAMPLE_SIZE" and not paren and cfg.sample_size_after and (
                start == 0 or words[start - 1] not in cfg.sample_size_after):
            continue  # "36 patients were randomised to X": the trial's, not an arm's
        if label == "SAMPLE_SIZE" and paren and not _arm_bracket(words, start, depths, inside, drug_ends, cfg):
            continue  # "moderately stressed adults (N = 63)": the population's, not an arm's
        costs = [_cost(barriers, d, (start, end), cfg, paren, covered_chain) for d in drugs]
        if paren:  # inside the bracket right after a drug: that drug's, or one named inside
            opener = _opener(depths, words, start)
            owner = _bracket_owner(words, drugs, opener) if opener >= 0 else None
            if owner is not None:
                closer = _closer(words, end)
                for d, (ds, _de) in enumerate(drugs):
                    if d == owner:
                        costs[d] = 0
                    elif not opener < ds < closer:
                        costs[d] = cfg.max_gap + 1
        of = _of_drug(words, end, inside, cfg, label)
        for d, (ds, de) in enumerate(drugs):
            if ds == of:
                costs[d] = 0  # `23 mg of calcium`, `an 8 h infusion of 1 g X`, `4 days for X`: that drug's
            elif label == "DOSE" and end < len(words) and words[end] in cfg.of_words and de <= start:
                costs[d] = cfg.max_gap + 1  # `A, and 5,700 mg of a blend of B`: not A's
        for d in range(len(drugs)):
            if label == "SAMPLE_SIZE" and drugs[d][0] >= end:
                costs[d] = cfg.max_gap + 1  # an arm's size outside brackets comes after its drug
            elif label in cfg.placebo_links and placebos[d] and not _beside(words, drugs[d], (start, end), cfg):
                costs[d] = cfg.max_gap + 1  # "apremilast 30 mg BID or placebo": not the placebo's
        contents = _contents(words, end, drugs, groups, cfg)
        if contents:  # `5,700 mg of a blend consisting of A, B and C`: what the blend holds
            for d in contents:
                links[d].append(i)
            continue
        if label == "DURATION" and not paren and _whole_trial(words, start, end, cfg):
            for d in range(len(drugs)):  # `an 8-week study of A or B`, `For 12 weeks, A ...; B ...`
                if not _negated(words, drugs[d], cfg):
                    links[d].append(i)
            continue
        best = min(range(len(drugs)), key=lambda d: (costs[d], d))
        if costs[best] > (cfg.single_drug_max_gap if single and costs[best] <= cfg.single_drug_max_gap
                          and barriers[-1] == 0 else cfg.max_gap):
            continue
        targets = [best]
        if label in cfg.shared_labels or i in shareable:
            members = [d for d in range(len(drugs)) if groups[d] == groups[best]]
            span_lo, span_hi = drugs[members[0]][0], drugs[members[-1]][1]
            # drugs listed with their own attributes share only what is said apart from the
            # list (`A 400 mg and B 1 g were given every 6 hours`), not what ends one of its
            # items (`0.5 mg A intramuscularly and 10 mg B subcutaneously`) ...
            lo, hi = (span_hi, start) if start >= span_hi else (end, span_lo)
            apart = groups[best] not in own or (hi - lo) - (covered[hi] - covered[lo]) > 0
            apart = apart and not _chained(drugs[best], (start, end), covered)
            # ... unless it ends a list of drugs given together (`and`, not the alternatives of
            # `or`) and no item has one of its own (`A 50 mg, B 10 mg and C 1 mg IV`: all IV)
            apart = apart or (len(members) > 1 and start >= span_hi and "or" not in words[span_lo:span_hi]
                              and not any(a[2] == label and span_lo <= a[0] and a[1] <= span_hi
                                          for a in attributes))
            # ... and what follows a placebo that ends the list is the comparison's (`A 50 mg
            # or placebo weekly`: a placebo has no schedule of its own) unless an item has its
            # own (`metformin 850 mg twice daily, placebo twice daily`)
            apart = apart or (len(members) > 1 and start >= span_hi and placebos[members[-1]]
                              and best == members[-1] and not any(
                                  a[2] == label and span_lo <= a[0] and a[1] <= span_hi for a in attributes))
            listed = _bracket_list(words, drugs, start, depths, covered_chain)
            if listed and best in listed:  # `(CPM: 750 mg/m2 — MP: 1 g) every four weeks`: both arms'
                members, apart = listed, True
            if (end <= span_lo or start >= span_hi) and apart:
                # an item with its own of the label keeps it (`infusions of IV A and oral B`: B is oral)
                targets = [m for m in members if m == best or not any(
                    j != i and a[2] == label and (a[1] == drugs[m][0] or a[0] == drugs[m][1]
                                                  or _chained(drugs[m], (a[0], a[1]), covered))
                    for j, a in enumerate(attributes))]
        for d in dict.fromkeys(alias for target in targets for alias in aliases[target]):
            if label in cfg.placebo_links and placebos[d] and not _beside(words, drugs[d], (start, end), cfg):
                continue
            if d in named and start > drugs[d][1]:
                continue
            links[d].append(i)
    return links


def _elapsed(words: list[str], start: int, end: int, cfg: _Config) -> bool:
    """A time that is an outcome, not a treatment's length: an `elapsed_before` phrase among the
    `elapsed_before_window` words before it (`time to`, `time from`, `followed up`) or an
    `outcome_after` word right after it (`12 month incidence`)."""
    if end < len(words) and _word_at(words, end) in cfg.outcome_after:
        return True
    window = words[max(0, start - cfg.elapsed_before_window):start]
    return any(window[k:k + len(p)] == list(p) for p in cfg.elapsed_before for k in range(len(window)))


def _word_at(words: list[str], i: int) -> str:
    """The word at token i, a hyphenated one whole (`follow` `-` `up` is `follow-up`: the
    tokenizer splits hyphens between words)."""
    if i + 2 < len(words) and words[i + 1] == "-" and words[i + 2].isalpha():
        return f"{words[i]}-{words[i + 2]}"
    return words[i]


def _history(words: list[str], start: int, drugs: list[tuple[int, int]], cfg: _Config) -> bool:
    """A `history_before` word among the `history_window` words before a duration, no drug between."""
    lo = max(0, start - cfg.history_window)
    lo = max([lo] + [de for _ds, de in drugs if de <= start])
    return any(w in cfg.history_before for w in words[lo:start])


def _beside(words: list[str], drug: tuple[int, int], attr: tuple[int, int], cfg: _Config | None = None) -> bool:
    """The attribute right before the drug (`of` may sit between: `500 ml of placebo`) or right
    after it (`placebo 2 tablets`), up to `placebo_nouns_max` words of its name between
    (`placebo solution every 3 weeks`)."""
    if attr[1] <= drug[0]:
        return all(w == "of" for w in words[attr[1]:drug[0]])
    between = words[drug[1]:attr[0]]
    nouns = cfg.placebo_nouns_max if cfg is not None else 0
    return len(between) <= nouns and all(w.isalpha() and w not in cfg.coordinators and w not in cfg.barriers
                                         and w not in cfg.chain_words for w in between)


def _aliases(words: list[str], drugs: list[tuple[int, int]], groups: list[int] | None = None,
             classes: frozenset[int] = frozenset(), cfg: _Config | None = None) -> list[list[int]]:
    """Drugs that name the same thing: `bevacizumab (Avastin)` -> a brand or abbreviation in
    parentheses right after a drug; `amoxicillin-clavulanate`, `lopinavir/ritonavir` -> the
    ingredients of one product (what is given of it is given of both); `clozapine, an atypical
    antipsychotic` -> an appositive;
    `antiviral therapy with peginterferon and ribavirin` -> a class, a treatment word and
    `with`, then the drugs of that class (the coordinated ones too). Each drug maps to itself
    plus its aliases."""
    out = [[d] for d in range(len(drugs))]
    for k in range(1, len(drugs)):
        gap = words[drugs[k - 1][1]:drugs[k][0]]
        combination = gap in (["-"], ["/"]) and "placebo" not in (words[drugs[k - 1][0]], words[drugs[k][0]])
        cfg_ = cfg or config()
        if gap == ["("] or combination or _appositive(gap, cfg_) or (len(gap) == 1 and gap[0] in cfg_.alias_words) \
                or _restated(gap, cfg_):
            out[k - 1].append(k)
            out[k].insert(0, k - 1)
        elif (k - 1 in classes and cfg is not None and groups is not None and len(gap) == 2
              and gap[0] in cfg.elapsed_treatments and gap[1] == "with"):
            for m in (m for m in range(k, len(drugs)) if groups[m] == groups[k]):
                out[k - 1].append(m)
                out[m].insert(0, k - 1)
    return out


def _restated(gap: list[str], cfg: _Config) -> bool:
    """`SSRI (20 mg escitalopram/day)`, `progesterone pessaries (equivalent to 100 mg vaginal
    progesterone)`: a drug inside the bracket opened right after another one restates it (no
    closing bracket, coordinator or clause word between)."""
    return (2 <= len(gap) <= 7 and gap[0] == "(" and ")" not in gap
            and not any(w in cfg.coordinators or w in cfg.barriers or w in cfg.not_in_appositive for w in gap[1:]))


def _appositive(gap: list[str], cfg: _Config) -> bool:
    """`clozapine, an atypical antipsychotic`, `iloprost, a stable prostacyclin analogue`,
    `ticlopidine is an oral antiplatelet agent`: a comma (or `is`/`was`), `a`/`an` and at most
    three more words (no punctuation, no `and`/`of`/`with`/`to`/`than`)."""
    return (2 <= len(gap) <= 5 and gap[0] in cfg.renaming and gap[1] in cfg.articles
            and not any(w in cfg.not_in_appositive for w in gap[2:]))


@dataclass
class Regimen:
    drug: Span
    links: dict[str, list[Span]] = field(default_factory=dict)


def _outermost(spans: list[Span]) -> list[Span]:
    """Drop spans inside a longer span of the same label (a CHEMICAL-confirmed DRUG inside a lexicon one)."""
    kept: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if kept and s.start < kept[-1].end and s.label_ == kept[-1].label_:
            continue
        kept.append(s)
    return kept


def time_on_drug(words: list[str], timepoint: tuple[int, int], drugs: list[tuple[int, int]],
                 cfg: _Config | None = None) -> bool:
    """Is a TIMEPOINT the time since a drug was started (`3 weeks after starting
    minocycline`, `after 1 week of nefazodone therapy`, `10 days after phenytoin initiation`)?
    It is when the word after it, or the word before it (an article may sit between: `after a
    30-day course`), joins it to what follows (`after`, `of`, `following`) and a drug starts
    within `elapsed_window` tokens, with no barrier and no stopping word (`after stopping`,
    `discontinuation`) between. Without a drug there, `N weeks of therapy` (a word of
    `elapsed_treatments` right after the joiner) is the time on the sentence's drug when the
    sentence names only one drug. Such a TIMEPOINT is that drug's duration so far."""
    cfg = cfg or config()
    start, end = timepoint
    before = start - 1 if start > 0 and words[start - 1] not in cfg.elapsed_articles else start - 2
    if end >= len(words) or words[end] not in cfg.elapsed_joiners and (before < 0 or words[before] not in
                                                                       cfg.elapsed_joiners):
        return False
    for ds, _de in drugs:
        if end <= ds <= end + cfg.elapsed_window:
            between = words[end:ds]
            return not any(w in cfg.barriers or w in cfg.elapsed_not or w in (",", ".") for w in between)
    nxt = end + 1 if words[end] in cfg.elapsed_joiners else end
    if nxt < len(words) and words[nxt] in cfg.elapsed_treatments:
        return len({tuple(words[ds:de]) for ds, de in drugs}) == 1
    return False


def link_regimens(doc: Doc, spans: Iterable[Span] | None = None, cfg: _Config | None = None) -> list[Regimen]:
    """One Regimen per DRUG mention, with the attribute spans linked to it in its sentence. A
    TIMEPOINT that is the time since a drug was started (`time_on_drug`) links as a DURATION.

    `spans`: the Doc's mention spans when the caller has collected them already; otherwise they
    are read from doc.ents and the span groups. `cfg`: the rules (default: the shipped ones)."""
    cfg = cfg or config()
    if spans is None:
        spans = labelled_spans(doc, ("DRUG",) + ATTRIBUTE_LABELS + ("TIMEPOINT",))
    wanted = set(ATTRIBUTE_LABELS) | {"TIMEPOINT"}
    drugs = _outermost([s for s in spans if s.label_ == "DRUG"])
    if not drugs:
        return []
    attrs = sorted((s for s in spans if s.label_ in wanted), key=lambda s: (s.start, -s.end, s.label_))
    if doc.has_annotation("SENT_START"):
        sent_starts = [i for i, flag in enumerate(doc.to_array(SENT_START).tolist()) if flag == 1]
        if not sent_starts or sent_starts[0] != 0:
            sent_starts.insert(0, 0)
    else:
        sent_starts = [0]
    by_sentence: dict[int, list[Span]] = {}
    for d in drugs:
        by_sentence.setdefault(bisect_right(sent_starts, d.start) - 1, []).append(d)
    attr_starts = [a.start for a in attrs]
    lower = lower_words(doc)
    regimens = []
    for k, s_drugs in by_sentence.items():
        sent_start = sent_starts[k]
        sent_end = sent_starts[k + 1] if k + 1 < len(sent_starts) else len(doc)
        # an attribute inside a drug name (`intravenous immunoglobulin`) links to that drug
        lo, hi = bisect_left(attr_starts, sent_start), bisect_left(attr_starts, sent_end)
        s_attrs = [a for a in attrs[lo:hi] if a.end <= sent_end]
        words = lower[sent_start:sent_end]
        if cfg.bench.at_the_bench(words):
            s_attrs = []  # `cells ... in RPMI with 10% FBS`, `incubated with X for 2 min`: no one is given it
        ranges = [(d.start - sent_start, d.end - sent_start) for d in s_drugs]
        s_attrs = [a for a in s_attrs if a.label_ != "TIMEPOINT"
                   or time_on_drug(words, (a.start - sent_start, a.end - sent_start), ranges, cfg)]
        qualitative = frozenset(i for i, a in enumerate(s_attrs) if a.label_ == "DOSE"
                                and _is_qualitative(get_attrs(a, ("value", "unit"))))
        labels = ["DURATION" if a.label_ == "TIMEPOINT" else a.label_ for a in s_attrs]
        classes = frozenset(k for k, d in enumerate(s_drugs) if get_attrs(d, ("is_class",))["is_class"])
        links = assign(words, ranges, [(a.start - sent_start, a.end - sent_start, label)
                                       for a, label in zip(s_attrs, labels)], qualitative, classes, cfg)
        for drug, linked in zip(s_drugs, links):
            regimen = Regimen(drug)
            for i in linked:
                regimen.links.setdefault(labels[i], []).append(s_attrs[i])
            regimens.append(regimen)
    return regimens


def _is_qualitative(x: dict[str, Any]) -> bool:
    return isinstance(x["value"], str) and x["unit"] is None




# ---------------------------------------------------------------- the component: regimens on the Doc

RULES_FILE = "regimens.json"
FILES = {RULES_FILE: RegimensFile, BENCH_FILE: BenchFile}
SPANS_KEY = "regimens"


@lru_cache(maxsize=8)
def load_rules(path: str | Path | None = None) -> tuple[_Config, dict[str, Any]]:
    """The shipped rules (path None) or those in `path` (a folder holding regimens.json and/or
    bench.json, or one file in regimens.json's format), with the data read."""
    if path is not None and Path(path).is_file() and Path(path).name not in FILES:
        # one file in regimens.json's format, named as its user likes; bench.json stays shipped
        data = {**read_rules(FILES), RULES_FILE: read_rules({RULES_FILE: RegimensFile}, path)[RULES_FILE]}
    else:
        data = read_rules(FILES, path)
    where = str(path) if path is not None else f"{DATA_FOLDER}/{RULES_FILE}"
    return rules_from_dict(data[RULES_FILE], where, data[BENCH_FILE]), data


def set_regimens(doc: Doc, regimens: list[Regimen]) -> None:
    """Store regimens on the Doc: `doc.spans["regimens"]` holds each regimen's drug mention, and
    that span's `links` attribute its linked mentions, label -> ((start, end, span label), ...)
    in tokens (a TIMEPOINT that is the time on the drug under DURATION). Offsets rather than
    Spans: Doc.to_bytes, DocBin(store_user_data=True) and nlp.pipe(n_process=...) serialise the
    attributes with msgpack, which cannot hold a Span."""
    for regimen in regimens:
        links = {label: tuple((s.start, s.end, s.label_) for s in spans) for label, spans in regimen.links.items()}
        set_attrs(regimen.drug, links=links)
    doc.spans[SPANS_KEY] = [regimen.drug for regimen in regimens]


def doc_regimens(doc: Doc) -> list[Regimen]:
    """The regimens `claimx_regimens` stored on the Doc, in drug order ([] without that component)."""
    if SPANS_KEY not in doc.spans:
        return []
    regimens = []
    for drug in doc.spans[SPANS_KEY]:
        links = get_attrs(drug, ("links",))["links"] or {}
        regimens.append(Regimen(drug, {label: [Span(doc, start, end, label=span_label)
                                               for start, end, span_label in spans]
                                       for label, spans in links.items()}))
    return regimens


class RegimenLinker(RulesPipe):
    """Thin component: `link_regimens` over the Doc, the regimens stored on it (`set_regimens`)."""

    FILES = FILES

    def __init__(self, name: str = "claimx_regimens", rules_path: str | Path | None = None):
        self.name = name
        self.rules, self.rules_data = load_rules(rules_path)
        self.data = self.rules_data[RULES_FILE]

    def _use_rules(self, data: dict) -> None:
        self.rules_data = data
        self.data = data[RULES_FILE]
        self.rules = rules_from_dict(self.data, RULES_FILE, data.get(BENCH_FILE))

    def __call__(self, doc: Doc) -> Doc:
        set_regimens(doc, link_regimens(doc, cfg=self.rules))
        return doc


@Language.factory("claimx_regimens", assigns=["doc.spans", "span._.links"], default_config={"rules_path": None})
def make_regimens(nlp: Language, name: str, rules_path: str | None) -> RegimenLinker:
    """Each DRUG mention with the dose, route, frequency, duration and sample size linked to it,
    into doc.spans["regimens"]; `rules_path`: a folder holding a regimens.json, or a file in its
    format (null: the shipped one)."""
    return RegimenLinker(name, rules_path)
