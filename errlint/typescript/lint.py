"""Linting one TypeScript or JavaScript file: parse, syntax verdict, facts, the checks that read them, ``// noqa``."""
from __future__ import annotations

import os
import re
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..diagnostics import INTERNAL_ERROR, PARSE_ERROR, Diagnostic
from ..source import NOQA_SLASHES, TOO_DEEP, noqa_filter, split_lines
from .catches import CatchReader
from .context import TsFile
from .effects import EffectReader
from .names import ModuleNames
from .parse import MAX_DEPTH, Lines, captures, deeper_than, grammar_for, is_declaration_file, nodes_of, parse, syntax_error
from .project import ProjectModules
from .receivers import SdkCalls
from .retry_facts import RetryFacts, order
from .wrappers import LIBRARIES, WrapperReader

# The facts this front end gathers so far (see errlint/python/build.py for the names): a check
# whose ``needs`` asks for more is not run on TypeScript yet, nor is a check that still visits LibCST.
# "calls": the SDK calls of each try body (TryStatement.calls / other_calls, receivers.py);
# "effects": what each branch does with the error (Handler.effect, effects.py);
# "constructs": the retry loops (loops.py: RetryConstruct, TryStatement.loop, Handler.retries) and
# the retry wrappers (wrappers.py: p-retry, async-retry, exponential-backoff, cockatiel);
# "waits": how a loop's retrying branches wait (Handler.wait / branches, waits.py);
# "collections": the status/code collections that decide a retry (Handler.retry_decisions) and
# those a file names as retryable (FileFacts.collections), statuses.py. Constructs and named
# collections are numbered in source order (seq) once every gatherer has added its own.
PROVIDED = frozenset({"tries", "calls", "effects", "constructs", "waits", "collections"})
_RETR = re.compile(rb"retr", re.IGNORECASE)  # retryable_name's cheap test: a name that says it holds what is retried

# catch clauses, `x.catch((e) => {...})` callbacks, class declarations
_CALLBACK = (
    '(call_expression function: (member_expression property: (property_identifier) @_p (#eq? @_p "catch"))'
    " arguments: (arguments . [(arrow_function) (function_expression)] @callback .))"
)
_PATTERNS = {
    "typescript": f"(catch_clause) @catch {_CALLBACK} (class_declaration) @class (abstract_class_declaration) @class",
    "tsx": f"(catch_clause) @catch {_CALLBACK} (class_declaration) @class (abstract_class_declaration) @class",
    "javascript": f"(catch_clause) @catch {_CALLBACK} (class_declaration) @class",
}


@dataclass
class TsResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: bool = False  # an internal error (ERR999): exit code 2
    reads: dict[str, str] = field(default_factory=dict)  # other project modules read: real path -> digest
    depends: dict[str, list] = field(default_factory=dict)  # the project's declarations read (npm_deps.py), for the cache


def runs_on_typescript(check) -> bool:
    """Does ``check`` (a Check class) read only facts this front end gathers?"""
    return bool(check.needs) and check.needs <= PROVIDED


def guarded(try_node):
    """What a try statement guards: the ``try`` block, or for ``promise.catch(cb)`` the promise."""
    if try_node.type == "try_statement":
        return try_node.child_by_field_name("body")
    func = try_node.child_by_field_name("function") if try_node.type == "call_expression" else None
    return func.child_by_field_name("object") if func is not None else None


def module_of(path: str) -> str:
    """A file's module for its classes' names: ``./`` and its name without the suffix (``src/errors.ts`` -> ``./errors``)."""
    name = os.path.basename(path)
    for suffix in (".d.ts", ".d.mts", ".d.cts"):
        if name.lower().endswith(suffix):
            return "./" + name[: -len(suffix)]
    return "./" + os.path.splitext(name)[0]


def _too_deep(path: str, root, lines: Lines) -> Diagnostic | None:
    """ERR000 at the first node deeper than MAX_DEPTH (the walks below would hang or recurse), or None."""
    deep = deeper_than(root)
    if deep is None:
        return None
    line, _ = lines.position(deep.start_byte)
    return Diagnostic(path, line, 1, PARSE_ERROR, f"cannot parse: {TOO_DEEP} (more than {MAX_DEPTH} levels, errlint's limit); file skipped",
                      rule="parse-error")


