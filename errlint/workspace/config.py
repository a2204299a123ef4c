"""``[tool.errlint]`` in pyproject.toml.

The table is found by walking up from each linted path to the first
``pyproject.toml`` that has a ``[tool.errlint]`` table (``--config PATH``
overrides the search).  Keys, as in ruff, use hyphens::

    [tool.errlint]
    select = ["ERR"]                   # codes or prefixes to enable (default: all)
    extend-select = []                 # added to select
    ignore = ["ERR001"]                # codes or prefixes to disable
    per-file-ignores = { "tests/*" = ["ERR003"] }
    exclude = []                       # replaces the default excludes
    extend-exclude = ["generated"]     # added to the excludes
    extend-packs = ["errlint/acme.toml"]   # extra rule packs, relative to this file
    disable-packs = ["altus4"]         # bundled packs to leave out
    enable-packs = ["altus4"]          # packs without a module to apply to every file
    unsafe-fixes = false               # let --fix apply unsafe fixes too
    cache-dir = ".errlint_cache"       # where unchanged files' results are kept, relative to this file
    respect-gitignore = true           # skip what .gitignore / .git/info/exclude ignore when walking
    src = ["src"]                      # roots of project modules (default: this file's directory and src/)
    max-file-size = 10485760           # bytes: a larger file is one ERR000 ("too large"), not read

An unknown key or a wrong type is a :class:`ConfigError` whose one-line message
names the file and the key.
"""
from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from ..paths import real_directory, real_path
from ..reading import DEFAULT_MAX_FILE_SIZE, TomlProblem, parse_toml, toml_bytes
from .files import CACHE_DIR_NAME, DEFAULT_EXCLUDES

KEYS = (
    "select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude",
    "extend-packs", "disable-packs", "enable-packs", "unsafe-fixes", "cache-dir", "respect-gitignore", "src",
    "max-file-size",
)


class ConfigError(Exception):
    """An invalid configuration; ``str()`` is one line naming the file and the key."""


