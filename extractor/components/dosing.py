"""DOSE, ROUTE and FREQUENCY mentions into `doc.spans["dosing"]`.

Regular expressions over the sentence text, built from the data files `dose_units.json`,
`dose_levels.jsonl`, `routes.jsonl`, `frequencies.jsonl` and `frequency_multipliers.json`
(cardinals come from extractor.rules.numbers); spans are then
widened to token boundaries. Parsing lives in pure functions (`find_doses`, `find_routes`,
`find_frequencies`, `parse_dose_unit`); the component only places spans and attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.components.batching import RulesPipe
from extractor.components.dosed_names import dosed_chemicals, dosed_long_forms, dosed_names, marked_products
from extractor.components.drugs import defined_as_other
from extractor.errors import PatternFileError
from extractor.pipeline.doctext import doc_text
from extractor.pipeline.extensions import set_attrs
from extractor.pipeline.intervals import ByStart, Containers, Occupied
from extractor.pipeline.spans import Found, char_spans
from extractor.rules.loader import read_rules
from extractor.rules.numbers import POWER_OF_TEN, number_words, parse_number
from extractor.rules.regex import WordScanner, alternation
from extractor.rules.schemas import (
    DoseLevel,
    DoseUnitsFile,
    DosingContextFile,
    Frequency,
    FrequencyMultipliersFile,
    Route,
)
from extractor.rules.units import convert

GROUP = "dosing"
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.·]\d+)?|\.\d+)"
_DASH = r"\s*(?:-|–|—|‐|to)\s*"
# a character only a power of ten (`3 x 10^6`, `2.5 × 10(6)`, `10⁶`) has among dose numbers
_POWER_MARKS = frozenset("x×^*(⁰¹²³⁴⁵⁶⁷⁸⁹")
_INVERSE = r"(?:-1|−1|–1|⁻¹)"
# a mean with its spread is one dose whose value is the mean (`6.6±3.3 mg/day`, `0.4 +/- 0.1 mg`)
_SPREAD = rf"\s*(?:±|\+/-|\+-)\s*{_NUM}"
_SPACE = r"\s*"  # a space in a unit or cue word matches white space or none (`mg kg`, `mgkg`)


@dataclass(frozen=True, eq=False)  # hashed by identity: parse_dose_unit caches per rule set
class _Rules:
    dose: re.Pattern
    list_head: re.Pattern
    amounts: dict[str, dict]
    pers: dict[str, dict]
    unit_part: re.Pattern
    percent_needs_drug: bool
    words: WordScanner  # qualitative doses, routes and frequencies: one scan
    context: dict[str, frozenset[str]]  # dosing_context.json
    numbers: dict[str, float]
    not_list: re.Pattern  # a number after these words is not a list dose
    multipliers: frozenset[str]  # `once`, `twice`: frequency words that are not a count of doses


# the data files the dosing rules are compiled from (a `rules_path` may replace any of them)
FILES = {
    "dose_units.json": DoseUnitsFile, "dose_levels.jsonl": DoseLevel, "routes.jsonl": Route,
    "frequencies.jsonl": Frequency, "dosing_context.json": DosingContextFile,
    "frequency_multipliers.json": FrequencyMultipliersFile,
}


def _check_regex(pattern: str, where: str, flags: int = 0) -> re.Pattern:
    try:
        return re.compile(pattern, flags)
    except re.error as e:
        raise PatternFileError(f"{where}: bad regular expression {pattern!r}: {e}") from e


@lru_cache(maxsize=1)
def rules() -> _Rules:
    """The shipped rules, compiled once per process; errors name the file and record."""
    return rules_from_data(read_rules(FILES))


def load_rules(rules_path: str | Path | None = None) -> _Rules:
    """The shipped rules, or those in `rules_path` (a folder holding any of FILES, or one of them)."""
    return rules() if rules_path is None else rules_from_data(read_rules(FILES, rules_path))


def rules_from_data(files: dict[str, Any]) -> _Rules:
    units = files["dose_units.json"]
    amounts, pers = {}, {}
    for kind, table in (("amounts", amounts), ("per", pers)):
        for rec in units[kind]:
            for surface in rec["surfaces"]:
                table[_squash(surface)] = rec
    amount_re = alternation([s for rec in units["amounts"] for s in rec["surfaces"]], spaces=_SPACE)
    per_re = alternation([s for rec in units["per"] for s in rec["surfaces"]], spaces=_SPACE)
    per = (rf"(?:\s*/\s*(?:{per_re})|\s+per\s+(?:{per_re})|\s*[·.]?\s*(?:{per_re}){_INVERSE})")
    unit = rf"(?:{amount_re})(?:{per})*"
    context = {k: frozenset(w.lower() for w in v) for k, v in files["dosing_context.json"].items() if k != "comment"}
    bounds = alternation(context["dose_upper_bounds"] | context["dose_lower_bounds"], spaces=r"\s+")
    not_per = alternation(units.get("not_per", []), spaces=_SPACE)
    dose = re.compile(
        rf"(?<![\w.,\-−–^])(?:(?P<cmp>{bounds})\s*)?(?:(?P<mult>\d+)\s*[×x]\s*(?!10\s*[\^*(⁰¹²³⁴⁵⁶⁷⁸⁹⁻]))?"
        rf"(?P<lo>{POWER_OF_TEN}|{_NUM})(?:{_DASH}(?P<hi>{_NUM})|{_SPREAD})?(?:\s*|-)"
        rf"(?P<unit>{unit})(?![\w])(?!\s*/\s*(?:{not_per})(?![\w]))"
    )
    list_head = re.compile(rf"(?<![\w.,\-−–])(?P<num>{_NUM})\s*(?:,\s*(?:and|or)?|and|or|&)\s*$")
    unit_part = re.compile(rf"(?P<amount>^(?:{amount_re}))|(?P<per>{per_re})")

    levels = []
    for i, rec in enumerate(files["dose_levels.jsonl"], 1):
        w = f"extractor/rules/data/dose_levels.jsonl line {i}"
        levels.append((_check_regex(rec["pattern"], w, re.I).pattern, ("DOSE", rec["value"]), None))

    routes = []
    for i, rec in enumerate(files["routes.jsonl"], 1):
        w = f"extractor/rules/data/routes.jsonl line {i}"
        for p in rec["patterns"]:
            routes.append((_check_regex(p, w, re.I).pattern, ("ROUTE", rec["value"]), None))
        for p in rec.get("case_sensitive", []):
            routes.append((f"(?-i:{_check_regex(p, w).pattern})", ("ROUTE", rec["value"]), None))

    multipliers = files["frequency_multipliers.json"]
    numbers = _frequency_numbers(multipliers)
    number_re = rf"\d+(?:\.\d+)?|{alternation(numbers)}"
    frequencies = []
    for i, rec in enumerate(files["frequencies.jsonl"], 1):
        w = f"extractor/rules/data/frequencies.jsonl line {i}"
        pattern = _check_regex(rec["pattern"].replace("NUMBER", number_re), w, re.I).pattern
        frequencies.append((pattern, ("FREQUENCY", rec["value"]), rec["per_day"]))
    not_list = alternation(context["not_list_after"], spaces=_SPACE)
    return _Rules(dose, list_head, amounts, pers, unit_part, bool(units.get("percent_needs_drug", True)),
                  WordScanner((p, (found, extra)) for p, found, extra in levels + routes + frequencies),
                  context, numbers, re.compile(rf"\b(?:{not_list})\s*$", re.I),
                  frozenset(k.lower() for k in multipliers))


def _word_after(text: str, end: int) -> str:
    """The next word, over a bracketed short form (`intravenous (IV) access` -> `access`)."""
    nxt = text[end:end + 40].lstrip(")] ").split(None, 2)
    if len(nxt) > 1 and nxt[0].startswith("(") and nxt[0].endswith(")"):
        nxt = nxt[1:]
    return nxt[0].lower().strip(",.;:()[]") if nxt else ""


def _squash(unit: str) -> str:
    return re.sub(r"\s+", "", unit)


def _number(text: str) -> float:
    if any(ch in _POWER_MARKS for ch in text):
        value = parse_number(text)
        if value is not None:
            return value
    return float(text.replace(",", "").replace("·", "."))


def parse_dose_unit(unit: str, r: _Rules | None = None) -> tuple[str, str | None, str | None]:
    """Unit as written -> (unit in our spelling, pint expression, canonical unit), e.g.
    `mg kg−1 h−1` -> ("mg/kg/h", "milligram / kilogram / hour", "mg/kg/h")."""
    return _parse_dose_unit(unit, r or rules())


@lru_cache(maxsize=4096)
def _parse_dose_unit(unit: str, r: _Rules) -> tuple[str, str | None, str | None]:
    amount, pers = None, []
    for m in r.unit_part.finditer(unit):
        if m.group("amount") and amount is None:
            amount = r.amounts[_squash(m.group("amount"))]
            spelled = [_squash(m.group("amount"))]
        elif m.group("per"):
            per = r.pers.get(_squash(m.group("per")))
            if per is not None:
                pers.append(per)
                spelled.append(_squash(m.group("per")))
    if amount is None:
        raise ValueError(f"not a dose unit: {unit!r}")
    written = "/".join(spelled)
    if amount["pint"] is None or any(p["pint"] is None for p in pers):
        return written, None, None
    pint_expr = " / ".join([amount["pint"]] + [f"({p['pint']})" for p in pers])
    canonical = "/".join([amount["canonical"]] + [p["canonical"] for p in pers])
    return written, pint_expr, canonical


_PINT_CANONICAL = {"mg": "milligram", "mL": "milliliter", "IU": "international_unit", "mmol": "millimole",
                   "%": "percent", "ppm": "ppm", "kg": "kilogram", "m2": "meter ** 2", "h": "hour", "d": "day"}


def _normalise(value: float, pint_expr: str | None, canonical: str | None) -> float | None:
    if pint_expr is None or canonical is None:
        return None
    target = " / ".join(f"({_PINT_CANONICAL[part]})" for part in canonical.split("/"))
    try:
        return round(convert(value, pint_expr, target), 10)
    except ValueError:
        return None


def find_doses(text: str, r: _Rules | None = None) -> list[Found]:
    """Numeric and qualitative doses in `text`. `5 and 10 mg` gives two doses (5 mg, 10 mg)."""
    out = find_numeric_doses(text, r)
    out.extend(m for m in scan_words(text, r) if m.label == "DOSE")
    return sorted(out, key=lambda x: (x.start, x.end))


# a dilution written as a ratio (`1:1000 epinephrine`, `1:200,000`): a dose only beside a drug,
# like a percentage; normalised to percent (1:1000 = 0.1 %)
_RATIO = re.compile(r"1(?<![\w.:,]1)\s?:\s?(?P<n>\d{1,3}(?:,\d{3})+|\d{2,7})(?![\w.:]|,\d)")


def find_numeric_doses(text: str, r: _Rules | None = None) -> list[Found]:
    r = r or rules()
    out: list[Found] = [Found(m.start(), m.end(), "DOSE", value=f"1:{m['n']}", unit="ratio",
                              norm_value=round(100 / _number(m["n"]), 10), norm_unit="%")
                      for m in _RATIO.finditer(text) if _number(m["n"]) >= 10]
    for m in r.dose.finditer(text):
        unit, pint_expr, canonical = _parse_dose_unit(m.group("unit"), r)
        if canonical is not None and canonical.startswith("mL/") and _after_measure(text, m.start(), r):
            continue  # "creatinine clearances 4 to 10 ml/min": a measurement, not a dose
        lo, hi = _number(m.group("lo")), _number(m.group("hi")) if m.group("hi") else None
        value = lo if hi is None else f"{_fmt(lo)}-{_fmt(hi)}"
        norm_lo = _normalise(lo, pint_expr, canonical)
        norm_hi = _normalise(hi, pint_expr, canonical) if hi is not None else None
        bound = re.sub(r"\s+", " ", m.group("cmp").lower()) if m.group("cmp") else None
        if bound is not None and hi is None:  # a one-sided range: the number is its min or max
            upper = bound in r.context["dose_upper_bounds"]
            out.append(Found(m.start(), m.end(), "DOSE", value=f"{'<' if upper else '>'}{_fmt(lo)}", unit=unit,
                             norm_unit=canonical if norm_lo is not None else None,
                             min_value=None if upper else norm_lo, max_value=norm_lo if upper else None))
            continue
        out.append(Found(
            m.start(), m.end(), "DOSE", value=value, unit=unit,
            norm_value=norm_lo if hi is None else None, norm_unit=canonical if norm_lo is not None else None,
            min_value=norm_lo if hi is not None else None, max_value=norm_hi,
        ))
        # the numbers of a list that share this unit: "5, 10 and 20 mg" (not for percentages:
        # "-1.2, 95% CI" is not a list of doses)
        start = m.start()
        while unit != "%":
            head = r.list_head.search(text, max(0, start - 40), start)
            if head is None or r.not_list.search(text, max(0, head.start("num") - 12), head.start("num")):
                break  # "on day 1 and 6.6 mg": a day, not a dose
            v = _number(head.group("num"))
            norm = _normalise(v, pint_expr, canonical)
            out.append(Found(head.start("num"), head.end("num"), "DOSE", value=v, unit=unit, norm_value=norm,
                             norm_unit=canonical if norm is not None else None))
            start = head.start("num")
    return out


def _after_measure(text: str, start: int, r: _Rules) -> bool:
    prev = text[max(0, start - 16):start].split()
    return bool(prev) and prev[-1].lower().strip(",:(") in r.context["dose_not_after"]


_COUNT_BEFORE = re.compile(r"(?<![\w.,-])([0-9]+|[A-Za-z]+(?:-[A-Za-z]+)?)\s+$")
_SINGLE_BEFORE = re.compile(r"(?<![\w-])((?:(?:a|one)\s+)?single)\s+$", re.I)
_DOSE_AFTER = re.compile(r"\s+dos(e|es|ages)(?![\w-])", re.I)


def _dose_phrase_around(text: str, start: int, end: int, r: _Rules) -> Found | None:
    """A route inside a dose phrase; the route stays a ROUTE of its own and the phrase is one
    more mention: `2 oral doses`, `three intravenous doses` -> a DOSE, value `count`;
    `a single oral dose` -> the FREQUENCY `single`, as `a single dose` is."""
    after = _DOSE_AFTER.match(text, end)
    if after is None:
        return None
    lookback = max(0, start - 20)
    if after.group(1).lower() == "e":
        single = _SINGLE_BEFORE.search(text, lookback, start)
        return Found(single.start(1), after.end(), "FREQUENCY", value="single") if single else None
    before = _COUNT_BEFORE.search(text, lookback, start)
    word = before.group(1).lower() if before else ""
    if not (word.isdigit() or (word in r.numbers and word not in r.multipliers)):
        return None  # "once oral doses" is not a count of doses
    return Found(before.start(1), after.end(), "DOSE", value="count")


_LEVEL_WINDOW = 3  # words either side of a level word without `dose` that may name what it qualifies


def _measured_level(text: str, start: int, end: int, r: _Rules) -> bool:
    """A level word without `dose` (`subtherapeutic`) that qualifies a measured level within three
    words either side: `subtherapeutic INR`, `supratherapeutic flecainide plasma concentrations`,
    `serum levels were still subtherapeutic`."""
    words = [w.lower().strip(",.;:()[]") for w in text[end:end + 60].split()[:_LEVEL_WINDOW]]
    words += [w.lower().strip(",.;:()[]") for w in text[max(0, start - 60):start].split()[-_LEVEL_WINDOW:]]
    return any(w in r.context["dose_level_not_before"] for w in words)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def scan_words(text: str, r: _Rules | None = None) -> list[Found]:
    """Qualitative doses, routes and frequencies, leftmost-longest, in one scan of `text`."""
    r = r or rules()
    out = []
    for m, ((label, value), per_day) in r.words.finditer(text):
        if label == "ROUTE":
            before = text[max(0, m.start() - 12):m.start()].split()
            if m.group(0).isupper() and before and before[-1].lower().strip("(,") in r.context["route_not_after"]:
                continue  # "stage IV", "type IV"
            if _word_after(text, m.end()) in r.context["route_not_before"]:
                continue  # "subcutaneous fat", "oral mucositis"
            if (before and before[-1].lower() in r.context.get("route_object_after", ())
                    and m.group(0).lower().rstrip("s") in r.context["route_acts"]):
                continue  # "mixed the study infusions": the thing prepared
            out.append(Found(m.start(), m.end(), "ROUTE", value=value))
            phrase = _dose_phrase_around(text, m.start(), m.end(), r)
            if phrase is not None:
                out.append(phrase)
            continue
        if label == "DOSE":
            if "dos" not in m.group(0).lower() and _measured_level(text, m.start(), m.end(), r):
                continue  # "subtherapeutic INR", "supratherapeutic plasma concentrations" (not "low dosage levels")
            out.append(Found(m.start(), m.end(), "DOSE", value=value))
            continue
        if _word_after(text, m.end()) in r.context["frequency_not_before"]:
            continue  # "intermittent porphyria", "continuous hemodialysis"
        before = text[max(0, m.start() - 16):m.start()].split()
        if before and before[-1].lower() in r.context["frequency_not_after"]:
            continue  # "monitored every 6 months"
        if (before and before[-1].lower() in r.context.get("frequency_measure_after", ())
                and _word_after(text, m.end()) not in r.context["frequency_context_after"]):
            continue  # "average daily glucose" (kept: "mean daily dose")
        rate = per_day
        if per_day in ("count", "interval"):
            n = r.words.group(m, "n") or "1"
            unit = r.words.group(m, "unit") or "day"
            n = r.numbers.get(n.lower()) if n.lower() in r.numbers else float(n)
            days = _unit_days(unit)
            if not n or days is None:
                continue
            rate = n / days if per_day == "count" else 1 / (n * days)
            value = value.format(n=_fmt(n), unit=_singular(unit))
        out.append(Found(m.start(), m.end(), "FREQUENCY", value=value,
                         norm_value=round(rate, 6) if isinstance(rate, (int, float)) else None,
                         norm_unit="/d" if isinstance(rate, (int, float)) else None))
    return out


def find_routes(text: str, r: _Rules | None = None) -> list[Found]:
    return [m for m in scan_words(text, r) if m.label == "ROUTE"]


def find_frequencies(text: str, r: _Rules | None = None) -> list[Found]:
    return [m for m in scan_words(text, r) if m.label == "FREQUENCY"]


_DAYS = {"min": 1 / 1440, "mins": 1 / 1440, "minute": 1 / 1440, "minutes": 1 / 1440,
         "h": 1 / 24, "hr": 1 / 24, "hrs": 1 / 24, "hour": 1 / 24, "hours": 1 / 24, "d": 1.0, "day": 1.0,
         "days": 1.0, "wk": 7.0, "w": 7.0, "week": 7.0, "weeks": 7.0, "month": 30.4375, "months": 30.4375}


def _unit_days(unit: str) -> float | None:
    return _DAYS.get(unit.lower())


def _singular(unit: str) -> str:
    unit = unit.lower()
    return {"h": "h", "hr": "h", "hrs": "h", "hours": "h", "hour": "h", "d": "d", "wk": "weeks",
            "w": "weeks", "min": "min", "mins": "min", "minute": "min", "minutes": "min"}.get(unit, unit)


def _frequency_numbers(multipliers: dict[str, float]) -> dict[str, float]:
    """Words that count doses: the cardinals of extractor.rules.numbers (`two`, `twenty-four`) plus
    the multiplicative words only frequencies use (`once`, `twice`, `thrice`)."""
    words = number_words()
    numbers = {w: float(v) for group in (words.ones, words.teens, words.tens) for w, v in group.items()}
    numbers.update({f"{t}-{o}": float(tv + ov) for t, tv in words.tens.items() for o, ov in words.ones.items()})
    numbers.update({k.lower(): float(v) for k, v in multipliers.items()})
    return numbers


def find_dosing(text: str, r: _Rules | None = None) -> list[Found]:
    """All DOSE, ROUTE and FREQUENCY mentions; a word mention inside a numeric dose
    (`/day` in `mg/day`) is dropped; a route and the act named after it are one ROUTE
    (`intravitreal bevacizumab injection`, see `merge_routes`)."""
    r = r or rules()
    doses = find_numeric_doses(text, r)
    in_doses = Containers((d.start, d.end) for d in doses)
    words = [w for w in scan_words(text, r) if not in_doses.contain(w.start, w.end)]
    return merge_routes(text, sorted(merge_volumes(text, doses) + words, key=lambda x: (x.start, x.end)), r)


_IN_VOLUME = re.compile(r"\s+in\s+")


def merge_volumes(text: str, doses: list[Found]) -> list[Found]:
    """`1.25 mg in 0.1 ml`: an amount given in a volume is one DOSE (the amount's values),
    not a dose and a spurious volume dose."""
    doses = sorted(doses, key=lambda x: (x.start, x.end))
    out: list[Found] = []
    for d in doses:
        prev = out[-1] if out else None
        if (prev is not None and d.norm_unit == "mL" and prev.norm_unit not in (None, "mL")
                and _IN_VOLUME.fullmatch(text[prev.end:d.start])):
            out[-1] = replace(prev, end=d.end)
            continue
        out.append(d)
    return out


# at most three words between route and act (`route_acts`), none a `route_gap_stop` word
_ROUTE_GAP = re.compile(r"(?:\s+[\w\-]+){0,3}\s+|\s*-\s*|\s+")


def merge_routes(text: str, mentions: list[Found], r: _Rules | None = None) -> list[Found]:
    """`intravenous mannitol infusion`, `subcutaneous injection`, `intravitreal pegaptanib
    injection`: a specific route followed (within three words, no punctuation, no phrase
    word) by an act of giving (infusion, injection, instillation, infiltration) is one
    route, not two. Adjacent (`subcutaneous injection`) they become one ROUTE span; with
    words between (usually the drug) the specific route alone stays, so a ROUTE span never
    swallows the drug's name (PHEE marks the whole phrase; we do not)."""
    routes = [m for m in mentions if m.label == "ROUTE"]
    context = (r or rules()).context
    acts, stop = context["route_acts"], context["route_gap_stop"]
    drop, merged = set(), []
    for a, b in zip(routes, routes[1:]):
        if id(a) in drop or a.value in acts or b.value not in acts or b.start < a.end:
            continue
        gap = text[a.end:b.start]
        if not _ROUTE_GAP.fullmatch(gap) or any(w.lower() in stop for w in re.findall(r"[\w\-]+", gap)):
            continue
        drop.update((id(a), id(b)))
        merged.append(Found(a.start, b.end if not gap.strip(" -") else a.end, "ROUTE", value=a.value))
    if not merged:
        return mentions
    kept = [m for m in mentions if id(m) not in drop]
    return sorted(kept + merged, key=lambda x: (x.start, x.end))


@dataclass(frozen=True)
class _DrugEdges:
    """Where the drugs of a Doc start and end (token indices), and where a placebo, vehicle or
    sham ends: the look-ups _near_drug makes for each percentage."""

    starts: frozenset[int]
    ends: frozenset[int]
    no_strength_ends: frozenset[int]

    @classmethod
    def of(cls, drugs: list[Span]) -> _DrugEdges:
        return cls(frozenset(d.start for d in drugs), frozenset(d.end for d in drugs),
                   frozenset(d.end for d in drugs if d.text.lower() in _NO_STRENGTH))


def _near_drug(doc: Doc, span: Span, drugs: _DrugEdges, r: _Rules) -> bool:
    """A percentage is a dose only right beside a drug: just before it (`0.1% capsaicin`,
    `5% lidocaine cream`) or right after it (`lidocaine 5%`)."""
    if span.end < len(doc) and doc[span.end].lower_ == "of" and (span.end + 1 >= len(doc)
                                                                  or not doc[span.end + 1].like_num):
        return False  # "2% of the patients", "2% of imipenem administrations": a proportion
    text = doc_text(doc)  # not doc.text: that joins every token of the Doc, on each call
    if _ARM_PROPORTIONS.match(text, span.end_char) or _ARM_PROPORTIONS_BEFORE.search(
            text, max(0, span.start_char - 60), span.start_char):
        return False  # "SP+AS 95%, placebo 75%, p = 0.01": the share of each arm, not a strength
    if span.start in drugs.no_strength_ends:
        return False  # "placebo 16%": a placebo has no strength
    return (span.start in drugs.ends or span.end in drugs.starts
            or (span.end + 1 in drugs.starts
                and doc[span.end].lower_ not in r.context["not_between_percent_and_drug"]))


# `SP+AS 95%, placebo 75%`: arms listed with their shares (another `name N%` or a p value follows,
# or one comes before)
_ARM_PROPORTIONS = re.compile(r"\s*[,;]\s*(?:(?:[A-Za-z][\w+/-]*\s+){1,3}\d+(?:[.·]\d+)?\s*%|p\s*[=<>≤])", re.I)
_ARM_PROPORTIONS_BEFORE = re.compile(r"[A-Za-z][\w+/-]*\s+\d+(?:[.·]\d+)?\s*%\s*[,;]\s*(?:[A-Za-z][\w+/-]*\s+){0,2}$")
_NO_STRENGTH = frozenset({"placebo", "placebos", "vehicle", "sham"})


# `57.5% for infliximab`, `12% in the placebo group`: a proportion about a drug's arm, not its dose
# what a frequency word without a rate (`continuous`, `repeated`, `intermittent`) needs to be
# about dosing: a drug, dose or route within _STRAY_WINDOW tokens either side, or a
# `frequency_context_after` word right after it
_STRAY_WINDOW = 4


def _stray_frequency(span: Span, about: Occupied, r: _Rules) -> bool:
    """A FREQUENCY with no rate that is not about giving something: `intermittent spotting`,
    `repeated episodes`, `continuous EEG monitoring` (kept: `continuous infusion`,
    `repeated doses`, `intermittent rifampin therapy`)."""
    if span.label_ != "FREQUENCY" or span._.norm_value is not None:
        return False
    doc = span.doc
    after = doc[span.end:min(len(doc), span.end + _STRAY_WINDOW)]
    if len(after) and after[0].lower_ in r.context["frequency_context_after"]:
        return False
    return not about.overlaps(max(0, span.start - _STRAY_WINDOW), span.end + _STRAY_WINDOW)


def _before_rate(span: Span, spans: list[Span]) -> bool:
    """A frequency word without a rate up to two words before one with a rate (no other mention
    between) says the same
    (`repeated on a three-week cycle`, `repeated every 3 weeks`): the rate is the frequency."""
    if span.label_ != "FREQUENCY" or span._.norm_value is not None:
        return False
    return any(o.label_ == "FREQUENCY" and o._.norm_value is not None and 0 <= o.start - span.end <= 2
               and not any(span.end <= b.start and b.end <= o.start for b in spans) for o in spans)


def _bare_amount(unit: str | None, r: _Rules) -> bool:
    """A mass or volume with no rate and no per-weight part (`300 g`, `5 ml`, not `5 mg/kg`)."""
    return unit is not None and unit.lower() in r.context.get("amounts_need_drug", ())


def _given_in_sentence(doc: Doc, span: Span, near: _Near, r: _Rules) -> bool:
    """Whether the sentence of a bare amount says something is given: a giving word (`consumed
    30 g of`), or a drug or a route in a sentence that is not a recipe (`to prepare ... we used`)."""
    lo, hi = near.sentence(span)
    words = {t.lower_ for t in doc[lo:hi]}
    if words & set(r.context.get("amount_giving_words", ())):
        return True
    if words & set(r.context.get("amount_recipe_words", ())):
        return False  # "to prepare 1 kg, we used 300 g X": ingredients, not doses
    return bool(near.drugs.within(lo, hi) or near.routes.within(lo, hi))


def _lone_form(doc: Doc, span: Span, near: _Near, r: _Rules) -> bool:
    """A dosage-form word (`tablets`) with no drug right beside it (a bracket may sit between:
    `(VPA) tablets`, `tablets (Coartem)`) and no form word before it (`dispersible tablets`),
    or with a route of its own in the sentence (`oral tablet of X`)."""
    forms = r.context.get("dosage_forms", ())
    if span.text.lower() not in forms:
        return False
    lo, hi = near.sentence(span)
    if any(s.text.lower() not in forms for s in near.routes.within(lo, hi)):
        return True
    before, after = span.start, span.end
    if before > 0 and doc[before - 1].lower_ in r.context.get("dosage_form_modifiers", ()):
        return False  # "dispersible tablets": a dosage-form phrase PHEE marks as the route
    while before > 0 and doc[before - 1].text in (")", "]"):
        before -= 1
    while after < len(doc) and doc[after].text in ("(", "["):
        after += 1
    return not (before in near.edges.ends or after in near.edges.starts)


class _Near:
    """What the checks of one Doc's bare amounts and dosage forms look up: its drugs and routes
    by start, where drugs start and end, and each span's sentence (the whole Doc without
    sentence starts)."""

    def __init__(self, doc: Doc, drugs: list[Span], found: list):
        self.drugs, self.edges = ByStart(drugs), _DrugEdges.of(drugs)
        self.routes = ByStart(s for m, s in found if m.label == "ROUTE")
        self.sentenced = doc.has_annotation("SENT_START")
        self.n = len(doc)

    def sentence(self, span: Span) -> tuple[int, int]:
        if not self.sentenced:
            return 0, self.n
        sent = span.sent
        return sent.start, sent.end


def _defined_otherwise(doc: Doc, r: _Rules) -> frozenset[str]:
    """Short forms the text defines with a long form that is not a route or a frequency
    (`serum creatinine (SC)`): such a short form is never read as `subcutaneous`."""
    if not Doc.has_extension("abbreviations") or not doc._.abbreviations:
        return frozenset()
    out = set()
    for short in doc._.abbreviations:
        long_form = getattr(short._, "long_form", None)
        if long_form is not None and not scan_words(str(long_form), r):
            out.add(short.text)
    return frozenset(out)


_VOLUMES = frozenset({"ml", "l", "µl", "μl", "ul", "dl", "cl"})  # `5 ml YPD`: a medium, not a dosed code


def _dosed_drug(doc: Doc, start: int, end: int) -> Span:
    span = Span(doc, start, end, label="DRUG")
    set_attrs(span, concept_id=None, concept_name=None, is_class=False, source="dosed name")
    return span


class DosingRecognizer(RulesPipe):
    """Thin component: finds mentions with the pure functions and sets spans."""

    FILES = FILES

    def __init__(self, drug_group: str = "drugs", rules_path: str | Path | None = None):
        self.drug_group = drug_group
        # a broken data file fails when the pipeline is built, not on the first document
        self._use_rules(read_rules(FILES, rules_path))

    def _use_rules(self, data: dict[str, Any]) -> None:
        self.rules_data = data
        self.rules = rules() if data == read_rules(FILES) else rules_from_data(data)

    def __call__(self, doc: Doc) -> Doc:
        drugs = list(doc.spans.get(self.drug_group, []))
        spans = []
        r = self.rules
        defined = _defined_otherwise(doc, r)
        text = doc_text(doc)
        found = list(char_spans(doc, find_dosing(text, r)))
        near = _Near(doc, drugs, found)
        for m, span in found:
            if (m.label == "DOSE" and m.unit in ("%", "ratio") and r.percent_needs_drug
                    and not _near_drug(doc, span, near.edges, r)):
                continue
            if m.label == "DOSE" and _bare_amount(m.unit, r) and not _given_in_sentence(doc, span, near, r):
                continue  # "300 g monofilaments", "blood samples (5 ml)": a weight or a volume
            if m.label == "ROUTE" and _lone_form(doc, span, near, r):
                continue  # "renal capsule", "15 µg per tablet": a dosage form is not a route
            if m.label in ("ROUTE", "FREQUENCY") and span.text in defined:
                continue  # "serum creatinine (SC)": the text's own abbreviation wins
            set_attrs(span, **m.attrs(), source="claimx_dosing")
            spans.append(span)
        about = Occupied(len(doc), ((s.start, s.end) for s in [*drugs, *spans] if s.label_ != "FREQUENCY"))
        doc.spans[GROUP] = [s for s in spans if not _stray_frequency(s, about, r) and not _before_rate(s, spans)]
        kept = {(s.start, s.end) for s in doc.spans[GROUP]}
        amounts = [s for m, s in found if m.label == "DOSE" and m.unit not in (None, "%", "ratio")
                   and (s.start, s.end) in kept]
        if amounts:  # `AZL-M/CTD 20/12.5 mg`: a code beside a dose names what is dosed
            taken = drugs + list(doc.spans[GROUP]) + list(doc.spans.get("quantities", []))
            volumes = {(s.start, s.end) for m, s in found if m.unit and m.unit.lower() in _VOLUMES}
            masses = [s for s in amounts if (s.start, s.end) not in volumes]
            named = dosed_names(doc, masses, taken, frozenset(r.context.get("dosed_name_not", ())),
                                defined | defined_as_other(doc, drugs), _dosed_drug,
                                frozenset(r.context.get("dosed_name_forms", ())), doc.spans[GROUP])
            named += dosed_long_forms(doc, amounts, taken + named,
                                      frozenset(r.context.get("dosed_long_form_after", ())), _dosed_drug,
                                      frozenset(r.context.get("dosed_long_form_not_heads", ())))
            named += dosed_chemicals(doc, masses, taken + named, _dosed_drug, doc.spans[GROUP])
            drugs = drugs + named
        if "™" in text or "®" in text:  # `200 mg/day of Physta™`, `supplements (Jack3d™)`
            taken = drugs + list(doc.spans[GROUP]) + list(doc.spans.get("quantities", []))
            drugs = drugs + marked_products(doc, amounts, taken, _dosed_drug,
                                            frozenset(r.context.get("product_words", ())))
        if len(drugs) > len(doc.spans.get(self.drug_group, [])):
            doc.spans[self.drug_group] = sorted(drugs, key=lambda s: (s.start, s.end))
        return doc


@Language.factory("claimx_dosing", assigns=["doc.spans"], default_config={"drug_group": "drugs", "rules_path": None})
def make_dosing(nlp: Language, name: str, drug_group: str, rules_path: str | None) -> DosingRecognizer:
    """DOSE, ROUTE and FREQUENCY spans into doc.spans["dosing"]; `rules_path`: a folder holding any
    of the dosing data files (FILES), or one of them (null: the shipped ones)."""
    return DosingRecognizer(drug_group, rules_path)
