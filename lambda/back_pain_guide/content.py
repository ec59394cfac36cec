"""Loads and validates the bundled content once per process, into typed, read-only objects.

Nothing here imports the ASK SDK: handlers, the checklist, search and tests share it.
"""
# No `from __future__ import annotations` in this module: typing.NamedTuple would compile every
# string annotation of its records at import, which a Lambda cold start pays for.

import importlib
import json
import os
import zlib
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from . import paths


class ContentError(RuntimeError):
    """The content files are missing or invalid; the message names the file and field."""


# The content's records are NamedTuples, not dataclasses: as immutable and as typed, and each
# costs a cold start a fifth of the time to define (six frozen dataclasses took about 5 ms).
class Source(NamedTuple):
    id: str
    title: str
    url: str


class Topic(NamedTuple):
    id: str
    title: str
    kind: str
    synonyms: tuple[str, ...]
    related: tuple[str, ...]
    sources: tuple[str, ...]
    facts: tuple[str, ...]
    chunks: tuple[str, ...]
    treatment: tuple[str, ...] = ()
    group: str = ""
    questions: tuple[str, ...] = ()


# What a yes to a checklist question means, most urgent first (the order the questions come in).
EMERGENCY, SAME_DAY, SOON = "emergency", "same_day", "soon"
SEVERITIES = (EMERGENCY, SAME_DAY, SOON)


class Question(NamedTuple):
    id: str
    severity: str  # one of SEVERITIES
    text: str
    summary: str
    reason: str
    advice: str = ""  # spoken after a yes, besides the level's advice

    @property
    def is_emergency(self) -> bool:
        return self.severity == EMERGENCY


class LocaleInfo(NamedTuple):
    code: str
    country: str
    emergency_number: str  # as written ("112, or 108 for an ambulance" where there are two)
    emergency_number_speech: str  # as said
    spellings: Mapping[str, str]
    same_day_speech: str = ""  # the same-day route (F74), as said
    same_day_text: str = ""  # and as written
    time_zones: tuple[str, ...] = ()  # IANA zones of the country; "Australia/" covers all under it

    def for_country(self, country: "LocaleInfo") -> "LocaleInfo":
        """This locale's words with another country's numbers and same-day route (the device's)."""
        return self._replace(
            country=country.country,
            emergency_number=country.emergency_number,
            emergency_number_speech=country.emergency_number_speech,
            same_day_speech=country.same_day_speech,
            same_day_text=country.same_day_text,
        )

    def covers_time_zone(self, zone: str) -> bool:
        return any(zone == z or (z.endswith("/") and zone.startswith(z)) for z in self.time_zones)


