"""TypeScript / JavaScript retry wrappers (errlint/typescript/wrappers.py): the RetryConstruct facts
each library's calls give — what is retried, the cap, the wait, where — read from parsed snippets."""
from __future__ import annotations

import pytest

from errlint.facts import Span
from errlint.packs import load_registry
from errlint.typescript.names import ModuleNames
from errlint.typescript.parse import Lines, grammar_for, parse
from errlint.typescript.wrappers import WrapperReader

ALTER = "@alter-ai/alter-sdk"
IMPORTS = f"""\
import pRetry, {{ AbortError, makeRetriable }} from "p-retry";
import retry from "async-retry";
import {{ backOff }} from "exponential-backoff";
import * as ck from "cockatiel";
import {{ BackendError, GrantExpiredError, NetworkError, ReAuthRequiredError, TimeoutError }} from "{ALTER}";
"""


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def constructs(registry, body: str, path: str = "a.ts", imports: str = IMPORTS):
    source = (imports + body).encode()
    tree, text = parse(source, grammar_for(path))
    lines = Lines(text)
    names = ModuleNames(tree.root_node, "./a", registry)
    return WrapperReader(names, lambda h, e=None: Span(lambda: lines.where(h.start_byte, (e or h).end_byte))).constructs(tree.root_node)


def one(registry, body: str, **kw):
    found = constructs(registry, body, **kw)
    assert len(found) == 1, found
    return found[0]


def short(qualnames):
    return tuple(q.rpartition(".")[2] for q in qualnames)


# -- p-retry --------------------------------------------------------------------------------
def test_p_retry_defaults_retry_every_error_eleven_times_with_backoff(registry):
    c = one(registry, "await pRetry(() => vault.request('GET', url));\n")
    assert (c.kind, c.description, c.on, c.excluded, c.guarded) == ("p-retry", "pRetry(...)", ("globalThis.Error",), (), False)
    assert (c.cap, c.bounded, c.wait, c.raises_when_exhausted) == (11, True, "backoff", True)  # retries 10: 11 attempts
    assert c.body.type == "arrow_function" and c.on_refs is None
    assert c.label == "this pRetry(...)"


def test_p_retry_at_is_the_call_up_to_its_parenthesis(registry):
    c = one(registry, "async function f() {\n  return await pRetry(run, { retries: 2 });\n}\n")
    line = IMPORTS.count("\n") + 2
    assert (c.at.line, c.at.column, c.at.end_line, c.at.end_column) == (line, 16, line, 23)  # `pRetry(`
    assert c.cap == 3


def test_p_retry_should_retry_that_reads_excludes_classes(registry):
    c = one(registry, "pRetry(fn, { retries: 3, shouldRetry: (e) => !(e instanceof GrantExpiredError) });\n")
    assert (short(c.on), short(c.excluded), c.guarded, c.cap) == (("Error",), ("GrantExpiredError",), False, 4)
    assert c.excluded == (f"{ALTER}.GrantExpiredError",)


def test_p_retry_7_context_and_block_predicates(registry):
    c = one(registry, "pRetry(fn, { shouldRetry: ({ error }) => !(error instanceof ReAuthRequiredError || error instanceof TypeError) });\n")
    assert short(c.excluded) == ("ReAuthRequiredError", "TypeError") and not c.guarded
    c = one(registry, "pRetry(fn, { shouldRetry(ctx) {\n  if (ctx.error instanceof GrantExpiredError) return false;\n  return true;\n} });\n")
    assert short(c.excluded) == ("GrantExpiredError",) and short(c.on) == ("Error",)
    c = one(registry, "pRetry(fn, { shouldRetry: (e) => e instanceof NetworkError || e instanceof TimeoutError });\n")
    assert short(c.on) == ("NetworkError", "TimeoutError") and [r.text for r in c.on_refs] == ["NetworkError", "TimeoutError"]
    c = one(registry, "pRetry(fn, { shouldRetry: (e) => e instanceof BackendError && !(e instanceof ReAuthRequiredError) });\n")
    assert (short(c.on), short(c.excluded)) == (("BackendError",), ("ReAuthRequiredError",))