class _Parsed:
    """One parsed file and what every generation's run of it shares."""

    def __init__(self, path, module_name, grammar, tree, text, lines, found, catches, wrappers, enabled, needs, overlay) -> None:
        self.path, self.module_name, self.grammar, self.tree, self.text, self.lines = path, module_name, grammar, tree, text, lines
        self.found, self.catches, self.wrappers, self.enabled, self.needs = found, catches, wrappers, enabled, needs
        self.overlay = overlay  # real path -> bytes read instead of the disk's (the project modules it imports)


def lint_file(
    path: str, source: bytes, registry, checks: Sequence[type], module_name: str | None = None, noqa: bool = True,
    generations=None, overlay=None,
) -> TsResult:
    """Lint one TypeScript / JavaScript file with the enabled ``checks`` that read facts it gathers.

    ``generations(used, packs)``: the registry with the API generation of each SDK the file imports (``packs``,
    by name) for the names it uses, the choices and the result's ``depends`` (errlint/project/npm_deps.py, from
    the engine); a finding that holds only with a generation nothing decided says so. ``overlay``: real path ->
    bytes read instead of the disk's for the project modules it imports."""
    result = TsResult()
    grammar = grammar_for(path)
    if grammar is None or is_declaration_file(path):
        return result  # a declaration file holds no code to check (its classes are read where imported)
    tree, text = parse(source, grammar)
    lines = Lines(text)
    bad = syntax_error(path, tree, text, lines, grammar)
    if bad is not None:
        result.diagnostics.append(bad)
        return result
    enabled = [c for c in checks if runs_on_typescript(c)]
    if not enabled:
        return result
    needs = frozenset().union(*(c.needs for c in enabled))
    if "constructs" in needs:
        needs |= {"tries", "effects"}  # a retry loop's handlers are its catch's branches, with what they do
    found = captures(grammar, _PATTERNS[grammar], tree.root_node)
    catches = sorted([*found.get("catch", ()), *found.get("callback", ())], key=lambda n: n.start_byte)
    wrappers = "constructs" in needs and any(lib.encode() in source for lib in LIBRARIES)
    if not catches and not wrappers and not ("collections" in needs and _RETR.search(text)):
        return result  # no catch, no retry wrapper, and no collection named as retryable
    too_deep = _too_deep(path, tree.root_node, lines)  # before any walk: the generations read the imports too
    if too_deep is not None:
        result.diagnostics.append(too_deep)
        return result
    parsed = _Parsed(path, module_name, grammar, tree, text, lines, found, catches, wrappers, enabled, needs, overlay)
    choices = []
    if generations is not None:
        names = ModuleNames(tree.root_node, module_of(path), registry)
        packs = {p.name for p in (names.pack_of(spec) for spec in names.imported) if p is not None}
        if packs:
            registry, choices, depends = generations(used_names(names), packs)
            result.depends.update(depends)
    out = _run(parsed, registry, result)
    if out is None:
        return result
    diagnostics = out
    for choice in choices:
        if choice.by == "default" and diagnostics:
            diagnostics = _assumed(parsed, registry, choice, diagnostics)
    if noqa and diagnostics:
        diagnostics = noqa_filter(split_lines(text.decode("utf-8", "replace")), diagnostics, NOQA_SLASHES)
    result.diagnostics.extend(diagnostics)
    return result


def used_names(names: ModuleNames) -> frozenset[str]:
    """The qualified names the module imports from packs' npm packages (``npm:openai.OpenAIApi``): the evidence
    of an API generation."""
    out = set()
    for kind, spec, imported in names.bindings.values():
        if kind == "named" and spec is not None and names.pack_of(spec) is not None:
            out.add(names.imported_name(spec, imported))
    return frozenset(out)


