"""Classes and clients reached through members of imported values (the ``[typescript]`` table of a pack).

A named import gives a pack's class directly (``import { RateLimitError } from "openai"``).
SDKs also hang their classes off other values, which the pack names as member paths:

* the default export and its statics: ``import OpenAI from "openai"`` binds the class
  ``default_export`` names, so ``new OpenAI()`` builds a client and ``OpenAI.RateLimitError``
  is a class when the pack lists ``"OpenAI"`` in ``namespaces``;
* a namespace exported by name: ``import { Cohere } from "cohere-ai"; Cohere.BadRequestError``;
* two levels: ``Stripe.errors.StripeCardError`` (``namespaces = ["Stripe.errors"]``);
* CommonJS, where ``require()`` returns the default export itself (``const Stripe =
  require("stripe")``): its members are the default export's, and the names of the module;
* a member of a client built at the top of the module (``const stripe = new Stripe(key)``,
  ``require("stripe")(key)``): ``stripe.errors.StripeCardError`` (``client_namespaces``).

This module reads the syntax (a chain of members from a name); :class:`~errlint.typescript.names.ModuleNames`
gives the bindings and the packs.
"""
from __future__ import annotations

import posixpath

from ..packs.model import npm_module


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


_WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"})


def _inner(node):
    while node is not None and node.type in _WRAPPERS:
        kids = [c for c in node.named_children if c.type != "comment"]
        if not kids:
            return node
        node = kids[0]
    return node


def chain(node) -> tuple[str, list[str]] | None:
    """``a.b.c`` (optional chaining too): ("a", ["b", "c"]); None for anything else."""
    props: list[str] = []
    node = _inner(node)
    while node is not None and node.type == "member_expression":
        prop = node.child_by_field_name("property")
        if prop is None or prop.type != "property_identifier":
            return None
        props.append(_text(prop))
        node = _inner(node.child_by_field_name("object"))
    if node is None or node.type != "identifier" or not props:
        return None
    return _text(node), props[::-1]


def default_class(pack) -> str | None:
    """The short name of the class the pack's default export is (None: none)."""
    found = pack.ts.default_export if pack is not None else None
    return found.rpartition(".")[2] if found else None


def member_class(pack, binding, props: list[str]) -> str | None:
    """The pack class ``<name>.<props...>`` names, where ``<name>`` has ``binding``; None: not one of its classes."""
    if pack is None or len(props) < 1:
        return None
    kind, _spec, imported = binding
    *path, name = props
    where = ".".join(path)
    ts = pack.ts
    if kind == "instance":
        found = where in ts.client_namespaces
    elif kind == "namespace":
        default = default_class(pack)
        found = not path or where in ts.namespaces or f"{default or 'default'}.{where}" in ts.namespaces
    elif kind == "named":
        head = (default_class(pack) or "default") if imported == "default" else imported
        found = head is not None and ".".join([head, *path]) in ts.namespaces
    else:
        found = False
    return f"{npm_module(pack.npm[0])}.{name}" if found else None


def heritage(node):
    """The expression a class extends (None: it extends nothing errlint can read)."""
    heritage = next((c for c in [c for c in node.named_children if c.type != "comment"] if c.type == "class_heritage"), None)
    if heritage is not None:
        for part in [c for c in heritage.named_children if c.type != "comment"]:
            if part.type == "extends_clause":  # TypeScript: extends_clause value: ...
                return part.child_by_field_name("value")
            if part.type != "implements_clause":  # JavaScript: the expression itself
                return part
    return None


def relative_module(module: str, spec: str) -> str:
    """The module a relative specifier names, from the folder of ``module``: (``./api``, ``./errors.js``) -> ``./errors``."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(module) or ".", spec))
    for suffix in (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"):
        if joined.endswith(suffix):
            joined = joined[: -len(suffix)]
            break
    return joined if joined.startswith("../") or joined == ".." else "./" + joined
