"""The device's country, for the emergency number and the same-day route (issue #17, part 4).

The language a device speaks is not where it is: an en-US device in London must hear "nine nine
nine". Alexa tells a skill the device's time zone without any permission (the Alexa Settings API,
GET /v2/devices/{deviceId}/settings/System.timeZone; Amazon: "You can access time zone, distance
units, and temperature units without any added permissions"; ask_sdk's UpsServiceClient:
"Does not require explicit customer consent"). The country whose ``time_zones`` in
content/back_pain.json cover that zone gives the numbers; anything else (no token, no endpoint, an
error, a timeout, a zone no locale lists) falls back to the locale's own.

Nothing here is health information: a time zone is a device setting. It is kept in process memory
only, per device, for a while, so a session's turns pay for one look-up at most.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from ask_sdk_model.services.api_client import ApiClient

from .content import Content

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.services import ApiClientRequest, ApiClientResponse

logger = logging.getLogger(__name__)

# Seconds to connect, and for each read: an emergency reply waits about this long for the time zone.
TIMEOUT = 0.6
MAX_BODY = 64 * 1024  # a time zone is a few bytes of JSON; more than this is not read
KNOWN_FOR = 3600.0  # seconds a device's country is remembered
UNKNOWN_FOR = 300.0  # after a failure, the locale's number for this long before asking again
MAX_DEVICES = 2048

_cache: dict[str, tuple[str | None, float]] = {}


class TimeoutApiClient(ApiClient):
    """ask_sdk_core's DefaultApiClient with a short timeout (it has none), on the standard
    library's ``urllib.request`` rather than ``requests``: the one call it makes is a small JSON
    GET, so the package leaves out requests, urllib3, idna, certifi and charset_normalizer. The
    certificate is checked against the system's trust store (``SSL_CERT_FILE`` overrides it)."""

    def __init__(self, timeout: float = TIMEOUT) -> None:
        self.timeout = timeout

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        import urllib.error
        import urllib.request

        from ask_sdk_core.exceptions import ApiClientException
        from ask_sdk_model.services import ApiClientResponse

        url = str(request.url or "")
        if not url.startswith("https://"):
            raise ApiClientException("Requests against non-HTTPS endpoints are not allowed.")
        body = request.body.encode("utf-8") if isinstance(request.body, str) and request.body else None
        call = urllib.request.Request(
            url, data=body, headers=dict(request.headers or []), method=str(request.method or "GET")
        )
        try:
            try:
                with urllib.request.urlopen(call, timeout=self.timeout) as answer:
                    status, headers, raw = answer.status, answer.headers, answer.read(MAX_BODY)
            except urllib.error.HTTPError as refused:  # 4xx and 5xx still carry their body
                status, headers, raw = refused.code, refused.headers, refused.read(MAX_BODY)
        except Exception as exc:
            raise ApiClientException(f"Error executing the request: {type(exc).__name__}") from None
        response = ApiClientResponse()
        response.status_code = status
        response.headers = list(headers.items()) if headers is not None else []
        response.body = raw.decode("utf-8", "replace")
        return response


def country_for_time_zone(content: Content, zone: object) -> str | None:
    """The locale code whose country has this IANA time zone, or None."""
    if not isinstance(zone, str) or not zone or len(zone) > 64:
        return None
    zone = zone.strip()
    return next((code for code, info in content.locales.items() if info.covers_time_zone(zone)), None)


def country_from_settings(ups_service: Any, device_id: str, content: Content) -> str | None:
    """Ask the Settings API (through ``ups_service``, an UpsServiceClient or anything shaped like
    one) for the device's time zone and map it to a locale code; None on any failure."""
    try:
        zone = ups_service.get_system_time_zone(device_id)
    except Exception as exc:  # no endpoint, refused, timed out, offline: the locale's number it is
        logger.info("time zone unavailable: %s", type(exc).__name__)
        return None
    return country_for_time_zone(content, zone)


def _device(handler_input: HandlerInput) -> tuple[str, str] | None:
    """(device id, API token) when the request carries both; the console and tests have no token."""
    try:
        # A missing part is None, which raises AttributeError (below).
        system: Any = handler_input.request_envelope.context.system  # type: ignore[union-attr]
        device_id, token = system.device.device_id, system.api_access_token
    except AttributeError:
        return None
    if isinstance(device_id, str) and device_id and isinstance(token, str) and token:
        return device_id, token
    return None


def device_country(handler_input: HandlerInput, content: Content, now: float | None = None) -> str | None:
    """The locale code for the device's country (cached per device), or None to use the locale's."""
    device = _device(handler_input)
    factory = getattr(handler_input, "service_client_factory", None)
    if device is None or factory is None:
        return None
    device_id = device[0]
    now = time.monotonic() if now is None else now
    cached = _cache.get(device_id)
    if cached is not None and cached[1] > now:
        return cached[0]
    try:
        ups_service = factory.get_ups_service()
    except Exception as exc:
        logger.info("no settings client: %s", type(exc).__name__)
        ups_service = None
    country = country_from_settings(ups_service, device_id, content) if ups_service is not None else None
    if len(_cache) >= MAX_DEVICES:
        _cache.clear()
    _cache[device_id] = (country, now + (KNOWN_FOR if country else UNKNOWN_FOR))
    return country
