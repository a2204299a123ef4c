"""flake8 plugin: the same checks, through flake8's ``flake8.extension`` entry point (prefix ``ERR``).

flake8 hands a plugin the file's lines and a stdlib ``ast`` tree; errlint
parses the lines again with LibCST (its checks need the concrete syntax tree)
and reports what the command line reports for the same file: classes the file
imports from other project modules are read from disk on demand, as the
command line reads them (see :mod:`errlint.project`; the ``src`` roots come
from ``[tool.errlint]``).  ``# noqa`` is left to flake8, so ``--disable-noqa``
works as usual.

Options (command line or the ``[flake8]`` section of setup.cfg / tox.ini / .flake8)::

    --errlint-extend-packs=path/to/acme.toml,other.toml
    --errlint-disable-packs=altus4

Packs named in ``[tool.errlint]`` of the nearest pyproject.toml are loaded too.
"""
from __future__ import annotations

import io
import tokenize
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import __version__
from .checks import ALL_CHECKS
from .config import ConfigError, find_config
from .diagnostics import PARSE_ERROR
from .engine import Linter
from .packs import PackError, load_registry

_LINTERS: dict[tuple, Linter | str] = {}


class Flake8Plugin:
    name = "errlint"
    version = __version__

    extend_packs: tuple[str, ...] = ()
    disable_packs: tuple[str, ...] = ()

    def __init__(self, tree: Any, lines: list[str], filename: str) -> None:
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, option_manager) -> None:
        option_manager.add_option(
            "--errlint-extend-packs", default="", parse_from_config=True, comma_separated_list=True,
            help="errlint: extra rule packs (TOML files) to load",
        )
        option_manager.add_option(
            "--errlint-disable-packs", default="", parse_from_config=True, comma_separated_list=True,
            help="errlint: bundled rule packs to leave out (e.g. altus4)",
        )

    @classmethod
    def parse_options(cls, options) -> None:
        cls.extend_packs = tuple(p for p in getattr(options, "errlint_extend_packs", None) or () if p)
        cls.disable_packs = tuple(p for p in getattr(options, "errlint_disable_packs", None) or () if p)

    def _linter(self) -> Linter | str:
        try:
            config = find_config(self.filename if self.filename not in ("-", "stdin") else ".")
        except ConfigError as exc:
            return str(exc)
        packs = (*map(str, config.extend_packs), *(str(Path(p).resolve()) for p in self.extend_packs))
        disabled = (*config.disable_packs, *self.disable_packs)
        key = (packs, disabled, config.src_roots)
        linter = _LINTERS.get(key)
        if linter is None:
            try:
                linter = Linter(load_registry(packs, disabled), ALL_CHECKS, noqa=False, src=config.src_roots)
            except PackError as exc:
                linter = str(exc)
            _LINTERS[key] = linter
        return linter

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        linter = self._linter()
        if isinstance(linter, str):
            yield 1, 0, f"{PARSE_ERROR} cannot load errlint configuration: {linter}", type(self)
            return
        text = "".join(self.lines)
        encoding = "utf-8"
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(text.encode("utf-8", "surrogateescape")).readline)
        except SyntaxError:
            pass
        try:
            source = text.encode(encoding, "surrogateescape")
        except (LookupError, UnicodeEncodeError):
            source = text.encode("utf-8", "surrogateescape")
        if text.startswith("\ufeff"):
            source = text[1:].encode("utf-8", "surrogateescape")
        result = linter.lint_source(self.filename, source)
        for d in result.diagnostics:
            yield d.line, max(d.column - 1, 0), f"{d.code} {d.message}", type(self)
