"""The build's command line: ``python -m helpers.build [--raw DIR] [--out DIR]``.

Parses the options, runs :func:`helpers.build.pipeline.build` and prints what it read; every
failure is one line naming the file (and line) at fault, exit status 2; Ctrl-C exits 130.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from helpers.build.pipeline import __doc__ as _DOC
from helpers.build.pipeline import build, why
from helpers.core import paths
from helpers.core.exceptions import ProjectError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.build", description=_DOC.split("\n")[0])
    parser.add_argument("--raw", type=Path, default=paths.RAW,
                        help="folder of raw sources with its manifest.toml (default: data/raw)")
    parser.add_argument("--out", type=Path, default=paths.DEFAULT_PROCESSED,
                        help="folder to write the tables to (default: data/processed)")
    args = parser.parse_args(argv)
    try:
        counts = build(args.raw, args.out)
    except ProjectError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # anything not caught closer to its cause: still one line
        print(f"build failed: {exc.filename or args.out}: {why(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"build interrupted: {args.out} was left as it was", file=sys.stderr)
        return 130
    width = max(len(k) for k in counts)
    print(f"built {args.out}")
    for k, v in counts.items():
        print(f"  {k:<{width}}  {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
