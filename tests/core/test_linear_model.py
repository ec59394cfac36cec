"""The shipped weights format (back_pain_guide.linear_model): what is written is read back, and a
damaged file is refused rather than scored."""

from __future__ import annotations

import math

import pytest

from back_pain_guide.linear_model import LinearModel, to_bytes

ROWS = {"w:wee": [0.0, 2.0, -1.0], "w:legs": [1.5, 0.0, 0.0], "c: we": [0.25, 0.0, 0.5]}


def model() -> LinearModel:
    return LinearModel(to_bytes(["none", "bladder", "legs"], [0.1, -0.2, 0.0], ROWS, threshold=0.5))


def softmax(scores: list[float]) -> list[float]:
    exps = [math.exp(s) for s in scores]
    return [e / sum(exps) for e in exps]


def test_only_the_non_zero_weights_are_stored_and_the_header_is_kept():
    loaded = model()
    assert loaded.header["weights"] == 5 and loaded.header["features"] == 3
    assert loaded.header["threshold"] == 0.5
    assert loaded.classes == ("none", "bladder", "legs")


def test_probabilities_are_the_softmax_of_intercepts_plus_the_weights_present():
    loaded = model()
    found = loaded.probabilities(["w:wee", "c: we", "w:wee", "w:unknown"])  # a repeat counts once
    expected = softmax([0.1 + 0.0 + 0.25, -0.2 + 2.0 + 0.0, 0.0 - 1.0 + 0.5])
    assert [found[c] for c in loaded.classes] == pytest.approx(expected, rel=1e-6)
    # asked again (the rows now unpacked), the same answer
    assert loaded.probabilities(["c: we", "w:wee"]) == found
    assert loaded.probabilities([]) == pytest.approx(
        dict(zip(loaded.classes, softmax([0.1, -0.2, 0.0]), strict=True))
    )


@pytest.mark.parametrize("cut", [1, 4, 9])
def test_a_truncated_file_is_refused(cut):
    blob = to_bytes(["none", "bladder", "legs"], [0.1, -0.2, 0.0], ROWS)
    with pytest.raises(ValueError):
        LinearModel(blob[:-cut])
