"""The open documents: their text as the editor has it (unsaved), version, path and language.

errlint keeps its own copy of each open document instead of pygls' workspace
documents, whose lines break at every character :meth:`str.splitlines`
breaks at (a form feed in an old Python file shifts every later line, and an
incremental edit lands on the wrong one); here lines are LSP's
(:mod:`errlint.server.text`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from lsprotocol import types as t

from ..paths import real_path
from ..typescript import is_typescript
from .text import Text, apply_change, to_bytes

PYTHON, TYPESCRIPT = "python", "typescript"
PYTHON_SUFFIXES = (".py", ".pyi")
# what a document that is not a file (an untitled buffer) is linted as, by its language id
_SUFFIX_OF_LANGUAGE = {
    "python": ".py", "typescript": ".ts", "typescriptreact": ".tsx", "javascript": ".js", "javascriptreact": ".jsx",
}


def uri_to_path(uri: str) -> str | None:
    """The file system path of a ``file:`` URI, else None."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and len(path) > 2 and path[0] == "/" and path[2] == ":":  # pragma: no cover - Windows
        path = path[1:]
    if parsed.netloc:  # pragma: no cover - UNC paths
        path = f"//{parsed.netloc}{path}"
    return os.path.normpath(path)


def language_of(path: str) -> str | None:
    if path.lower().endswith(PYTHON_SUFFIXES):
        return PYTHON
    if is_typescript(path):
        return TYPESCRIPT
    return None


@dataclass
class Document:
    uri: str  # as the client spelled it: diagnostics are published under it
    path: str  # the file's path; an untitled buffer's made-up one in the workspace
    language: str | None  # PYTHON, TYPESCRIPT, or None: not linted
    version: int | None
    source: str
    on_disk: bool  # a file: URI (configuration excludes apply)
    encoding: str = "utf-16"  # the client's position encoding
    _text: Text | None = field(default=None, repr=False)
    _bytes: tuple[str, bytes, str] | None = field(default=None, repr=False)

    @property
    def text(self) -> Text:
        if self._text is None or self._text.source is not self.source:
            self._text = Text(self.source, self.encoding)
        return self._text

    @property
    def key(self) -> str:
        """The real path: the key of the document in the session's overlay."""
        return real_path(os.path.abspath(self.path))

    def data(self) -> tuple[bytes, str]:
        """The text as the file's bytes (see :func:`errlint.server.text.to_bytes`) and their encoding."""
        if self._bytes is None or self._bytes[0] is not self.source:
            data, encoding = to_bytes(self.source, self.language == PYTHON)
            self._bytes = (self.source, data, encoding)
        return self._bytes[1], self._bytes[2]


class Documents:
    """The open documents by URI."""

    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}
        self.encoding = "utf-16"
        self.root: str = os.getcwd()  # where an untitled buffer is taken to be

    def __iter__(self):
        return iter(list(self._docs.values()))

    def __len__(self) -> int:
        return len(self._docs)

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def open(self, item: t.TextDocumentItem) -> Document:
        path = uri_to_path(item.uri)
        on_disk = path is not None
        if path is None:
            name = os.path.basename(unquote(urlparse(item.uri).path)) or "untitled"
            if language_of(name) is None:
                name += _SUFFIX_OF_LANGUAGE.get(item.language_id, "")
            path = os.path.join(self.root, name)
        language = language_of(path)
        doc = Document(item.uri, path, language, item.version, item.text, on_disk, self.encoding)
        self._docs[item.uri] = doc
        return doc

    def change(self, params: t.DidChangeTextDocumentParams) -> Document | None:
        doc = self._docs.get(params.text_document.uri)
        if doc is None:
            return None
        source = doc.source
        for change in params.content_changes:
            source = apply_change(source, change, self.encoding)
        doc.source = source
        doc.version = params.text_document.version
        return doc

    def close(self, uri: str) -> Document | None:
        return self._docs.pop(uri, None)
