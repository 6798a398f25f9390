"""claimx: turn what biomedical papers claim into tables."""

from . import extensions as _extensions  # noqa: F401  (registers span attributes)
from .document import Document
from .normalize import normalize
from .pipeline import load

__all__ = ["Document", "load", "normalize"]
__version__ = "0.1.0"
