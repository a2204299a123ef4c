"""An SDK call in TypeScript and JavaScript: which method of which client, and what the pack says of it.

``<client>.<path>(...)`` is a call of the client's pack (receivers.py tells clients).
Its method is the last member (``create``); its *path* the members after the client
(``chat.completions.create``, ``interactions.create``), which a pack's TypeScript
methods may name (``interactions.create``, ``models.*``). A method the pack's
``[typescript] commands`` names runs a command object: ``client.send(new
GetObjectCommand(input))`` is the operation ``GetObjectCommand`` (also through a
name bound to ``new GetObjectCommand(...)``). The ``[[auto_retry]]`` entry that
applies is the first whose methods match and whose ``typescript_not_methods`` do
not; how often it retries, as the client was built, is clientconfig.py's answer:
none when retries are off or set to what errlint cannot read.
"""
from __future__ import annotations

import re

from ..facts import SdkCall
from .names import named, text, unwrap


def matches(pattern: str, path: str) -> bool:
    """Does a pack's TypeScript method name ``pattern`` name the call whose path is ``path``?"""
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        prefix = pattern[:-2]
        return path.startswith(prefix + ".") or f".{prefix}." in f".{path}"
    if "." in pattern:
        return path == pattern or path.endswith("." + pattern)
    return path.rpartition(".")[2] == pattern


def applies(auto, path: str) -> bool:
    return any(matches(m, path) for m in auto.methods) and not any(matches(m, path) for m in auto.not_methods)


def call_text(func) -> str:
    """``vault.request``, ``(await getVault()).request``: the callee as written, on one line."""
    one = " ".join(text(func).split())
    return re.sub(r" ?(\??\.) ?", r"\1", one)


def method_path(receivers, func) -> str:
    """The members of ``func`` (a member expression) after the client it starts from: ``chat.completions.create``."""
    parts = [text(func.child_by_field_name("property"))]
    obj = unwrap(func.child_by_field_name("object"))
    while obj is not None and obj.type == "member_expression":
        inner = unwrap(obj.child_by_field_name("object"))
        prop = obj.child_by_field_name("property")
        if inner is None or prop is None or inner.type == "this" or receivers.client_of(inner) is None:
            break
        parts.insert(0, text(prop))
        obj = inner
    return ".".join(parts)


def command(receivers, call) -> str | None:
    """``send(new GetObjectCommand(input))`` (or a name bound to one): ``GetObjectCommand``."""
    args = call.child_by_field_name("arguments")
    values = named(args) if args is not None else []
    value = unwrap(values[0]) if values else None
    if value is not None and value.type == "identifier":
        decl = receivers._declaration(value)
        value = unwrap(decl[2]) if decl is not None and decl[0] == "variable" and decl[2] is not None else None
    if value is None or value.type != "new_expression":
        return None
    ctor = unwrap(value.child_by_field_name("constructor"))
    if ctor is None:
        return None
    if ctor.type == "member_expression":  # new client_s3_1.GetObjectCommand(...) (compiled CommonJS)
        ctor = ctor.child_by_field_name("property")
    return text(ctor) if ctor is not None and ctor.type in ("identifier", "property_identifier") else None


def _built_with(auto, client) -> bool:
    """An entry for clients of a class built with a plugin (Octokit.plugin(retry)) applies to those only."""
    return not auto.plugins or any(p in auto.plugins for p in client.plugins)


def sdk_call(receivers, call) -> SdkCall | None:
    """The SDK call ``call`` is, if its receiver is a client."""
    func = call.child_by_field_name("function")
    if func is None or func.type != "member_expression":
        return None
    prop = func.child_by_field_name("property")
    if prop is None or prop.type not in ("property_identifier", "private_property_identifier"):
        return None
    client = receivers.client_of(func.child_by_field_name("object"))
    if client is None:
        return None
    pack = client.pack
    path = method_path(receivers, func)
    method = text(prop)
    if method in pack.ts.commands:
        name = command(receivers, call)
        if name is not None:
            method = path = name
    auto = next((a for a in pack.ts_auto_retry if applies(a, path) and _built_with(a, client)), None)
    retries = None
    if auto is not None:
        retries = receivers.config.retries(call, auto)
        if retries.state == "unknown" or retries.off:
            auto = None  # retries are off, or set to what errlint cannot read
    irreversible = next((i for i in pack.ts_irreversible if any(matches(m, path) for m in i.methods)), None)
    at = receivers.span(call) if receivers.span is not None else None
    return SdkCall(call, pack, method, call_text(func), client, auto, irreversible, retries, at)
