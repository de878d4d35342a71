"""The build's command line: ``python -m helpers.build [--raw DIR] [--out DIR] [--subject ISO3]``.

Parses the options, runs :func:`helpers.build.pipeline.build_files` and prints what it read;
every failure is one line naming the file (and line) at fault, exit status 2. SIGINT and
SIGTERM before the commit exit 130 / 143 saying nothing was changed; from the commit point on
they are ignored: the build is published and says so.
"""

from __future__ import annotations

import signal
import sys


def _interrupted(signum, frame):
    raise KeyboardInterrupt(signum)


if __name__ == "__main__":  # Ctrl-C while the modules below import: one line, no traceback
    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)
try:
    import argparse
    from pathlib import Path

    from helpers.build.pipeline import __doc__ as _DOC
    from helpers.build.pipeline import build_files, why
    from helpers.core import paths
    from helpers.core.exceptions import ProjectError
except KeyboardInterrupt as exc:
    if __name__ != "__main__":
        raise
    print("build interrupted before it started: nothing was changed", file=sys.stderr)
    sys.exit(128 + (exc.args[0] if exc.args else signal.SIGINT))


def _stop_taking_signals() -> None:
    """The commit point: the build is published; a signal from here on is ignored."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.build",
                                     description=_DOC.split("\n")[0])
    parser.add_argument("--raw", type=Path, default=paths.RAW,
                        help="folder of raw sources with its manifest.toml (default: data/raw)")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder to write the tables to (default: data/processed; with "
                        "--subject, build/subjects/ISO3)")
    parser.add_argument("--subject", default=None, metavar="ISO3",
                        help="build this country's dataset from the sources the manifest "
                        "marks worldwide (the register of posts)")
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = (paths.DEFAULT_PROCESSED if args.subject is None
                    else paths.SUBJECTS / args.subject.strip().upper())
    handlers = {s: signal.signal(s, _interrupted) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _build(args)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def _build(args) -> int:
    try:
        counts = build_files(args.raw, args.out, on_commit=_stop_taking_signals,
                             subject=args.subject).counts
    except ProjectError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # anything not caught closer to its cause: still one line
        print(f"build failed: {exc.filename or args.out}: {why(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        signum = exc.args[0] if exc.args else signal.SIGINT
        print(f"build interrupted by {signal.Signals(signum).name} before its commit: "
              f"{args.out} was left as it was (nothing was changed)", file=sys.stderr)
        return 128 + signum
    width = max(len(k) for k in counts)
    print(f"built {args.out}")
    for k, v in counts.items():
        print(f"  {k:<{width}}  {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
