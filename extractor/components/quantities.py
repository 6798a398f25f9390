"""Sample sizes, durations, time points and statistics, found by rules over the text.

Regexes are built once from the word lists in `extractor/rules/data/quantities.json` (units,
cue words, participant nouns, statistic names) and run over `doc.text`; numbers parse with
`extractor.rules.numbers`. What a quantity IS (a duration or a time point, a head count or an age)
is decided by the words around it, also taken from the data file. The component only maps
the matches to spans in `doc.spans["quantities"]` and sets their attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from extractor.components.batching import RulesPipe
from extractor.errors import PatternFileError
from extractor.pipeline.doctext import doc_text
from extractor.pipeline.extensions import set_attrs
from extractor.pipeline.intervals import Containers, Occupied
from extractor.pipeline.spans import Found, char_spans
from extractor.rules.loader import read_rules, validate
from extractor.rules.numbers import (
    AND_A_HALF,
    digit_pattern,
    number_guard,
    number_pattern,
    number_words,
    ordinal_pattern,
    parse_number,
    parse_ordinal,
)
from extractor.rules.regex import alternation, first_chars, guard, longest_first, trie
from extractor.rules.schemas import QuantitiesFile
from extractor.rules.units import to_days

SOURCE = "claimx_quantities"
LABELS = ("SAMPLE_SIZE", "DURATION", "TIMEPOINT", "STATISTIC")
_FILE = "quantities.json"
_FRACTIONS = "½¼¾⅓⅔"
_WHERE = f"extractor/rules/data/{_FILE}"
FILES = {_FILE: QuantitiesFile}

# ---------------------------------------------------------------------------------------------
# rules: validated data -> compiled regexes
# ---------------------------------------------------------------------------------------------

def _words(surfaces, exact_if_upper: bool = True) -> str:
    """Alternation of surfaces. Lower-case entries match in lower case or with a capital first letter
    (`weeks`, `Weeks`); entries with a capital (abbreviations such as `OR`, `CI`) and one-letter entries
    (`h`, `d`) match exactly. Built as a trie: it is run at nearly every position of the text."""
    exact, folded = [], []
    for s in sorted(set(surfaces), key=len, reverse=True):
        if len(s) == 1 or (exact_if_upper and s != s.lower()):
            exact.append(" ".join(s.split()))
        else:
            folded.append(" ".join(s.lower().split()))
    parts = []
    if folded:
        parts.append(trie(folded, fold_first=True, spaces=r"\s+"))
    if exact:
        parts.append(trie(exact, spaces=r"\s+"))
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _cue_words(cues) -> str:
    """Alternation of cue words; `post*` is a prefix, other cues end at a word boundary."""
    parts = []
    for cue in longest_first(cues):
        prefix = cue.endswith("*")
        word = cue.rstrip("*")
        pattern = r"\s+".join(re.escape(p) for p in word.split())
        if word[-1:].isalnum() and not prefix:
            pattern += r"\b"
        parts.append(pattern)
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _before(cues, fillers) -> re.Pattern:
    """Text just before a quantity ends with a cue, maybe followed by filler words (`at say`)."""
    return re.compile(
        rf"(?:^|(?<=[^\w]))(?i:{_cue_words(cues)})(?:\s*(?i:{_cue_words(fillers)}))*[\s(]*$"
    )


@dataclass(frozen=True)
class QuantityRules:
    """Compiled rules; build with `rules_from_dict` (validates) or `default_rules()` (shipped file)."""

    data: dict
    unit_of: dict[str, str]  # lower-cased surface -> pint unit
    lead_unit_of: dict[str, str]
    stat_unit_of: dict[str, str]  # surface (lower-cased for phrases) -> unit
    signed_stats: frozenset
    not_nouns: frozenset
    patterns: dict[str, re.Pattern] = field(repr=False)
    unit_factor: dict[str, float] = field(default_factory=dict)  # `fortnight` -> 2 (weeks)
    counted_amounts: dict[str, float] = field(default_factory=dict)  # `a couple of` -> 2
    qualifier_of: dict[str, str] = field(default_factory=dict)  # `more than` -> `>`
    not_noun_phrases: frozenset = frozenset()
    non_population_heads: frozenset = frozenset()
    population_words: frozenset = frozenset()  # population heads and participant nouns


@dataclass(frozen=True)
class TimeFound(Found):
    """A duration or time point with a qualifier before it: `more than 6 months` is `>` 6 months."""

    qualifier: str | None = None  # `>`, `>=`, `<=`, `<`

    def attrs(self) -> dict[str, Any]:
        return {**super().attrs(), "qualifier": self.qualifier}


_QUALIFIER_KEYS = {"gt": ">", "ge": ">=", "le": "<=", "lt": "<"}


def _qualifier_table(table: dict, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for symbol, surfaces in table.items():
        if symbol == "_doc":
            continue
        symbol = _QUALIFIER_KEYS.get(symbol, symbol)
        for surface in surfaces:
            key = " ".join(surface.lower().split())
            if key in out:
                raise PatternFileError(f"{where}.{symbol}: {surface!r} already means {out[key]}")
            out[key] = symbol
    return out


def rules_from_dict(data: Any, where: str = _WHERE) -> QuantityRules:
    """Validate a quantities data file (allowed keys, types, duplicates) and compile its regexes."""
    validate(data, QuantitiesFile, where)
    unit_of = _unit_table(data["time_units"], f"{where}: time_units", check_pint=True)
    unit_factor: dict[str, float] = {}
    for i, record in enumerate(data.get("time_unit_multiples", [])):
        rwhere = f"{where}, field 'time_unit_multiples[{i}]'"
        if record["unit"] not in unit_of.values():
            raise PatternFileError(f"{rwhere}: unit {record['unit']!r} is not a key of time_units")
        for surface in record["surfaces"]:
            key = surface if len(surface) == 1 else surface.lower()
            if key in unit_of:
                raise PatternFileError(f"{rwhere}: {surface!r} already listed under {unit_of[key]}")
            unit_of[key] = record["unit"]
            unit_factor[key] = float(record["times"])
    qualifier_of = _qualifier_table(data.get("qualifiers", {}), f"{where}: qualifiers")
    cue_qualifier_of = _qualifier_table(data.get("qualifiers_after_cue", {}), f"{where}: qualifiers_after_cue")
    if clash := set(qualifier_of) & set(cue_qualifier_of):
        raise PatternFileError(f"{where}: qualifiers_after_cue: {sorted(clash)} also listed in qualifiers")
    lead_unit_of = _unit_table(data["time_lead_words"], f"{where}: time_lead_words", check_pint=False)
    stat_unit_of: dict[str, str] = {}
    signed = set()
    for i, record in enumerate(data["statistics"]):
        rwhere = f"{where}, field 'statistics[{i}]'"
        for surface in record["abbreviations"]:
            key = surface if surface != surface.lower() else surface.lower()
            if key in stat_unit_of:
                raise PatternFileError(f"{rwhere}: {surface!r} already names {stat_unit_of[key]}")
            stat_unit_of[key] = record["unit"]
        for surface in record["phrases"]:
            if surface != surface.lower():
                raise PatternFileError(f"{rwhere}: phrase {surface!r} must be lower-case (matched in any case)")
            key = " ".join(surface.split())
            if key in stat_unit_of:
                raise PatternFileError(f"{rwhere}: {surface!r} already names {stat_unit_of[key]}")
            stat_unit_of[key] = record["unit"]
        if record.get("signed"):
            signed.add(record["unit"])
    sample = data["sample_size"]
    if both := {w.lower() for w in sample.get("population_heads", [])} & {
            w.lower() for w in sample.get("non_population_heads", [])}:
        raise PatternFileError(f"{where}: sample_size: {sorted(both)} are both population and non-population heads")
    if not set(data["p_comparators"]) <= {"<=", ">=", "=<", "=>", "≤", "≥", "<", ">", "="}:
        raise PatternFileError(f"{where}: p_comparators: only <, >, =, <=, >=, =<, =>, ≤, ≥ are understood")
    try:
        patterns = _compile(data, unit_of, lead_unit_of, stat_unit_of)
    except re.error as e:
        raise PatternFileError(f"{where}: an entry breaks the generated pattern: {e}") from e
    return QuantityRules(
        data=data, unit_of=unit_of, lead_unit_of=lead_unit_of, stat_unit_of=stat_unit_of,
        signed_stats=frozenset(signed), not_nouns=frozenset(w.lower() for w in sample["not_nouns"]),
        patterns=patterns, unit_factor=unit_factor,
        counted_amounts={" ".join(k.split()): float(v)
                         for k, v in data.get("time_amounts", {}).get("counted", {}).items()},
        qualifier_of={**qualifier_of, **cue_qualifier_of},
        not_noun_phrases=frozenset(" ".join(w.lower().split()) for w in sample.get("not_noun_phrases", [])),
        non_population_heads=frozenset(w.lower() for w in sample.get("non_population_heads", [])),
        population_words=frozenset(w.lower() for w in [*sample.get("population_heads", []), *sample["nouns"]]),
    )


def _unit_table(table: dict, where: str, check_pint: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    for unit, surfaces in table.items():
        if unit == "_doc":
            continue
        if not isinstance(surfaces, list) or not surfaces or not all(isinstance(s, str) and s for s in surfaces):
            raise PatternFileError(f"{where}.{unit}: expected a non-empty list of strings")
        if check_pint:
            try:
                to_days(1.0, unit)
            except ValueError as e:
                raise PatternFileError(f"{where}.{unit}: not a time unit pint knows ({e})") from e
        for s in surfaces:
            key = s if len(s) == 1 else s.lower()
            if key in out:
                raise PatternFileError(f"{where}.{unit}: {s!r} already listed under {out[key]}")
            out[key] = unit
    return out


def _compile(data: dict, unit_of, lead_unit_of, stat_unit_of) -> dict[str, re.Pattern]:
    num, dnum, ordinal = number_pattern(), digit_pattern(), ordinal_pattern()
    units = _words(unit_of)
    lead = _words(lead_unit_of)
    sample = data["sample_size"]
    # not inside a word, a decimal, `mg/24 h` or `COVID-19`; the guard first: it fails fastest
    start = rf"{number_guard()}(?<![\w.,/^])(?<![A-Za-z]-)"
    dash = r"(?:-|–|—|‐)"
    signed = rf"[-\u2212]?\s?{dnum}"
    sci = rf"(?:\d+(?:\.\d+)?\s*[x×]\s*10\s*(?:\^|\*\*)?\s*[-\u2212]?\s*\d+(?![\d.])|\d+(?:\.\d+)?[eE][-+]?\d+|{dnum})"
    stops = _words([w.lower() for w in sample["modifier_stop_words"]], exact_if_upper=False)
    stat_names = _words(stat_unit_of)
    # `4, 8 and 12 weeks`, `54 and 50 patients`: numbers before the last one share its unit or noun.
    # Looked for behind a match only: inside the main patterns they would double their cost.
    items = rf"(?:{start}{num}\s*,\s*)*{start}{num}\s*,?\s+(?:and|or)\s+$"
    modifier_phrases = _words([w.lower() for w in sample["modifier_phrases"]], exact_if_upper=False)
    long_units = _words([u for u in unit_of if len(u) > 1])
    amounts = data.get("time_amounts", {})
    amount_words = [*amounts.get("counted", {}), *amounts.get("vague", [])]
    time_cues = [*data["timepoint"]["cues_before"], *data["duration"]["cues_before"]]
    ordinal_mods = _cue_words(data["timepoint"].get("ordinal_modifiers") or ["study"])  # `the 14th postoperative day`
    qualifiers = [w for k, v in data.get("qualifiers", {}).items() if k != "_doc" for w in v]
    cue_qualifiers = [w for k, v in data.get("qualifiers_after_cue", {}).items() if k != "_doc" for w in v]
    return {
        # every quantity that starts with a number, in one pass: a time (`2 to 3 weeks`), a head count
        # (`30 healthy volunteers`) or a count that was randomised (`21 were assigned`)
        "number_led": re.compile(
            rf"{start}(?P<lo>{num}(?:{AND_A_HALF})?)(?:"
            rf"(?:(?P<lounit>\s?{units}(?![\w]))?\s*-?\s*(?:{dash}|\b[Tt]o\b)\s*(?P<hi>{num}))?"
            rf"(?:\s*(?:±|\+/-|\+/\u2212)\s*(?P<sd>{num}))?"  # mean ± SD: the mean is the value
            rf"(?P<sep>\s*{dash}\s*|\s?)(?:(?P<mod>{_words(data['time_unit_modifiers'])})\s+)?"
            rf"(?P<unit>{units})(?![\w])"
            rf"|(?:\s*\(\s*\d+\s*\))?"  # `Sixty (60) children`
            rf"(?P<mods>(?:\s+(?:{modifier_phrases}(?![\w])|(?!{stops}(?![\w'’-]))[A-Za-z][\w'’-]*))"
            rf"{{0,{sample['max_modifiers']}}})"
            rf"\s+(?P<noun>{_words([n.lower() for n in sample['nouns']], exact_if_upper=False)})\b"
            rf"|\s+(?:(?i:were|was|had\s+been|have\s+been)\s+"
            rf"(?:(?i:then|subsequently|successfully|randomly|eventually|finally|initially)\s+)?"
            rf"(?P<verb>{_words([v.lower() for v in sample['verbs']], exact_if_upper=False)})"
            rf"|(?P<active>{_words([v.lower() for v in sample['active_verbs']], exact_if_upper=False)}))\b)"
        ),
        "a_unit": re.compile(rf"(?=[Aa])\b(?P<a>[Aa]n?)\s+(?P<unit>{units})(?![\w])"),
        # `half an hour`, `half-day`; `an hour and a half`, `one year and a half`
        # (not `10 half-hour sessions`: ten of them)
        "half_unit": re.compile(rf"(?=[Hh])(?<!\d\s)\b[Hh]alf(?:\s+an?\s+|-)(?P<unit>{long_units})(?![\w])"),
        "unit_and_half": re.compile(
            rf"(?=[Aa]|{number_guard()})(?<![\w.,/])(?P<lo>[Aa]n?|{num})\s+(?P<unit>{long_units}){AND_A_HALF}"
        ),
        # `a couple of weeks` (2 weeks), `several days` (no value)
        "amount": re.compile(
            rf"{guard(amount_words)}(?<![\w])(?P<amt>{_words(amount_words, exact_if_upper=False)})\s+"
            rf"(?:(?P<mod>{_words(data['time_unit_modifiers'])})\s+)?(?P<unit>{long_units})(?![\w])"
        ) if amount_words else re.compile("(?!)"),
        "qualifier": re.compile(rf"(?:^|(?<=[^\w]))(?P<q>(?i:{_cue_words(qualifiers)}))\s*$"),
        "cue_qualifier": re.compile(
            rf"(?:^|(?<=[^\w]))(?i:{_cue_words(time_cues)})\s+(?P<q>(?i:{_cue_words(cue_qualifiers)}))\s*$"
        ),
        "n_head": re.compile(r"([A-Za-z][\w-]*)\s*[(\[]\s*$"),
        "lead": re.compile(
            rf"{guard(lead_unit_of)}(?<![\w/-])(?P<unit>{lead})\s*(?P<lo>\d+(?:\.\d+)?)"
            rf"(?:\s*(?:{dash}|\b(?i:to)\b)\s*(?P<hi>\d+(?:\.\d+)?)"
            r"|(?P<more>(?:\s*,\s*\d+(?![\d.]))*\s*,?\s+(?:and|or)\s+\d+(?![\d.]|[-‐][A-Za-z])))?"  # `days 1, 8 and 15`
            r"(?![\w]|[.,]\d)"
        ),
        "digits": re.compile(r"\d+"),
        "ordinal": re.compile(rf"{guard(number_words().ordinals, '0123456789' + first_chars(number_words().tens))}"
                              rf"(?<![\w-])(?P<ord>{ordinal})\s+(?:(?i:{ordinal_mods})\s+)?(?P<unit>{lead})\b"),
        "event": re.compile(
            rf"(?<![\w-])(?P<cue>(?i:{_cue_words(data['timepoint'].get('event_cues') or ['before'])}))[\s-]+"
            rf"(?P<ev>(?i:{_cue_words(data['timepoint'].get('events') or ['induction'])}))(?![\w-])"
        ) if data["timepoint"].get("events") else None,
        "baseline": re.compile(
            rf"{guard(data['timepoint']['baseline_cues'] + ['('])}"
            rf"(?:\b(?i:{_cue_words(data['timepoint']['baseline_cues'])})"
            r"\s+(?P<bl>(?i:baseline))\b|\(\s*(?P<bl2>(?i:baseline))\s*\))"  # `before breakfast (baseline)`
        ),
        "n": re.compile(
            rf"{guard(sample['n_symbols'])}(?<![\w])(?P<sym>{'|'.join(map(re.escape, sample['n_symbols']))})"
            rf"\s*[=:]\s*(?P<num>{dnum})"
            r"(?![\d.,]\d|\s*%)"
        ),
        "total": re.compile(
            rf"{guard(sample['total_cues'])}\b(?i:{_cue_words(sample['total_cues'])})\s+(?P<num>{num})"
            r"(?=\s*[.,;:)]|\s+(?i:were|was|in|from|at|with)\b)"
        ),
        "p": re.compile(
            r"(?=[pP])(?<![\w])(?P<p>[pP])(?:\s*[-‐]?\s*(?i:values?))?(?:\s*(?i:for\s+trend|for\s+interaction))?"
            rf"\s*(?P<cmp>{alternation(data['p_comparators'])})"
            rf"\s*(?P<num>{sci}|(?i:n\.s\.|ns)(?![\w]))"
        ),
        "ci": re.compile(
            rf"{guard(data['ci_names'], '0123456789')}"
            rf"(?:(?P<level>\d{{2}}(?:\.\d+)?)\s*%\s*)?(?<![\w])(?P<name>{_words(data['ci_names'])})"
            rf"\s*(?:[:=,]\s*|(?i:of|was|is)\s+)?(?:(?P<open>[\[(])\s*)?(?P<lo>{signed})\s*%?\s*"
            rf"(?:{dash}|,|;|\b(?i:to)\b)\s*(?P<hi>{signed})(?:\s*%)?(?(open)\s*[\])]|)"
        ),
        "percent": re.compile(
            rf"(?=[-\u2212\d.{_FRACTIONS}])(?<![\w.,/])(?<!±)(?<!±\s)(?<!\+/-)(?P<lo>{signed})"
            rf"(?:\s*(?:±|\+/-|\+/\u2212)\s*(?P<sd>{dnum}))?(?:\s*%?\s*(?:{dash}|\b(?i:to)\b)\s*(?P<hi>{signed}))?"
            rf"\s*(?P<pct>{_words(data['percent_words'])})(?![\w])"
        ),
        "stat": re.compile(
            rf"{guard(stat_unit_of)}(?<![\w])(?P<name>{stat_names})(?![\w])(?:\s*\((?P<abbr>[A-Za-z]{{2,5}})\))?"
            rf"(?:\s*(?i:{_cue_words(data['statistic_connectors'])})){{0,2}}\s*(?P<num>{signed})(?![\d.,]\d|\w)"
        ),
        "tp_before": _before(data["timepoint"]["cues_before"], data["fillers"]),
        "tp_adj_before": _before(data["timepoint"]["adjective_cues_before"], data["fillers"]),
        "dur_before": _before(data["duration"]["cues_before"], data["fillers"]),
        "tp_after": re.compile(rf"^[\s)]*(?i:{_cue_words(data['timepoint']['cues_after'])})"),
        "dur_noun_after": re.compile(rf"^\s*(?i:{_cue_words(data['duration'].get('nouns_after') or ['infusion'])})"),
        "of_treatment_after": re.compile(
            rf"^\s+of\s+(?:[\w-]+\s+)??(?i:{_cue_words(data['duration'].get('of_treatment_after') or ['treatment'])})"),
        "after_before": re.compile(r"(?i:\bafter)\s+$"),
        "at_on_before": re.compile(r"(?i:\b(?:at|on|by the end of|at the end of|end of)(?:\s+(?:the|a|an))?)\s+$"),
        "time_not_before": _before(data["time_not_before"], data["fillers"]),
        "seconds_not_before": _before(data.get("seconds_not_before") or [], data["fillers"]),
        "time_not_after": re.compile(rf"^\s*(?i:{_cue_words(data['time_not_after'])})"),
        "sample_not_before": re.compile(rf"(?:^|(?<=[^\w]))(?i:{_cue_words(sample['not_before'])})\s*$"),
        "percent_not_before": re.compile(rf"\s*(?i:{_cue_words(data['percent_not_before'])})"),
        "word": re.compile(r"\s*([A-Za-z][\w-]*)"),
        "item": re.compile(rf"{start}{num}"),
        "items_before": re.compile(items),
        "between_before": re.compile(rf"\b[Bb]etween\s+(?P<lo>{num})(?P<lounit>\s?{units}(?![\w]))?\s+and\s+$"),
        "sample_event_after": re.compile(
            rf"\s*(?:\(\s*\d+(?:\.\d+)?\s*(?:%|(?i:percent))|(?i:{_cue_words(sample['event_words'])}))"
        ),
    }


@lru_cache(maxsize=1)
def default_rules() -> QuantityRules:
    return rules_from_dict(read_rules(FILES)[_FILE], _WHERE)


def load_rules(path: str | Path | None = None) -> QuantityRules:
    """The shipped rules, or those in `path`: a folder holding quantities.json, or a file in its format."""
    if path is None:
        return default_rules()
    return rules_from_dict(read_rules(FILES, path)[_FILE], str(path))


# ---------------------------------------------------------------------------------------------
# finding quantities (pure functions over text)
# ---------------------------------------------------------------------------------------------

_WINDOW = 48


def find_quantities(text: str, rules: QuantityRules | None = None) -> list[Found]:
    """Every sample size, duration, time point and statistic in `text`, sorted by offset.

    Spans of one label never overlap (the longer, then earlier, wins); different labels may.
    """
    rules = rules or default_rules()
    led = list(rules.patterns["number_led"].finditer(text))
    times = find_times(text, rules, led)
    # a count inside a time (`on days 1-3 were given`) is a day, not a sample size
    in_times = Containers((t.start, t.end) for t in times)
    sizes = [q for q in find_sample_sizes(text, rules, led) if not in_times.contain(q.start, q.end)]
    return _resolve([*times, *sizes, *find_statistics(text, rules)])


def _resolve(found: list[Found]) -> list[Found]:
    kept: list[Found] = []
    taken: dict[str, Occupied] = {}
    size = max((q.end for q in found), default=0)
    for q in sorted(found, key=lambda q: (-(q.end - q.start), q.start)):
        spans = taken.get(q.label) or taken.setdefault(q.label, Occupied(size))
        if spans.overlaps(q.start, q.end):
            continue
        spans.add(q.start, q.end)
        kept.append(q)
    return sorted(kept, key=lambda q: (q.start, q.end, q.label))


def _num_value(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _range_value(lo: float, hi: float) -> str:
    a, b = _num_value(lo), _num_value(hi)
    return f"{a}-{b}" if lo >= 0 and hi >= 0 else f"{a} to {b}"


def _time_quantity(start: int, end: int, label: str, lo: float, hi: float | None, unit: str) -> Found:
    if hi is None:
        return Found(start, end, label, _num_value(lo), unit, to_days(lo, unit), "d")
    lo_d, hi_d = to_days(lo, unit), to_days(hi, unit)
    # a range's single figure is its midpoint; min/max keep the bounds
    return Found(start, end, label, _range_value(lo, hi), unit, (lo_d + hi_d) / 2, "d", lo_d, hi_d)


def classify_time(text: str, start: int, end: int, adjective: bool = False,
                  rules: QuantityRules | None = None) -> str | None:
    """DURATION or TIMEPOINT for the time expression text[start:end], from the words around it;
    None when it is not a duration at all (an age, a frequency such as `every 4 h`)."""
    p = (rules or default_rules()).patterns
    before = text[max(0, start - _WINDOW):start]
    after = text[end:end + _WINDOW]
    if p["time_not_before"].search(before) or p["time_not_after"].match(after):
        return None
    if p["dur_noun_after"].match(after) and not p["at_on_before"].search(before):
        return "DURATION"  # "followed by an 8 h infusion", "a 4 week period"
    if p["after_before"].search(before) and p["of_treatment_after"].match(after):
        return "DURATION"  # "after 7 days of treatment": the time on treatment (GUIDELINES.md)
    if (p["tp_adj_before"] if adjective else p["tp_before"]).search(before):
        return "TIMEPOINT"
    if p["dur_before"].search(before):
        return "DURATION"
    if p["tp_after"].match(after):
        return "TIMEPOINT"
    return "DURATION"


def find_times(text: str, rules: QuantityRules | None = None,
               number_led: list[re.Match] | None = None) -> list[Found]:
    """Durations (`for 2 to 3 weeks`, `a 4-day infusion`) and time points (`at 12 weeks`,
    `6 weeks post treatment`, `week 12`, `the third day`, `at baseline`), in days."""
    rules = rules or default_rules()
    p = rules.patterns
    out: list[Found] = []
    for m in p["number_led"].finditer(text) if number_led is None else number_led:
        if not m["unit"]:
            continue
        lo = parse_number(m["lo"])
        hi = parse_number(m["hi"]) if m["hi"] else None
        unit = _unit(rules.unit_of, m["unit"])
        lo_unit = _unit(rules.unit_of, m["lounit"].strip()) if m["lounit"] else unit
        if lo is None or unit is None or lo_unit is None or (m["hi"] and hi is None):
            continue
        factor = _factor(rules, m["unit"])  # `two decades`: 20 years
        lo *= _factor(rules, m["lounit"].strip()) if m["lounit"] else factor
        hi = None if hi is None else hi * factor
        if unit == "hour" and _CLOCK.fullmatch(m["lo"]):
            continue  # `at 0730 hours`, `1400 h`: a time of day
        if unit == "second" and p["seconds_not_before"].search(text, max(0, m.start() - _WINDOW), m.start()):
            continue  # `aPTT of 100 seconds`: a clotting time, a lab value
        start = m.start("lo")
        context = start  # the words before the whole expression decide (`aged 34 and 19 years`)
        items: list = []
        if hi is None and (b := p["between_before"].search(text, max(0, start - _LOOKBACK), start)):
            # `between 2 and 4 weeks`
            hi, lo, start, context = lo, parse_number(b["lo"]), b.start("lo"), b.start()
            lo_unit = _unit(rules.unit_of, b["lounit"].strip()) if b["lounit"] else unit
            if lo is None or lo_unit is None:
                continue
            lo *= _factor(rules, b["lounit"].strip()) if b["lounit"] else factor
        elif hi is None:
            context, items = _items_before(text, start, rules, below=lo)
        if hi is not None and to_days(hi, unit) <= to_days(lo, lo_unit):
            continue  # `12-4 weeks` is not a range
        adjective = "-" in m["sep"] or "‐" in m["sep"]
        label = classify_time(text, context, m.end(), adjective and _noun_follows(text, m.end(), rules), rules)
        if not label:
            continue
        if lo_unit != unit:  # `24 hours to three days`
            lo_d, hi_d = to_days(lo, lo_unit), to_days(hi, unit)
            value = f"{_num_value(lo)} {lo_unit} to {_num_value(hi)} {unit}"
            out.append(Found(start, m.end(), label, value, unit, (lo_d + hi_d) / 2, "d", lo_d, hi_d))
        else:
            out.append(_time_quantity(start, m.end(), label, lo, hi, unit))
        for item_start, item_end, value in items:
            if not (unit == "hour" and _CLOCK.fullmatch(text[item_start:item_end])):
                out.append(_time_quantity(item_start, item_end, label, value * factor, None, unit))
    for m in p["a_unit"].finditer(text):
        # `for a week`, `after a month`: "a" counts as one only right after a cue word
        unit = _unit(rules.unit_of, m["unit"])
        before = text[max(0, m.start() - _WINDOW):m.start()]
        if unit is None or not (p["tp_before"].search(before) or p["dur_before"].search(before)):
            continue
        if unit == "second" and _ordinal_second(text, m.end(), p):
            continue  # `after a second dose`, `for a second time`: the ordinal, not one second
        label = classify_time(text, m.start(), m.end(), False, rules)
        if label:
            out.append(_time_quantity(m.start(), m.end(), label, _factor(rules, m["unit"]), None, unit))
    out.extend(_halves_and_amounts(text, rules))
    for m in p["lead"].finditer(text):
        before = text[max(0, m.start() - 12):m.start()]
        if re.search(r"\d\s*$", before):
            continue  # `3 days 2 ...`: the unit belongs to the number before
        lo = float(m["lo"])
        hi = float(m["hi"]) if m["hi"] else None
        unit = rules.lead_unit_of[m["unit"].lower()]
        if (unit == "year" and lo >= 1900) or (hi is not None and hi <= lo):
            continue  # calendar years, not time points
        if m["more"]:
            out.append(_time_quantity(m.start(), m.end("lo"), "TIMEPOINT", lo, None, unit))
            for n in p["digits"].finditer(text, m.start("more"), m.end("more")):
                out.append(_time_quantity(n.start(), n.end(), "TIMEPOINT", float(n.group(0)), None, unit))
            continue
        out.append(_time_quantity(m.start(), m.end(), "TIMEPOINT", lo, hi, unit))
    for m in p["ordinal"].finditer(text):
        n = parse_ordinal(m["ord"])
        if n:
            # `for the second year`, `during the first week`: a period, not a moment
            before = text[max(0, m.start() - _WINDOW):m.start()]
            label = "DURATION" if p["dur_before"].search(before) and not p["tp_before"].search(before) else "TIMEPOINT"
            out.append(_time_quantity(m.start(), m.end(), label, float(n) if label == "TIMEPOINT" else 1.0, None,
                                      rules.lead_unit_of[m["unit"].lower()]))  # the second year lasts one
    for m in p["baseline"].finditer(text):
        g = "bl" if m["bl"] else "bl2"
        out.append(Found(m.start(g), m.end(g), "TIMEPOINT", "baseline", None, 0.0, "d"))
    out = _event_times(text, out, p)
    return [_qualify(text, q, rules) for q in _compounds(text, out, rules)]


_BEFORE_EVENT = re.compile(r"\s+$")


def _event_times(text: str, found: list[Found], p: dict[str, re.Pattern]) -> list[Found]:
    """`before induction`, `after extubation`, `during anaesthesia`: a time point set by a clinical
    event (value: the phrase). A time point right before one is one span with it (`30 min before
    induction`: GUIDELINES.md of the regimens gold, `6 weeks post-treatment`); after a duration
    the event only anchors it (`for 7 days after discharge`)."""
    if p.get("event") is None:
        return found
    out = list(found)
    for m in p["event"].finditer(text):
        before = next((q for q in out if q.label in ("TIMEPOINT", "DURATION") and q.end <= m.start()
                       and _BEFORE_EVENT.fullmatch(text, q.end, m.start())), None)
        if before is not None and before.label == "DURATION":
            continue  # "for 7 days after discharge": the event anchors the duration
        if before is not None:
            out[out.index(before)] = replace(before, end=m.end())
        elif not any(q.start < m.end() and m.start() < q.end for q in out):
            out.append(Found(m.start(), m.end(), "TIMEPOINT", " ".join(m.group(0).lower().split()), None))
    return out


def _factor(rules: QuantityRules, surface: str) -> float:
    return rules.unit_factor.get(surface) or rules.unit_factor.get(surface.lower()) or 1.0


def _halves_and_amounts(text: str, rules: QuantityRules) -> list[Found]:
    """`half an hour`, `an hour and a half`, `a couple of weeks` (2 weeks), `several days` (no value)."""
    p = rules.patterns
    out: list[Found] = []
    for pattern in ("half_unit", "unit_and_half"):
        for m in p[pattern].finditer(text):
            unit = _unit(rules.unit_of, m["unit"])
            if pattern == "half_unit":
                whole = 0.0
            else:
                whole = 1.0 if m["lo"].lower() in ("a", "an") else parse_number(m["lo"])
            label = classify_time(text, m.start(), m.end(), False, rules)
            if unit and whole is not None and label:
                out.append(_time_quantity(m.start(), m.end(), label, (whole + 0.5) * _factor(rules, m["unit"]),
                                          None, unit))
    for m in p["amount"].finditer(text):
        unit = _unit(rules.unit_of, m["unit"])
        label = classify_time(text, m.start(), m.end(), False, rules)
        if not unit or not label:
            continue
        count = rules.counted_amounts.get(" ".join(m["amt"].lower().split()))
        if count is None:
            out.append(Found(m.start(), m.end(), label, None, unit))
        else:
            out.append(_time_quantity(m.start(), m.end(), label, count * _factor(rules, m["unit"]), None, unit))
    return out


_COMPOUND_GAP = re.compile(r"\s+(?:and\s+)?|\s*,\s*(?:and\s+)?")


def _compounds(text: str, found: list[Found], rules: QuantityRules) -> list[Found]:
    """`1 year 2 months`, `2 h 30 min`, `3 years and 4 months`: one span, the sum of its parts. Parts
    are single values in falling units, each after the first shorter than one of the unit before it."""
    found = sorted(found, key=lambda q: (q.start, -q.end))
    out: list[Found] = []
    for q in found:
        prev = out[-1] if out else None
        if (prev is not None and _single(prev) and _single(q) and prev.label in ("DURATION", "TIMEPOINT")
                and q.label in ("DURATION", "TIMEPOINT") and _COMPOUND_GAP.fullmatch(text, prev.end, q.start)):
            last_unit = prev.unit if not isinstance(prev.value, str) else prev.value.split()[-1]
            one = to_days(1.0, last_unit)
            if to_days(1.0, q.unit) < one and q.norm_value < one:
                label = classify_time(text, prev.start, q.end, False, rules) or prev.label
                head = prev.value if isinstance(prev.value, str) else f"{_num_value(prev.value)} {prev.unit}"
                out[-1] = Found(prev.start, q.end, label, f"{head} {_num_value(q.value)} {q.unit}", prev.unit,
                                prev.norm_value + q.norm_value, "d")
                continue
        out.append(q)
    return out


def _single(q: Found) -> bool:
    """One amount of one unit (or a compound made here), not a range, a list's bare number or a vague amount."""
    return q.norm_value is not None and q.min_value is None and q.unit is not None and q.value != "baseline"


