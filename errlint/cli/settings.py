"""``errlint --show-settings``: the settings each path is linted with."""
from __future__ import annotations

import argparse
import os
import sys

from ..checks import ALL_CHECKS
from .args import EXIT_CLEAN, _selection_layers
from ..workspace.config import Config, find_config, project_registry, with_excludes
from ..diagnostics import PARSE_ERROR
from ..workspace.selection import Selection, select_rules


def _show_settings(args: argparse.Namespace, override: Config | None) -> int:
    """Print the settings each path is linted with (one block per configuration), exit 0."""
    seen: set[str | None] = set()
    blocks = []
    for raw in args.paths:
        start = args.stdin_filename if raw == "-" else raw
        config = with_excludes(override or find_config(start if start != "-" else "."), args.exclude, args.extend_exclude)
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
            ("packs", "".join(f"\n    {pack.name}: {pack.path}{_replaces(registry, pack.name)}" for pack in registry.packs) or "none"),
            ("disable-packs", ", ".join(config.disable_packs) or "-"),
            ("classes left out", _left_out(registry)),
            ("enable-packs", ", ".join(config.enable_packs) or "-"),
            ("unsafe-fixes", _bool(config.unsafe_fixes if args.unsafe_fixes is None else args.unsafe_fixes)),
            ("cache", cache),
            ("max-file-size", f"{config.max_file_size:,} bytes"),
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


def _replaces(registry, name: str) -> str:
    """The note on a project's pack that replaces the bundled pack of its name."""
    bundled = registry.replaced.get(name)
    return f" (replaces the bundled {name} pack, {bundled})" if bundled else ""


def _left_out(registry) -> str:
    """The classes of the run's packs left out because they derive from a class of a pack left out
    (disabled or replaced): errlint cannot know all of their ancestors."""
    return "".join(
        f"\n    {name}: {qual} (derives from {cause}, which no pack of the run defines)"
        for name, classes in sorted(registry.dropped.items()) for qual, cause in classes.items()
    ) or "-"


def _bool(value: bool) -> str:
    return "true" if value else "false"
