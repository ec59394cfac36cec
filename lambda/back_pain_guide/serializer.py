"""The ASK SDK's (de)serialiser with its per-call lookups cached: the same objects, faster.

``ask_sdk_core.serialize.DefaultSerializer`` resolves every model class by name, rebuilds
each class's attribute map and matches type strings with regular expressions on every value
of every request, and parses the request timestamp with dateutil: together most of a warm
turn. :class:`FastSerializer` does the same walk with those lookups done once per type, and
parses timestamps with ``datetime.fromisoformat`` (dateutil only for what that rejects).
Anything of an unexpected shape (a string where a list or a model belongs, ...) is handed to
the stock code, so the result, or the error, is the stock one.

One deliberate difference: a timestamp nothing can parse is left unset (and logged) instead
of refusing the whole request, so a forged or broken ``request.timestamp`` never stops an
emergency answer. The skill reads no timestamp; the web service checks the raw one itself.

It relies on the stock class's private layout, so it is used only with the ask-sdk-core
version it was checked against (:data:`PINNED_SDK_VERSION`; a test fails when the installed
one differs, and :func:`serializer_for_installed_sdk` falls back to the stock class).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from ask_sdk_core.__version__ import __version__ as INSTALLED_SDK_VERSION
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer

logger = logging.getLogger(__name__)

PINNED_SDK_VERSION = "1.19.0"

_PRIMITIVES = DefaultSerializer.PRIMITIVE_TYPES
_NATIVE = DefaultSerializer.NATIVE_TYPES_MAPPING
_PLAIN = frozenset({str, int, float, bool})  # serialised as themselves (exact types only)
_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")

Decoder = Callable[[Any], Any]


class FastSerializer(DefaultSerializer):
    """``DefaultSerializer`` with its lookups cached per type (see the module docstring)."""

    def __init__(self) -> None:
        self._decoders: dict[Any, Decoder] = {}
        self._fields: dict[type, list[tuple[str, str]]] = {}
        self._models: dict[type, Decoder] = {}
        self._stock = self._DefaultSerializer__deserialize  # type: ignore[attr-defined]

    # --- serialise -------------------------------------------------------------------------

    def serialize(self, obj: Any) -> Any:
        kind = type(obj)
        if obj is None or kind in _PLAIN:
            return obj
        if kind is dict:
            return {key: self.serialize(value) for key, value in obj.items()}
        if kind is list:
            return [self.serialize(value) for value in obj]
        if isinstance(obj, _PRIMITIVES):
            return obj
        if isinstance(obj, list):
            return [self.serialize(value) for value in obj]
        if isinstance(obj, tuple):
            return tuple(self.serialize(value) for value in obj)
        if isinstance(obj, (datetime, date)):
            return obj.isoformat()
        if isinstance(obj, Enum):
            return obj.value
        if isinstance(obj, Decimal):
            return int(obj) if obj % 1 == 0 else float(obj)
        if isinstance(obj, dict):
            return {key: self.serialize(value) for key, value in obj.items()}
        fields = self._fields.get(kind)
        if fields is None:
            names = getattr(obj, "attribute_map", {})
            fields = self._fields[kind] = [(attr, names.get(attr, attr)) for attr in obj.deserialized_types]
        out = {}
        for attr, key in fields:
            value = getattr(obj, attr)
            if value is not None:
                out[key] = self.serialize(value)
        return out

    # --- deserialise -----------------------------------------------------------------------

    def deserialize(self, payload: Any, obj_type: Any) -> Any:
        if payload is None:
            return None
        try:
            payload = json.loads(payload)
        except Exception as exc:
            raise SerializationException(f"Couldn't parse response body: {payload}") from exc
        return self.decode(payload, obj_type)

    def decode(self, payload: Any, obj_type: Any) -> Any:
        """An already-parsed JSON value as ``obj_type`` (a class or the SDK's type string)."""
        if payload is None:
            return None
        decoder = self._decoders.get(obj_type)
        if decoder is None:
            decoder = self._decoders[obj_type] = self._decoder_for(obj_type)
        return decoder(payload)

    def _decoder_for(self, obj_type: Any) -> Decoder:
        stock = self._stock
        if isinstance(obj_type, str):
            if obj_type.startswith("list["):
                match = _LIST.match(obj_type)
                if match is None or "," in match.group(1):
                    return lambda payload: stock(payload, obj_type)
                item_type = match.group(1).strip()
                return lambda payload: (
                    [self.decode(item, item_type) for item in payload]
                    if type(payload) is list
                    else stock(payload, obj_type)
                )
            if obj_type.startswith("dict("):
                match = _DICT.match(obj_type)
                if match is None:
                    return lambda payload: stock(payload, obj_type)
                value_type = match.group(2)
                return lambda payload: (
                    {key: self.decode(value, value_type) for key, value in payload.items()}
                    if type(payload) is dict
                    else stock(payload, obj_type)
                )
            if obj_type in _NATIVE:
                obj_type = _NATIVE[obj_type]
            else:
                obj_type = self._DefaultSerializer__load_class_from_name(obj_type)  # type: ignore[attr-defined]
        if obj_type in _PRIMITIVES:
            return lambda payload: self._DefaultSerializer__deserialize_primitive(payload, obj_type)  # type: ignore
        if obj_type is object:
            return lambda payload: payload
        if obj_type in (date, datetime):
            return lambda payload: parse_timestamp(payload, obj_type)
        return self._model_decoder(obj_type)

    def _model_decoder(self, model: Any) -> Decoder:
        stock = self._stock
        if (
            not isinstance(model, type)
            or issubclass(model, Enum)
            or not hasattr(model, "deserialized_types")
            or hasattr(model, "get_real_child_model")
        ):
            # Enums, plain values and models chosen by a discriminator: resolved per payload.
            if (
                isinstance(model, type)
                and hasattr(model, "get_real_child_model")
                and hasattr(model, "deserialized_types")
            ):
                return lambda payload: self._by_discriminator(payload, model)
            return lambda payload: stock(payload, model)
        return self._fields_decoder(model)

    def _fields_decoder(self, model: Any) -> Decoder:
        types = model.deserialized_types
        names = getattr(model, "attribute_map", {})
        names.update({name: name for name in types if name not in names})  # as the stock code does
        fields = [(attr, key, types[attr]) for attr, key in names.items()]
        known = frozenset(names.values())

        def decode(payload: Any) -> Any:
            if type(payload) is not dict:
                return self._stock(payload, model)
            try:
                instance = model()
                for attr, key, kind in fields:
                    if key in payload:
                        setattr(instance, attr, self.decode(payload[key], kind))
                for key in payload:
                    if key not in known:
                        setattr(instance, key, payload[key])
                return instance
            except Exception as exc:
                raise SerializationException(str(exc)) from exc

        return decode

    def _by_discriminator(self, payload: Any, model: Any) -> Any:
        if type(payload) is not dict:
            return self._stock(payload, model)
        try:
            name = model.get_real_child_model(payload)
        except Exception as exc:
            raise SerializationException(str(exc)) from exc
        if not name:
            raise SerializationException(f"Couldn't resolve object by discriminator type for {model} class")
        try:
            child = self._DefaultSerializer__load_class_from_name(name)  # type: ignore[attr-defined]
        except Exception as exc:
            raise SerializationException(str(exc)) from exc
        decoder = self._models.get(child)
        if decoder is None:  # the class the discriminator names is read field by field, as in the stock code
            decoder = self._models[child] = self._fields_decoder(child)
        return decoder(payload)


def parse_timestamp(payload: Any, kind: type = datetime) -> Any:
    """An ISO 8601 time (what Alexa sends) with the standard library; dateutil for anything
    else it would read; ``None`` (logged) for what nothing reads, rather than an error."""
    try:
        parsed = datetime.fromisoformat(payload)
    except (TypeError, ValueError):
        try:
            from dateutil.parser import parse

            parsed = parse(payload)
        except ImportError:
            return payload
        except Exception:
            logger.warning("unreadable request timestamp ignored")
            return None
    return parsed.date() if kind is date else parsed


def serializer_for_installed_sdk() -> DefaultSerializer:
    """The fast serializer with the ask-sdk-core it was checked against, else the stock one."""
    if INSTALLED_SDK_VERSION == PINNED_SDK_VERSION:
        return FastSerializer()
    logger.warning(
        "ask-sdk-core %s is not the pinned %s: stock serializer", INSTALLED_SDK_VERSION, PINNED_SDK_VERSION
    )
    return DefaultSerializer()
