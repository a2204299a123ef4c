"""Command line: argument parsing and exit codes only.

``errlint [check] [PATHS...]`` lints; ``errlint rule CODE`` prints a rule's
documentation; ``errlint rules`` lists the rules.  Exit codes (as ruff): 0 no
findings, 1 findings, 2 usage, configuration, pack or internal error.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import __version__
from .checks import ALL_CHECKS
from .config import Config, ConfigError, find_config, load_config, project_registry
from .diagnostics import INTERNAL_ERROR, PARSE_ERROR, Diagnostic
from .engine import Linter
from .files import PathError, discover
from .fixes import FixError, write_atomically
from .gitignore import GitIgnore
from .output import FORMATS, INFO_URI, count, fix_applies, fixable_summary, hidden_fix, render, render_statistics, render_statistics_json
from .packs import PackError, PackRegistry
from .progress import clear_progress, progress_for
from .selection import Selection, SelectionError, select_rules, unknown_selector_problem

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


USAGE = """errlint [check] [OPTIONS] [PATHS ...]
       errlint rule CODE
       errlint rules"""

EPILOG = """commands:
  check                 lint the paths (the default; `errlint PATHS` is `errlint check PATHS`)
  rule CODE             print a rule's documentation
  rules                 list the rules, their fixes and the packs they read

exit status:
  0  no findings (or --exit-zero, --show-files, --show-settings)
  1  findings (with --diff: changes to make)
  2  usage, configuration, pack or internal error; a path that does not exist;
     a fix that would not parse; a report that cannot be written"""


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
    parser.add_argument("--force-exclude", action="store_true", help="apply the configured excludes to files named on the command line too (for pre-commit)")
    parser.add_argument("--jobs", "-j", type=_jobs, default=os.cpu_count() or 1, metavar="N", help="lint in N processes (default: the number of cores; 1: in this process)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache of unchanged files' results")
    parser.add_argument("--cache-dir", metavar="PATH", help="keep the cache here (default: $ERRLINT_CACHE_DIR, else the configured cache-dir, else .errlint_cache beside the configuration or in the current directory)")
    parser.add_argument("--stdin-filename", default="-", metavar="PATH", help="the name to report for standard input")
    parser.add_argument("--version", action="version", version=f"errlint {__version__}")
    return parser


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


def _error(message: str) -> int:
    clear_progress()
    print(f"errlint: error: {message}", file=sys.stderr)
    return EXIT_ERROR


SUBCOMMANDS = ("check", "rule", "rules")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The first argument is a sub-command only when it is exactly one of SUBCOMMANDS;
    # anything else (``rules/``, ``./rules``) is a path. A directory or file with a
    # sub-command's name is linted with ``errlint check NAME`` (or ``NAME/``, ``./NAME``).
    if argv and argv[0] in ("rule", "rules") and os.path.exists(argv[0]):
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


def _selection_layers(args: argparse.Namespace, config: Config) -> list[Selection]:
    """The rule selectors of a run, weakest first: [tool.errlint], then the command line."""
    return [
        Selection(config.select, config.extend_select, config.ignore),
        Selection(tuple(args.select) if args.select is not None else None, tuple(args.extend_select), tuple(args.ignore)),
    ]


def _show_settings(args: argparse.Namespace, override: Config | None) -> int:
    """Print the settings each path is linted with (one block per configuration), exit 0."""
    seen: set[str | None] = set()
    blocks = []
    for raw in args.paths:
        start = args.stdin_filename if raw == "-" else raw
        config = override or find_config(start if start != "-" else ".")
        if config.path in seen:
            continue
        seen.add(config.path)
        layers = _selection_layers(args, config)
        checks, report_parse_errors = select_rules(ALL_CHECKS, layers)
        registry = project_registry(config)
        respect = config.respect_gitignore if args.respect_gitignore is None else args.respect_gitignore
        if args.no_cache:
            cache = "off (--no-cache)"
        else:
            cache = str(args.cache_dir or os.environ.get("ERRLINT_CACHE_DIR") or config.cache_directory)
        rows = [
            ("config file", config.path or "none (the defaults)"),
            ("root", str(config.root)),
            ("rules", ", ".join([c.code for c in checks] + ([PARSE_ERROR] if report_parse_errors else [])) or "none"),
            *_selector_rows(layers),
            ("per-file-ignores", "; ".join(f"{p} = {', '.join(codes)}" for p, codes in config.per_file_ignores) or "-"),
            ("exclude", ", ".join(config.excludes) or "-"),
            ("force-exclude", _bool(args.force_exclude)),
            ("respect-gitignore", _bool(respect)),
            ("packs", "".join(f"\n    {pack.name}: {pack.path}" for pack in registry.packs) or "none"),
            ("disable-packs", ", ".join(config.disable_packs) or "-"),
            ("enable-packs", ", ".join(config.enable_packs) or "-"),
            ("unsafe-fixes", _bool(config.unsafe_fixes if args.unsafe_fixes is None else args.unsafe_fixes)),
            ("cache", cache),
            ("jobs", str(max(1, args.jobs))),
            ("output-format", args.output_format),
        ]
        width = max(len(k) for k, _ in rows)
        blocks.append(f"Settings for {start}:\n" + "".join(f"  {k.ljust(width)}  {v}\n" for k, v in rows))
    sys.stdout.write("\n".join(blocks))
    return EXIT_CLEAN


def _selector_rows(layers: list[Selection]) -> list[tuple[str, str]]:
    """select / extend-select / ignore in force: a layer that sets ``select`` starts over."""
    select, extend, ignore = None, [], []
    for layer in layers:
        if layer.select is not None:
            select, extend, ignore = layer.select, [], []
        extend += layer.extend_select
        ignore += layer.ignore
    return [
        ("select", ", ".join(select) if select is not None else "ALL (the default)"),
        ("extend-select", ", ".join(extend) or "-"),
        ("ignore", ", ".join(ignore) or "-"),
    ]


def _bool(value: bool) -> str:
    return "true" if value else "false"


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


# -- rule documentation ----------------------------------------------------------------
META_RULES = (
    (PARSE_ERROR, "parse-error", "The file cannot be read, decoded or parsed; the run goes on with the other files."),
    (INTERNAL_ERROR, "internal-error", "A check failed on this file (a bug in errlint); the exit code is 2."),
)


# A heading of README.md (## Rules); tests/test_outputs.py checks that the anchor exists.
RULES_URI = f"{INFO_URI}/blob/main/README.md#rules"


def rule_metadata() -> list[dict]:
    """SARIF ``reportingDescriptor`` objects for every rule, from the checks' docstrings."""
    rules = []
    for check in ALL_CHECKS:
        docs = check.docs()
        rules.append(
            {
                "id": check.code,
                "name": check.name,
                "shortDescription": {"text": check.summary},
                "fullDescription": {"text": check.short_docs()},
                "help": {"text": docs, "markdown": docs},
                "helpUri": RULES_URI,  # the README's rule table; the rule's own text is in "help"
                "defaultConfiguration": {"level": "error"},
            }
        )
    for code, name, text in META_RULES:
        rules.append(
            {
                "id": code,
                "name": name,
                "shortDescription": {"text": text},
                "fullDescription": {"text": text},
                "help": {"text": text},
                "helpUri": RULES_URI,
                "defaultConfiguration": {"level": "error"},
            }
        )
    return rules


