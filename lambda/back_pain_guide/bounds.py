"""Limits on what a client sends back: session attributes nested deeper than the skill nests.

Session attributes return with every request and can be forged. The SDK copies them
recursively before any interceptor or handler runs, so an attribute nested about 500 levels
deep made the whole request fail, and an emergency go unanswered. Called by
``skill.invoke`` before the envelope is read; plain Python, no SDK imports.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

#: Far deeper than any state the skill keeps (its deepest, the checklist's answers, is 3 levels).
MAX_ATTRIBUTE_DEPTH = 16


def too_deep(value: Any, limit: int = MAX_ATTRIBUTE_DEPTH) -> bool:
    """True if ``value`` nests objects or arrays more than ``limit`` levels (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def bounded_session_attributes(event: Any) -> Any:
    """The event without the session attributes nested deeper than the skill ever nests
    (only those go: the rest of the session state is kept and re-validated as usual)."""
    session = event.get("session") if isinstance(event, dict) else None
    attributes = session.get("attributes") if isinstance(session, dict) else None
    if (
        not isinstance(session, dict)
        or not isinstance(attributes, dict)
        or not any(too_deep(value) for value in attributes.values())
    ):
        return event
    logger.warning("session attributes nested too deep were dropped")
    kept = {key: value for key, value in attributes.items() if not too_deep(value)}
    return {**event, "session": {**session, "attributes": kept}}