def _qualify(text: str, q: Found, rules: QuantityRules) -> Found:
    """`more than 6 months`: the words right before the time bound it (span attribute `qualifier`)."""
    if q.label not in ("DURATION", "TIMEPOINT"):
        return q
    p = rules.patterns
    before = text[max(0, q.start - _WINDOW):q.start]
    m = p["qualifier"].search(before) or p["cue_qualifier"].search(before)
    if not m:
        return q
    symbol = rules.qualifier_of.get(" ".join(m["q"].lower().split()))
    return TimeFound(**{f.name: getattr(q, f.name) for f in fields(Found)}, qualifier=symbol) if symbol else q


def _ordinal_second(text: str, end: int, p: dict[str, re.Pattern]) -> bool:
    """`a second` followed by a word that is not a time cue (`a second dose`, `a second course`)."""
    after = text[end:end + _WINDOW]
    return bool(p["word"].match(after)) and not p["tp_after"].match(after)


def _unit(table: dict[str, str], surface: str) -> str | None:
    return table.get(surface) or table.get(surface.lower())


_LOOKBACK = 80
_CLOCK = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d")


def _items_before(text: str, start: int, rules: QuantityRules, below: float | None = None):
    """Numbers listed before a quantity that share its unit or noun (`4, 8 and` of `4, 8 and 12 weeks`):
    (where the list starts, [(start, end, value)]). With `below`, the list must rise to `below`."""
    offset = max(0, start - _LOOKBACK)
    m = rules.patterns["items_before"].search(text, offset, start)
    if not m:
        return start, []
    found = []
    for n in rules.patterns["item"].finditer(text, m.start(), m.end()):
        value = parse_number(n.group(0))
        if value is None:
            return start, []
        found.append((n.start(), n.end(), value))
    values = [v for *_, v in found]
    if not found or (below is not None and (values != sorted(set(values)) or values[-1] >= below)):
        return m.start(), []  # not one list, but its context still decides (`aged 34 and 19 years`)
    return m.start(), found


