#!/usr/bin/env python3
"""Splits an evaluation set into a dev part (tuned on) and a frozen test part (never tuned on).

Each line goes to one part by a hash of its text, stratified by its label (sign or kind), so
the split is the same on every run and does not depend on line order. Run once, when a set is
written, before any tuning; the README names the commit that froze the test part.

    python tools/split_eval.py tests/eval/emergency/emergencies.jsonl tests/eval/emergency/near_misses.jsonl --label sign,kind
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from pathlib import Path


def split(lines: list[dict], label_keys: list[str], text_key: str) -> tuple[list[dict], list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for line in lines:
        label = next((str(line[k]) for k in label_keys if k in line), "")
        groups[label].append(line)
    dev, test = [], []
    for label in sorted(groups):
        ordered = sorted(groups[label], key=lambda item: hashlib.sha256(item[text_key].encode()).hexdigest())
        for position, line in enumerate(ordered):
            (dev if position % 2 == 0 else test).append(line)
    return dev, test


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--label", default="sign,kind", help="keys whose value stratifies the split")
    parser.add_argument("--text", default="text", help="the key holding the utterance")
    args = parser.parse_args()
    for path in args.files:
        lines = [json.loads(row) for row in path.read_text(encoding="utf-8").splitlines() if row.strip()]
        dev, test = split(lines, args.label.split(","), args.text)
        for part, rows in (("dev", dev), ("test", test)):
            out = path.with_name(f"{path.stem}.{part}.jsonl")
            out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
            print(f"{out}: {len(rows)}")


if __name__ == "__main__":
    main()