@dataclass(frozen=True)
class Config:
    path: str | None = None  # the pyproject.toml, None for the defaults
    root: Path = field(default_factory=Path.cwd)
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    extend_packs: tuple[Path, ...] = ()
    disable_packs: tuple[str, ...] = ()
    enable_packs: tuple[str, ...] = ()  # packs without a module that apply to every file
    unsafe_fixes: bool | None = None  # None: not configured (output hints at hidden unsafe fixes, as ruff does)
    cache_dir: Path | None = None  # None: .errlint_cache beside the configuration (or in the current directory)
    respect_gitignore: bool = True
    src: tuple[Path, ...] | None = None  # roots of project modules; None: the configuration's directory and its src/
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; a larger file is ERR000 "too large", never read

    @property
    def src_roots(self) -> tuple[str, ...]:
        """Where imported project modules are searched besides the root above a file's packages
        (ruff's ``src``); without a configuration file, nowhere else."""
        if self.src is not None:
            return tuple(map(str, self.src))
        if self.path is None:
            return ()
        return (str(self.root), str(self.root / "src"))

    @property
    def cache_directory(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.root / CACHE_DIR_NAME

    @property
    def excludes(self) -> tuple[str, ...]:
        return (*self.exclude, *self.extend_exclude)

    def ignored_for(self, path: str) -> tuple[str, ...]:
        """Codes ``per-file-ignores`` disables for ``path``."""
        if not self.per_file_ignores:
            return ()
        rel = relative_posix(path, self.root)
        name = PurePosixPath(rel).name
        out: list[str] = []
        for pattern, codes in self.per_file_ignores:
            if fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(name, pattern) or rel.startswith(pattern.rstrip("/") + "/"):
                out.extend(codes)
        return tuple(out)

    def is_excluded(self, path: str, below: str | None = None) -> bool:
        """Does an exclude pattern match ``path`` or a directory above it: a name pattern (``dist``,
        ``*.egg-info``) by its name, a pattern with a ``/`` by its path relative to the configuration's
        directory (``src/vendored``), an absolute pattern (the command line's, see
        :func:`command_line_excludes`) by its absolute path.

        ``below``: the path named on the command line that ``path`` was found under (or is): as in
        ruff, only what lies below it is judged, so ``errlint dist`` lints ``dist``; None
        (``--force-exclude``): the whole path is judged, up to the configuration's directory.
        """
        names, relative, absolute = self._exclude_patterns
        real = real_path(path)
        parts = PurePosixPath(_relative_to(real, path, self.root)).parts
        judged = len(parts)  # how many of the last parts are judged
        if below is not None:
            judged = min(judged, len(PurePosixPath(os.path.relpath(path, below)).parts))

        def paths(of: tuple[str, ...]) -> Iterator[str]:  # the judged paths: path itself and the directories above it
            return (PurePosixPath(*of[:k]).as_posix() for k in range(len(of) - judged + 1, len(of) + 1))

        if names is not None and any(names.match(part) for part in parts[len(parts) - judged:]):
            return True
        if relative is not None and any(relative.match(p) for p in paths(parts)):
            return True
        return absolute is not None and any(absolute.match(p) for p in paths(PurePosixPath(real).parts))

    @cached_property
    def _exclude_patterns(self) -> tuple[re.Pattern | None, re.Pattern | None, re.Pattern | None]:
        """The exclude patterns as three regular expressions (fnmatch's, case-sensitive): names,
        paths relative to the configuration's directory, absolute paths; None where there is none."""
        kinds: tuple[list[str], list[str], list[str]] = ([], [], [])
        for pattern in self.excludes:
            pattern = pattern[2:] if pattern.startswith("./") else pattern
            if pattern.startswith("/"):
                kinds[2].append(pattern.rstrip("/"))
            elif "/" in pattern.strip("/"):
                kinds[1].append(pattern.strip("/"))
            else:
                kinds[0].append(pattern.strip("/"))
        return tuple(re.compile("|".join(map(fnmatch.translate, k))) if k else None for k in kinds)  # type: ignore[return-value]


def command_line_excludes(patterns: Iterable[str]) -> tuple[str, ...]:
    """Exclude patterns given on the command line: as in ruff, a pattern with a ``/`` is a path
    relative to the current directory (made absolute here); a name pattern stays as it is."""
    here = os.path.realpath(os.getcwd())
    return tuple(
        os.path.normpath(os.path.join(here, p)) if "/" in p.strip("/") or p.startswith("./") else p for p in patterns
    )


def with_excludes(config: Config, exclude: Sequence[str] | None = None, extend_exclude: Sequence[str] = ()) -> Config:
    """``config`` under the command line's ``--exclude`` (it replaces the configured ``exclude``, or
    the defaults) and ``--extend-exclude`` (added to the configured ``extend-exclude``), as ruff
    layers them."""
    if exclude is None and not extend_exclude:
        return config
    return replace(
        config,
        exclude=config.exclude if exclude is None else command_line_excludes(exclude),
        extend_exclude=(*config.extend_exclude, *command_line_excludes(extend_exclude)),
    )


def relative_posix(path: str, root: Path) -> str:
    return _relative_to(real_path(path), path, root)


def _relative_to(real: str, path: str, root: Path) -> str:
    """``real`` (the real path of ``path``) relative to ``root``, in POSIX form; ``path`` itself
    when it is not below ``root``."""
    try:
        return Path(real).relative_to(real_directory(os.path.abspath(root))).as_posix()
    except (ValueError, OSError):
        return Path(path).as_posix()


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: [tool.errlint] {key}: expected a list of strings, got {value!r}")
    return tuple(value)


def _paths(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """Strings that name files: a NUL byte (which no file name holds) is an error naming the key."""
    value = _strings(data, key, where)
    for v in value:
        if "\0" in v:
            raise ConfigError(f"{where}: [tool.errlint] {key}: {v!r} holds a NUL byte, which no path can hold")
    return value


def load_config(path: str | Path, required: bool = True) -> Config | None:
    """Read ``[tool.errlint]`` from ``path``; None when the file has no such table and ``required`` is false."""
    path = Path(path)
    where = str(path)
    try:
        data = parse_toml(toml_bytes(path))  # not a FIFO, a device or a huge file (errlint.reading)
    except TomlProblem as exc:
        raise ConfigError(f"{where}: {exc}") from None
    tool = data.get("tool", {})
    table = tool.get("errlint") if isinstance(tool, dict) else None
    if table is None:
        if not required:
            return None
        if path.name == "pyproject.toml" or "tool" in data:
            raise ConfigError(f"{where}: no [tool.errlint] table")
        table = data  # a file given with --config may hold the keys at the top level
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.errlint] must be a table")
    for key in table:
        if key not in KEYS:
            hint = f" (did you mean {key.replace('_', '-')!r}?)" if key.replace("_", "-") in KEYS else ""
            raise ConfigError(f"{where}: [tool.errlint] {key}: unknown key{hint} (known: {', '.join(KEYS)})")
    root = path.resolve().parent
    kwargs: dict[str, Any] = {"path": where, "root": root}
    if "select" in table:
        kwargs["select"] = _strings(table, "select", where)
    if "extend-select" in table:
        kwargs["extend_select"] = _strings(table, "extend-select", where)
    if "ignore" in table:
        kwargs["ignore"] = _strings(table, "ignore", where)
    if "exclude" in table:
        kwargs["exclude"] = _strings(table, "exclude", where)
    if "extend-exclude" in table:
        kwargs["extend_exclude"] = _strings(table, "extend-exclude", where)
    if "extend-packs" in table:
        kwargs["extend_packs"] = tuple((root / p) for p in _paths(table, "extend-packs", where))
    if "disable-packs" in table:
        kwargs["disable_packs"] = _strings(table, "disable-packs", where)
    if "enable-packs" in table:
        kwargs["enable_packs"] = _strings(table, "enable-packs", where)
    if "unsafe-fixes" in table:
        value = table["unsafe-fixes"]
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: [tool.errlint] unsafe-fixes: expected true or false, got {value!r}")
        kwargs["unsafe_fixes"] = value
    if "respect-gitignore" in table:
        value = table["respect-gitignore"]
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: [tool.errlint] respect-gitignore: expected true or false, got {value!r}")
        kwargs["respect_gitignore"] = value
    if "cache-dir" in table:
        value = table["cache-dir"]
        if not isinstance(value, str) or not value or "\0" in value:
            raise ConfigError(f"{where}: [tool.errlint] cache-dir: expected a path, got {value!r}")
        kwargs["cache_dir"] = root / value
    if "src" in table:
        kwargs["src"] = tuple(root / p for p in _paths(table, "src", where))
    if "max-file-size" in table:
        value = table["max-file-size"]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1 << 40:
            raise ConfigError(f"{where}: [tool.errlint] max-file-size: expected a number of bytes from 1 to 2**40, got {value!r}")
        kwargs["max_file_size"] = value
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{where}: [tool.errlint] per-file-ignores: expected a table of \"glob\" = [codes]")
        entries = []
        for pattern, codes in pfi.items():
            entries.append((pattern, _strings(pfi, pattern, where)))
        kwargs["per_file_ignores"] = tuple(entries)
    _check_selectors(where, kwargs)
    return Config(**kwargs)


