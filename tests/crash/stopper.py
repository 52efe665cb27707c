"""Run the `catalogue` command, stopping it dead at a chosen point so that a test can kill -9 it there.

    python -m tests.crash.stopper MODULE:FUNCTION N MARKER -- ARGS...

The N-th call of MODULE.FUNCTION creates the file MARKER and then waits forever (the test,
seeing MARKER, sends SIGKILL): the process dies exactly there, as after a power cut.
"""

import importlib
import sys
import time
from pathlib import Path


def stop_at(target: str, nth: int, marker: Path) -> None:
    """Make the nth call of `module:function` announce itself in `marker` and hang."""
    module_name, name = target.split(":")
    module = importlib.import_module(module_name)
    real = getattr(module, name)
    calls = []

    def stopping(*args, **kwargs):
        calls.append(1)
        if len(calls) == nth:
            marker.write_text("reached", encoding="utf-8")
            while True:
                time.sleep(60)
        return real(*args, **kwargs)

    setattr(module, name, stopping)


def main(argv: list[str]) -> None:
    target, nth, marker, separator, *args = argv
    assert separator == "--"
    stop_at(target, int(nth), Path(marker))
    from catalogue.cli import cli

    cli(args, prog_name="catalogue")


if __name__ == "__main__":
    main(sys.argv[1:])
