"""Laboratory steps (extractor/rules/data/bench.json): a sentence about a buffer, a culture, an
incubation or a micromolar concentration that names no one who receives anything describes a
protocol. The chemicals it names are reagents, not drugs given, and its amounts and times belong
to no regimen (regimens GUIDELINES.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BENCH_FILE = "bench.json"
GIVING_WINDOW = 6  # tokens either side of a substance where a giving word gives it


@dataclass(frozen=True)
class Bench:
    words: frozenset[str]  # lower-case
    units: frozenset[str]  # as written: `µM` is molar, `µm` a length
    recipients: frozenset[str]  # lower-case
    clinical: frozenset[str] = frozenset()  # lower-case
    giving: frozenset[str] = frozenset()  # lower-case
    lab_document_min: int = 0  # laboratory steps that make a document a laboratory study (0: never)

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> Bench:
        data = data or {}
        return cls(frozenset(data.get("bench_words", ())), frozenset(data.get("bench_units", ())),
                   frozenset(data.get("recipient_words", ())), frozenset(data.get("clinical_words", ())),
                   frozenset(data.get("giving_words", ())), int(data.get("lab_document_min", 0)))

    def laboratory_study(self, sentences: list[list[str]], bench: list[bool]) -> bool:
        """Whether a document (its sentences' lower-cased tokens, and which are laboratory steps)
        is a laboratory study: enough laboratory steps, and no more sentences about patients or
        a trial."""
        steps = sum(bench)
        if not self.lab_document_min or steps < self.lab_document_min:
            return False
        return sum(bool(self.clinical.intersection(s)) for s in sentences) <= steps

    def gives(self, lower: list[str], start: int, end: int) -> bool:
        """Whether the words around tokens start:end of a sentence (lower-cased) give that
        substance to someone (`mice received 10 mg/kg X`, `X was administered`): not a mouse
        model named elsewhere in the sentence, nor cells treated, nor `Given that ...`."""
        for i in range(max(0, start - GIVING_WINDOW), min(len(lower), end + GIVING_WINDOW)):
            if lower[i] in self.giving and not (lower[i] == "given" and i + 1 < len(lower)
                                                 and lower[i + 1] == "that"):
                return True
        return False

    def at_the_bench(self, lower: list[str], words: list[str] | None = None) -> bool:
        """Whether a sentence (its lower-cased tokens, and optionally the tokens as written for
        the units) is a laboratory step."""
        present = set(lower)
        if present & self.recipients:
            return False
        return bool(present & self.words) or (words is not None and bool(self.units.intersection(words)))