def _noun_follows(text: str, end: int, rules: QuantityRules) -> bool:
    """`a 4-day infusion`: a hyphenated time used as an adjective."""
    m = rules.patterns["word"].match(text, end)
    return bool(m) and not m.group(1).lower().startswith("post")


def _count(text: str) -> int | None:
    value = parse_number(text)
    if value is None or not value.is_integer() or not 1 <= value < 10_000_000:
        return None
    return int(value)


def find_sample_sizes(text: str, rules: QuantityRules | None = None,
                      number_led: list[re.Match] | None = None) -> list[Found]:
    """`n = 30`, `N=60`, `30 patients`, `sixty participants`, `120 adults were randomised`,
    `a total of 1,204 subjects`, `21 were assigned`. value = norm_value = the count."""
    rules = rules or default_rules()
    p = rules.patterns
    out: list[Found] = []

    def add(start: int, end: int, num: str, unit: str | None) -> None:
        count = _count(num)
        if count is not None:
            out.append(Found(start, end, "SAMPLE_SIZE", count, unit, float(count), "participants"))

    for m in p["n"].finditer(text):
        word = p["word"].match(text, m.end())
        if word and word.group(1).lower() in rules.not_nouns:
            continue  # `n = 3 studies`
        head = p["n_head"].search(text, max(0, m.start() - _WINDOW), m.start())
        if head and head.group(1).lower() in rules.non_population_heads and not _people_before(text, head, rules):
            continue  # `shared mutations (n = 71)`: a count of things; `patients with mutations (n = 12)` are people
        add(m.start(), m.end(), m["num"], "n")
    for m in p["number_led"].finditer(text) if number_led is None else number_led:
        if m["unit"]:
            continue
        if p["sample_not_before"].search(text[max(0, m.start() - 20):m.start()]):
            continue  # `type 2 diabetic patients`, `grade 3 patients`
        if m["verb"] or m["active"]:
            add(m.start("lo"), m.end("lo"), m["lo"], None)  # `21 were assigned`, `193 completed`
            continue
        if p["sample_event_after"].match(text, m.end()):
            continue  # `21 patients (2.9%)`, `3 patients developed a rash`: counts of events, not samples
        noun = " ".join(m["noun"].lower().split())
        if m["mods"].split() and f"{m['mods'].split()[-1].lower()} {noun}" in rules.not_noun_phrases:
            continue  # `nine test cases`
        add(m.start("lo"), m.end(), m["lo"], noun)
        for item_start, item_end, _ in _items_before(text, m.start("lo"), rules)[1]:
            add(item_start, item_end, text[item_start:item_end], noun)
    for m in p["total"].finditer(text):
        add(m.start("num"), m.end("num"), m["num"], None)
    return out


