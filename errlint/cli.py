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
from .config import Config, ConfigError, find_config, load_config
from .diagnostics import INTERNAL_ERROR, PARSE_ERROR, Diagnostic
from .engine import Linter
from .files import PathError, discover
from .fixes import FixError, write_atomically
from .output import FORMATS, INFO_URI, render, render_statistics
from .packs import PackError, PackRegistry, load_registry
from .selection import SelectionError, select_checks

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="errlint",
        description="Lint error handling around HTTP and auth SDK calls against the SDKs' documented exception trees.",
        epilog="Also: `errlint rule CODE` prints a rule's documentation, `errlint rules` lists the rules.",
    )
    parser.add_argument("paths", nargs="*", default=["."], help="files or directories to lint (default: .); - reads standard input")
    parser.add_argument("--select", type=_codes, default=None, metavar="CODES", help="comma-separated codes or prefixes to enable (default: all rules); replaces the configured select")
    parser.add_argument("--extend-select", type=_codes, default=[], metavar="CODES", help="codes or prefixes to enable in addition to the selected ones")
    parser.add_argument("--ignore", type=_codes, default=[], metavar="CODES", help="comma-separated codes or prefixes to disable")
    parser.add_argument("--output-format", choices=FORMATS, default="text", help="how findings are printed (default: text)")
    parser.add_argument("--statistics", action="store_true", help="print the number of findings per rule instead of the findings")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes (and unsafe ones with --unsafe-fixes), then report what remains")
    parser.add_argument("--unsafe-fixes", action="store_true", default=None, help="also apply fixes marked unsafe")
    parser.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false", help="do not apply unsafe fixes even if the configuration allows them")
    parser.add_argument("--diff", action="store_true", help="print the fixes as a unified diff and write nothing (exit 1 if there are changes)")
    parser.add_argument("--config", metavar="PATH", help="use this pyproject.toml (or TOML file) instead of searching for [tool.errlint]")
    parser.add_argument("--force-exclude", action="store_true", help="apply the configured excludes to files named on the command line too (for pre-commit)")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, metavar="N", help="lint in N processes (default: the number of cores; 1: in this process)")
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
    print(f"errlint: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "rule":
        return _rule_command(argv[1:])
    if argv and argv[0] == "rules":
        return _rules_command(argv[1:])
    if argv and argv[0] == "check":
        argv = argv[1:]
    args = build_parser().parse_args(argv)
    try:
        return _check(args)
    except (ConfigError, PackError, SelectionError) as exc:
        return _error(str(exc))


class _Group:
    """Files that share one configuration (and so one set of packs and rules)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.files: list[tuple[str, bytes]] = []


def _check(args: argparse.Namespace) -> int:
    override = load_config(args.config) if args.config else None
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

    for raw in args.paths:
        if raw == "-":
            group_for(args.stdin_filename if args.stdin_filename != "-" else ".").files.append(
                (args.stdin_filename, sys.stdin.buffer.read())
            )
            continue
        base_config = override or find_config(raw)
        try:
            found = list(discover([raw], base_config.excludes))
        except PathError as exc:
            print(f"errlint: error: {exc}", file=sys.stderr)
            errors += 1
            continue
        for path in found:
            group = group_for(path)
            if (args.force_exclude or path != raw) and group.config.is_excluded(path):
                continue
            display = _display_path(path)
            try:
                with open(path, "rb") as fh:
                    group.files.append((display, fh.read()))
            except OSError as exc:
                diagnostics.append(Diagnostic(display, 1, 1, PARSE_ERROR, f"cannot read: {exc.strerror or exc}", rule="parse-error"))

    internal = False
    fixing = args.fix or args.diff
    n_fixed = 0
    fixed_files = 0
    changed = 0
    registries: dict[tuple, PackRegistry] = {}
    for group in groups.values():
        config = group.config
        select = args.select if args.select is not None else (list(config.select) if config.select is not None else None)
        extend = [*config.extend_select, *args.extend_select]
        if extend:
            select = [*(select or ["ALL"]), *extend] if select is not None else None
        ignore = [*config.ignore, *args.ignore]
        checks, report_parse_errors = select_checks(ALL_CHECKS, select, ignore)
        key = (tuple(map(str, config.extend_packs)), tuple(config.disable_packs))
        if key not in registries:
            registry = load_registry(config.extend_packs, config.disable_packs)
            unknown = []
            if config.disable_packs:
                known = {p.name for p in load_registry().packs} | {p.name for p in registry.packs}
                unknown = [n for n in config.disable_packs if n not in known]
            if unknown:
                raise ConfigError(f"{config.path}: [tool.errlint] disable-packs: unknown pack {unknown[0]!r} (known: {', '.join(sorted(known))})")
            registries[key] = registry
        linter = Linter(registries[key], checks, src=config.src_roots)
        n_files += len(group.files)
        cache = None
        if not args.no_cache and "-" not in args.paths:  # standard input (an editor's buffer) is not cached
            from .cache import Cache, run_key

            directory = args.cache_dir or os.environ.get("ERRLINT_CACHE_DIR") or config.cache_directory
            cache = Cache(directory, run_key((c.code for c in checks), registries[key]))
        results = linter.run(group.files, jobs=max(1, args.jobs), cache=cache)
        if cache is not None:
            problem = cache.save([path for path, _ in group.files])
            if problem:
                print(f"errlint: warning: {problem}", file=sys.stderr)
        if fixing:
            unsafe = config.unsafe_fixes if args.unsafe_fixes is None else args.unsafe_fixes
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
            internal = internal or result.error
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
        for d in diagnostics:
            print(d.format(), file=sys.stderr)
        return EXIT_ERROR if errors or internal else (EXIT_FINDINGS if diagnostics and not args.exit_zero else EXIT_CLEAN)
    if args.statistics:
        names = {c.code: c.name for c in ALL_CHECKS} | {PARSE_ERROR: "parse-error", INTERNAL_ERROR: "internal-error"}
        fixable = {c.code for c in ALL_CHECKS if c.fix_availability != "none"}
        sys.stdout.write(render_statistics(diagnostics, names, fixable))
    else:
        sys.stdout.write(render(args.output_format, diagnostics, rule_metadata()))
    if args.output_format == "text" and not args.statistics:
        count = len(diagnostics)
        if args.fix and n_fixed:
            print(
                f"Fixed {n_fixed} finding{'s' if n_fixed != 1 else ''} in {fixed_files} file{'s' if fixed_files != 1 else ''}; "
                f"{count} remaining.",
                file=sys.stderr,
            )
        elif count:
            print(f"Found {count} finding{'s' if count != 1 else ''} in {n_files} file{'s' if n_files != 1 else ''}.", file=sys.stderr)
    if errors or internal:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if diagnostics else EXIT_CLEAN


def _unified_diff(path: str, old: bytes, new: bytes) -> str:
    import difflib

    def lines(data: bytes) -> list[str]:
        return data.decode("utf-8", "surrogateescape").splitlines(keepends=True)

    return "".join(difflib.unified_diff(lines(old), lines(new), fromfile=f"a/{path}", tofile=f"b/{path}"))


# -- rule documentation ----------------------------------------------------------------
META_RULES = (
    (PARSE_ERROR, "parse-error", "The file cannot be read, decoded or parsed; the run goes on with the other files."),
    (INTERNAL_ERROR, "internal-error", "A check failed on this file (a bug in errlint); the exit code is 2."),
)


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
                "helpUri": f"{INFO_URI}/blob/main/README.md#{check.code.lower()}-{check.name}",
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
                "helpUri": f"{INFO_URI}/blob/main/README.md#rules",
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
    if argv:
        return _error("usage: errlint rules")
    try:
        registry = load_registry()
    except PackError as exc:
        return _error(str(exc))
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
