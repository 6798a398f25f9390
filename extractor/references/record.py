"""One entry of a reference list, as the `references` table holds it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Reference:
    """A reference-list entry.

    `ref_id` is unique within the document: the JATS `<ref id>` where there is one, else `r<N>`
    (N = position in the list, from 1). `label` is the paper's own (`15`; None for author-year
    lists). `authors` are `Surname Initials` (`Sigtermans MJ`), in the entry's order; `year` is the
    four-digit year and `year_suffix` the letter that tells `2004a` from `2004b`. `start`/`end` are
    offsets of the entry in the original text (None where it came from XML structure); `raw` is the
    entry's text.
    """

    ref_id: str
    raw: str
    label: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    year_suffix: str | None = None
    title: str | None = None
    journal: str | None = None
    volume: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    start: int | None = None
    end: int | None = None

    @property
    def first_surname(self) -> str | None:
        """The first author's surname (the initials dropped), for author-year resolution."""
        return surname(self.authors[0]) if self.authors else None

    def row(self) -> dict[str, Any]:
        return asdict(self)


def surname(author: str) -> str:
    """`Sigtermans MJ` -> `Sigtermans`; a group author (`World Health Organization`) stays whole."""
    parts = author.rsplit(" ", 1)
    return parts[0] if len(parts) == 2 and _is_initials(parts[1]) else author


def _is_initials(token: str) -> bool:
    return token.replace("-", "").replace(".", "").isupper() and len(token.replace(".", "")) <= 4
