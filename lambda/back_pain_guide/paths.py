"""Where the skill finds its data files (content, prompts, schemas, interaction models).

One source of truth lives at the repository's top level. A built Lambda package carries
a copy next to the package (``<package parent>/content``), which is looked at first.
``BACK_PAIN_GUIDE_CONTENT_DIR`` overrides both (used by tests of broken content).
"""
from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_PARENT = Path(__file__).resolve().parent.parent
REPO_ROOT = _PACKAGE_PARENT.parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def content_dir() -> Path:
    """The folder holding back_pain.json, prompts.json and their schemas."""
    override = os.environ.get("BACK_PAIN_GUIDE_CONTENT_DIR")
    if override:
        return Path(override)
    return _first_existing(_PACKAGE_PARENT / "content", REPO_ROOT / "content")


def interaction_model_dir() -> Path:
    """The folder holding <locale>.json interaction models (used by the console, not Lambda)."""
    return _first_existing(_PACKAGE_PARENT / "interaction_model", REPO_ROOT / "interaction_model")
