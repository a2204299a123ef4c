"""``errlint packs extract PACKAGE`` and ``errlint packs check PACK.toml ...`` (see docs/packs.md).

``extract`` prints a pack skeleton for an installed package, its exception
tree read statically (:mod:`.tree`, :mod:`.skeleton`).
``check`` validates packs as a run loads them (each file, then together with
the bundled packs) and compares each pack's tree with its installed package
(:mod:`.compare`). Exit codes of ``check``: 0 valid and no
disagreement (notes allowed), 1 a pack disagrees with its installed package
(with ``--strict``: also an exception class the package exports that no pack
lists), 2 an invalid pack or a usage error. ``extract``: 0, or 2 when the
package is not found.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..args import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, _error

USAGE = """errlint packs extract [--npm] [--path DIR] PACKAGE
       errlint packs check [--strict] [--path DIR] PACK.toml [PACK.toml ...]"""

DESCRIPTION = """extract: print a pack skeleton for an installed package (a distribution or an import name):
  its exception classes, their bases and public import paths, read from its source without
  importing it; retry policies are left for you. With --npm, an npm package under
  node_modules: its error classes read from its .d.ts files.
check: validate packs and compare each one's [errors] tree with its installed package
  (read statically), where that package is installed, and its TypeScript classes with
  its npm packages, where they are installed under node_modules.

exit status (check):
  0  valid, and the installed package agrees (notes do not count)
  1  a pack disagrees with its installed package (--strict: also a class it does not list)
  2  an invalid pack, a package extract cannot find, or a usage error"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="errlint packs", usage=USAGE, description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="{extract,check}")
    extract = sub.add_parser("extract", usage=USAGE.splitlines()[0], help="print a pack skeleton for an installed package")
    extract.add_argument("package", metavar="PACKAGE", help="a distribution (google-api-core) or an import name (google.api_core); with --npm an npm package (@aws-sdk/client-s3)")
    extract.add_argument("--npm", action="store_true", help="PACKAGE is an npm package under node_modules")
    check = sub.add_parser("check", usage=USAGE.splitlines()[1].strip(), help="validate packs and compare them with the installed packages")
    check.add_argument("packs", nargs="+", metavar="PACK.toml")
    check.add_argument("--strict", action="store_true", help="an exception class the package exports that no pack lists is a disagreement (exit 1)")
    for p in (extract, check):
        p.add_argument("--path", action="append", default=[], metavar="DIR",
                       help="look for installed packages in DIR (repeatable) instead of sys.path and $VIRTUAL_ENV, and for npm "
                            "packages in DIR/node_modules (or DIR itself, a node_modules folder) instead of node_modules from the "
                            "working directory up")
    return parser