def _check_selectors(where: str, kwargs: dict[str, Any]) -> None:
    """Every rule selector of the table matches a rule: an error names the file and the key."""
    from ..checks import ALL_CHECKS
    from .selection import unknown_selector_problem

    keyed = [(key, kwargs.get(key.replace("-", "_")) or ()) for key in ("select", "extend-select", "ignore")]
    keyed += [(f"per-file-ignores.{pattern!r}".replace("'", '"'), codes_) for pattern, codes_ in kwargs.get("per_file_ignores", ())]
    problem = unknown_selector_problem(ALL_CHECKS, keyed)
    if problem is not None:
        raise ConfigError(f"{where}: [tool.errlint] {problem}")


def project_registry(
    config: Config, extend: tuple[str, ...] = (), disable: tuple[str, ...] = (), everywhere: tuple[str, ...] = (), store=None,
):
    """The packs for files under ``config``: bundled + ``extend-packs`` (+ ``extend``), less
    ``disable-packs`` (+ ``disable``) and the bundled packs an ``extend-packs`` pack of the same
    name replaces (:func:`errlint.packs.registry.assemble`); ``enable-packs`` (+ ``everywhere``)
    apply to every file; ``store`` keeps the pack files' parsed tables between runs
    (:class:`errlint.packs.reader.ParsedStore`).
    A pack name that matches no pack is a :class:`ConfigError` naming the file and the key."""
    from ..packs import assemble, load_packs

    files, applies_everywhere, left_out = _pack_choices(config, extend, disable, everywhere)
    packs = load_packs(files, applies_everywhere, store)
    known = {p.name: p for p in packs}  # a project's pack after the bundled one it replaces
    where = config.path or "command line"
    for key, names in (("disable-packs", config.disable_packs), ("enable-packs", config.enable_packs)):
        for name in names:
            if name not in known:
                raise ConfigError(f"{where}: [tool.errlint] {key}: unknown pack {name!r} (known: {', '.join(sorted(known))})")
    for name in config.enable_packs:
        if known[name].modules or known[name].is_language:
            raise ConfigError(
                f"{where}: [tool.errlint] enable-packs: {name!r} has modules; it applies wherever they are imported "
                "(enable-packs is for packs without a module, such as altus4)"
            )
    return assemble(packs, left_out)