def _rule_command(argv: list[str]) -> int:
    if len(argv) != 1:
        return _error("usage: errlint rule CODE")
    wanted = argv[0].upper()
    for check in ALL_CHECKS:
        if check.code == wanted or check.name == argv[0]:
            print(f"# {check.name} ({check.code})\n")
            print(f"Fix is {'not available' if check.fix_availability == 'none' else check.fix_availability + ' available'}.\n")
            print(check.docs())
            return EXIT_CLEAN
    for code, name, text in META_RULES:
        if code == wanted:
            print(f"# {name} ({code})\n\n{text}")
            return EXIT_CLEAN
    return _error(f"unknown rule {argv[0]!r} (known: {', '.join(c.code for c in ALL_CHECKS)})")


def _rules_command(argv: list[str]) -> int:
    """The rules and the packs they read, for the project of the current directory
    (its ``[tool.errlint]`` extend-packs, disable-packs and enable-packs), or of ``--config PATH``."""
    if argv and argv[0] == "--config" and len(argv) == 2:
        config = load_config(argv[1])
    elif argv and argv[0].startswith("--config=") and len(argv) == 1:
        config = load_config(argv[0].partition("=")[2])
    elif not argv:
        config = find_config(".")
    else:
        return _error("usage: errlint rules [--config PATH] (to lint a path named 'rules': errlint check rules)")
    registry = project_registry(config)
    rows = [("code", "name", "fix", "packs")]
    for check in ALL_CHECKS:
        rows.append((check.code, check.name, check.fix_availability, ", ".join(check.packs_involved(registry)) or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print("  ".join(col.ljust(widths[i]) for i, col in enumerate(row[:3])) + "  " + row[3])
    return EXIT_CLEAN


def readme_rule_table() -> str:
    """The README's rule table, generated from the checks (tests/test_docs.py keeps README in sync)."""
    lines = ["| code | name | what it flags | fix |", "| --- | --- | --- | --- |"]
    for check in ALL_CHECKS:
        fix = {"none": "—", "sometimes": "sometimes", "always": "always"}[check.fix_availability]
        lines.append(f"| {check.code} | {check.name} | {check.summary} | {fix} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
