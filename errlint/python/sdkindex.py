"""Registry-wide lookups of the receiver analysis (:mod:`errlint.python.receivers`): client classes,
factories, conventional names and SDK modules of the packs, built once per registry."""
from __future__ import annotations

from ..packs import Pack, PackRegistry


class SdkIndex:
    """Registry-wide lookups for receivers, built once per registry."""

    def __init__(self, registry: PackRegistry) -> None:
        self.client_classes: dict[str, Pack] = {}
        self.factories: dict[str, tuple[Pack, str]] = {}
        self.conventional: dict[str, list[Pack]] = {}
        self.module_packs: list[tuple[str, Pack]] = []
        self.reauth_actions: set[str] = set()
        self.retry_wrappers: dict[str, object] = {}  # callable's qualname -> RetryWrapper
        for pack in registry.packs:
            if pack.is_language:
                continue  # builtins are not an SDK: print() is not an SDK call
            for c in pack.client_classes:
                self.client_classes[c] = pack
            for key, target in pack.factories.items():
                self.factories[key] = (pack, target)
            for n in pack.conventional_names:
                self.conventional.setdefault(n, []).append(pack)
            for m in pack.modules:
                self.module_packs.append((m, pack))
            self.reauth_actions.update(pack.reauth_actions)
            for wrapper in pack.retry_wrappers:
                for name in wrapper.callables:
                    self.retry_wrappers[name] = wrapper
        # longest module first: alter_sdk.exceptions before alter_sdk
        self.module_packs.sort(key=lambda mp: -len(mp[0]))

    def pack_of_qualname(self, qualname: str) -> Pack | None:
        for module, pack in self.module_packs:
            if qualname.startswith(module + "."):
                return pack
        return None


_INDEXES: dict[int, SdkIndex] = {}


def sdk_index(registry: PackRegistry) -> SdkIndex:
    index = _INDEXES.get(id(registry))
    if index is None or getattr(index, "_registry", None) is not registry:
        index = SdkIndex(registry)
        index._registry = registry  # type: ignore[attr-defined]
        _INDEXES[id(registry)] = index
    return index
