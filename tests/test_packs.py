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
        "alter_sdk", "shark_auth", "alsorn", "altus4", "stdlib", "javascript",
        "openai", "anthropic", "groq", "cohere", "boto3", "stripe", "google_api_core", "requests", "httpx", "urllib3",
        # TypeScript only: the npm SDKs without a Python pack
        "mistralai", "google_genai", "slack_web_api", "octokit", "smithy", "aws_sdk_v2", "aws_sdk_s3", "aws_sdk_dynamodb",
        "aws_sdk_sqs", "aws_sdk_sns", "aws_sdk_ses", "aws_sdk_lambda", "aws_sdk_bedrock_runtime", "aws_sdk_secrets_manager",
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


# -- languages: Python module names beside npm package names ---------------------------------------

TWO_LANGUAGES = """
    [sdk]
    name = "acme2"
    modules = ["acme2"]
    npm = ["@acme/sdk", "@acme/sdk/errors"]
    [errors.AcmeError]
    [errors.AcmeAuthError]
    parent = "AcmeError"
    retry = "never"
    [errors.AcmePyOnlyError]
    parent = "AcmeError"
    languages = ["python"]
    [errors.AcmeDeepError]
    parent = "AcmePyOnlyError"
    [errors.AcmeTsOnlyError]
    parent = "AcmeError"
    languages = ["typescript"]
"""


def test_a_pack_with_npm_packages_has_a_typescript_side(tmp_path):
    reg = registry_with(write(tmp_path, TWO_LANGUAGES))
    pack = reg.pack_named("acme2")
    assert pack.languages == ("python", "typescript")
    assert set(pack.errors) == {"acme2.AcmeError", "acme2.AcmeAuthError", "acme2.AcmePyOnlyError", "acme2.AcmeDeepError"}
    assert set(pack.ts_errors) == {"@acme/sdk.AcmeError", "@acme/sdk.AcmeAuthError", "@acme/sdk.AcmeDeepError", "@acme/sdk.AcmeTsOnlyError"}
    graph = reg.graph
    # the TypeScript root is JavaScript's Error, not Python's Exception
    assert graph.parents("@acme/sdk.AcmeError") == ("globalThis.Error",)
    assert graph.is_subclass("@acme/sdk.AcmeAuthError", "globalThis.Error")
    assert not graph.is_subclass("@acme/sdk.AcmeAuthError", "builtins.Exception")
    assert not graph.is_subclass("acme2.AcmeAuthError", "globalThis.Error")
    # a Python-only class in the chain: its TypeScript subclass hangs from the nearest TypeScript ancestor
    assert graph.parents("@acme/sdk.AcmeDeepError") == ("@acme/sdk.AcmeError",)
    assert graph.canonical("@acme/sdk/errors.AcmeAuthError") == "@acme/sdk.AcmeAuthError"
    assert not graph.knows("@acme/sdk.AcmePyOnlyError")
    assert not graph.knows("acme2.AcmeTsOnlyError")
    assert reg.spec("@acme/sdk.AcmeAuthError").retry == "never"
    assert reg.npm_packages["@acme/sdk"] is pack


def test_bundled_typescript_sides_follow_the_seeds():
    reg = load_registry()
    graph = reg.graph
    shark = reg.pack_named("shark_auth")
    assert "@sharkauth/sdk" in shark.npm
    # seed 002: "The TypeScript SDK does not yet export a dedicated OAuthError type"
    assert graph.knows("shark_auth.OAuthError") and not graph.knows("@sharkauth/sdk.OAuthError")
    assert graph.parents("@sharkauth/sdk.VaultError") == ("@sharkauth/sdk.SharkAuthError",)
    alter = reg.pack_named("alter_sdk")
    assert "@alter-ai/alter-sdk" in alter.npm
    assert graph.is_subclass("@alter-ai/alter-sdk.GrantExpiredError", "@alter-ai/alter-sdk.BackendError")
    assert graph.parents("@alter-ai/alter-sdk.AlterSDKError") == ("globalThis.Error",)
    # seed 001's hierarchy: the real Python package's extras are Python only
    assert not graph.knows("@alter-ai/alter-sdk.RateLimitError") and graph.knows("alter_sdk.RateLimitError")
    assert len(alter.ts_errors) == 41


