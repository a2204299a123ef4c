"""How often an auto-retrying SDK call retries in TypeScript, given how its client was built.

The TypeScript side of a pack's ``[[auto_retry]]`` names where code changes the
attempts (``typescript_settings``): a property path inside the options object of
the call that builds the client (``new OpenAI({ maxRetries: 0 })``, ``new
Stripe(key, { maxNetworkRetries: 0 })``, ``new S3Client({ maxAttempts: 1 })``,
``new WebClient(token, { retryConfig: { retries: 0 } })``), of the SDK call itself
(``create(body, { maxRetries: 0 })``), or of a method that returns a reconfigured
copy (``client.withOptions({ maxRetries: 0 })``, ``typescript_reconfigure``); a
number counts retries or attempts, or a literal means a number of attempts
(``retryConfig: { strategy: "none" }``). This module follows the receiver of an
SDK call back to what built it, as errlint/python/clientconfig.py does for Python,
and knows nothing of any particular SDK. The answer is a :class:`~errlint.facts.Retries`:
``known`` (read, or built here without the setting: the documented default),
``assumed`` (the client comes from elsewhere: the default is assumed and the
message says so), ``unknown`` (a setting errlint cannot evaluate: the author
configured retries deliberately, the checks stay silent).
"""
from __future__ import annotations

from dataclasses import replace

from ..facts import Retries
from .bindings import Bindings, int_literal
from .names import named, string_value, text, unwrap

_MISSING = object()  # not written: the documented default applies
_OPAQUE = object()  # written, but not something errlint can evaluate
_PASS = frozenset({"parenthesized_expression", "non_null_expression", "satisfies_expression", "await_expression", "as_expression"})
_MAX_DEPTH = 16


def _literal(node):
    """A literal's text as a setting's ``values`` key (``none``, ``false``, ``3``), its int, or _OPAQUE."""
    node = unwrap(node)
    if node is None:
        return _OPAQUE
    if node.type in ("true", "false"):
        return node.type
    if node.type in ("null", "undefined"):
        return _MISSING
    if node.type == "identifier" and text(node) == "undefined":
        return _MISSING
    if node.type == "number":
        value = int_literal(node)
        return value if value is not None else _OPAQUE
    value = string_value(node)
    return value if value is not None else _OPAQUE


