"""What the skill remembers about a user between sessions, and nothing more.

Only: whether they heard the full disclaimer, how many visits, the last visit time, and
non-health settings (the stores keep these fields and no others: ``store.PROFILE_FIELDS`` is derived from this class).
Loaded lazily (only the launch needs it) through the ASK SDK's attributes manager; saved by
a response interceptor once per turn, only when it changed. A visit is counted by the store
itself (``record_visit``: one atomic increment), so two launches at once both count; other
changes replace the stored profile. A failing store never stops an
answer: a read that fails gives a fresh profile for this turn, and that profile is then not
written back (it would overwrite what the store really holds); a write that fails is logged
and dropped.
"""
# No `from __future__ import annotations` in this module: typing.NamedTuple would compile every
# string annotation of its records at import, which a Lambda cold start pays for.

import logging
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast

from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

logger = logging.getLogger(__name__)
_LOADED, _PROFILE, _UNREAD, _VISITED = "profile_loaded", "profile", "profile_unread", "profile_visited"


class Profile(NamedTuple):
    """Immutable: a visit makes a new profile (:func:`record_visit`)."""

    heard_disclaimer: bool = False
    visits: int = 0
    last_visit: str = ""
    prefers_short: bool = False

    @classmethod
    def from_attributes(cls, attrs: Any) -> "Profile":
        """Tolerant of missing, extra or wrongly typed stored fields."""
        if not isinstance(attrs, dict):
            return cls()
        visits = attrs.get("visits")
        return cls(
            heard_disclaimer=attrs.get("heard_disclaimer") is True,
            visits=visits if type(visits) is int and visits >= 0 else 0,
            last_visit=last_visit if isinstance(last_visit := attrs.get("last_visit"), str) else "",
            prefers_short=attrs.get("prefers_short") is True,
        )

    def to_attributes(self) -> dict[str, Any]:
        return self._asdict()

    def visited(self) -> "Profile":
        """This profile after one more visit, now."""
        return self._replace(
            heard_disclaimer=True,
            visits=self.visits + 1,
            last_visit=datetime.now(UTC).replace(microsecond=0).isoformat(),
        )


def _kind(exc: Exception) -> str:
    """What failed, for the log: every store failure is a PersistenceException (the store logs the cause)."""
    return "PersistenceException" if isinstance(exc, PersistenceException) else type(exc).__name__


def get_profile(handler_input: HandlerInput) -> Profile:
    """The user's profile for this turn (read from the store at most once per turn)."""
    request_attrs = handler_input.attributes_manager.request_attributes
    if _PROFILE not in request_attrs:
        stored: Any = {}
        try:
            stored = handler_input.attributes_manager.persistent_attributes
        except AttributesManagerException:  # no store configured: every visit is a first one
            logger.debug("no profile store configured")
            request_attrs[_UNREAD] = True  # nothing to write back to
        except Exception as exc:  # the store is unavailable
            logger.warning("profile not loaded: %s", _kind(exc))
            request_attrs[_UNREAD] = True
        profile = Profile.from_attributes(stored)
        request_attrs[_PROFILE] = profile
        request_attrs[_LOADED] = profile.to_attributes()
    return cast(Profile, request_attrs[_PROFILE])


def record_visit(handler_input: HandlerInput) -> Profile:
    """Counts this visit; the new profile is saved after the handler (:class:`SaveProfileInterceptor`)."""
    profile = get_profile(handler_input).visited()
    request_attrs = handler_input.attributes_manager.request_attributes
    request_attrs[_PROFILE] = profile
    request_attrs[_VISITED] = True
    return profile


class SaveProfileInterceptor(AbstractResponseInterceptor):
    """Writes the profile once, after the handler, only if the handler changed it.

    ``store`` is the skill's persistence adapter: when it can count a visit itself
    (``record_visit(request_envelope, last_visit)``), a visit is written that way.
    """

    def __init__(self, store: Any = None) -> None:
        self.store = store

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        request_attrs = handler_input.attributes_manager.request_attributes
        profile = cast("Profile | None", request_attrs.get(_PROFILE))
        loaded = request_attrs.get(_LOADED)
        if profile is None or request_attrs.get(_UNREAD) or profile.to_attributes() == loaded:
            return
        try:
            count_visit = getattr(self.store, "record_visit", None)
            if request_attrs.get(_VISITED) and count_visit is not None:
                count_visit(handler_input.request_envelope, profile.last_visit)
                seen = Profile.from_attributes(loaded)._replace(
                    heard_disclaimer=profile.heard_disclaimer,
                    visits=profile.visits,
                    last_visit=profile.last_visit,
                )
                if seen == profile:  # nothing else changed
                    return
            handler_input.attributes_manager.persistent_attributes = profile.to_attributes()
            handler_input.attributes_manager.save_persistent_attributes()
        except Exception as exc:
            logger.warning("profile not saved: %s", _kind(exc))
