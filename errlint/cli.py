"""Command line: the entry point and the check command, exit codes only.

``errlint [check] [PATHS...]`` lints; ``errlint rule CODE`` prints a rule's
documentation; ``errlint rules`` lists the rules; ``errlint packs extract|check``
writes and checks packs (:mod:`errlint.cli_packs`).  Exit codes (as ruff): 0 no
findings, 1 findings, 2 usage, configuration, pack or internal error.  The
arguments are parsed in :mod:`errlint.cli_args`, the rule documentation is in
:mod:`errlint.cli_rules`, ``--show-settings`` in :mod:`errlint.cli_settings`.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .checks import ALL_CHECKS
from .cli_args import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, _error, _selection_layers, build_parser
from .cli_rules import _rule_command, _rules_command, readme_rule_table, rule_metadata
from .cli_settings import _show_settings
from .config import Config, ConfigError, find_config, load_config, project_registry
from .diagnostics import INTERNAL_ERROR, PARSE_ERROR, Diagnostic
from .engine import Linter
from .files import PathError, discover
from .fixes import FixError, write_atomically
from .gitignore import GitIgnore
from .output import count, fix_applies, fixable_summary, hidden_fix, render, render_statistics, render_statistics_json
from .packs import PackError, PackRegistry
from .progress import progress_for
from .selection import SelectionError, select_rules, unknown_selector_problem

__all__ = ["build_parser", "main", "readme_rule_table", "rule_metadata"]  # what tests and scripts import from here


def _display_path(path: str) -> str:
    if path == "-":
        return path
    if not os.path.isabs(path):
        return os.path.normpath(path)
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


SUBCOMMANDS = ("check", "rule", "rules", "packs")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The first argument is a sub-command only when it is exactly one of SUBCOMMANDS;
    # anything else (``rules/``, ``./rules``) is a path. A directory or file with a
    # sub-command's name is linted with ``errlint check NAME`` (or ``NAME/``, ``./NAME``).
    if argv and argv[0] in ("rule", "rules", "packs") and os.path.exists(argv[0]):
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
        from .cli_packs import packs_command

        return packs_command(argv[1:])
    if argv and argv[0] == "check":
        argv = argv[1:]
    args = build_parser().parse_args(argv)
    if args.unsafe_fixes and not (args.fix or args.diff) and args.output_format != "text":
        # in text output it marks unsafe fixes [*] as available (ruff); elsewhere it would change nothing
        print(
            f"errlint: warning: --unsafe-fixes changes nothing in {args.output_format} output without --fix or --diff "
            "(it does not imply --fix)",
            file=sys.stderr,
        )
    try:
        _check_cli_selectors(args)
        return _check(args)
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


class _Group:
    """Files that share one configuration (and so one set of packs and rules)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.files: list[tuple[str, bytes]] = []