class Content(NamedTuple):
    review_date: str
    sources: Mapping[str, Source]
    topics: Mapping[str, Topic]
    questions: tuple[Question, ...]
    locales: Mapping[str, LocaleInfo]
    default_locale: str
    prompts: Mapping[str, str]

    def locale(self, code: str | None) -> LocaleInfo:
        """The locale's table entry; unknown locales get the default (en-US)."""
        return self.locales.get(code or "", self.locales[self.default_locale])

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except FileNotFoundError as exc:
        raise ContentError(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: cannot be read ({type(exc).__name__})") from exc


def _parse_json(text: str, path: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc


def content_checksum(schema_text: str, data_text: str) -> int:
    """CRC-32 over a schema and the data checked against it (tools/build_validators.py records it)."""
    return zlib.crc32(data_text.encode("utf-8"), zlib.crc32(schema_text.encode("utf-8")))


def _validated_at_build(name: str, schema_text: str, data_text: str) -> bool:
    """True when these very bytes passed validation when the package was built, so a cold start
    can skip checking them again; any edit since (of data or schema) is validated as it is read."""
    from .generated.validators import VALIDATED

    return VALIDATED.get(name) == content_checksum(schema_text, data_text)


def _read_valid_json(folder: str | os.PathLike[str], name: str, *, trust_build: bool) -> Any:
    """``<name>.json`` from ``folder``, parsed and checked against ``<name>.schema.json``."""
    data_path = os.path.join(folder, f"{name}.json")
    schema_path = os.path.join(folder, f"{name}.schema.json")
    data_text, schema_text = _read_text(data_path), _read_text(schema_path)
    data = _parse_json(data_text, data_path)
    if not (trust_build and _validated_at_build(name, schema_text, data_text)):
        _validate(data, _validator(name, schema_text, schema_path), data_path)
    return data


def _validate(data: object, validator: Callable[[object], object], data_path: str) -> None:
    try:
        validator(data)
    except ValueError as exc:  # fastjsonschema's JsonSchemaValueException, or the precompiled twin
        where, message = getattr(exc, "name", None), getattr(exc, "message", None)
        if not isinstance(where, str) or not isinstance(message, str):
            raise
        raise ContentError(
            f"{data_path}: {where.replace('data', '$', 1)}: {message.replace(where, 'value')}"
        ) from exc


def _validator(name: str, schema_text: str, schema_path: str) -> Callable[[object], object]:
    """The precompiled validator for this schema (tools/build_validators.py) if it was built from
    this very file (same checksum), else one compiled now: a cold start saves the compile, and never at the
    price of checking against an outdated schema."""
    try:
        module = importlib.import_module(f"{__package__}.generated.validators.{name}")
    except ImportError:
        module = None
    if module is not None and zlib.crc32(schema_text.encode("utf-8")) == module.SCHEMA_CRC32:
        return module.validate
    import fastjsonschema  # only when the precompiled validator is stale: it is slow to import

    return fastjsonschema.compile(_parse_json(schema_text, schema_path))


def _check_references(raw: dict, data_path: str) -> None:
    """Cross-references a JSON Schema cannot express: ids exist and are unique."""
    topic_ids = [t["id"] for t in raw["topics"]]
    seen: set[str] = set()
    for index, topic_id in enumerate(topic_ids):
        if topic_id in seen:
            raise ContentError(f"{data_path}: $.topics[{index}].id: duplicate topic id {topic_id!r}")
        seen.add(topic_id)
    for index, topic in enumerate(raw["topics"]):
        for ref in topic["related"]:
            if ref not in seen:
                raise ContentError(f"{data_path}: $.topics[{index}].related: unknown topic id {ref!r}")
        for ref in topic["sources"]:
            if ref not in raw["sources"]:
                raise ContentError(f"{data_path}: $.topics[{index}].sources: unknown source id {ref!r}")
    if raw["default_locale"] not in raw["locales"]:
        raise ContentError(f"{data_path}: $.default_locale: {raw['default_locale']!r} is not in $.locales")
    question_ids = [q["id"] for q in raw["checklist"]["questions"]]
    if len(set(question_ids)) != len(question_ids):
        raise ContentError(f"{data_path}: $.checklist.questions: duplicate question id")
    ranks = [SEVERITIES.index(q["severity"]) for q in raw["checklist"]["questions"]]
    if ranks != sorted(ranks):
        raise ContentError(
            f"{data_path}: $.checklist.questions: questions must come in triage order: "
            "emergency, then same_day, then soon"
        )
    zones = [(code, z) for code, info in raw["locales"].items() for z in info.get("time_zones", ())]
    for code, zone in zones:
        for other, other_zone in zones:
            if other != code and (
                zone == other_zone or (other_zone.endswith("/") and zone.startswith(other_zone))
            ):
                raise ContentError(f"{data_path}: $.locales.{code}.time_zones: {zone!r} is also {other}'s")


def load_content(directory: str | os.PathLike[str] | None = None, *, trust_build: bool = True) -> Content:
    """Read, validate and type back_pain.json and prompts.json from ``directory``.

    With ``trust_build``, files byte-for-byte the same as those validated when the package was
    built are not validated again (see :func:`_validated_at_build`)."""
    folder = directory or paths.content_dir()
    raw = _read_valid_json(folder, "back_pain", trust_build=trust_build)
    _check_references(raw, os.path.join(folder, "back_pain.json"))
    prompts = _read_valid_json(folder, "prompts", trust_build=trust_build)

    return Content(
        review_date=raw["review_date"],
        sources={key: Source(key, s["title"], s["url"]) for key, s in raw["sources"].items()},
        topics={
            t["id"]: Topic(
                id=t["id"],
                title=t["title"],
                kind=t["kind"],
                synonyms=tuple(t["synonyms"]),
                related=tuple(t["related"]),
                sources=tuple(t["sources"]),
                facts=tuple(t["facts"]),
                chunks=tuple(t["chunks"]),
                treatment=tuple(t.get("treatment", ())),
                group=t.get("group", ""),
                questions=tuple(t.get("questions", ())),
            )
            for t in raw["topics"]
        },
        questions=tuple(Question(**q) for q in raw["checklist"]["questions"]),
        locales={code: _locale_info(code, info) for code, info in raw["locales"].items()},
        default_locale=raw["default_locale"],
        prompts=prompts,
    )


def _locale_info(code: str, info: dict) -> LocaleInfo:
    number, speech = info["emergency_number"], info["emergency_number_speech"]
    if info.get("ambulance_number"):  # India: "call one one two, or one oh eight for an ambulance"
        number = f"{number}, or {info['ambulance_number']} for an ambulance"
        speech = f"{speech}, or {info['ambulance_number_speech']} for an ambulance"
    same_day = info.get("same_day") or {}
    return LocaleInfo(
        code,
        info["country"],
        number,
        speech,
        dict(info.get("spellings", {})),
        same_day.get("speech", ""),
        same_day.get("text", ""),
        tuple(info.get("time_zones", ())),
    )


@lru_cache(maxsize=1)
def get_content() -> Content:
    """The process-wide content, loaded on first use (once per Lambda cold start)."""
    return load_content()
