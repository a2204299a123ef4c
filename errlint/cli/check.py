"""``errlint [check] PATHS``: the run's options from the arguments, then the report, the diff or the fixed
standard input, the summary and the exit code. The run itself is :mod:`errlint.run`."""
from __future__ import annotations

import argparse
import os
import sys

from ..checks import ALL_CHECKS
from ..diagnostics import INTERNAL_ERROR, PARSE_ERROR
from ..fixes import write_atomically
from ..output import count, fixable_summary, printable, render, render_statistics, render_statistics_json
from ..output.progress import progress_for
from ..run import RunOptions, RunReport, Session
from ..workspace.config import load_config
from .args import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, _selection_layers
from ..output.rules import rule_metadata
from .settings import _show_settings


def check_command(args: argparse.Namespace) -> int:
    override = load_config(args.config) if args.config else None
    if args.show_settings:
        return _show_settings(args, override)
    progress = None

    def say(message: str) -> None:
        if progress is not None:
            progress.clear()
        print(f"errlint: {printable(message)}", file=sys.stderr)

    def make_progress(total: int):
        nonlocal progress
        progress = progress_for(total, args.output_format, args.quiet or args.silent)
        return progress

    session = Session(override, lambda config: _selection_layers(args, config), say=say)
    report = session.run(RunOptions(
        paths=args.paths, stdin_filename=args.stdin_filename, respect_gitignore=args.respect_gitignore,
        force_exclude=args.force_exclude, exclude=args.exclude, extend_exclude=args.extend_exclude,
        list_files=args.show_files, jobs=args.jobs, cache=not args.no_cache, cache_dir=args.cache_dir,
        fix=args.fix or args.diff, write=args.fix and not args.diff, unsafe_fixes=args.unsafe_fixes,
        add_noqa=args.add_noqa, progress=make_progress,
    ))
    if progress is not None:
        progress.clear()
    if report.files == 0 and not report.errors and not (args.quiet or args.silent):
        # as ruff: one line, and the run is clean (exit 0)
        say("warning: no Python, TypeScript or JavaScript files found under the given paths")
    if args.show_files:
        sys.stdout.write("".join(f"{printable(display)}\n" for display in report.listed))
        return EXIT_ERROR if report.errors else EXIT_CLEAN
    failed = bool(report.errors or report.internal)
    if args.add_noqa:
        if report.noqa_added and not (args.quiet or args.silent):  # ruff's line, on standard error
            print(f"Added {count(report.noqa_added, 'noqa directive')}.", file=sys.stderr)
        return EXIT_ERROR if failed else EXIT_CLEAN
    if args.diff:
        return _diff(args, report, failed)
    if args.fix and "-" in args.paths:
        return _fixed_stdin(args, report)
    return _report(args, report)


def _diff(args: argparse.Namespace, report: RunReport, failed: bool) -> int:
    """``--diff``: the changes, then ruff's "Would fix" line (on standard error for standard input)."""
    sys.stdout.flush()
    for change in report.changed:  # the files' own bytes (a diff applies to them), the names escaped
        sys.stdout.buffer.write(_unified_diff(change.path, change.original, change.fixed).encode("utf-8", "surrogateescape"))
    sys.stdout.buffer.flush()
    if report.changed and not (args.quiet or args.silent):
        line = f"\nWould fix {count(sum(change.findings for change in report.changed), 'finding')}.\n"
        (sys.stderr if "-" in args.paths else sys.stdout).write(line)
    if failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if report.changed else EXIT_CLEAN


def _fixed_stdin(args: argparse.Namespace, report: RunReport) -> int:
    """``errlint --fix -``: the fixed buffer on standard output, the findings left on standard error."""
    if report.stdin is not None:
        sys.stdout.buffer.write(report.stdin_fixed if report.stdin_fixed is not None else report.stdin)
        sys.stdout.flush()
    if not args.silent:
        for d in report.diagnostics:
            print(printable(d.format()), file=sys.stderr)
    if not (args.quiet or args.silent):
        sys.stderr.write(_summary(args, report))
    if report.errors or report.internal:
        return EXIT_ERROR
    return EXIT_FINDINGS if report.diagnostics and not args.exit_zero else EXIT_CLEAN


def _report(args: argparse.Namespace, report: RunReport) -> int:
    """The findings (or statistics) in the chosen format, the summary, the exit code."""
    diagnostics = report.diagnostics
    errors = report.errors
    if args.statistics:
        names = {c.code: c.name for c in ALL_CHECKS} | {PARSE_ERROR: "parse-error", INTERNAL_ERROR: "internal-error"}
        fixable_codes = {c.code for c in ALL_CHECKS if c.fix_availability != "none"}
        render_stats = render_statistics_json if args.output_format == "json" else render_statistics
        text = render_stats(diagnostics, names, fixable_codes)
    else:
        # ruff marks fixable findings except when it has just fixed what it could
        # the rules' metadata (read from the installed package's metadata, ~30 ms) only where SARIF carries it
        rules = rule_metadata() if args.output_format == "sarif" else ()
        text = render(args.output_format, diagnostics, rules, () if args.fix else report.fixable)
    if args.output_format == "text" and not (args.quiet or args.silent):
        # as ruff: the summary follows the findings, where they go (standard output or the report file)
        if not args.statistics or diagnostics:
            text += _summary(args, report)
    text = printable(text)  # a file name that is not UTF-8, escaped: any stdout, any report file takes it
    if args.output_file:
        problem = _write_report(args.output_file, text)
        if problem:
            print(f"errlint: error: {problem}", file=sys.stderr)
            errors += 1
    elif not args.silent:
        sys.stdout.write(text)
    if errors or report.internal:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if diagnostics else EXIT_CLEAN


def _summary(args: argparse.Namespace, report: RunReport) -> str:
    """The closing lines of text output: what --fix fixed or what was found, with ruff's line on
    fixes; "All checks passed!" (ruff's words) when nothing was found and nothing went wrong."""
    diagnostics = report.diagnostics
    n_fixed = sum(change.findings for change in report.applied)
    if args.fix and n_fixed:
        head = f"Fixed {count(n_fixed, 'finding')} in {count(len(report.applied), 'file')}; {len(diagnostics)} remaining.\n"
    elif diagnostics:
        n_with = len({d.path for d in diagnostics})  # files with findings, not files linted
        head = f"Found {count(len(diagnostics), 'finding')} in {count(n_with, 'file')}.\n"
    elif report.errors or report.internal:
        return ""
    else:
        return "All checks passed!\n"
    return head + fixable_summary(len(report.fixable), report.hidden, report.hint)


def _write_report(path: str, report: str) -> str | None:
    """Write the report through a temporary file and a rename; a one-line problem, or None."""
    try:
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        write_atomically(path, report.encode("utf-8"))
    except OSError as exc:
        return f"{path}: cannot write the report: {exc.strerror or exc}"
    return None


def _unified_diff(path: str, old: bytes, new: bytes) -> str:
    from ..output.textdiff import unified_diff

    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", "surrogateescape").splitlines(keepends=True)

    shown = printable(path)
    return "".join(unified_diff(lines(old), lines(new), fromfile=f"a/{shown}", tofile=f"b/{shown}"))
