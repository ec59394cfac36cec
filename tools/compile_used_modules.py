#!/usr/bin/env python3
"""Ships bytecode for exactly the modules the function imports, to keep the package small.

Lambda's /var/task is read-only, so a module without a .pyc there is compiled again on every
cold start. Compiling the whole package (ask_sdk_model alone has over a thousand modules, most
never imported) doubles the zip. So only what a session of requests imports is compiled: the
skill's own modules keep their source beside a __pycache__ .pyc (tracebacks show our lines),
and the dependencies' imported modules are replaced by a sourceless .pyc in the same place,
which Python imports just as well, so the package grows by almost nothing.

    python3.13 tools/compile_used_modules.py BUILD_DIR

Must run under the target Python version (bytecode is version-specific). Imports the built
function from BUILD_DIR alone, sends it one request of every kind it handles, then writes
unchecked-hash .pyc files (valid whatever the file times become after zipping) for every
module loaded from BUILD_DIR, plus every module of the skill's own package.
"""

from __future__ import annotations

import importlib.util
import os
import py_compile
import sys
import tempfile
from pathlib import Path

UNCHECKED = py_compile.PycInvalidationMode.UNCHECKED_HASH


def exercise(build_dir: Path) -> None:
    """Imports the function from build_dir and answers one request of each kind."""
    sys.path.insert(0, str(build_dir))
    import lambda_function

    # The request builder comes from the source tree: local/ is left out of the package (it
    # needs only the standard library).
    source = Path(__file__).resolve().parent.parent / "lambda" / "back_pain_guide" / "local" / "envelopes.py"
    spec = importlib.util.spec_from_file_location("source_envelopes", source)
    assert spec is not None and spec.loader is not None
    envelopes = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = envelopes
    spec.loader.exec_module(envelopes)
    Device, slot = envelopes.Device, envelopes.slot

    device = Device()
    requests = [
        device.launch(),
        device.intent(
            "CausesIntent",
            {"topic": slot("topic", "sciatica", resolved_id="sciatica", slot_type="TopicType")},
        ),
        device.intent(
            "QuestionIntent",
            {"query": slot("query", "does heat or ice work better", slot_type="AMAZON.SearchQuery")},
        ),
        device.intent("AMAZON.MoreIntent"),
        device.intent("ChecklistIntent"),
        device.intent("AMAZON.NoIntent"),
        device.user_event(["answer", "no"]),
        device.intent("EmergencySignIntent"),
        device.intent("AMAZON.HelpIntent"),
        device.intent("NoSuchIntent"),
        device.session_ended(),
    ]
    for request in requests:
        device.receive(lambda_function.handler(request, None))


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    build_dir = Path(sys.argv[1]).resolve()
    sys.dont_write_bytecode = True  # the imports below must not leave their own __pycache__ behind
    with tempfile.TemporaryDirectory() as state:
        os.environ["BACK_PAIN_GUIDE_DB"] = str(Path(state) / "state.sqlite3")
        os.environ.pop("BACK_PAIN_GUIDE_TABLE", None)
        exercise(build_dir)
    loaded = {
        Path(module.__file__).resolve()
        for module in list(sys.modules.values())
        if getattr(module, "__file__", None) and str(module.__file__).endswith(".py")
    }
    own = set((build_dir / "back_pain_guide").rglob("*.py")) | {build_dir / "lambda_function.py"}
    dependencies = {path for path in loaded if build_dir in path.parents} - own
    for source in sorted(own):
        py_compile.compile(str(source), doraise=True, invalidation_mode=UNCHECKED)
    for source in sorted(dependencies):
        py_compile.compile(
            str(source), cfile=str(source) + "c", doraise=True, invalidation_mode=UNCHECKED, optimize=2
        )  # without docstrings: the library code never reads them
        source.unlink()
    print(
        f"bytecode for {len(own)} modules of the skill and {len(dependencies)} dependency modules it imports"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