def test_p_retry_unreadable_decisions_are_guarded(registry):
    for options in (
        "{ shouldRetry: (e) => e instanceof BackendError && e.status >= 500 }",  # a status test
        "{ shouldRetry: isRetryable }",  # a function errlint does not see
        "{ shouldRetry: (e) => !(e instanceof this.Fatal) }",  # lets through a class it cannot name
        "{ onFailedAttempt: (e) => { if (e.attemptNumber > 2) throw e; } }",
        "opts",  # options it cannot read
        "{ ...defaults, retries: 2 }",
    ):
        c = one(registry, f"pRetry(fn, {options});\n")
        assert c.guarded and not c.covers(registry.graph, f"{ALTER}.GrantExpiredError"), options


def test_p_retry_on_failed_attempt_that_throws_for_a_class(registry):
    c = one(registry, "pRetry(fn, { onFailedAttempt: (e) => { log(e); if (e instanceof GrantExpiredError) throw e; } });\n")
    assert short(c.excluded) == ("GrantExpiredError",) and not c.guarded


def test_p_retry_abort_error_in_a_catch(registry):
    body = (
        "pRetry(async () => {\n  try {\n    return await vault.request('GET', url);\n  } catch (e) {\n"
        "    if (e instanceof ReAuthRequiredError) throw new AbortError(e);\n    throw e;\n  }\n});\n"
    )
    c = one(registry, body)
    assert short(c.excluded) == ("ReAuthRequiredError",) and not c.guarded
    graph = registry.graph
    assert not c.covers(graph, f"{ALTER}.GrantExpiredError") and c.covers(graph, f"{ALTER}.NetworkError")
    status = body.replace("e instanceof ReAuthRequiredError", "e.status === 401")
    assert one(registry, status).guarded
    promise = "pRetry(() => vault.request().catch((e) => { if (e instanceof GrantExpiredError) throw new AbortError(e); throw e; }));\n"
    assert short(one(registry, promise).excluded) == ("GrantExpiredError",)


def test_what_the_body_catches_and_keeps_is_not_retried(registry):
    handled = (
        "pRetry(async () => {\n  try {\n    return await vault.request('GET', url);\n  } catch (e) {\n"
        "    if (e instanceof ReAuthRequiredError) {\n      await reconnect();\n      return null;\n    }\n    throw e;\n  }\n});\n"
    )
    c = one(registry, handled)
    assert (short(c.excluded), c.guarded) == (("ReAuthRequiredError",), False)
    swallows = "pRetry(async () => {\n  try {\n    return await vault.request('GET', url);\n  } catch (e) {\n    log(e);\n  }\n});\n"
    assert one(registry, swallows).guarded  # which errors escape, errlint cannot tell: silent
    rethrows = swallows.replace("log(e);", "log(e);\n    throw e;")
    assert (one(registry, rethrows).on, one(registry, rethrows).guarded) == (("globalThis.Error",), False)
    assert one(registry, "backOff(() => vault.request().catch(() => null));\n").on == ()  # nothing escapes
    rejects = one(registry, "backOff(() => vault.request().catch((e) => Promise.reject(e)));\n")
    assert rejects.on == ("globalThis.Error",)


def test_p_retry_abort_error_on_a_response_excludes_no_error(registry):
    body = "pRetry(async () => {\n  const r = await fetch(url);\n  if (r.status === 404) throw new AbortError(r.statusText);\n  return r;\n});\n"
    c = one(registry, body)
    assert (c.on, c.excluded, c.guarded) == (("globalThis.Error",), (), False)


