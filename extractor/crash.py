"""An unexpected failure as a user should see it: one line on the terminal, the full traceback
in a log file that the line names."""

from __future__ import annotations

import tempfile
import traceback
from pathlib import Path

from extractor.running.local import log_error

FALLBACK_LOG = "claimx-errors.log"  # in the system's temporary folder, when no output folder has a log


def crash_line(error: BaseException, what: str, log: Path | None = None) -> str:
    """Append `error`'s traceback to `log` (default: the temporary folder's claimx-errors.log) and
    return one line saying what failed, how, and where the trace is."""
    log = log or Path(tempfile.gettempdir()) / FALLBACK_LOG
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    log_error(log, what, trace)
    message = (str(error).strip().splitlines() or [""])[0]
    return f"{what}: {type(error).__name__}{': ' + message if message else ''}; full trace in {log}"
