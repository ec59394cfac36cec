"""Where the skill finds its data files (content, prompts, schemas, interaction models).

One source of truth lives at the repository's top level. A built Lambda package carries
a copy next to the package (``<package parent>/content``), which is looked at first.
``BACK_PAIN_GUIDE_CONTENT_DIR`` overrides both (used by tests of broken content).

Paths on the request path are plain strings (:mod:`os.path`): importing :mod:`pathlib` would
cost every Lambda cold start about 2 ms, and nothing here needs more than joining names.
"""

from __future__ import annotations

import os

_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_ROOT = os.path.dirname(_PACKAGE_PARENT)


def _first_existing(*candidates: str) -> str:
    for candidate in candidates:
        if os.path.isdir(candidate):
            return candidate
    return candidates[-1]


def content_dir() -> str:
    """The folder holding back_pain.json, prompts.json and their schemas."""
    override = os.environ.get("BACK_PAIN_GUIDE_CONTENT_DIR")
    if override:
        return override
    return _first_existing(os.path.join(_PACKAGE_PARENT, "content"), os.path.join(REPO_ROOT, "content"))


def interaction_model_dir() -> str:
    """The folder holding <locale>.json interaction models (used by the console, not Lambda)."""
    return _first_existing(
        os.path.join(_PACKAGE_PARENT, "interaction_model"), os.path.join(REPO_ROOT, "interaction_model")
    )