def project_packs_digest(
    config: Config, extend: tuple[str, ...] = (), disable: tuple[str, ...] = (), everywhere: tuple[str, ...] = (),
) -> str | None:
    """What decides :func:`project_registry`'s packs for the same arguments, as a digest
    (:func:`errlint.packs.packs_digest`), without loading them; None when a pack file cannot be read."""
    from ..packs import packs_digest

    return packs_digest(*_pack_choices(config, extend, disable, everywhere))


def _pack_choices(config: Config, extend: tuple[str, ...], disable: tuple[str, ...], everywhere: tuple[str, ...]):
    """(the extra pack files, the packs that apply everywhere, the packs left out): the
    configuration's choices with the command line's added, for the registry and its digest alike."""
    return (*config.extend_packs, *extend), (*config.enable_packs, *everywhere), (*config.disable_packs, *disable)


def find_config(start: str | Path, found: dict[Path, Config] | None = None) -> Config:
    """The configuration for a path: the nearest pyproject.toml with [tool.errlint], else the defaults.

    ``found``: the answers so far by directory (a run's), so that the files of one directory
    share one search and one reading of the configuration they find."""
    # os.path.realpath, not Path.resolve: a symbolic link loop (a.py -> b.py -> a.py) is
    # left as it is instead of raising, and the file is reported as unreadable later.
    # os.path.isdir / isfile, not Path's: a directory errlint may not search (no x permission)
    # answers False instead of raising, and the file is reported as unreadable later.
    here = Path(os.path.realpath(start))
    directory = here if os.path.isdir(here) else here.parent
    config = None
    for candidate in (directory, *directory.parents):
        if found is not None and candidate in found:
            config = found[candidate]
            break
        pyproject = candidate / "pyproject.toml"
        if os.path.isfile(pyproject):
            config = load_config(pyproject, required=False)
            if config is not None:
                break
    if config is None:
        config = Config(root=Path.cwd())
    if found is not None:
        found[directory] = config
    return config