def _people_before(text: str, head: re.Match, rules: QuantityRules) -> bool:
    """A population word in the phrase before a non-population head: `patients with BRCA mutations (n = 12)`."""
    phrase = re.split(r"[.;:()\[\]]", text[head.pos:head.start(1)])[-1]
    return any(w.lower() in rules.population_words for w in re.findall(r"[A-Za-z][\w-]*", phrase))


def find_statistics(text: str, rules: QuantityRules | None = None) -> list[Found]:
    """p-values, confidence intervals, percentages, NNT/NNH, odds/hazard/risk ratios, mean differences.
    unit = the kind (`p`, `CI`, `%`, `OR` ...); value = the number (p-values: with their comparator
    when it is not `=`, e.g. `<0.001`); norm_value = the number; CIs carry min/max."""
    rules = rules or default_rules()
    p = rules.patterns
    out: list[Found] = []
    for m in p["p"].finditer(text):
        raw = m["num"]
        cmp = {"=<": "≤", "<=": "≤", "=>": "≥", ">=": "≥"}.get(m["cmp"], m["cmp"])
        if raw.replace(".", "").lower() == "ns":
            out.append(Found(m.start(), m.end(), "STATISTIC", "NS", "p"))
            continue
        value = parse_number(raw)
        if value is None or not 0 <= value <= 1:
            continue
        shown = _num_value(value) if cmp == "=" else f"{cmp}{_num_value(value)}"
        out.append(Found(m.start(), m.end(), "STATISTIC", shown, "p", value))
    for m in p["ci"].finditer(text):
        lo, hi = parse_number(m["lo"]), parse_number(m["hi"])
        if lo is None or hi is None or lo > hi:
            continue
        start = m.start("level") if m["level"] else m.start("name")
        out.append(Found(start, m.end(), "STATISTIC", _range_value(lo, hi), "CI", None, None, lo, hi))
    for m in p["percent"].finditer(text):
        if p["percent_not_before"].match(text, m.end()):
            continue  # `95% CI`, `0.9% saline`
        lo = parse_number(m["lo"])
        hi = parse_number(m["hi"]) if m["hi"] else None
        if lo is None or (m["hi"] and (hi is None or hi <= lo)):
            continue
        if hi is None:
            out.append(Found(m.start(), m.end(), "STATISTIC", _num_value(lo), "%", lo))
        else:
            out.append(Found(m.start(), m.end(), "STATISTIC", _range_value(lo, hi), "%", (lo + hi) / 2,
                             None, lo, hi))
    for m in p["stat"].finditer(text):
        name = " ".join(m["name"].split())
        unit = rules.stat_unit_of.get(name) or rules.stat_unit_of.get(name.lower())
        value = parse_number(m["num"])
        if unit is None or value is None or (value < 0 and unit not in rules.signed_stats):
            continue
        out.append(Found(m.start(), m.end(), "STATISTIC", _num_value(value), unit, value))
    return out


