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


AUTO = """
    [sdk]
    name = "acme_retry"
    modules = ["acme_retry"]
    [clients]
    classes = ["acme_retry.Client"]
    [errors.AcmeError]
    [[auto_retry]]
    methods = ["*"]
    on = ["AcmeError"]
    attempts = 3
    {extra}
"""


def test_auto_retry_settings_load(tmp_path):
    path = write(tmp_path, AUTO.format(extra='settings = [{ path = ["config", "retries", "max_attempts"], counts = "retries" }, '
                                             '{ path = ["opts", "n"], counts = "attempts", at = "call" }]\n'
                                             '    reconfigure = ["with_options"]\n    via = "client"\n    not_methods = ["close"]\n'
                                             '    globals = [{ name = "acme_retry.max_retries", counts = "retries" }]'))
    auto = load_pack(path).auto_retry[0]
    assert auto.applies_to("get") and not auto.applies_to("close")
    assert [s.path for s in auto.settings] == [("config", "retries", "max_attempts"), ("opts", "n")]
    assert auto.settings[0].attempts(0) == 1 and auto.settings[1].attempts(2) == 2
    assert auto.settings[1].at == "call" and auto.reconfigure == ("with_options",)
    assert auto.globals[0].name == "acme_retry.max_retries"


@pytest.mark.parametrize(
    "extra, message",
    [
        ('settings = [{ path = ["n"], counts = "tries" }]', "auto_retry[0].settings[0].counts: expected \"retries\" or \"attempts\""),
        ('settings = [{ path = [], counts = "retries" }]', "auto_retry[0].settings[0].path: required"),
        ('settings = [{ path = ["n"], counts = "retries", at = "server" }]', "auto_retry[0].settings[0].at: expected"),
        ('settings = [{ path = ["n"], counts = "retries", where = "x" }]', "auto_retry[0].settings[0].where: unknown key"),
        ('via = "thread"', "auto_retry[0].via: expected \"client\" or \"module\""),
        ('globals = [{ name = "nodot", counts = "retries" }]', "auto_retry[0].globals[0].name: expected"),
        ('not_methods = ["a b"]', "auto_retry[0].not_methods"),
    ],
)
def test_auto_retry_settings_are_validated(tmp_path, extra, message):
    path = write(tmp_path, AUTO.format(extra=extra))
    with pytest.raises(PackError) as err:
        load_pack(path)
    assert message in str(err.value) and "acme.toml" in str(err.value)


def test_auto_retry_attempts_count_the_first(tmp_path):
    path = write(tmp_path, AUTO.replace("attempts = 3", "attempts = 0").format(extra=""))
    with pytest.raises(PackError, match="auto_retry\\[0\\].attempts: counts the first attempt too"):
        load_pack(path)
