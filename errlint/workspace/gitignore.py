"""Which paths git ignores: ``.gitignore`` files and ``.git/info/exclude``, read without running git.

As in git (and ruff), ignore files count only inside a repository (a
directory holding ``.git``, a directory or a worktree's file): each
``.gitignore`` applies to its own directory and below, a deeper file's
patterns win over a shallower one's, the ``.gitignore`` files win over
``info/exclude``, and within one file the last matching pattern wins. A
repository nested in another (a submodule) starts afresh. The user's global
excludes file (``core.excludesFile``) is not read.

Pattern syntax (gitignore(5)): ``#`` comments, blank lines, ``!`` negation,
``\\`` escapes, trailing spaces dropped unless escaped, a trailing ``/`` for
directories only, a leading or inner ``/`` anchoring the pattern to the
file's directory (otherwise it matches at any depth), ``*``, ``?``,
``[...]`` within one path segment, ``**/`` / ``/**`` / ``/**/`` across segments.

A walk prunes ignored directories, so a file under an ignored directory is
never re-included (git's rule too); :meth:`GitIgnore.ignored` judges one
path by its own name only.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    negated: bool
    directory_only: bool


_POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "blank": " \\t", "digit": "0-9", "lower": "a-z",
    "upper": "A-Z", "space": " \\t\\n\\r\\f\\v", "xdigit": "0-9A-Fa-f",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
}


def _segment(glob: str) -> str:
    """The regular expression for one path segment of a gitignore glob."""
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if c == "\\" and i + 1 < n:
            out.append(re.escape(glob[i + 1]))
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = i + 1
            if j < n and glob[j] in "!^":
                j += 1
            if j < n and glob[j] == "]":
                j += 1
            while j < n and glob[j] != "]":
                if glob.startswith("[:", j) and ":]" in glob[j + 2 :]:
                    j = glob.index(":]", j + 2) + 1  # a POSIX class such as [:digit:]
                j += 1
            if j >= n:  # no closing bracket: a literal "["
                out.append(re.escape(c))
            else:
                body = glob[i + 1 : j]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                # a reversed range such as z-a matches its first character only (git's wildmatch)
                body = re.sub(r"([^\\\[:])-([^\]])", lambda m: m.group(0) if m.group(1) <= m.group(2) else m.group(1), body)
                body = body.replace("\\", "\\\\").replace("[", "\\[")
                body = re.sub(r"\\\[:(\w+):\]", lambda m: _POSIX_CLASSES.get(m.group(1), "\x00"), body)
                out.append(f"(?!/)[{'^' if negate else ''}{body}]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def compile_pattern(line: str) -> Pattern | None:
    """One line of an ignore file, or None for a blank line or a comment."""
    line = line.rstrip("\r\n")
    stripped = line.rstrip(" ")
    if stripped != line and stripped.endswith("\\") and not stripped.endswith("\\\\"):
        stripped += " "  # "\ " keeps one trailing space
    line = stripped
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    directory_only = line.endswith("/") and not line.endswith("\\/")
    line = line.rstrip("/") if directory_only else line
    if not line:
        return None
    anchored = "/" in line
    line = line.lstrip("/")
    segments = line.split("/")
    if segments == ["**"]:
        regex = ".*"
    else:
        regex = "" if anchored else "(?:.*/)?"
        for k, seg in enumerate(segments):
            last = k == len(segments) - 1
            if seg == "**":
                if k == 0:
                    regex += "(?:.*/)?"
                elif last:
                    regex += "/.*"
                else:
                    regex += "(?:/.*)?"
                continue
            if k > 0 and not (k == 1 and segments[0] == "**"):
                regex += "/"
            regex += _segment(seg)
    try:
        compiled = re.compile(regex, re.DOTALL)
    except re.error:  # not expected; a line errlint cannot read matches nothing rather than stopping the run
        return None
    return Pattern(compiled, negated, directory_only)


class IgnoreFile:
    """The patterns of one ignore file, matched relative to ``base``."""

    def __init__(self, base: str, text: str) -> None:
        self.base = base
        self.patterns = [p for p in map(compile_pattern, text.splitlines()) if p is not None]

    def match(self, rel: str, is_dir: bool) -> bool | None:
        """True: ignored; False: re-included by a ``!`` pattern; None: no pattern matches."""
        for pattern in reversed(self.patterns):
            if pattern.directory_only and not is_dir:
                continue
            if pattern.regex.fullmatch(rel):
                return not pattern.negated
        return None


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", "surrogateescape")
    except OSError:  # absent, a directory, unreadable, a symlink loop: no patterns
        return None


def _git_dir(dot_git: str) -> str | None:
    """The repository's git directory for a ``.git`` directory or a worktree's ``.git`` file."""
    if os.path.isdir(dot_git):
        return dot_git
    text = _read(dot_git)
    if text is None or not text.startswith("gitdir:"):
        return None
    git_dir = os.path.join(os.path.dirname(dot_git), text[len("gitdir:"):].strip())
    common = _read(os.path.join(git_dir, "commondir"))  # a linked worktree shares info/ with the main one
    return os.path.normpath(os.path.join(git_dir, common.strip()) if common else git_dir)


class GitIgnore:
    """Answers "does git ignore this path?" for one run, reading each ignore file once."""

    def __init__(self) -> None:
        self._chains: dict[str, tuple[IgnoreFile, ...] | None] = {}

    def _chain(self, directory: str) -> tuple[IgnoreFile, ...] | None:
        """The ignore files that apply in ``directory``, shallowest first; None outside a repository."""
        if directory in self._chains:
            return self._chains[directory]
        dot_git = os.path.join(directory, ".git")
        if os.path.lexists(dot_git):
            chain: tuple[IgnoreFile, ...] | None = ()
            git_dir = _git_dir(dot_git)
            exclude = _read(os.path.join(git_dir, "info", "exclude")) if git_dir else None
            if exclude:
                chain = (IgnoreFile(directory, exclude),)
        else:
            parent = os.path.dirname(directory)
            chain = None if parent == directory else self._chain(parent)
        if chain is not None:
            text = _read(os.path.join(directory, ".gitignore"))
            if text:
                chain = (*chain, IgnoreFile(directory, text))
        self._chains[directory] = chain
        return chain

    def ignored(self, path: str, is_dir: bool) -> bool:
        """Whether git ignores ``path`` itself (its directories are not looked at)."""
        path = os.path.abspath(path)
        chain = self._chain(os.path.dirname(path))
        if not chain:
            return False
        for ignore_file in reversed(chain):
            rel = os.path.relpath(path, ignore_file.base).replace(os.sep, "/")
            verdict = ignore_file.match(rel, is_dir)
            if verdict is not None:
                return verdict
        return False