class TsClientConfig:
    """Per file: reads the retry settings of the clients the SDK calls go through."""

    def __init__(self, receivers) -> None:
        self.receivers = receivers
        self.bindings = Bindings()

    def _where(self, node):
        span = self.receivers.span
        return span(node) if span is not None else None

    # -- entry point -------------------------------------------------------------------
    def retries(self, call, auto) -> Retries:
        default = auto.attempts
        if not auto.settings:
            return Retries("known", default)  # the pack names no knob: the documented policy holds
        found = self._settings(call, [s for s in auto.settings if s.at == "call"])
        if found is not None:
            return found
        func = call.child_by_field_name("function")
        obj = func.child_by_field_name("object") if func is not None and func.type == "member_expression" else None
        if obj is None:
            return Retries("assumed", default, "")
        return self._expr(obj, auto, default, 0)

    def _settings(self, call, settings) -> Retries | None:
        """The first setting ``call`` writes (None: none of them)."""
        for setting in settings:
            value = self._read(call, setting)
            if value is not _MISSING and "*" in setting.values and not isinstance(value, (int, str)):
                value = "*"  # written, whatever it is (httpOptions.retryOptions: {...}): the value for any
            if value is _OPAQUE or (value is not _MISSING and setting.counts == "any"):
                return Retries("unknown", None)
            if value is _MISSING:
                continue
            if setting.counts == "any":
                return Retries("unknown", None)  # a policy of its own (a retry strategy object): not counted
            shown = f"{'.'.join(setting.path)}: {value!r}" if isinstance(value, str) else f"{'.'.join(setting.path)}: {value}"
            if setting.values:
                key = value if isinstance(value, str) else str(value)
                attempts = setting.values.get(key, setting.values.get("*"))
                if attempts is None:
                    return Retries("unknown", None)  # a value the pack does not name
                return Retries("known", attempts or None, shown, self._where(call))
            if not isinstance(value, int) or value < 0:
                return Retries("unknown", None)
            return Retries("known", setting.attempts(value), shown, self._where(call))
        return None

    # -- following the receiver ------------------------------------------------------
    def _expr(self, expr, auto, default, depth: int) -> Retries:
        expr = unwrap(expr) if expr is not None and expr.type != "await_expression" else expr
        while expr is not None and expr.type in _PASS:
            kids = named(expr)
            expr = kids[0] if kids else None
        if expr is None or depth > _MAX_DEPTH:
            return Retries("unknown", None)
        kind = expr.type
        if kind in ("new_expression", "call_expression"):
            return self._built_by(expr, auto, default, depth)
        if kind == "identifier":
            return self._name(expr, auto, default, depth)
        if kind == "member_expression":
            obj = unwrap(expr.child_by_field_name("object"))
            prop = expr.child_by_field_name("property")
            if obj is not None and obj.type == "this" and prop is not None:
                values = self._field_values(expr, text(prop))
                return self._from_values(values, f"this.{text(prop)}", auto, default, depth)
            if obj is not None and self.receivers.client_of(obj) is not None:
                return self._expr(obj, auto, default, depth + 1)  # client.chat.completions -> client
            return self._assumed(" ".join(text(expr).split()), default)
        return self._assumed("the client", default)

    def _name(self, ident, auto, default, depth: int) -> Retries:
        bound = self.bindings.lookup(text(ident), ident)
        values = [v for how, v in bound if how in ("const", "let", "assign") and v is not None]
        if len(values) != len(bound) or not values:
            return self._assumed(text(ident), default)  # a parameter, a destructured name: built elsewhere
        return self._from_values(values, text(ident), auto, default, depth)

    def _from_values(self, values, shown: str, auto, default, depth: int) -> Retries:
        if not values:
            return self._assumed(shown, default)
        answers = {self._expr(v, auto, default, depth + 1) for v in values}
        if len(answers) == 1:
            return answers.pop()
        if all(a.off for a in answers):
            return Retries("known", 1, "")
        return Retries("unknown", None)  # built in different ways on different paths

    @staticmethod
    def _assumed(shown: str, default) -> Retries:
        return Retries("assumed", default, f"assumed: how {shown} is built is not visible here, so the documented default applies")

    def _built_by(self, call, auto, default, depth: int) -> Retries:
        client = self.receivers.client_of(call)
        if client is None:
            return self._assumed("the client", default)
        if client.how == "reconfigured" or client.how == "factory-of":
            settings = [_on_copy(s) for s in auto.settings if s.at == "client"] if client.how == "reconfigured" else []
            found = self._settings(call, settings)
            if found is not None:
                return found
            func = unwrap(call.child_by_field_name("function"))
            base = func.child_by_field_name("object") if client.how == "reconfigured" else _first_argument(call)
            return self._expr(base, auto, default, depth + 1)
        if client.how == "factory":  # a function of the file that returns one: what its returns build
            values = self._returns(call)
            if values:
                return self._from_values(values, " ".join(text(call).split())[:40], auto, default, depth)
        if client.how != "constructed":
            return self._assumed(" ".join(text(call).split())[:40], default)
        if "?defaults" in client.plugins:
            return Retries("unknown", None)  # Octokit.plugin(retry).defaults({ retry: ... }): options errlint does not merge
        found = self._settings(call, [s for s in auto.settings if s.at == "client"])
        if found is not None:
            return found
        return Retries("known", default, "")  # built here without the setting: the documented default

    # -- reading an options object ---------------------------------------------------
    def _read(self, call, setting):
        args = call.child_by_field_name("arguments")
        values = [a for a in named(args)] if args is not None else []
        if any(v.type == "spread_element" for v in values):
            return _OPAQUE
        index = setting.arg if setting.arg >= 0 else len(values) + setting.arg
        if not 0 <= index < len(values):
            return _MISSING
        value = unwrap(values[index])
        if setting.at == "call" and index == 0 and value is not None and value.type == "identifier":
            # create(params): the request's own argument, passed as a name (request options follow it)
            bound = self.bindings.lookup(text(value), value)
            if not (len(bound) == 1 and bound[0][0] in ("const", "let")):
                return _MISSING
        return self._path(value, setting.path, 0, 0)

    def _path(self, node, path, i: int, depth: int):
        node = unwrap(node)
        if node is None or depth > 8:
            return _OPAQUE
        if i == len(path):
            return _literal(node)
        if node.type == "identifier":
            bound = self.bindings.lookup(text(node), node)
            if len(bound) == 1 and bound[0][0] in ("const", "let") and bound[0][1] is not None:
                return self._path(bound[0][1], path, i, depth + 1)
            return _OPAQUE if i > 0 or bound else _MISSING  # a first argument that is a name: not an options object
        if node.type != "object":
            return _MISSING if i == 0 else _OPAQUE  # new Stripe(key): the options object is left out
        found = _MISSING
        for prop in named(node):
            if prop.type == "spread_element":
                found = _OPAQUE  # a later spread may set it
            elif prop.type == "pair":
                key = prop.child_by_field_name("key")
                name = string_value(key) if key is not None and key.type == "string" else (text(key) if key is not None else None)
                if name == path[i]:
                    found = self._path(prop.child_by_field_name("value"), path, i + 1, depth + 1)
            elif prop.type == "shorthand_property_identifier" and text(prop) == path[i]:
                found = self._path(prop, path, i + 1, depth + 1) if i + 1 < len(path) else self._shorthand(prop)
        return found

    def _shorthand(self, prop):
        """``{ maxRetries }``: the value of the name it repeats."""
        bound = self.bindings.lookup(text(prop), prop)
        if len(bound) == 1 and bound[0][0] in ("const", "let"):
            return _literal(bound[0][1])
        return _OPAQUE

    def _returns(self, call) -> list:
        """The values the function of the file that ``call`` calls returns (its expression body, or its ``return``s)."""
        from .scopes import FUNCTIONS, walk

        func = unwrap(call.child_by_field_name("function"))
        function = None
        if func is not None and func.type == "identifier":
            decl = self.receivers._declaration(func)
            if decl is not None and decl[0] == "function":
                function = decl[3]
            elif decl is not None and decl[0] == "variable" and decl[2] is not None and decl[2].type in FUNCTIONS:
                function = decl[2]
        body = function.child_by_field_name("body") if function is not None else None
        if body is None:
            return []
        if body.type != "statement_block":
            return [body]
        out = []
        for node in walk(body):
            if node.type == "return_statement":
                kids = named(node)
                if not kids:
                    return []
                out.append(kids[0])
        return out

    def _field_values(self, member, name: str) -> list:
        """What the class around ``member`` assigns to ``this.<name>`` (fields, constructor, methods)."""
        body = self.receivers._class_body(member)
        out = []
        for m in named(body) if body is not None else ():
            if m.type == "public_field_definition":
                field = m.child_by_field_name("name")
                if field is not None and text(field) == name and m.child_by_field_name("value") is not None:
                    out.append(m.child_by_field_name("value"))
            elif m.type == "method_definition":
                out.extend(self.receivers._assigned(m, name))
        return out


def _on_copy(setting):
    """A client setting read on ``withOptions(options)``: the options object is its last argument."""
    return replace(setting, arg=-1)


def _first_argument(call):
    args = call.child_by_field_name("arguments")
    values = named(args) if args is not None else []
    return values[0] if values else None
