"""The command line: ``errlint`` and its sub-commands.

``errlint [check] [PATHS...]`` lints (:mod:`.check`, over the run API of
:mod:`errlint.run`); ``errlint rule CODE`` prints a rule's documentation and
``errlint rules`` lists the rules (:mod:`.rules`); ``errlint packs
extract|check`` writes and checks packs (:mod:`.packs`); ``errlint server`` runs
the language server (:mod:`errlint.server`). The arguments are
parsed in :mod:`.args`, ``--show-settings`` is :mod:`.settings`. Exit codes
(as ruff): 0 no findings, 1 findings, 2 usage, configuration, pack or internal error.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence

from ..checks import ALL_CHECKS
from ..packs import PackError
from ..workspace.config import ConfigError
from ..workspace.selection import SelectionError, unknown_selector_problem
from .args import _error, build_parser
from .check import check_command
from .pipe import quiet_closed_pipes
from ..output.rules import readme_rule_table, rule_metadata
from .rules import _rule_command, _rules_command

__all__ = ["build_parser", "main", "readme_rule_table", "rule_metadata"]  # what tests and scripts import from here


SUBCOMMANDS = ("check", "rule", "rules", "packs", "server")


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread like KeyboardInterrupt: the run unwinds (no temporary file
    is left, no file half-written, no worker left behind) and exits 143."""


def main(argv: Sequence[str] | None = None) -> int:
    """errlint's command line; the exit code. A closed pipe ends the output quietly (:mod:`.pipe`).
    SIGINT and SIGTERM end the run at once: the file being written is left as it was (each write
    is atomic), the workers are stopped."""
    previous = None
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with quiet_closed_pipes():
            return _main(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:
        print("errlint: interrupted", file=sys.stderr)
        return 130
    except _Terminated:
        print("errlint: terminated", file=sys.stderr)
        return 143
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _terminate(signum, frame) -> None:
    raise _Terminated()


def _main(argv: list[str]) -> int:
    # The first argument is a sub-command only when it is exactly one of SUBCOMMANDS;
    # anything else (``rules/``, ``./rules``) is a path. A directory or file with a
    # sub-command's name is linted with ``errlint check NAME`` (or ``NAME/``, ``./NAME``).
    if argv and argv[0] in ("rule", "rules", "packs", "server") and os.path.exists(argv[0]):
        print(
            f"errlint: hint: {argv[0]!r} is read as the sub-command; to lint the path {argv[0]!r} run "
            f"`errlint check {argv[0]}` or `errlint ./{argv[0]}`",
            file=sys.stderr,
        )
    if argv and argv[0] == "rule":
        return _rule_command(argv[1:])
    if argv and argv[0] == "rules":
        try:
            return _rules_command(argv[1:])
        except (ConfigError, PackError) as exc:
            return _error(str(exc))
    if argv and argv[0] == "packs":
        from .packs import packs_command

        return packs_command(argv[1:])
    if argv and argv[0] == "server":
        from ..server import main as server_main  # pygls and lsprotocol are loaded by this command only

        return server_main(argv[1:])
    if argv and argv[0] == "check":
        argv = argv[1:]
    args = build_parser().parse_args(argv)
    if args.add_noqa:
        clash = next((flag for flag, on in (("--fix", args.fix), ("--diff", args.diff), ("-", "-" in args.paths),
                                           ("--show-files", args.show_files), ("--statistics", args.statistics)) if on), None)
        if clash is not None:  # as ruff: it writes the files, then reports nothing else
            return _error(f"--add-noqa cannot be used with {clash if clash != '-' else 'standard input (-)'}")
    if args.unsafe_fixes and not (args.fix or args.diff) and args.output_format != "text":
        # in text output it marks unsafe fixes [*] as available (ruff); elsewhere it would change nothing
        print(
            f"errlint: warning: --unsafe-fixes changes nothing in {args.output_format} output without --fix or --diff "
            "(it does not imply --fix)",
            file=sys.stderr,
        )
    try:
        _check_cli_selectors(args)
        return check_command(args)
    except (ConfigError, PackError, SelectionError) as exc:
        return _error(str(exc))
    except Exception as exc:  # a bug in errlint: one line and exit 2, never a traceback that exits 1
        return _error(f"internal error: {type(exc).__name__}: {exc}{_where(exc)}")


def _where(exc: BaseException) -> str:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    return f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""


def _check_cli_selectors(args: argparse.Namespace) -> None:
    problem = unknown_selector_problem(
        ALL_CHECKS, (("--select", args.select), ("--extend-select", args.extend_select), ("--ignore", args.ignore))
    )
    if problem is not None:
        raise SelectionError(problem)
