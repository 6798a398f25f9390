"""Where the shipped pipelines and learned models are: the `extractor.models` package.

Installed, that is the top-level `models/` folder of the source tree under claimx's own import
namespace (pyproject.toml maps it), so a user's own `models` package or `models.py` cannot shadow
it. Run from a checkout that is not installed (`python cli.py`), it is that folder itself.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]
_SOURCE_TREE_MODELS = _CHECKOUT / "models"


@cache
def models_root() -> Path:
    # A checkout (editable install or none) uses its own models/: `extractor.models` could name
    # another checkout's folder, the one an editable install of it maps that name to.
    if (_CHECKOUT / "pyproject.toml").is_file() and _SOURCE_TREE_MODELS.is_dir():
        return _SOURCE_TREE_MODELS
    try:
        return Path(str(resources.files("extractor.models")))
    except ModuleNotFoundError:
        return _SOURCE_TREE_MODELS


def shipped_models() -> dict[str, Path]:
    """Pipelines shipped in `extractor.models`: each folder there with a config.cfg."""
    root = models_root()
    return {p.name: p for p in sorted(root.iterdir()) if (p / "config.cfg").is_file()}
