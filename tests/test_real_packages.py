"""Every SDK pack against the real package it describes (installed by the test extra).

For each class a pack takes from the real package (not ``docs_only``), the test
imports it from its defining module and checks the name, the module, the direct
bases, and every import name the pack gives it.  In the other direction, every
exception class the package exports from the pack's modules must be in the pack.
A new SDK release that moves or adds a class fails here instead of drifting.
"""
from __future__ import annotations

import importlib
import sys
from importlib import metadata

import pytest

from errlint.packs import load_registry

REGISTRY = load_registry()
SDK_PACKS = [p for p in REGISTRY.packs if p.package]


# The newest Python each pinned package needs (its Requires-Python).  Below it
# the test extra does not install the package and its checks are skipped; at or
# above it a missing package is a failure, not a skip.
MIN_PYTHON = {"alter-sdk": (3, 11), "alsorn": (3, 11), "shark-auth": (3, 9)}


@pytest.fixture(autouse=True)
def _installed(request):
    pack = request.node.callspec.params.get("pack") if hasattr(request.node, "callspec") else None
    if pack is None:
        return
    needs = MIN_PYTHON[pack.package]
    if sys.version_info < needs:
        pytest.skip(f"{pack.package} {pack.version} needs Python {needs[0]}.{needs[1]}+")


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _import(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_three_real_packages_are_covered():
    assert sorted(p.package for p in SDK_PACKS) == ["alsorn", "alter-sdk", "shark-auth"]


@pytest.mark.parametrize("pack", SDK_PACKS, ids=[p.name for p in SDK_PACKS])
def test_installed_version_is_the_one_the_pack_describes(pack):
    assert metadata.version(pack.package) == pack.version


@pytest.mark.parametrize("pack", SDK_PACKS, ids=[p.name for p in SDK_PACKS])
def test_every_pack_class_matches_the_real_hierarchy(pack):
    checked = 0
    for qual, spec in pack.errors.items():
        if spec.docs_only:
            continue
        cls = _import(qual)
        assert isinstance(cls, type) and issubclass(cls, BaseException), qual
        assert _qualified(cls) == qual, f"{spec.name}: defined in {cls.__module__}, pack says {qual}"
        real_bases = [_qualified(b) for b in cls.__bases__]
        pack_bases = [REGISTRY.graph.canonical(p) or p for p in spec.parents]
        assert real_bases == pack_bases, f"{spec.name}: real bases {real_bases}, pack {pack_bases}"
        for name in spec.import_names:
            assert _import(name) is cls, f"{name} is not {qual}"
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("pack", SDK_PACKS, ids=[p.name for p in SDK_PACKS])
def test_every_exported_exception_is_in_the_pack(pack):
    top = pack.modules[0].split(".")[0]
    missing = []
    for module_name in pack.modules:
        module = importlib.import_module(module_name)
        for attr, obj in vars(module).items():
            if attr.startswith("_") or not (isinstance(obj, type) and issubclass(obj, BaseException)):
                continue
            if not obj.__module__.startswith(top):
                continue
            if REGISTRY.graph.canonical(f"{module_name}.{attr}") != _qualified(obj):
                missing.append(f"{module_name}.{attr}")
    assert not missing, f"exported by {pack.package} but not in {pack.path}: {missing}"


def test_every_sdk_pack_has_a_minimum_python():
    assert sorted(MIN_PYTHON) == sorted(p.package for p in SDK_PACKS)


def test_docs_names_resolve_to_the_real_classes():
    graph = REGISTRY.graph
    assert graph.canonical("alsorn.AuthenticationError") == "alsorn.exceptions.AlsornAuthError"
    assert graph.canonical("alsorn.RateLimitError") == "alsorn.exceptions.AlsornRateLimitError"
    assert graph.canonical("alsorn.AlsornAPIError") == "alsorn.exceptions.AlsornAPIError"
    # alter_sdk's TimeoutError is not the builtin one
    assert not graph.is_subclass("alter_sdk.TimeoutError", "builtins.TimeoutError")
    assert graph.is_subclass("alter_sdk.TimeoutError", "alter_sdk.NetworkError")