def _check(args: argparse.Namespace) -> int:
    override = load_config(args.config) if args.config else None
    if args.show_settings:
        return _show_settings(args, override)
    groups: dict[str | None, _Group] = {}
    diagnostics: list[Diagnostic] = []
    errors = 0
    n_files = 0

    def group_for(path: str) -> _Group:
        config = override or find_config(path if path != "-" else ".")
        key = config.path
        if key not in groups:
            groups[key] = _Group(config)
        return groups[key]

    gitignore = GitIgnore()
    listed: list[str] = []  # --show-files
    for raw in args.paths:
        if raw == "-":
            group_for(args.stdin_filename if args.stdin_filename != "-" else ".").files.append(
                (args.stdin_filename, sys.stdin.buffer.read())
            )
            continue
        base_config = override or find_config(raw)
        respect = base_config.respect_gitignore if args.respect_gitignore is None else args.respect_gitignore
        try:
            found = list(discover([raw], base_config.excludes, gitignore if respect else None))
        except PathError as exc:
            print(f"errlint: error: {exc}", file=sys.stderr)
            errors += 1
            continue
        for path in found:
            group = group_for(path)
            if (args.force_exclude or path != raw) and group.config.is_excluded(path):
                continue
            display = _display_path(path)
            if args.show_files:
                listed.append(display)
                continue
            try:
                with open(path, "rb") as fh:
                    group.files.append((display, fh.read()))
            except OSError as exc:
                diagnostics.append(Diagnostic(display, 1, 1, PARSE_ERROR, f"cannot read: {exc.strerror or exc}", rule="parse-error"))

    if args.show_files:
        for display in sorted(set(listed)):
            print(display)
        return EXIT_ERROR if errors else EXIT_CLEAN

    internal = False
    progress = progress_for(sum(len(g.files) for g in groups.values()), args.output_format, args.quiet or args.silent)
    fixing = args.fix or args.diff
    n_fixed = 0
    fixed_files = 0
    changed = 0
    registries: dict[tuple, PackRegistry] = {}
    fixable: set[int] = set()  # id() of the findings --fix would fix
    hidden = 0  # findings only --unsafe-fixes would fix
    hint = args.unsafe_fixes is None  # the user chose neither way: mention hidden unsafe fixes
    for group in groups.values():
        config = group.config
        unsafe = config.unsafe_fixes if args.unsafe_fixes is None else args.unsafe_fixes
        hint = hint and config.unsafe_fixes is None
        checks, report_parse_errors = select_rules(ALL_CHECKS, _selection_layers(args, config))
        key = (tuple(map(str, config.extend_packs)), tuple(config.disable_packs), tuple(config.enable_packs))
        if key not in registries:
            registries[key] = project_registry(config)
        linter = Linter(registries[key], checks, src=config.src_roots)
        n_files += len(group.files)
        cache = None
        if not args.no_cache and "-" not in args.paths:  # standard input (an editor's buffer) is not cached
            from .cache import Cache, run_key

            directory = args.cache_dir or os.environ.get("ERRLINT_CACHE_DIR") or config.cache_directory
            cache = Cache(directory, run_key((c.code for c in checks), registries[key]))
        results = linter.run(group.files, jobs=max(1, args.jobs), cache=cache, progress=progress)
        if cache is not None:
            problem = cache.save([path for path, _ in group.files])
            if problem:
                progress.clear()
                print(f"errlint: warning: {problem}", file=sys.stderr)
        if fixing:
            sources = dict(group.files)
            for i, result in enumerate(results):
                ignored = config.ignored_for(result.path)
                if not any(
                    d.fix is not None and d.fix.applies(unsafe) and not any(d.code.startswith(c.upper()) for c in ignored)
                    for d in result.diagnostics
                ):
                    continue
                original = sources[result.path]
                try:
                    new_source, fixed, results[i] = linter.fix_source(result.path, original, unsafe, None, ignored)
                except FixError as exc:
                    progress.clear()
                    print(f"errlint: error: {exc}", file=sys.stderr)
                    errors += 1
                    continue
                if new_source == original:
                    continue
                changed += 1
                if args.diff:
                    sys.stdout.write(_unified_diff(result.path, original, new_source))
                    continue
                if result.path == args.stdin_filename and "-" in args.paths:
                    sys.stdout.buffer.write(new_source)
                    sys.stdout.flush()
                else:
                    try:
                        write_atomically(result.path, new_source)
                    except OSError as exc:
                        progress.clear()
                        print(f"errlint: error: {result.path}: cannot write: {exc.strerror or exc}", file=sys.stderr)
                        errors += 1
                        continue
                n_fixed += len(fixed)
                fixed_files += 1
        for result in results:
            ignored = config.ignored_for(result.path)
            for d in result.diagnostics:
                if ignored and d.code not in (INTERNAL_ERROR,) and any(d.code.startswith(c.upper()) for c in ignored):
                    continue
                if d.code == PARSE_ERROR and not report_parse_errors:
                    continue
                diagnostics.append(d)
                if fix_applies(d, bool(unsafe)):
                    fixable.add(id(d))
                hidden += hidden_fix(d, bool(unsafe))
            internal = internal or result.error
    progress.clear()
    diagnostics.sort()
    if args.diff:
        if errors or internal:
            return EXIT_ERROR
        return EXIT_FINDINGS if changed else EXIT_CLEAN
    if args.fix and "-" in args.paths:
        if not fixed_files:
            for group in groups.values():
                for path, data in group.files:
                    if path == args.stdin_filename:
                        sys.stdout.buffer.write(data)
                        sys.stdout.flush()
        if not args.silent:
            for d in diagnostics:
                print(d.format(), file=sys.stderr)
        return EXIT_ERROR if errors or internal else (EXIT_FINDINGS if diagnostics and not args.exit_zero else EXIT_CLEAN)
    if args.statistics:
        names = {c.code: c.name for c in ALL_CHECKS} | {PARSE_ERROR: "parse-error", INTERNAL_ERROR: "internal-error"}
        fixable_codes = {c.code for c in ALL_CHECKS if c.fix_availability != "none"}
        render_stats = render_statistics_json if args.output_format == "json" else render_statistics
        report = render_stats(diagnostics, names, fixable_codes)
    else:
        # ruff marks fixable findings except when it has just fixed what it could
        report = render(args.output_format, diagnostics, rule_metadata(), () if args.fix else fixable)
    if args.output_file:
        problem = _write_report(args.output_file, report)
        if problem:
            print(f"errlint: error: {problem}", file=sys.stderr)
            errors += 1
    elif not args.silent:
        sys.stdout.write(report)
    if args.output_format == "text" and not args.statistics and not (args.quiet or args.silent):
        if args.fix and n_fixed:
            print(f"Fixed {count(n_fixed, 'finding')} in {count(fixed_files, 'file')}; {len(diagnostics)} remaining.", file=sys.stderr)
        elif diagnostics:
            n_with = len({d.path for d in diagnostics})  # files with findings, not files linted
            print(f"Found {count(len(diagnostics), 'finding')} in {count(n_with, 'file')}.", file=sys.stderr)
        sys.stderr.write(fixable_summary(len(fixable), hidden, hint))
    if errors or internal:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if diagnostics else EXIT_CLEAN


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
    from .textdiff import unified_diff

    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", "surrogateescape").splitlines(keepends=True)

    return "".join(unified_diff(lines(old), lines(new), fromfile=f"a/{path}", tofile=f"b/{path}"))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
