#!/usr/bin/env python3
"""Renders the skill's icons from their one vector source (skill-package/assets/icon.svg).

    .venv-deploy/bin/python tools/make_icons.py           # write the PNGs after editing the SVG
    .venv-deploy/bin/python tools/make_icons.py --check   # fail if a PNG is not the SVG's rendering

The skill manifest needs a small (108 x 108) and a large (512 x 512) PNG icon. They are
committed, so a deploy needs no renderer; `make deploy-check` runs --check. Rendering uses
CairoSVG (requirements-deploy.txt), which needs the Cairo library (Debian/Ubuntu: libcairo2;
macOS: brew install cairo); without it --check says so and checks only the PNGs' sizes.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "skill-package" / "assets" / "icon.svg"
IMAGES = ROOT / "skill-package" / "assets" / "images"
#: The manifest's icon fields, their file and size in pixels.
ICONS = {"smallIconUri": ("icon_108.png", 108), "largeIconUri": ("icon_512.png", 512)}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; ValueError if it is no PNG."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def render(size: int) -> bytes:
    import cairosvg  # imported here: only rendering needs it (and the Cairo library)

    return cairosvg.svg2png(url=str(SOURCE), output_width=size, output_height=size)


def pixels(png: bytes) -> list[int]:
    """The RGBA bytes of a PNG, through CairoSVG's own Cairo bindings."""
    import io

    import cairocffi

    surface = cairocffi.ImageSurface.create_from_png(io.BytesIO(png))
    return list(bytes(surface.get_data()))


def cairo_available() -> bool:
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def check() -> list[str]:
    """What is wrong with the committed icons (empty when they are the SVG's rendering)."""
    problems = []
    can_render = cairo_available()
    if not can_render:
        print("note: the Cairo library is not installed, so only the icons' sizes are checked")
    for name, size in ICONS.values():
        path = IMAGES / name
        if not path.is_file():
            problems.append(f"{path.relative_to(ROOT)} is missing")
            continue
        data = path.read_bytes()
        try:
            found = png_size(data)
        except ValueError as error:
            problems.append(f"{name}: {error}")
            continue
        if found != (size, size):
            problems.append(f"{name} is {found[0]} x {found[1]}, not {size} x {size}")
        elif can_render:
            fresh, committed = pixels(render(size)), pixels(data)
            worst = max((abs(a - b) for a, b in zip(fresh, committed, strict=False)), default=0)
            if len(fresh) != len(committed) or worst > 8:  # renderer versions differ by a step or two
                problems.append(f"{name} is not the rendering of {SOURCE.name} (run tools/make_icons.py)")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check", action="store_true", help="check the committed PNGs instead of writing them"
    )
    if parser.parse_args().check:
        problems = check()
        for problem in problems:
            print(f"icons: {problem}", file=sys.stderr)
        if not problems:
            print(f"icons: {', '.join(name for name, _ in ICONS.values())} match {SOURCE.name}")
        return 1 if problems else 0
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name, size in ICONS.values():
        (IMAGES / name).write_bytes(render(size))
        print(f"wrote {(IMAGES / name).relative_to(ROOT)} ({size} x {size})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