def test_javascript_language_pack():
    reg = load_registry()
    js = reg.pack_named("javascript")
    assert js.is_language and js.languages == ("typescript",)
    assert not js.errors  # nothing on the Python side
    names = {q.rpartition(".")[2] for q in js.ts_errors}
    assert names == {"Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError"}
    assert reg.graph.is_subclass("globalThis.AggregateError", "globalThis.Error")
    assert not reg.graph.is_subclass("globalThis.TypeError", "builtins.TypeError")
    stdlib = reg.pack_named("stdlib")
    assert stdlib.languages == ("python",) and not stdlib.ts_errors


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[sdk]\nname = "x"\nmodules = ["x"]\nnpm = ["Not A Name"]\n', "sdk.npm: 'Not A Name' is not a valid name"),
        ('[sdk]\nname = "x"\nmodules = ["x"]\n[errors.E]\nlanguages = ["typescript"]\n', "errors.E.languages: 'typescript': sdk.npm is empty"),
        ('[sdk]\nname = "x"\nnpm = ["x"]\n[errors.E]\nlanguages = ["python"]\n', "errors.E.languages: 'python': the pack has no Python side"),
        ('[sdk]\nname = "x"\nmodules = ["x"]\nnpm = ["x"]\n[errors.E]\nlanguages = ["go"]\n', "errors.E.languages: unknown language 'go'"),
        ('[sdk]\nname = "x"\nmodules = ["x"]\nnpm = ["x"]\n[errors.E]\nlanguages = []\n', "errors.E.languages: expected at least one language"),
        (
            '[sdk]\nname = "x"\nmodules = ["x"]\nnpm = ["x"]\n[errors.E]\nlanguages = ["typescript"]\n[errors.F]\nparent = "E"\n',
            "errors.F.parent: 'x.E' has no Python side",
        ),
        ('[sdk]\nname = "x"\nmodules = ["x"]\njavascript = "ES2022"\n', "sdk.javascript: only in the language pack"),
    ],
)
def test_language_keys_are_validated(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(PackError) as info:
        registry_with(path)
    assert str(info.value).startswith(str(path) + ": ")
    assert expected in str(info.value)


def test_an_npm_only_pack_never_applies_to_python(tmp_path):
    from errlint.python.scope import PackScope

    reg = registry_with(write(tmp_path, '[sdk]\nname = "tsonly"\nnpm = ["@ts/only"]\n[errors.TsError]\n'))
    pack = reg.pack_named("tsonly")
    assert pack.languages == ("typescript",) and not pack.errors
    scope = PackScope(b"TsError = 1\n", lambda p: False)
    assert not scope.applies(pack)
    assert not scope.applies(reg.pack_named("javascript"))
    assert scope.applies(reg.pack_named("stdlib"))


# -- [[retry_wrappers]]: retry decorators an SDK ships ---------------------------------------------

WRAPPER = """
    [sdk]
    name = "acme_wrap"
    [errors."acme_wrap.errors.Unavailable"]
    [[retry_wrappers]]
    callables = ["acme_wrap.retry.Retry"]
    on_keyword = "predicate"
    on_builders = ["acme_wrap.retry.if_exception_type"]
    default_on = ["acme_wrap.errors.Unavailable"]
    default_predicates = ["acme_wrap.retry.if_transient"]
    unbounded_when_none = ["deadline", "timeout"]
    unbounded = "has timeout=None"
    wait = "backoff"
    {extra}
"""


def test_retry_wrappers_load(tmp_path):
    w = load_pack(write(tmp_path, WRAPPER.format(extra=""))).retry_wrappers[0]
    assert w.callables == ("acme_wrap.retry.Retry",) and w.on_keyword == "predicate"
    assert w.description == "@Retry(...)"  # the default: the callable's name
    assert w.default_on == ("acme_wrap.errors.Unavailable",) and w.wait == "backoff"
    assert w.unbounded_when_none == ("deadline", "timeout")


@pytest.mark.parametrize(
    "extra, message",
    [
        ('wait = "sometimes"', "retry_wrappers[0].wait: expected"),
        ('retries = 3', "retry_wrappers[0].retries: unknown key"),
    ],
)
def test_retry_wrappers_are_validated(tmp_path, extra, message):
    text = WRAPPER.format(extra=extra)
    if extra.startswith("wait"):
        text = text.replace('    wait = "backoff"\n', "")
    with pytest.raises(PackError) as err:
        load_pack(write(tmp_path, text))
    assert message in str(err.value) and "acme.toml" in str(err.value)


@pytest.mark.parametrize(
    "drop, message",
    [
        ('    callables = ["acme_wrap.retry.Retry"]\n', "retry_wrappers[0].callables: required"),
        ('    on_keyword = "predicate"\n', "retry_wrappers[0].on_keyword: required"),
    ],
)
def test_retry_wrappers_need_callables_and_keyword(tmp_path, drop, message):
    with pytest.raises(PackError, match=message.replace("[", "\\[").replace("]", "\\]")):
        load_pack(write(tmp_path, WRAPPER.format(extra="").replace(drop, "")))
# -- the TypeScript side of clients, re-auth actions, auto-retrying and irreversible methods ---------

TS_CALLS = TWO_LANGUAGES + """
    [errors.AcmeNetError]
    parent = "AcmeError"
    [clients]
    classes = ["acme2.Client"]
    typescript = ["AcmeClient"]
    [reauth]
    actions = ["re_login"]
    typescript = ["reLogin"]
    [[auto_retry]]
    methods = ["fetch_all"]
    typescript = ["fetchAll"]
    on = ["AcmeNetError"]
    attempts = 4
    settings = [{ path = ["max_retries"], counts = "retries" }]
    [[auto_retry]]
    methods = ["py_only"]
    on = ["AcmeNetError"]
    [[auto_retry]]
    typescript = ["tsOnly"]
    on = ["AcmeNetError"]
    [[irreversible]]
    methods = ["purge"]
    typescript = ["purgeAll"]
    reason = "Deletes records."
    unless_kwargs = { dry_run = true }
"""


def test_typescript_names_of_clients_and_methods(tmp_path):
    reg = registry_with(write(tmp_path, TS_CALLS))
    pack = reg.pack_named("acme2")
    assert pack.client_classes == ("acme2.Client",) and pack.ts_client_classes == ("@acme/sdk.AcmeClient",)
    assert pack.reauth_actions_in("python") == ("re_login",) and pack.reauth_actions_in("typescript") == ("reLogin",)
    # a Python-only entry never applies to TypeScript, a TypeScript-only entry never to Python
    assert [a.methods for a in pack.auto_retry] == [("fetch_all",), ("py_only",)]
    assert [a.methods for a in pack.ts_auto_retry] == [("fetchAll",), ("tsOnly",)]
    shared = pack.ts_auto_retry[0]
    assert shared.on == ("@acme/sdk.AcmeNetError",) and shared.attempts == 4
    assert shared.settings == () and pack.auto_retry[0].settings  # Python keywords are not TypeScript options
    assert pack.auto_retry[0].on == ("acme2.AcmeNetError",)
    assert [i.methods for i in pack.irreversible] == [("purge",)] and [i.methods for i in pack.ts_irreversible] == [("purgeAll",)]
    assert dict(pack.ts_irreversible[0].unless_kwargs) == {} and pack.ts_irreversible[0].reason == "Deletes records."


def test_bundled_typescript_clients_follow_the_seeds():
    reg = load_registry()
    alter = reg.pack_named("alter_sdk")
    assert alter.ts_client_classes == ("@alter-ai/alter-sdk.AlterVault",)
    assert alter.ts_reauth_actions == ("connect",)
    (auto,) = alter.ts_auto_retry  # request() retries 3 times (seed 001); the polling methods are Python only
    assert auto.methods == ("request",) and auto.attempts == 3
    assert set(auto.on) == {"@alter-ai/alter-sdk.NetworkError", "@alter-ai/alter-sdk.TimeoutError"}
    shark = reg.pack_named("shark_auth")
    # seed 002: no automatic retry (the onRefresh callback is a token refresh); it names VaultClient and the DPoP
    # prover's createProof in TypeScript; the SDK's public sources export DPoPProver, DeviceFlow and the admin
    # client SharkClient beside it, and name the irreversible operations rotateDpopKey and sendTest
    assert {"@sharkauth/sdk.VaultClient", "@sharkauth/sdk.DPoPProver", "@sharkauth/sdk.DeviceFlow", "@sharkauth/sdk.SharkClient"} <= set(shark.ts_client_classes)
    assert shark.ts_auto_retry == () and shark.ts_reauth_actions == ()
    assert [i.methods for i in shark.ts_irreversible] == [("rotateDpopKey",), ("sendTest",)]  # purge's dry run: Python only
    assert shark.irreversible and shark.reauth_actions_in("typescript") == ()


@pytest.mark.parametrize(
    "extra, expected",
    [
        ('[clients]\ntypescript = ["Not-A-Name"]\n', "clients.typescript: 'Not-A-Name'"),
        ('[clients]\ntypescript = []\n', "clients.typescript: expected at least one name"),
        ('[reauth]\ntypescript = [1]\n', "reauth.typescript"),
        ('[[auto_retry]]\non = ["E"]\n', "auto_retry[0].methods: required (or typescript"),
        ('[[auto_retry]]\nmethods = ["m"]\ntypescript = ["m"]\non = ["P"]\n', "auto_retry[0].on: 'P' has no TypeScript side"),
        ('[[irreversible]]\nreason = "x"\n', "irreversible[0].methods: required (or typescript"),
        ('[[irreversible]]\nmethods = ["m"]\ntypescript = ["a.b"]\n', "irreversible[0].typescript: 'a.b'"),
    ],
)
def test_typescript_names_are_validated(tmp_path, extra, expected):
    text = '[sdk]\nname = "x"\nmodules = ["x"]\nnpm = ["x"]\n[errors.E]\n[errors.P]\nlanguages = ["python"]\n' + extra
    path = write(tmp_path, text)
    with pytest.raises(PackError) as info:
        registry_with(path)
    assert str(info.value).startswith(str(path) + ": ")
    assert expected in str(info.value)


def test_typescript_names_need_an_npm_package(tmp_path):
    path = write(tmp_path, '[sdk]\nname = "x"\nmodules = ["x"]\n[clients]\ntypescript = ["Client"]\n')
    with pytest.raises(PackError) as info:
        registry_with(path)
    assert str(info.value) == f"{path}: clients.typescript: the pack has no TypeScript side (sdk.npm is empty)"


def test_typescript_attributes_name_the_typescript_side(tmp_path):
    pack = load_pack(write(tmp_path, TWO_LANGUAGES.replace(
        '[errors.AcmeAuthError]\n    parent = "AcmeError"',
        '[errors.AcmeAuthError]\n    parent = "AcmeError"\n    attributes = ["status_code"]\n    typescript_attributes = ["statusCode"]',
    )))
    assert pack.errors["acme2.AcmeAuthError"].attributes == ("status_code",)
    assert pack.ts_errors["@acme/sdk.AcmeAuthError"].attributes == ("statusCode",)


BASE = """
[sdk]
name = "base"
modules = ["base"]

[errors.BaseError]
parent = "builtins.Exception"
aliases = ["base.Failure"]

[errors.NetError]
parent = "BaseError"
"""

ON_BASE = """
[sdk]
name = "onbase"
modules = ["onbase"]

[clients]
classes = ["onbase.Client"]

[[auto_retry]]
methods = ["call"]
on = ["onbase.ApiError", "base.NetError"]
attempts = 2

[errors.ApiError]
parent = "builtins.Exception"

[errors.WrappedError]
parent = ["ApiError", "base.Failure"]
aliases = ["onbase.Wrapped"]

[errors.DeeperError]
parent = "WrappedError"

[errors.PlainError]
parent = "ApiError"
"""


def test_a_pack_left_out_leaves_the_classes_that_derive_from_it(tmp_path):
    """registry.py's left_out: references to a left-out pack's classes are valid and unknown; a class
    deriving from one (by an alias too, and through another class) is left out with its aliases."""
    base, on_base = load_pack(write(tmp_path, BASE, "base.toml")), load_pack(write(tmp_path, ON_BASE, "onbase.toml"))
    stdlib = load_pack(next(p for p in bundled_pack_paths() if p.name == "stdlib.toml"))
    with pytest.raises(PackError, match="errors.WrappedError.parent: unknown class 'base.Failure'"):
        PackRegistry([stdlib, on_base])  # without the pack at all: an error, as before
    whole = PackRegistry([stdlib, base, on_base])
    assert whole.graph.is_subclass("onbase.DeeperError", "base.BaseError") and whole.dropped == {}
    reg = PackRegistry([stdlib, on_base], left_out=[base])
    assert reg.dropped == {"onbase": {"onbase.WrappedError": "base.BaseError", "onbase.DeeperError": "base.BaseError"}}
    for name in ("onbase.WrappedError", "onbase.Wrapped", "onbase.DeeperError", "base.NetError", "base.Failure"):
        assert not reg.graph.knows(name), name
    assert reg.graph.is_subclass("onbase.PlainError", "onbase.ApiError")
    pack = reg.pack_named("onbase")
    assert set(pack.errors) == {"onbase.ApiError", "onbase.PlainError"} and "onbase.Wrapped" not in pack.aliases
    assert pack.auto_retry[0].on == ("onbase.ApiError", "base.NetError")  # the fact stays, by name
    assert [p.name for p in reg.packs] == ["stdlib", "onbase"] and reg.left_out == (base,)