def parse_duration(text: str, rules: QuantityRules | None = None) -> Found | None:
    """The first duration or time point in a short text: `for 2 to 3 weeks`, `at day 28`."""
    times = _resolve(find_times(text, rules or default_rules()))
    return times[0] if times else None


# ---------------------------------------------------------------------------------------------
# the spaCy component
# ---------------------------------------------------------------------------------------------

class QuantityRecognizer(RulesPipe):
    """Thin component: run `find_quantities` over the text, add the spans to a span group."""

    def __init__(self, name: str = "claimx_quantities", spans_key: str = "quantities",
                 rules_path: str | None = None):
        self.name = name
        self.spans_key = spans_key
        self.rules = load_rules(rules_path)
        self.rules_data = {_FILE: self.rules.data}

    FILES = FILES

    def _use_rules(self, data: dict) -> None:
        self.rules_data = data
        self.rules = rules_from_dict(data[_FILE], _FILE)

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans[self.spans_key]) if self.spans_key in doc.spans else []
        for q, span in char_spans(doc, find_quantities(doc_text(doc), self.rules)):
            set_attrs(span, **q.attrs(), source=SOURCE)
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory(
    "claimx_quantities",
    assigns=["doc.spans"],
    default_config={"spans_key": "quantities", "rules_path": None},
)
def make_quantities(nlp: Language, name: str, spans_key: str, rules_path: str | None) -> QuantityRecognizer:
    """Sample sizes, durations, time points and statistics into doc.spans[spans_key]; `rules_path`:
    a folder holding a quantities.json, or a file in its format (null: the shipped one)."""
    return QuantityRecognizer(name, spans_key, rules_path)


__all__ = [
    "LABELS", "QuantityRecognizer", "QuantityRules", "classify_time", "default_rules",
    "find_quantities", "find_sample_sizes", "find_statistics", "find_times", "load_rules",
    "make_quantities", "parse_duration", "rules_from_dict",
]
