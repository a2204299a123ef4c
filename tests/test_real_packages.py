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
from cli_support import import_dotted as _import

from errlint.packs import load_registry

REGISTRY = load_registry()
SDK_PACKS = [p for p in REGISTRY.packs if p.package]


# The newest Python each pinned package needs (its Requires-Python).  Below it
# the test extra does not install the package and its checks are skipped; at or
# above it a missing package is a failure, not a skip.
MIN_PYTHON = {
    "alter-sdk": (3, 11), "alsorn": (3, 11), "shark-auth": (3, 9),
    "openai": (3, 10), "anthropic": (3, 10), "groq": (3, 10), "cohere": (3, 10), "boto3": (3, 10),
    "stripe": (3, 9), "google-api-core": (3, 10), "requests": (3, 10), "httpx": (3, 8), "urllib3": (3, 10),
}


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




def test_the_real_packages_are_covered():
    assert sorted(p.package for p in SDK_PACKS) == [
        "alsorn", "alter-sdk", "anthropic", "boto3", "cohere", "google-api-core", "groq", "httpx",
        "openai", "requests", "shark-auth", "stripe", "urllib3",
    ]


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


# The export modules of the class-tree packs, which name no SDK module (no calls, no triggers).
EXPORTS = {
    "google_api_core": ["google.api_core.exceptions"],
    "requests": ["requests", "requests.exceptions"],
    "httpx": ["httpx", "httpx._exceptions"],
    "urllib3": ["urllib3", "urllib3.exceptions"],
}


@pytest.mark.parametrize("pack", SDK_PACKS, ids=[p.name for p in SDK_PACKS])
def test_every_exported_exception_is_in_the_pack(pack):
    modules = pack.modules or EXPORTS[pack.name]
    top = modules[0].split(".")[0]
    missing = []
    for module_name in modules:
        module = importlib.import_module(module_name)
        for attr in dir(module):  # dir(): also the names a lazy module (stripe, cohere) gives on access
            obj = getattr(module, attr, None)
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


def test_public_sdk_trees_and_re_export_paths():
    graph = REGISTRY.graph
    # openai rewrites __module__ to "openai"; the defining module is a re-export path
    assert graph.canonical("openai._exceptions.APIError") == "openai.APIError"
    assert graph.is_subclass("openai.RateLimitError", "openai.APIError")
    assert graph.is_subclass("openai.APITimeoutError", "openai.APIConnectionError")
    # anthropic 2.x: 529 and 503 are InternalServerErrors; the 1.x names are aliases
    assert graph.is_subclass("anthropic.OverloadedError", "anthropic.InternalServerError")
    assert graph.canonical("anthropic.DeadlineExceededError") == "anthropic.GatewayTimeoutError"
    # stripe.error is an attribute alias of stripe._error
    assert graph.canonical("stripe.error.CardError") == graph.canonical("stripe.CardError") == "stripe._error.CardError"
    assert graph.canonical("stripe.oauth_error.InvalidRequestError") != graph.canonical("stripe.InvalidRequestError")
    # botocore's ConnectionError is not the builtin; requests' neither
    assert not graph.is_subclass("botocore.exceptions.ConnectionError", "builtins.ConnectionError")
    assert graph.is_subclass("requests.ConnectTimeout", "requests.Timeout")
    assert graph.is_subclass("requests.ConnectTimeout", "requests.ConnectionError")
    assert not graph.is_subclass("requests.ConnectionError", "builtins.ConnectionError")
    assert graph.is_subclass("cohere.NotImplementedError", "cohere.core.api_error.ApiError")
    assert not graph.is_subclass("cohere.NotImplementedError", "builtins.NotImplementedError")
    assert graph.is_subclass("google.api_core.exceptions.ResourceExhausted", "google.api_core.exceptions.TooManyRequests")


WRAPPER_PACKS = [p for p in SDK_PACKS if p.retry_wrappers]


@pytest.mark.parametrize("pack", WRAPPER_PACKS, ids=lambda p: p.name)
def test_retry_wrappers_match_the_real_package(pack):
    """Every callable, predicate builder and default predicate a [[retry_wrappers]] names exists,
    the predicate keyword is the callable's parameter, and ``default_on`` is what the package's
    default predicate accepts (the classes its ``if_exception_type`` closure holds)."""
    import inspect

    for w in pack.retry_wrappers:
        for name in w.callables:
            obj = _import(name)
            assert inspect.isclass(obj), name
            assert w.on_keyword in inspect.signature(obj).parameters, (name, w.on_keyword)
            assert list(inspect.signature(obj).parameters).index(w.on_keyword) == 0, "the first positional is read as the predicate"
            for kw in w.unbounded_when_none:
                params = inspect.signature(obj).parameters
                assert kw in params or any(p.kind is p.VAR_KEYWORD for p in params.values()), (name, kw)
        for name in w.on_builders:
            assert callable(_import(name)), name
        for name in w.default_predicates:
            predicate = _import(name)
            cells = [c.cell_contents for c in predicate.__closure__ or ()]
            types = next(c for c in cells if isinstance(c, tuple) and all(isinstance(t, type) for t in c))
            assert sorted(map(_qualified, types)) == sorted(w.default_on), name
