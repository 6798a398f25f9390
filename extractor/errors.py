"""Coded, actionable errors. One place, so messages stay consistent and testable."""

from __future__ import annotations


class ClaimxError(Exception):
    """Base class: a problem the user can act on. `str()` is a one-line message."""

    code = "E000"

    def __init__(self, message: str):
        super().__init__(f"[{self.code}] {message}")


class UsageError(ClaimxError):
    """Bad command-line usage or a missing input path (exit code 2)."""

    code = "E001"


class ModelNotFound(ClaimxError):
    code = "E002"


class PatternFileError(ClaimxError):
    """A shipped or user data file (patterns, word lists, units) is missing or malformed."""

    code = "E003"


class DocumentError(ClaimxError):
    """One document cannot be read; recorded as a `documents` row with status `error`."""

    code = "E004"


class OutputError(ClaimxError):
    code = "E005"


class GoldFormatError(ClaimxError):
    """A gold file (JSONL, BRAT folder, DocBin) or a label map cannot be read (exit code 2)."""

    code = "E060"


class TextMismatchError(ClaimxError):
    """Predictions were made on a different text than the gold document's (exit code 2)."""

    code = "E061"


class DrugLexiconError(ClaimxError):
    """The drug dictionary (drug-named-entity-recognition) is missing, unreadable or malformed."""

    code = "E301"