def test_p_retry_caps_and_waits(registry):
    assert one(registry, "pRetry(fn, { retries: Infinity });\n").bounded is False
    assert one(registry, "pRetry(fn, { retries: Infinity, maxRetryTime: 30_000 });\n").bounded is True
    assert one(registry, "pRetry(fn, { forever: true });\n").bounded is False  # p-retry 6 and before
    assert one(registry, "pRetry(fn, { retries: Infinity, signal: AbortSignal.timeout(30_000) });\n").bounded is True
    assert one(registry, "pRetry(fn, { factor: 1 });\n").wait == "constant"
    assert one(registry, "pRetry(fn, { minTimeout: 0 });\n").wait == "none"
    assert one(registry, "pRetry(fn, { minTimeout: 500, maxTimeout: 500 });\n").wait == "constant"
    assert one(registry, "pRetry(fn, { factor: growth });\n").wait == "unknown"
    assert one(registry, "const RETRIES = 4;\npRetry(fn, { retries: RETRIES });\n").cap == 5
    assert one(registry, "const OPTS = { retries: 2, factor: 1 };\npRetry(fn, OPTS);\n").wait == "constant"
    assert constructs(registry, "pRetry(fn, { retries: 0 });\n") == []  # runs once: no retry


def test_make_retriable(registry):
    c = one(registry, "const get = makeRetriable(async (id) => vault.request('GET', id), { retries: 2 });\n")
    assert (c.kind, c.description, c.cap) == ("p-retry", "makeRetriable(...)", 3)


# -- async-retry ------------------------------------------------------------------------------
def test_async_retry_and_bail(registry):
    c = one(registry, "await retry(async (bail, attempt) => vault.request('GET', url));\n")
    assert (c.kind, c.description, c.cap, c.wait, c.on) == ("async-retry", "retry(...)", 11, "backoff", ("globalThis.Error",))
    body = (
        "await retry(async (bail) => {\n  try {\n    return await vault.request('GET', url);\n  } catch (err) {\n"
        "    if (err instanceof GrantExpiredError) {\n      bail(err);\n      return;\n    }\n    throw err;\n  }\n}, { retries: 5 });\n"
    )
    c = one(registry, body)
    assert (short(c.excluded), c.cap, c.guarded) == (("GrantExpiredError",), 6, False)
    assert one(registry, body.replace("err instanceof GrantExpiredError", "err.status === 401")).guarded
    assert one(registry, "retry(fn, { forever: true });\n").bounded is False
    assert one(registry, "retry(fn, { factor: 1, randomize: false });\n").wait == "constant"


# -- exponential-backoff ------------------------------------------------------------------------
def test_exponential_backoff(registry):
    c = one(registry, "await backOff(() => vault.request('GET', url));\n")
    assert (c.kind, c.description, c.cap, c.wait, c.bounded) == ("exponential-backoff", "backOff(...)", 10, "backoff", True)
    c = one(registry, "backOff(fn, { numOfAttempts: 4, retry: (e, n) => !(e instanceof ReAuthRequiredError), timeMultiple: 1 });\n")
    assert (c.cap, short(c.excluded), c.wait) == (4, ("ReAuthRequiredError",), "constant")
    assert one(registry, "backOff(fn, { numOfAttempts: Infinity });\n").bounded is False
    assert one(registry, "backOff(fn, { startingDelay: 0 });\n").wait == "none"
    assert one(registry, "backOff(fn, { retry: (e) => e.status >= 500 });\n").guarded
    assert constructs(registry, "backOff(fn, { numOfAttempts: 1 });\n") == []


# -- cockatiel -------------------------------------------------------------------------------------
def test_cockatiel_policy_through_a_const(registry):
    body = (
        "const policy = ck.retry(ck.handleType(NetworkError).orType(TimeoutError), { maxAttempts: 3, backoff: new ck.ExponentialBackoff() });\n"
        "async function f() {\n  return policy.execute(() => vault.request('GET', url));\n}\n"
    )
    c = one(registry, body)
    line = IMPORTS.count("\n") + 1
    assert (c.kind, c.description) == ("cockatiel", f"policy.execute(...) (the retry policy of line {line})")
    assert (short(c.on), c.cap, c.bounded, c.wait) == (("NetworkError", "TimeoutError"), 4, True, "backoff")
    assert [r.text for r in c.on_refs] == ["NetworkError", "TimeoutError"]
    assert (c.at.line, c.at.column) == (line + 2, 10)


