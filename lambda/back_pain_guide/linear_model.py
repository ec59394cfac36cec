"""A linear classifier's weights, shipped as a compact file and scored in plain Python.

Models are trained at build time with scikit-learn (tools/train_*.py) and only their weights
ship: no numpy in the function. The file: one line of JSON (the classes, their intercepts, how
many features and how many bytes their names take, and whatever else the trainer records), the
feature names joined by newlines, then the weights as little-endian 32-bit floats, a row of one
weight per class for each feature. It loads in a few milliseconds, where the same table as JSON
took forty.
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
        names_end = header_end + 1 + self.header["names_bytes"]
        names = blob[header_end + 1 : names_end].decode("utf-8").split("\n")
        self.classes: tuple[str, ...] = tuple(self.header["classes"])
        self.intercepts: tuple[float, ...] = tuple(self.header["intercepts"])
        self._rows: dict[str, int] = {name: row for row, name in enumerate(names)}
        self._weights = array("f")
        self._weights.frombytes(blob[names_end:])
        if sys.byteorder == "big":
            self._weights.byteswap()
        if len(names) != self.header["features"] or len(self._weights) != len(names) * len(self.classes):
            raise ValueError("model file is truncated or malformed")

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        """Each class's probability given the features present (each counted once)."""
        scores = list(self.intercepts)
        width = len(scores)
        rows, weights = self._rows, self._weights
        for feature in set(features):
            row = rows.get(feature)
            if row is not None:
                for index, weight in enumerate(weights[row * width : (row + 1) * width]):
                    scores[index] += weight
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.classes, exps, strict=True)}


def to_bytes(
    classes: Sequence[str],
    intercepts: Sequence[float],
    rows: dict[str, Sequence[float]],
    **header: object,
) -> bytes:
    """The file for a model: ``rows`` maps each feature name (no newline in it) to its weights,
    one per class; ``header`` is recorded as it is (a checksum of the inputs, a threshold)."""
    names = sorted(rows)
    names_blob = "\n".join(names).encode("utf-8")
    weights = array("f", (float(w) for name in names for w in rows[name]))
    if sys.byteorder == "big":
        weights.byteswap()
    head = {
        **header,
        "classes": list(classes),
        "intercepts": [round(float(b), 4) for b in intercepts],
        "features": len(names),
        "names_bytes": len(names_blob),
    }
    return json.dumps(head, sort_keys=True).encode() + b"\n" + names_blob + weights.tobytes()