def packs_command(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse printed the usage or the help
        return EXIT_CLEAN if exc.code in (0, None) else EXIT_ERROR
    if args.command is None:
        return _error("usage: " + USAGE.replace("\n       ", "\n   or: "))
    try:
        if args.command == "extract":
            return _extract_npm(args.package, args.path) if args.npm else _extract(args.package, args.path)
        return _check(args.packs, args.path, args.strict)
    except Exception as exc:  # a bug in errlint: one line and exit 2, never a traceback
        return _error(f"internal error: {type(exc).__name__}: {exc}")


def _language():
    from ...packs import PackRegistry, bundled_rules_dir, load_pack

    return PackRegistry([load_pack(bundled_rules_dir() / "stdlib.toml")]).graph


def _extract(name: str, paths: list[str]) -> int:
    from ...packs import PackError, load_registry
    from .skeleton import pack_name, render
    from .tree import PackageNotFound, find_package, read_package, search_roots

    try:
        package = find_package(name, search_roots(paths))
    except PackageNotFound as exc:
        return _error(str(exc))
    try:
        registry = load_registry()
    except PackError as exc:
        return _error(str(exc))
    replaced = pack_name(package)

    def known(name: str) -> str | None:
        """The bundled packs' name for a class of another package (not of a bundled pack this one replaces)."""
        canon = registry.graph.canonical(name)
        owner = registry.error_pack.get(canon) if canon else None
        return canon if owner is not None and owner.name != replaced else None

    tree, classes = read_package(package, _language())
    if tree.unreadable:
        shown = ", ".join(tree.unreadable[:5]) + (", ..." if len(tree.unreadable) > 5 else "")
        print(f"errlint: warning: {len(tree.unreadable)} module{'s' if len(tree.unreadable) != 1 else ''} of {name} "
              f"could not be read (not valid Python for this interpreter, or compiled without a .pyi stub): {shown}",
              file=sys.stderr)
    if not classes:
        print(f"errlint: warning: {name}: no exception class found in {', '.join(package.imports)}", file=sys.stderr)
    sys.stdout.write(render(package, classes, tree, known))
    return EXIT_CLEAN


def _check(files: list[str], paths: list[str], strict: bool) -> int:
    from ...packs import PackError, PackRegistry, load_pack, load_packs
    from .tree import search_roots

    checked = []
    invalid = False
    for f in files:
        try:
            checked.append(load_pack(f))
        except PackError as exc:
            print(f"errlint: error: {exc}", file=sys.stderr)
            invalid = True
    names = {p.name for p in checked}
    mine = {str(Path(p.path).resolve()) for p in checked}
    bundled = []
    try:  # together with the bundled packs, as a run loads them (a pack replacing a bundled one: in its place)
        others = [p for p in load_packs() if str(Path(p.path).resolve()) not in mine]
        bundled = [p for p in others if p.name not in names]
        registry = PackRegistry([*bundled, *checked], left_out=[p for p in others if p.name in names])
    except PackError as exc:
        hint = next((f" (a project that loads it instead of the bundled pack: disable-packs = [\"{p.name}\"])"
                     for p in bundled if f"already defined by {p.path}" in str(exc)), "")
        print(f"errlint: error: {exc}{hint}", file=sys.stderr)
        return EXIT_ERROR
    roots = search_roots(paths)
    language = _language()
    disagree = False
    for pack in checked:
        if pack.modules or pack.package or not pack.npm:
            disagree = _compare_one(pack, registry, roots, language, strict) or disagree
        if pack.npm and not pack.is_language:
            disagree = _compare_npm(pack, registry, paths, strict) or disagree
    if invalid:
        return EXIT_ERROR
    return EXIT_FINDINGS if disagree else EXIT_CLEAN


def _compare_one(pack, registry, roots, language, strict: bool) -> bool:
    """Print what the installed package says of ``pack``; True if it disagrees."""
    from .compare import compare
    from .tree import PackageNotFound, StaticTree, find_package

    if pack.is_language or not (pack.package or pack.modules):
        print(f"{pack.path}: valid (no package to compare with)")
        return False
    try:
        package = find_package(pack.package or pack.modules[0].split(".")[0], roots)
    except PackageNotFound:
        print(f"{pack.path}: valid; {pack.package or pack.modules[0]} is not installed here: its classes were not compared")
        return False
    label = f"{package.distribution or package.imports[0]}" + (f" {package.version}" if package.version else "")
    tree = StaticTree(roots, language)
    prefixes = tuple(dict.fromkeys(m.split(".")[0] for m in pack.modules)) or package.imports
    findings, agree = compare(pack, registry, tree, label, prefixes)
    bad = [f for f in findings if f.disagrees or (strict and f.kind == "unlisted")]
    for f in findings:
        note = "" if f in bad else "note: "
        print(f"{pack.path}: {note}{f.key}: {f.problem}")
    if pack.version and package.version and pack.version != package.version:
        print(f"{pack.path}: note: sdk.version: the pack describes {pack.version}; {package.version} is installed")
    n = sum(1 for s in pack.errors.values() if not s.docs_only)
    uncompared = sum(1 for f in findings if f.kind == "unresolved")
    verdict = f"{len(bad)} disagreement{'s' if len(bad) != 1 else ''}" if bad else "it agrees"
    print(f"{pack.path}: valid; compared with the installed {label} (read statically): {n} classes, {agree} match"
          + (f", {uncompared} not compared" if uncompared else "") + f"; {verdict}")
    return bool(bad)


def _extract_npm(name: str, paths: list[str]) -> int:
    from ...packs import PackError, load_registry
    from .npm import read_npm
    from .npm_compare import render_npm
    from .npm_files import NpmPackageNotFound, find_npm_package, node_modules_roots

    roots = node_modules_roots(paths)
    try:
        package = find_npm_package(name, roots)
    except NpmPackageNotFound as exc:
        return _error(str(exc))
    try:
        registry = load_registry()
    except PackError as exc:
        return _error(str(exc))
    tree = read_npm(package, roots)
    if tree.entries.get(package.name) is None:
        return _error(f"{name}: no declaration file (.d.ts) for the package's entry point: nothing to read")

    def known(ts_name: str) -> str | None:
        from .npm_compare import _ts_name

        return registry.graph.canonical(_ts_name(ts_name))

    if not tree.classes:
        print(f"errlint: warning: {name}: no exported error class found", file=sys.stderr)
    sys.stdout.write(render_npm(tree, known))
    return EXIT_CLEAN


def _compare_npm(pack, registry, paths: list[str], strict: bool) -> bool:
    """Print what the installed npm packages say of ``pack``'s TypeScript side; True if it disagrees."""
    from .npm_compare import compare_npm, npm_trees
    from .npm_files import node_modules_roots

    trees, missing = npm_trees(pack, node_modules_roots(paths))
    if not trees:
        print(f"{pack.path}: valid; npm {', '.join(missing)} is not installed here: its TypeScript classes were not compared")
        return False
    findings, agree = compare_npm(pack, registry, trees)
    bad = [f for f in findings if f.disagrees or (strict and f.kind == "unlisted")]
    for f in findings:
        print(f"{pack.path}: {'' if f in bad else 'note: '}{f.key}: {f.problem}")
    for name in missing:
        print(f"{pack.path}: note: npm {name} is not installed here")
    main = trees.get(next(iter(trees)))
    label = ", ".join(f"{t.package.name} {t.package.version or ''}".strip() for t in trees.values())
    if pack.npm_version and main is not None and main.package.version and main.package.version != pack.npm_version:
        print(f"{pack.path}: note: sdk.npm_version: the pack describes {pack.npm_version}; {main.package.version} is installed")
    verdict = f"{len(bad)} disagreement{'s' if len(bad) != 1 else ''}" if bad else "it agrees"
    print(f"{pack.path}: valid; compared with the installed npm {label} (read from its .d.ts files): "
          f"{len(pack.ts_errors)} TypeScript classes, {agree} match; {verdict}")
    return bool(bad)
