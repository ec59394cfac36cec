"""A local test page like the Alexa developer console's Test tab (issue #23); never shipped to Lambda.

``make simulator`` serves it; :func:`create_blueprint` is what the web service registers.
"""

from __future__ import annotations

from .blueprint import create_blueprint

__all__ = ["create_blueprint"]
