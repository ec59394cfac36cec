"""A linear classifier's weights, shipped as a compact file and scored in plain Python.

Models are trained at build time with scikit-learn (tools/train_*.py) and only their weights
ship: no numpy in the function. Most weights are zero (a feature speaks for a few classes), so
only the others are stored. The file: one line of JSON (the classes, their intercepts, how many
features and weights there are and how many bytes the names take, and whatever else the trainer
records); the feature names joined by newlines; then three little-endian arrays: where each
feature's weights start (32-bit, one more than there are features), the class of each weight
(16-bit) and the weight (32-bit float). It loads in a few milliseconds, where the same table as
JSON took forty, and a turn costs one step per weight that is there.
"""

from __future__ import annotations

import json
import math
import sys
from array import array
from collections.abc import Iterable, Sequence


class LinearModel:
    """Multinomial logistic regression over binary features."""

    def __init__(self, blob: bytes) -> None:
        header_end = blob.index(b"\n")
        self.header: dict = json.loads(blob[:header_end])
        count, stored = self.header["features"], self.header["weights"]
        position = header_end + 1 + self.header["names_bytes"]
        names = blob[header_end + 1 : position].decode("utf-8").split("\n")
        self.classes: tuple[str, ...] = tuple(self.header["classes"])
        self.intercepts: tuple[float, ...] = tuple(self.header["intercepts"])
        self._rows: dict[str, int] = {name: row for row, name in enumerate(names)}
        self._starts, position = _read(blob, position, "I", count + 1)
        self._columns, position = _read(blob, position, "H", stored)
        self._weights, position = _read(blob, position, "f", stored)
        self._unpacked: dict[int, tuple[tuple[int, float], ...]] = {}
        if len(names) != count or position != len(blob) or self._starts[-1] != stored:
            raise ValueError("model file is truncated or malformed")

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        """Each class's probability given the features present (each counted once)."""
        scores = list(self.intercepts)
        rows, starts, columns, weights = self._rows, self._starts, self._columns, self._weights
        unpacked = self._unpacked
        for row in {rows.get(feature) for feature in features}:
            if row is not None:
                pairs = unpacked.get(row)
                if pairs is None:  # a row's (class, weight) pairs, unpacked the first time it is used
                    start, end = starts[row], starts[row + 1]
                    pairs = unpacked[row] = tuple(zip(columns[start:end], weights[start:end], strict=True))
                for column, weight in pairs:
                    scores[column] += weight
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.classes, exps, strict=True)}


def _read(blob: bytes, position: int, typecode: str, count: int) -> tuple[array, int]:
    """``count`` little-endian items of ``typecode`` from ``position``; and where they end."""
    items = array(typecode)
    end = position + items.itemsize * count
    items.frombytes(blob[position:end])
    if sys.byteorder == "big":
        items.byteswap()
    return items, end


def _little_endian(items: array) -> bytes:
    if sys.byteorder == "big":
        items = array(items.typecode, items)
        items.byteswap()
    return items.tobytes()


def to_bytes(
    classes: Sequence[str],
    intercepts: Sequence[float],
    rows: dict[str, Sequence[float]],
    **header: object,
) -> bytes:
    """The file for a model: ``rows`` maps each feature name (no newline in it) to its weights,
    one per class (zeros are left out); ``header`` is recorded as it is (a checksum of the
    inputs, a threshold)."""
    names = sorted(rows)
    names_blob = "\n".join(names).encode("utf-8")
    starts, columns, weights = array("I", [0]), array("H"), array("f")
    for name in names:
        for column, weight in enumerate(rows[name]):
            if weight:
                columns.append(column)
                weights.append(float(weight))
        starts.append(len(weights))
    head = {
        **header,
        "classes": list(classes),
        "intercepts": [round(float(b), 4) for b in intercepts],
        "features": len(names),
        "weights": len(weights),
        "names_bytes": len(names_blob),
    }
    return b"".join(
        [
            json.dumps(head, sort_keys=True).encode(),
            b"\n",
            names_blob,
            _little_endian(starts),
            _little_endian(columns),
            _little_endian(weights),
        ]
    )
