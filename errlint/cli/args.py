"""Command line arguments: the parser, the exit codes, the one-line error and the rule selectors
the arguments give (used by :mod:`errlint.cli` and its sub-commands)."""
from __future__ import annotations

import argparse
import os
import sys

from .. import __version__
from ..workspace.config import Config
from ..output import FORMATS
from ..output.progress import clear_progress
from ..workspace.selection import Selection

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


USAGE = """errlint [check] [OPTIONS] [PATHS ...]
       errlint rule CODE
       errlint rules
       errlint packs extract PACKAGE
       errlint packs check PACK.toml ...
       errlint server"""

EPILOG = """commands:
  check                 lint the paths (the default; `errlint PATHS` is `errlint check PATHS`)
  rule CODE             print a rule's documentation
  rules                 list the rules, their fixes and the packs they read
  packs extract PACKAGE print a pack skeleton for an installed package (its exception tree, read statically)
  packs check PACK.toml validate packs and compare them with their installed packages (errlint packs --help)
  server                run the language server (LSP over stdin/stdout) for editors (errlint server --help)

exit status:
  0  no findings (or --exit-zero, --show-files, --show-settings)
  1  findings (with --diff: changes to make)
  2  usage, configuration, pack or internal error; a path that does not exist;
     a fix that would not parse; a report that cannot be written"""


def _patterns(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="errlint",
        usage=USAGE,
        description="Lint error handling around HTTP and auth SDK calls against the SDKs' documented exception trees.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", default=["."], help="files or directories to lint (default: .); - reads standard input")
    parser.add_argument("--select", type=_codes, default=None, metavar="CODES", help="comma-separated codes or prefixes to enable (default: all rules); replaces the configured select")
    parser.add_argument("--extend-select", type=_codes, default=[], metavar="CODES", help="codes or prefixes to enable in addition to the selected ones")
    parser.add_argument("--ignore", type=_codes, default=[], metavar="CODES", help="comma-separated codes or prefixes to disable")
    parser.add_argument("--output-format", choices=FORMATS, default="text", help="how findings are printed (default: text)")
    parser.add_argument("--statistics", action="store_true", help="print the number of findings per rule instead of the findings")
    parser.add_argument("-q", "--quiet", action="store_true", help="print the findings and errors only: no summary line")
    parser.add_argument("-s", "--silent", action="store_true", help="print no findings and no summary, only errors (the exit code still tells)")
    parser.add_argument("--output-file", "-o", metavar="PATH", help="write the report (findings, JSON, SARIF, statistics) to this file instead of standard output")
    parser.add_argument("--show-files", action="store_true", help="list the files that would be linted, then exit")
    parser.add_argument("--show-settings", action="store_true", help="print the settings resolved for the paths (configuration, rules, packs, excludes, cache, jobs), then exit")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes (and unsafe ones with --unsafe-fixes), then report what remains")
    parser.add_argument("--unsafe-fixes", action="store_true", default=None, help="also apply fixes marked unsafe")
    parser.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false", help="do not apply unsafe fixes even if the configuration allows them")
    parser.add_argument("--diff", action="store_true", help="print the fixes as a unified diff and write nothing (exit 1 if there are changes)")
    parser.add_argument("--config", metavar="PATH", help="use this pyproject.toml (or TOML file) instead of searching for [tool.errlint]")
    parser.add_argument("--respect-gitignore", action="store_true", default=None, help="skip files and directories that .gitignore or .git/info/exclude ignore (the default; respect-gitignore in the configuration)")
    parser.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false", help="lint gitignored files too")
    parser.add_argument("--exclude", type=_patterns, action="extend", default=None, metavar="PATTERNS", help="comma-separated names or paths to skip when walking directories; replaces the configured exclude and the defaults")
    parser.add_argument("--extend-exclude", type=_patterns, action="extend", default=[], metavar="PATTERNS", help="names or paths to skip in addition to the excludes (a path is relative to the current directory)")
    parser.add_argument("--force-exclude", action="store_true", help="apply the excludes to the paths named on the command line too (for pre-commit); else a path you name is linted")
    parser.add_argument("--add-noqa", action="store_true", help="add a noqa comment for each finding to its line (# noqa: ERRnnn, or // noqa: ERRnnn), keeping the codes there; exit 0")
    parser.add_argument("--jobs", "-j", type=_jobs, default=os.cpu_count() or 1, metavar="N", help="lint in N processes (default: the number of cores; 1: in this process)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache of unchanged files' results")
    parser.add_argument("--cache-dir", metavar="PATH", help="keep the cache here (default: $ERRLINT_CACHE_DIR, else the configured cache-dir, else .errlint_cache beside the configuration or in the current directory)")
    parser.add_argument("--stdin-filename", default="-", metavar="PATH", help="the name to report for standard input")
    parser.add_argument("--version", action="version", version=f"errlint {__version__}")
    return parser


def _error(message: str) -> int:
    clear_progress()
    print(f"errlint: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def _selection_layers(args: argparse.Namespace, config: Config) -> list[Selection]:
    """The rule selectors of a run, weakest first: [tool.errlint], then the command line."""
    return [
        Selection(config.select, config.extend_select, config.ignore),
        Selection(tuple(args.select) if args.select is not None else None, tuple(args.extend_select), tuple(args.ignore)),
    ]
