"""A check's triggers on a registry: the tests on a file's bytes that decide whether the check
can report on it at all (see ``Check.triggers``; tested by :meth:`errlint.engine.Linter._triggered`)."""
from __future__ import annotations

from ..checks.base import SDK_MODULES, SEVERAL_HANDLERS, Check, PackValues
from ..packs import PackRegistry


def triggers_of(check: type[Check], registry: PackRegistry) -> tuple:
    """Each trigger as bytes to find, a compiled bytes regex, or a function of the bytes."""
    from ..python.prefilter import literal_pattern

    words: list = []
    for t in check.triggers:
        if t == SEVERAL_HANDLERS:
            from ..python.prefilter import several_handlers_possible

            words.append(several_handlers_possible)
        elif t == SDK_MODULES:
            sdk = {m.split(".")[0] for p in registry.packs if not p.is_language for m in p.modules}
            sdk.update(c.split(".")[0] for p in registry.packs for w in p.retry_wrappers for c in w.callables)
            words.extend(m.encode() for m in sorted(sdk))
        elif isinstance(t, PackValues):
            from ..python.scope import evidence_test

            for pack in registry.packs:
                values = [value for table in (pack.codes, pack.statuses) for value, policy in table.items() if policy.retry == t.retry]
                if pack.modules or not values:
                    continue
                words.append(_values_in_scope(literal_pattern(values), None if pack.everywhere else evidence_test(pack)))
        elif isinstance(t, str):
            words.append(t.encode())
        else:
            words.append(t)  # a compiled bytes regex
    return tuple(words)


def _values_in_scope(values, evidence):
    """A trigger: the file holds one of a module-less pack's values and, unless the pack
    applies everywhere, a trace of its scope evidence (python/scope.py)."""

    def trigger(source: bytes) -> bool:
        # the scope evidence first: seldom found, and tested by plain searches; the values' pattern is long
        if evidence is not None and not evidence(source):
            return False
        return values.search(source) is not None

    return trigger
