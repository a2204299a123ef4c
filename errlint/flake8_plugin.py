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
    --errlint-enable-packs=altus4

``[tool.errlint]`` of the nearest pyproject.toml applies too, so ``flake8`` and
``errlint`` agree: its packs (extend-packs, disable-packs, enable-packs), its
rule selection (select, extend-select, ignore) and its per-file-ignores. flake8's
own select / ignore / per-file-ignores / noqa then filter what is left: a finding
is shown only when both configurations let it through.
"""
from __future__ import annotations

import io
import os
import tokenize
from collections.abc import Iterator
from typing import Any

from . import __version__
from .diagnostics import PARSE_ERROR
from .packs import PackError
from .run import Session
from .workspace.config import ConfigError, find_config
from .workspace.selection import SelectionError

_SESSIONS: dict[tuple, Session] = {}  # one per set of flake8 options: its linters outlive a file
_FAILED: dict[tuple, str] = {}  # a configuration errlint cannot load: its one-line problem


class Flake8Plugin:
    name = "errlint"
    version = __version__

    extend_packs: tuple[str, ...] = ()
    disable_packs: tuple[str, ...] = ()
    enable_packs: tuple[str, ...] = ()

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
        option_manager.add_option(
            "--errlint-enable-packs", default="", parse_from_config=True, comma_separated_list=True,
            help="errlint: packs without a module to apply to every file (e.g. altus4)",
        )

    @classmethod
    def parse_options(cls, options) -> None:
        cls.extend_packs = tuple(p for p in getattr(options, "errlint_extend_packs", None) or () if p)
        cls.disable_packs = tuple(p for p in getattr(options, "errlint_disable_packs", None) or () if p)
        cls.enable_packs = tuple(p for p in getattr(options, "errlint_enable_packs", None) or () if p)
        cls._check_options()

    @classmethod
    def _check_options(cls) -> None:
        """The configuration of the current directory and the packs the options name, loaded once
        before flake8 reads a file: a broken one (a pack's cycle, a FIFO, bad TOML) is one line and
        exit 2, as on errlint's command line. (A file under another configuration that is broken
        gets ERR000 saying so.)"""
        try:
            cls._session_for(cls.extend_packs, cls.disable_packs, cls.enable_packs).linter(find_config("."))
        except (ConfigError, PackError, SelectionError) as exc:
            import sys

            print(f"errlint: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None

    def _session(self) -> Session:
        return self._session_for(self.extend_packs, self.disable_packs, self.enable_packs)

    @staticmethod
    def _session_for(extend_packs, disable_packs, enable_packs) -> Session:
        # os.path.realpath, not Path.resolve: no crash on a link loop; a NUL byte is left for the packs to report
        extend = tuple(p if "\0" in p else os.path.realpath(p) for p in extend_packs)
        key = (extend, disable_packs, enable_packs)
        session = _SESSIONS.get(key)
        if session is None:
            session = _SESSIONS[key] = Session(extend_packs=extend, disable_packs=disable_packs, enable_packs=enable_packs, noqa=False)
        return session

    def _source(self) -> bytes:
        """The file's bytes as flake8 read them: its lines encoded back with the file's own coding."""
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
        return source

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        session = self._session()
        try:
            config = find_config(self.filename if self.filename not in ("-", "stdin") else ".")
        except ConfigError as exc:
            yield 1, 0, f"{PARSE_ERROR} cannot load errlint configuration: {exc}", type(self)
            return
        key = (*session.extra, config.path)
        if key not in _FAILED:
            try:
                session.linter(config)
            except (ConfigError, PackError, SelectionError) as exc:
                _FAILED[key] = str(exc)
        if key in _FAILED:
            yield 1, 0, f"{PARSE_ERROR} cannot load errlint configuration: {_FAILED[key]}", type(self)
            return
        result, _ = session.lint_source(self.filename, self._source(), config)
        for d in result.diagnostics:  # [tool.errlint] per-file-ignores applied, as the command line applies them
            yield d.line, max(d.column - 1, 0), f"{d.code} {d.message}", type(self)