def test_cockatiel_defaults_retry_forever_at_once(registry):
    c = one(registry, "ck.retry(ck.handleAll, {}).execute(() => vault.request('GET', url));\n")
    assert (c.description, c.on, c.bounded, c.cap, c.wait) == ("ck.retry(...).execute(...)", ("globalThis.Error",), False, None, "none")
    assert one(registry, "ck.retry(ck.handleAll, {}).execute(run, controller.signal);\n").bounded is True  # cancellable


def test_cockatiel_filters_and_backoffs(registry):
    def policy(filter_, options="{ maxAttempts: 2 }"):
        return one(registry, f"ck.retry({filter_}, {options}).execute(run);\n")

    assert policy("ck.handleWhen((e) => !(e instanceof GrantExpiredError))").excluded == (f"{ALTER}.GrantExpiredError",)
    assert policy("ck.handleType(BackendError, (e) => e.status >= 500)").guarded
    assert policy("ck.handleWhen(isTransient)").guarded
    assert short(policy("ck.handleType(TypeError).orWhen((e) => e instanceof RangeError)").on) == ("TypeError", "RangeError")
    assert policy("ck.handleWhenResult((r) => r.status === 503)").on == ()
    assert policy("ck.handleAll", "{ maxAttempts: 2, backoff: new ck.ConstantBackoff(50) }").wait == "constant"
    assert policy("ck.handleAll", "{ maxAttempts: 2, backoff: new ck.IterableBackoff([100, 200, 400]) }").wait == "backoff"
    assert policy("ck.handleAll", "{ maxAttempts: 2, backoff: new ck.ConstantBackoff(0) }").wait == "none"
    assert constructs(registry, "ck.retry(ck.handleAll, { maxAttempts: 0 }).execute(run);\n") == []


def test_cockatiel_retry_inside_wrap(registry):
    body = (
        "const retrying = ck.retry(ck.handleType(NetworkError), { maxAttempts: 2, backoff: new ck.ExponentialBackoff() });\n"
        "const policy = ck.wrap(ck.timeout(5000), retrying, ck.circuitBreaker(ck.handleAll, breaker));\n"
        "policy.execute(() => vault.request('GET', url));\n"
    )
    c = one(registry, body)
    assert (short(c.on), c.cap) == (("NetworkError",), 3)
    two = "const a = ck.retry(ck.handleAll, {});\nck.wrap(a, ck.retry(ck.handleAll, { maxAttempts: 1 })).execute(run);\n"
    assert constructs(registry, two) == []  # two retry policies: which attempts run is not one construct's


def test_cockatiel_policy_in_a_class_field(registry):
    body = (
        "class Api {\n  private readonly retries = ck.retry(ck.handleAll, { maxAttempts: 2 });\n"
        "  get() { return this.retries.execute(() => this.vault.request('GET', url)); }\n}\n"
    )
    c = one(registry, body)
    assert c.description.startswith("this.retries.execute(...)") and c.cap == 3


# -- imports ------------------------------------------------------------------------------------------
def test_commonjs_requires_and_namespaces(registry):
    js = (
        'const pRetry = require("p-retry");\nconst { AbortError } = require("p-retry");\nconst retry = require("async-retry");\n'
        'const { backOff } = require("exponential-backoff");\nconst { GrantExpiredError } = require("@alter-ai/alter-sdk");\n'
        "pRetry(async () => { try { return await vault.request(); } catch (e) { if (e instanceof GrantExpiredError) throw new AbortError(e); throw e; } });\n"
        "pRetry.default(fn, { retries: 1 });\nretry(fn);\nbackOff(fn);\n"
    )
    found = constructs(registry, js, path="a.js", imports="")
    assert [c.kind for c in found] == ["p-retry", "p-retry", "async-retry", "exponential-backoff"]
    assert short(found[0].excluded) == ("GrantExpiredError",)
    assert found[1].description == "pRetry.default(...)" and found[1].cap == 2


