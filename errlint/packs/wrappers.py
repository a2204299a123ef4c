"""Reading a pack's ``[[retry_wrappers]]``: the retry constructs an SDK ships (google-api-core's
``Retry``), described as data so the Python front end reads them like tenacity's ``@retry``
(see :class:`errlint.packs.model.RetryWrapper`)."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .model import RetryWrapper
from .reader import _array_of_tables, _Reader

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEYS = (
    "callables", "description", "on_keyword", "on_builders", "default_on", "default_predicates",
    "unbounded_when_none", "unbounded", "wait", "source",
)
_WAITS = ("none", "constant", "backoff", "retry-after")


def read_retry_wrappers(r: _Reader, data: Mapping[str, Any], resolve: Callable[[str, str], str]) -> tuple[RetryWrapper, ...]:
    """The pack's ``[[retry_wrappers]]``; ``resolve`` names a class of the pack (or of another pack) in full."""
    out = []
    for i, item in enumerate(_array_of_tables(r, data, "retry_wrappers")):
        where = f"retry_wrappers[{i}]"
        item = r.table(item, where, _KEYS)
        callables = r.strings(item, "callables", where, _DOTTED)
        if not callables:
            raise r.fail(f"{where}.callables", "required")
        on_keyword = r.string(item, "on_keyword", where)
        if not on_keyword or not _NAME.match(on_keyword):
            raise r.fail(f"{where}.on_keyword", "required: the keyword that says what it retries on")
        out.append(RetryWrapper(
            callables=callables,
            description=r.string(item, "description", where) or "@" + callables[0].rpartition(".")[2] + "(...)",
            on_keyword=on_keyword,
            on_builders=r.strings(item, "on_builders", where, _DOTTED),
            default_on=tuple(resolve(x, f"{where}.default_on") for x in r.strings(item, "default_on", where, _DOTTED)),
            default_predicates=r.strings(item, "default_predicates", where, _DOTTED),
            unbounded_when_none=r.strings(item, "unbounded_when_none", where, _NAME),
            unbounded=r.string(item, "unbounded", where, "") or "",
            wait=r.choice(item, "wait", where, _WAITS, "none"),
            source=r.string(item, "source", where, "") or "",
        ))
    return tuple(out)