def _assumed(parsed: _Parsed, registry, choice, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Findings that hold only with the pack's current generation, which nothing decided, say so (each other
    generation is linted to find out)."""
    from dataclasses import replace

    pack = registry.pack_named(choice.pack)
    for other in pack.generations_in(choice.generation.language):
        if other is choice.generation:
            continue
        variant = registry.with_generations([(choice.pack, other.name)])
        there = _run(parsed, variant, TsResult())
        if there is None:
            continue
        seen = {(d.code, d.line, d.column) for d in there}
        diagnostics = [d if (d.code, d.line, d.column) in seen else replace(d, message=choice.assumed(d.message, other)) for d in diagnostics]
    return diagnostics


def _run(parsed: _Parsed, registry, result: TsResult) -> list[Diagnostic] | None:
    """The facts of a parsed file with ``registry``'s packs, and the enabled checks' findings (None: the run
    stopped with a diagnostic in ``result``)."""
    path, needs, catches = parsed.path, parsed.needs, parsed.catches
    root = parsed.tree.root_node
    names = ModuleNames(root, module_of(path), registry)
    nested = [n for n in parsed.found.get("class", ()) if not _top_level(n, root)]
    if nested:
        names.add_local_classes(sorted(nested, key=lambda n: n.start_byte))
    project = ProjectModules(path, names.module, registry, parsed.overlay)
    ctx = TsFile(path, parsed.module_name or module_of(path), registry, names, parsed.lines, project)
    try:
        _gather(ctx, parsed, root, needs, catches)
    except RecursionError:
        result.diagnostics.append(Diagnostic(
            path, 1, 1, PARSE_ERROR, "cannot parse: too deeply nested for errlint's traversal (recursion limit); file skipped",
            rule="parse-error",
        ))
        return None
    except Exception as exc:
        _internal_error(result, path, None, exc)
        return None
    for cls in parsed.enabled:
        try:
            cls(ctx).run()
        except Exception as exc:
            _internal_error(result, path, cls, exc)
            return None
    result.reads.update(project.reads)
    rules = {c.code: c.name for c in parsed.enabled}
    seen = set()
    diagnostics = []
    for code, at, message, _request in ctx.found:  # no TypeScript fixes yet: the request is dropped
        d = Diagnostic(path, at.line, at.column, code, message, end_line=at.end_line, end_column=at.end_column, rule=rules.get(code, ""))
        key = (d.line, d.column, d.code, d.message)
        if key not in seen:  # a branch that heads several lists is judged in each: report it once
            seen.add(key)
            diagnostics.append(d)
    return diagnostics


def _gather(ctx: TsFile, parsed: _Parsed, root, needs, catches) -> None:
    """The facts the enabled checks need, in one pass over the catches, the SDK calls and the retry constructs."""
    names = ctx.names
    tries_of: dict[int, list] = {}  # catch node id -> its TryStatement facts
    if "tries" in needs:
        effects = EffectReader(names, ctx.registry) if "effects" in needs else None
        reader = CatchReader(names, ctx.span, effects)
        for catch in catches:
            if catch.type == "catch_clause":
                tries_of[catch.id] = reader.try_statements(catch)
            else:
                tries_of[catch.id] = reader.callback_statements(catch)
            ctx.tries.extend(tries_of[catch.id])
    read: dict[int, tuple] = {}
    if "calls" in needs:
        ctx.receivers = SdkCalls(names, ctx.registry, ctx.span, lambda types: nodes_of(parsed.grammar, types, root))
        for t in ctx.tries:
            key = t.node.id
            if key not in read:
                body = guarded(t.node)
                calls = ctx.receivers.calls_in(body)
                read[key] = (calls, ctx.receivers.count_calls(body) > len(calls))
            t.calls, t.other_calls = read[key]
    if needs & {"constructs", "collections"}:
        RetryFacts(ctx, needs).gather(root, catches, tries_of)
    if "calls" in needs:  # a retry loop's try runs the calls its TryStatement found
        for c in ctx.constructs:
            for rt in c.tries:
                rt.calls = read[rt.node.id][0] if rt.node.id in read else ()
            c.calls = tuple(call for rt in c.tries for call in rt.calls)
    if parsed.wrappers:  # retry wrappers (p-retry, async-retry, exponential-backoff, cockatiel)
        for c in WrapperReader(names, ctx.span).constructs(root):
            if ctx.receivers is not None:
                c.calls = ctx.receivers.calls_in(c.body)
            ctx.constructs.append(c)
    order(ctx)


def _top_level(node, root) -> bool:
    parent = node.parent
    while parent is not None and parent.type in ("export_statement", "ambient_declaration"):
        parent = parent.parent
    return parent == root


def _internal_error(result: TsResult, path: str, check, exc: BaseException) -> TsResult:
    where = f"{check.name} ({check.code})" if check is not None else "the TypeScript front end"
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" at {os.path.basename(frame.filename)}:{frame.lineno}" if frame else ""
    result.diagnostics.append(
        Diagnostic(path, 1, 1, INTERNAL_ERROR, f"internal error in {where}: {type(exc).__name__}: {exc}{at}", rule="internal-error")
    )
    result.error = True
    return result
