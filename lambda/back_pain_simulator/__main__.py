"""``make simulator``: the web service with the test page, on this machine only.

cd lambda && python -m back_pain_simulator [--host 127.0.0.1] [--port 8080]
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from back_pain_guide.content import ContentError
from back_pain_guide.web.app import ConfigurationError, create_app, is_production

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m back_pain_simulator", description="Serve the Back Pain Guide test page (local only)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    if is_production():
        print(
            "refusing to start: the test page drives the skill without request verification, "
            "and this is marked production",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        app = create_app(verify=False, simulator=True)
    except (ConfigurationError, ContentError) as exc:
        print(f"refusing to start: {exc}", file=sys.stderr)
        return 2
    if args.host not in LOCAL_HOSTS:
        print(
            f"warning: {args.host} is not this machine only; anyone who reaches it can drive the skill "
            "without verification",
            file=sys.stderr,
        )
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"Back Pain Guide test page: http://{host}:{args.port}/  (Ctrl+C to stop; "
        "request verification is off)",
        flush=True,
    )
    app.run(host=args.host, port=args.port, threaded=True, debug=False, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
