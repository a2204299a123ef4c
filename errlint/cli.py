"""Command line: argument parsing and exit codes only.

Exit codes (as ruff): 0 no findings, 1 findings, 2 usage, configuration, pack
or internal error.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import __version__
from .checks import ALL_CHECKS
from .diagnostics import PARSE_ERROR, Diagnostic
from .engine import Linter
from .files import PathError, discover
from .output import FORMATS, render
from .packs import PackError, load_registry
from .selection import SelectionError, select_checks

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="errlint",
        description="Lint error handling around HTTP and auth SDK calls against the SDKs' documented exception trees.",
    )
    parser.add_argument("paths", nargs="*", default=["."], help="files or directories to lint (default: .); - reads standard input")
    parser.add_argument("--select", type=_codes, default=None, metavar="CODES", help="comma-separated codes or prefixes to enable (default: all rules)")
    parser.add_argument("--ignore", type=_codes, default=[], metavar="CODES", help="comma-separated codes or prefixes to disable")
    parser.add_argument("--output-format", choices=FORMATS, default="text", help="how findings are printed (default: text)")
    parser.add_argument("--stdin-filename", default="-", metavar="PATH", help="the name to report for standard input")
    parser.add_argument("--version", action="version", version=f"errlint {__version__}")
    return parser


def _display_path(path: str) -> str:
    if path == "-" or not os.path.isabs(path):
        return path
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        checks, report_parse_errors = select_checks(ALL_CHECKS, args.select, args.ignore)
    except SelectionError as exc:
        print(f"errlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        registry = load_registry()
    except PackError as exc:
        print(f"errlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR

    files: list[tuple[str, bytes]] = []
    diagnostics: list[Diagnostic] = []
    errors = 0
    for raw in args.paths:
        if raw == "-":
            files.append((args.stdin_filename, sys.stdin.buffer.read()))
            continue
        try:
            found = list(discover([raw]))
        except PathError as exc:
            print(f"errlint: error: {exc}", file=sys.stderr)
            errors += 1
            continue
        for path in found:
            display = _display_path(path)
            try:
                with open(path, "rb") as fh:
                    files.append((display, fh.read()))
            except OSError as exc:
                diagnostics.append(Diagnostic(display, 1, 1, PARSE_ERROR, f"cannot read: {exc.strerror or exc}", rule="parse-error"))

    linter = Linter(registry, checks)
    internal = False
    for result in linter.run(files):
        diagnostics.extend(result.diagnostics)
        internal = internal or result.error
    if not report_parse_errors:
        diagnostics = [d for d in diagnostics if d.code != PARSE_ERROR]
    diagnostics.sort()
    sys.stdout.write(render(args.output_format, diagnostics))
    if args.output_format == "text":
        count = len(diagnostics)
        if count:
            print(f"Found {count} finding{'s' if count != 1 else ''} in {len(files)} file{'s' if len(files) != 1 else ''}.", file=sys.stderr)
    if errors or internal:
        return EXIT_ERROR
    return EXIT_FINDINGS if diagnostics else EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
