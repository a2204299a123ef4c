"""Pack validation: every broken pack is a one-line error naming the file and the key."""
from __future__ import annotations

import textwrap

import pytest

from errlint.packs import PackError, PackRegistry, bundled_pack_paths, load_pack, load_registry

GOOD = """
[sdk]
name = "acme"
modules = ["acme", "acme.errors"]
defined_in = "acme.errors"

[clients]
classes = ["acme.Client"]

[[auto_retry]]
methods = ["call"]
on = ["AcmeNetworkError"]
attempts = 2

[errors.AcmeError]
parent = "builtins.Exception"

[errors.AcmeNetworkError]
parent = ["AcmeError", "builtins.ConnectionError"]
retry = "transient"

[errors.AcmeAuthError]
parent = "AcmeError"
retry = "never"
reauth = true
action = "Log in again."

[statuses.429]
retry = "honor-retry-after"

[codes.BAD_INPUT]
status = 400
retry = "never"
"""


def write(tmp_path, text, name="acme.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def registry_with(path):
    return PackRegistry([*(load_pack(p) for p in bundled_pack_paths()), load_pack(path)])


def test_good_pack_loads_and_joins_the_graph(tmp_path):
    reg = registry_with(write(tmp_path, GOOD))
    graph = reg.graph
    assert graph.canonical("acme.AcmeAuthError") == "acme.errors.AcmeAuthError"
    assert graph.is_subclass("acme.AcmeNetworkError", "builtins.OSError")
    assert reg.spec("acme.AcmeAuthError").reauth is True
    pack = reg.pack_named("acme")
    assert pack.auto_retry[0].on == ("acme.errors.AcmeNetworkError",)
    assert pack.statuses["429"].retry == "honor-retry-after"
    assert pack.codes["BAD_INPUT"].status == 400


@pytest.mark.parametrize(
    "mutation, expected",
    [
        (("[errors.AcmeError]", "[errors.AcmeError]\ncolour = 'red'"), "errors.AcmeError.colour: unknown key"),
        (("[sdk]", "[sdk]\nflavour = 1"), "sdk.flavour: unknown key"),
        (('parent = "AcmeError"\nretry = "never"', 'parent = "NoSuchError"\nretry = "never"'), "errors.AcmeAuthError.parent: unknown class 'NoSuchError'"),
        (('retry = "never"', 'retry = "sometimes"'), "errors.AcmeAuthError.retry: unknown retry policy 'sometimes'"),
        (("reauth = true", "reauth = 'yes'"), "errors.AcmeAuthError.reauth: expected true or false"),
        (('on = ["AcmeNetworkError"]', 'on = ["Nope"]'), "auto_retry[0].on: unknown class 'Nope'"),
        (("[statuses.429]", "[statuses.teapot]"), "statuses.teapot: expected an HTTP status"),
        (("attempts = 2", "attempts = 'two'"), "auto_retry[0].attempts: expected an integer"),
        (('name = "acme"', 'name = ""'), "sdk.name: required"),
    ],
)
def test_invalid_pack_names_file_and_key(tmp_path, mutation, expected):
    old, new = mutation
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(PackError) as info:
        registry_with(path)
    message = str(info.value)
    assert message.startswith(str(path) + ": ")
    assert expected in message
    assert "\n" not in message


def test_cycle_is_reported(tmp_path):
    text = GOOD.replace('[errors.AcmeError]\nparent = "builtins.Exception"', '[errors.AcmeError]\nparent = "AcmeAuthError"')
    path = write(tmp_path, text)
    with pytest.raises(PackError, match=r"acme.toml: errors\.\w+\.parent: inheritance cycle: "):
        load_pack(path)


def test_bad_toml_is_reported_with_position(tmp_path):
    path = write(tmp_path, "[sdk\nname = 1\n")
    with pytest.raises(PackError, match=r"acme.toml: invalid TOML: .*line 1"):
        load_pack(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_bytes(b"[sdk]\nname = '\xff'\n")
    with pytest.raises(PackError, match="bad.toml: not UTF-8"):
        load_pack(path)


def test_class_defined_twice_across_packs(tmp_path):
    path = write(tmp_path, '[sdk]\nname = "dup"\nmodules = ["alter_sdk"]\ndefined_in = "alter_sdk.exceptions"\n[errors.BackendError]\n')
    with pytest.raises(PackError, match="BackendError is already defined by"):
        registry_with(path)


def test_bundled_packs_load():
    names = {p.name for p in load_registry().packs}
    assert names == {
        "alter_sdk", "shark_auth", "alsorn", "altus4", "stdlib",
        "openai", "anthropic", "groq", "cohere", "boto3", "stripe", "google_api_core", "requests", "httpx", "urllib3",
    }


def test_registry_is_immutable():
    pack = load_registry().pack_named("alter_sdk")
    with pytest.raises(TypeError):
        pack.errors["x"] = None  # type: ignore[index]
    with pytest.raises(AttributeError):
        pack.name = "other"  # type: ignore[misc]
