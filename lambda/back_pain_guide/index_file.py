"""The search index's file format (``search_index.bin``): read lazily, term by term and topic by topic.

A question needs the postings of its own dozen terms and the passages of its best topic, not
the whole index; parsing everything up front cost the first question time and memory in
proportion to the content (about a second and 60 MB at ten times today's content). So the file
is laid out for lookup where it lies:

    magic (8 bytes) | header length (4 bytes, little-endian) | header (JSON) | sections

The header holds the inputs' checksum, the counts and each section's offset and size; a file
whose sections do not add up to its length, or do not fit together, is never used. (The file
comes from the build, like the code beside it: its bytes are not checksummed at every cold
start, which would cost time in proportion to the content.) Sections: the terms, sorted by their
UTF-8 bytes and concatenated, with their start offsets (a term is found by binary search); per
term the start of its postings in two parallel arrays, topic positions and saturated,
idf-weighted values (IEEE doubles, exact); per topic a small JSON record (name terms, title
terms, passages and their terms) with the start of its passage values. Numbers are little-endian.
Looked-up terms and topics are kept, so a warm question costs what it did with dicts.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from mmap import mmap

MAGIC = b"BPGIDX3\n"
_LENGTH_BYTES = 4
MAX_CACHED_TERMS = 50_000  # questions can say any word; past this, a term cache starts again
_SECTIONS = (
    "term_text",
    "term_starts",
    "posting_starts",
    "posting_topics",
    "posting_values",
    "topic_starts",
    "topic_records",
    "passage_starts",
    "passage_values",
)
_NO_POSTINGS: Mapping[int, float] = MappingProxyType({})  # shared by every absent term: read-only


class TopicRecord(NamedTuple):
    """What the index keeps about one topic, for the topic a question ranks first."""

    name_terms: frozenset[str]  # terms of its title and synonyms
    title_terms: list[str]  # terms of its title, in order
    passages: list[tuple[str, int, dict[str, float]]]  # part, index, term -> value
    passage_terms: frozenset[str]  # every term of any passage


class LazyTable(dict):
    """A dict that computes a missing key's value on first ``table[key]`` (``get`` does not) and
    keeps it; past ``MAX_CACHED_TERMS`` keys it starts again, so any number of words fits."""

    def __init__(self, compute: Callable[[str], Any]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: str) -> Any:
        value = self._compute(key)
        if len(self) >= MAX_CACHED_TERMS:
            self.clear()
        self[key] = value
        return value


def _array(code: str, values: Iterable[Any]) -> bytes:
    packed = array(code, values)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def _read_array(code: str, data: bytes | memoryview) -> list[Any]:
    packed = array(code)
    packed.frombytes(data)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tolist()


def _offsets(data: memoryview) -> Sequence[int]:
    """A section of 4-byte offsets, read where it lies (copied only on a big-endian machine)."""
    if sys.byteorder == "little":
        return data.cast("I")
    return _read_array("I", data)


def _starts(sizes: Iterable[int]) -> list[int]:
    """Running offsets: 0, then each size added (one more entry than sizes)."""
    starts, total = [0], 0
    for size in sizes:
        total += size
        starts.append(total)
    return starts


def pack(
    postings: Mapping[str, Mapping[int, float]],
    name_terms: Sequence[Iterable[str]],
    title_terms: Sequence[list[str]],
    passages: Sequence[Sequence[tuple[str, int, Mapping[str, float]]]],
    checksum: int,
) -> bytes:
    """The index as file bytes. Postings are written in ascending topic order, passage values in
    sorted term order: the same order the reader gives them back in."""
    terms = sorted(postings, key=lambda term: term.encode("utf-8"))
    encoded = [term.encode("utf-8") for term in terms]
    positions = [sorted(postings[term]) for term in terms]
    records, passage_values = [], []
    for names, title, topic_passages in zip(name_terms, title_terms, passages, strict=False):
        record = {
            "name": sorted(names),
            "title": list(title),
            "passages": [[part, index, sorted(values)] for part, index, values in topic_passages],
        }
        records.append(json.dumps(record, ensure_ascii=True, separators=(",", ":")).encode("ascii"))
        passage_values.append([values[term] for _, _, values in topic_passages for term in sorted(values)])
    sections = {
        "term_text": b"".join(encoded),
        "term_starts": _array("I", _starts(len(term) for term in encoded)),
        "posting_starts": _array("I", _starts(len(p) for p in positions)),
        "posting_topics": _array("I", (position for p in positions for position in p)),
        "posting_values": _array(
            "d",
            (postings[term][position] for term, p in zip(terms, positions, strict=False) for position in p),
        ),
        "topic_starts": _array("I", _starts(len(record) for record in records)),
        "topic_records": b"".join(records),
        "passage_starts": _array("I", _starts(len(values) for values in passage_values)),
        "passage_values": _array("d", (value for values in passage_values for value in values)),
    }
    body, layout, offset = [], {}, 0
    for name in _SECTIONS:
        layout[name] = [offset, len(sections[name])]
        body.append(sections[name])
        offset += len(sections[name])
    joined = b"".join(body)
    header = json.dumps(
        {
            "checksum": checksum,
            "size": len(joined),
            "terms": len(terms),
            "topics": len(records),
            "sections": layout,
        },
        separators=(",", ":"),
    ).encode("ascii")
    return MAGIC + len(header).to_bytes(_LENGTH_BYTES, "little") + header + joined


def read_checksum(data: bytes | mmap) -> int | None:
    """The inputs' checksum recorded in the file's header, or None if ``data`` is no index file."""
    try:
        return _header(data)[0]["checksum"]
    except (ValueError, KeyError, TypeError):
        return None


def _header(data: bytes | mmap) -> tuple[dict[str, Any], int]:
    if data[: len(MAGIC)] != MAGIC:
        raise ValueError("search index: not an index file")
    start = len(MAGIC) + _LENGTH_BYTES
    length = int.from_bytes(data[len(MAGIC) : start], "little")
    header = json.loads(data[start : start + length])
    if not isinstance(header, dict):
        raise ValueError("search index: bad header")
    return header, start + length


class IndexFile:
    """An index file, as bytes or mapped from disk; terms and topics are decoded when first asked for.

    Raises ValueError at once if the file's sections do not add up or fit together (a file cut
    short or grown), so a question never finds out halfway through. Nothing is copied or
    decoded here beyond the header: every section is read where it lies."""

    def __init__(self, data: bytes | mmap) -> None:
        header, body_start = _header(data)
        if len(data) - body_start != header["size"]:
            raise ValueError("search index: the file is not the size its header says")
        body = memoryview(data)[body_start:]
        section: dict[str, memoryview] = {}
        expected = 0
        for name in _SECTIONS:
            offset, size = header["sections"][name]
            if offset != expected or size < 0 or offset + size > len(body):
                raise ValueError(f"search index: section {name} out of place")
            section[name] = body[offset : offset + size]
            expected = offset + size
        self.checksum: int = header["checksum"]
        self.term_count: int = header["terms"]
        self.topic_count: int = header["topics"]
        # Terms are sliced from the file's bytes (slices of bytes compare, a memoryview's do not).
        self._data, self._term_base = data, body_start + header["sections"]["term_text"][0]
        self._term_size = header["sections"]["term_text"][1]
        self._term_starts = _offsets(section["term_starts"])
        self._posting_starts = _offsets(section["posting_starts"])
        self._posting_topics, self._posting_values = section["posting_topics"], section["posting_values"]
        self._topic_starts = _offsets(section["topic_starts"])
        self._topic_records = section["topic_records"]
        self._passage_starts = _offsets(section["passage_starts"])
        self._passage_values = section["passage_values"]
        counts = (
            (self._term_starts, self.term_count),
            (self._posting_starts, self.term_count),
            (self._topic_starts, self.topic_count),
            (self._passage_starts, self.topic_count),
        )
        if (
            any(len(starts) != count + 1 for starts, count in counts)
            or self._term_starts[-1] != self._term_size
            or self._posting_starts[-1] * 4 != len(self._posting_topics)
            or self._posting_starts[-1] * 8 != len(self._posting_values)
            or self._topic_starts[-1] != len(self._topic_records)
            or self._passage_starts[-1] * 8 != len(self._passage_values)
        ):
            raise ValueError("search index: the sections do not fit together")
        # Term -> topic position -> saturated, idf-weighted value (ascending positions; empty if
        # no topic has the term), decoded on first use: a term looked up before is a dict lookup.
        self.postings: Mapping[str, Mapping[int, float]] = LazyTable(self._decode_postings)
        self._topics: dict[int, TopicRecord] = {}

    def _find(self, term: str) -> int:
        """The term's number (its place in sorted order), or -1."""
        wanted = term.encode("utf-8")
        data, base, starts = self._data, self._term_base, self._term_starts
        low, high = 0, self.term_count
        while low < high:
            middle = (low + high) // 2
            if data[base + starts[middle] : base + starts[middle + 1]] < wanted:
                low = middle + 1
            else:
                high = middle
        if low < self.term_count and data[base + starts[low] : base + starts[low + 1]] == wanted:
            return low
        return -1

    def _decode_postings(self, term: str) -> Mapping[int, float]:
        number = self._find(term)
        if number < 0:
            return _NO_POSTINGS
        start, end = self._posting_starts[number], self._posting_starts[number + 1]
        return dict(
            zip(
                _read_array("I", self._posting_topics[start * 4 : end * 4]),
                _read_array("d", self._posting_values[start * 8 : end * 8]),
                strict=False,
            )
        )

    def topic(self, position: int) -> TopicRecord:
        """The record of the topic at ``position`` (0 <= position < topic_count)."""
        record = self._topics.get(position)
        if record is None:
            starts = self._topic_starts
            raw = json.loads(self._topic_records[starts[position] : starts[position + 1]].tobytes())
            low, high = self._passage_starts[position], self._passage_starts[position + 1]
            values = iter(_read_array("d", self._passage_values[low * 8 : high * 8]))
            passages = [
                (part, index, {term: next(values) for term in terms})
                for part, index, terms in raw["passages"]
            ]
            record = TopicRecord(
                frozenset(raw["name"]),
                raw["title"],
                passages,
                frozenset(term for _, _, terms in raw["passages"] for term in terms),
            )
            self._topics[position] = record
        return record
