"""Wait until an HTTP health URL answers 200; exit 1 after --timeout seconds.

newsmon-prefect.service runs it as ExecStartPost, so the unit counts as started (and
newsmon-serve.service, ordered after it, starts) only once the Prefect API answers.
Standard library only: it runs before anything else is known to work.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request


def api_ready(url: str, timeout: float) -> bool:
    """Whether `url` answers 200 within `timeout` seconds, polling twice a second."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (a fixed http URL from the unit)
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    """Entry point: `wait_for_api.py URL [--timeout S]`."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("url")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait (default 60)")
    args = p.parse_args(argv)
    if api_ready(args.url, args.timeout):
        return 0
    print(f"wait_for_api: {args.url} did not answer 200 within {args.timeout:g} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