def test_compiled_commonjs_and_dynamic_imports(registry):
    js = (
        'const p_retry_1 = __importStar(require("p-retry"));\nconst async_retry_1 = tslib_1.__importDefault(require("async-retry"));\n'
        'var import_backoff = require("exponential-backoff");\nconst cockatiel_1 = require("cockatiel");\n'
        "async function f(task) {\n  await (0, p_retry_1.default)(task, { retries: 2 });\n  await (0, async_retry_1.default)(task);\n"
        "  const r = await (0, import_backoff.backOff)(task, { numOfAttempts: 4 });\n"
        "  const policy = (0, cockatiel_1.retry)((0, cockatiel_1.handleType)(TypeError), { maxAttempts: 1 });\n"
        "  await policy.execute(task);\n"
        '  const pRetry = (await import("p-retry")).default;\n  return pRetry(task, { retries: 1 });\n}\n'
    )
    found = constructs(registry, js, path="a.js", imports="")
    assert [(c.kind, c.description, c.cap) for c in found] == [
        ("p-retry", "p_retry_1.default(...)", 3),
        ("async-retry", "async_retry_1.default(...)", 11),
        ("exponential-backoff", "import_backoff.backOff(...)", 4),  # tree-sitter reads `await (0, f)(x)` as `await(0, f)` called
        ("cockatiel", "policy.execute(...) (the retry policy of line 9)", 2),
        ("p-retry", "pRetry(...)", 2),
    ]
    assert found[3].on == ("globalThis.TypeError",)


def test_names_not_imported_from_a_library_are_not_wrappers(registry):
    assert constructs(registry, "retry(fn, { retries: 3 });\n", imports='import { retry } from "./retry";\n') == []
    assert constructs(registry, "function f(pRetry) { return pRetry(fn); }\n") == []  # a parameter shadows the import
    assert constructs(registry, "function f() { const retry = mine; return retry(fn); }\n") == []
    assert constructs(registry, "retry(fn);\n", imports="") == []
    assert constructs(registry, "other.execute(fn);\nck.retry(ck.handleAll, {});\n") == []  # a policy never executed


def test_infinity_literals(registry):
    for value in ("Infinity", "Number.POSITIVE_INFINITY"):
        c = one(registry, f"pRetry(fn, {{ retries: {value} }});\n")
        assert c.bounded is False and c.cap is None


# -- through the checks -----------------------------------------------------------------------------
PAYMENTS_PACK = """\
[sdk]
name = "payments_demo"
npm = ["@demo/payments"]
docs = "a pack written for this test: a TypeScript SDK with an irreversible method"

[clients]
typescript = ["PaymentsClient"]

[[irreversible]]
typescript = ["charge"]
reason = "A charge moves money: a retry charges twice."

[errors.PaymentsError]
parent = "builtins.Exception"
"""

PAYMENTS_TS = """\
import pRetry from "p-retry";
import { backOff } from "exponential-backoff";
import { PaymentsClient } from "@demo/payments";

export async function pay(client: PaymentsClient, order: string) {
  await client.quote(order);
  return pRetry(() => client.charge(order), { retries: 2 });
}

export async function quote(client: PaymentsClient, order: string) {
  return backOff(() => client.quote(order), { numOfAttempts: 3 });
}
"""


def test_err009_reports_an_irreversible_call_a_wrapper_runs_again(tmp_path):
    from errlint.checks import ALL_CHECKS
    from errlint.typescript import lint_file

    (tmp_path / "payments.toml").write_text(PAYMENTS_PACK, encoding="utf-8")
    registry = load_registry(extra=[tmp_path / "payments.toml"])
    err009 = [c for c in ALL_CHECKS if c.code == "ERR009"]
    (d,) = lint_file("pay.ts", PAYMENTS_TS.encode(), registry, err009).diagnostics
    assert (d.code, d.line, d.column) == ("ERR009", 7, 10)  # at `pRetry(`
    assert d.message == (
        "this pRetry(...) runs client.charge() again (payments_demo): A charge moves money: a retry charges twice. Don't retry it."
    )
