"""Shared by the generators in tools/: write generated files, or (--check) report the stale ones."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_or_check(files: Mapping[Path, str | bytes], *, check: bool, command: str) -> int:
    """Writes each file's expected text (or bytes, for a binary file); with ``check``, writes nothing
    and returns 1 if any differs."""
    stale = []
    for path, text in files.items():
        shown = path.relative_to(ROOT) if ROOT in path.parents else path
        if check:
            current = (
                (path.read_bytes() if isinstance(text, bytes) else path.read_text(encoding="utf-8"))
                if path.exists()
                else None
            )
            if current != text:
                stale.append(str(shown))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written beside, then renamed over: a process that has the old file mapped
            # (the search index) keeps reading the old file, never a half-written one.
            partial = path.with_name(path.name + ".partial")
            if isinstance(text, bytes):
                partial.write_bytes(text)
            else:
                partial.write_text(text, encoding="utf-8")
            partial.replace(path)
            print(f"wrote {shown}")
    if stale:
        print(f"stale, run `{command}`: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


def generator_main(doc: str, expected_files: Callable[[], Mapping[Path, str | bytes]], command: str) -> int:
    """The command line every generator shares: write its files, or with --check list the stale ones."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a generated file is stale"
    )
    args = parser.parse_args()
    return write_or_check(expected_files(), check=args.check, command=command)


def check_recorded(recorded: object, expected: str, target: Path, command: str) -> int:
    """``--check`` for a generated file that records the checksum of its inputs (a trained model,
    which is not retrained to compare): 0 when ``recorded`` is ``expected``, else 1 with the command."""
    if recorded == expected:
        return 0
    shown = target.relative_to(ROOT) if ROOT in target.parents else target
    print(f"stale, run `{command}`: {shown}", file=sys.stderr)
    return 1
