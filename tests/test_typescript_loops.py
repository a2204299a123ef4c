"""TypeScript / JavaScript retry loops, their waits and the collections that decide a retry, as facts
(errlint/typescript/loops.py, caps.py, waits.py, statuses.py): RetryConstruct and Handler fields on real
parsed snippets, gathered by lint_file for a check that asks for them."""
from __future__ import annotations

import pytest

from errlint.checks.base import Check
from errlint.facts import retryable_name
from errlint.packs import load_registry
from errlint.typescript import lint_file


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def gathered(registry, source: str, path: str = "a.ts"):
    """The TsFile lint_file hands a check that needs the retry facts."""
    got = []

    class Probe(Check):
        code = "ERR998"
        name = "probe"
        needs = frozenset({"tries", "constructs", "waits", "collections"})

        def run(self) -> None:
            got.append(self.file)

    result = lint_file(path, source.encode(), registry, [Probe])
    assert not result.diagnostics, [d.format() for d in result.diagnostics]
    return got[0] if got else None


def loop(registry, source: str, path: str = "a.ts"):
    (c,) = gathered(registry, source, path).constructs
    return c


def fn(body: str, params: str = "") -> str:
    return f"async function f({params}) {{\n{body}\n}}\n"


FOR_BACKOFF = fn(
    "  for (let attempt = 0; attempt < 3; attempt++) {\n"
    "    try {\n      return await vault.request('GET', url);\n"
    "    } catch (e) {\n      await new Promise((r) => setTimeout(r, 2 ** attempt * 100));\n    }\n  }\n"
    "  throw new Error('gave up');"
)


def test_for_loop_with_literal_cap_and_backoff(registry):
    c = loop(registry, FOR_BACKOFF)
    assert (c.kind, c.keyword, c.cap, c.bounded, c.wait) == ("loop", "for", 3, True, "backoff")
    assert c.raises_when_exhausted and c.label == "this for retry loop" and c.description == "retry loop"
    assert (c.at.line, c.at.column, c.at.end_line, c.at.end_column) == (2, 3, 2, 48)  # `for (...)`
    (rt,) = c.tries
    (h,) = rt.handlers
    assert h.retries and h.text == "catch (e)" and h.wait == "backoff"


def test_try_statement_knows_its_loop(registry):
    f = gathered(registry, FOR_BACKOFF)
    (t,) = f.tries
    assert t.loop is f.constructs[0] and t.handlers[0].retries


def test_javascript_grammar_reads_the_same_loop(registry):
    c = loop(registry, FOR_BACKOFF, "a.js")
    assert (c.keyword, c.cap, c.wait) == ("for", 3, "backoff")


@pytest.mark.parametrize(("head", "cap"), [
    ("for (let i = 0; i < 3; i++)", 3),
    ("for (let i = 1; i <= 3; i++)", 3),
    ("for (let i = 0; 5 > i; ++i)", 5),
    ("for (let i = 0; i < MAX; i++)", 4),
    ("for (let i = 0; i < this.max; i++)", None),
    ("for (const _ of Array.from({ length: 3 }))", 3),
    ("for (const i of [...Array(4).keys()])", 4),
    ("for (const d of [100, 200, 400])", 3),
    ("for (const d of DELAYS)", 2),
    ("for (let left = 3; left > 0; left--)", 3),
    ("for (let left = 3; 1 <= left; left--)", 3),
])
def test_caps_from_literals(registry, head, cap):
    source = "const MAX = 4;\nconst DELAYS = [10, 20];\n" + fn(
        f"  {head} {{\n    try {{ return await run(); }} catch (e) {{ log(e); }}\n  }}"
    )
    c = loop(registry, source)
    assert c.cap == cap and c.bounded


def test_while_counter_with_const_limit(registry):
    source = "const MAX_ATTEMPTS = 3;\n" + fn(
        "  let attempt = 1;\n  while (attempt <= MAX_ATTEMPTS) {\n"
        "    try { return await run(); } catch (e) { attempt++; await sleep(1000); }\n  }"
    )
    c = loop(registry, source)
    assert (c.keyword, c.cap, c.bounded, c.wait, c.raises_when_exhausted) == ("while", 3, True, "constant", False)
    assert c.at.column == 3 and c.at.end_column == 34  # `while (attempt <= MAX_ATTEMPTS)`


@pytest.mark.parametrize(("head", "bounded"), [
    ("while (true)", False),
    ("for (;;)", False),
    ("while (1)", False),
])
def test_endless_loops(registry, head, bounded):
    source = fn(f"  {head} {{\n    try {{ return await run(); }} catch (e) {{ await sleep(500); }}\n  }}")
    c = loop(registry, source)
    assert c.bounded is bounded and c.cap is None


def test_endless_loop_with_a_cap_check_is_bounded(registry):
    source = fn(
        "  let attempt = 0;\n  while (true) {\n    try { return await run(); } catch (e) {\n"
        "      if (++attempt >= 5) throw e;\n      await sleep(500);\n    }\n  }"
    )
    assert loop(registry, source).bounded


def test_a_test_of_the_error_is_no_cap_check(registry):
    source = fn(
        "  while (true) {\n    try { return await run(); } catch (e) {\n"
        "      if (e.status === 401) throw e;\n      await sleep(500);\n    }\n  }"
    )
    assert not loop(registry, source).bounded


def test_do_while_with_a_flag(registry):
    source = fn(
        "  let done = false;\n  let delay = 100;\n  do {\n    try {\n      await run();\n      done = true;\n"
        "    } catch (e) {\n      if (e instanceof RangeError) { await sleep(delay); delay *= 2; }\n      else throw e;\n"
        "    }\n  } while (!done);"
    )
    c = loop(registry, source)
    assert (c.keyword, c.label, c.wait) == ("do", "this do…while retry loop", "backoff")
    assert (c.at.column, c.at.end_column) == (3, 5)  # `do`
    first, other = c.tries[0].handlers
    assert (first.text, first.retries, first.wait) == ("instanceof RangeError", True, "backoff")
    assert (other.text, other.retries) == ("the else branch", False)


@pytest.mark.parametrize("body", [
    "for (const url of urls) {\n    try { return await fetch(url); } catch (e) { continue; }\n  }",  # a fallback over items
    "while (running) {\n    try { await poll(); } catch (e) { log(e); }\n    await sleep(1000);\n  }",  # polling
    "for (let i = 0; i < 3; i++) {\n    try { return await run(); } catch (e) { throw e; }\n  }",  # gives up
    "for (let i = 0; i < 3; i++) {\n    try { return await run(); } catch (e) { return null; }\n  }",
    "for (let i = 0; i < 3; i++) {\n    try { return await run(); } catch (e) { break; }\n  }",
    "for (const k in obj) {\n    try { return await run(k); } catch (e) { continue; }\n  }",
])
def test_not_retry_loops(registry, body):
    assert gathered(registry, fn("  " + body)).constructs == []


def test_a_handler_retries_when_it_goes_round(registry):
    continues = fn(
        "  for (let i = 0; i < 3; i++) {\n    try { await run(); } catch (e) { await sleep(100 * i); continue; }\n"
        "    return;\n  }"
    )
    c = loop(registry, continues)
    assert c.tries[0].handlers[0].retries and c.wait == "backoff"
    falls = fn("  for (let i = 0; i < 3; i++) {\n    try { await run(); } catch (e) { log(e); }\n    return;\n  }")
    assert gathered(registry, falls).constructs == []  # falling off the catch reaches the return: no attempt follows


@pytest.mark.parametrize(("sleep", "wait"), [
    ("await sleep(1000);", "constant"),
    ("await sleep(RETRY_DELAY_MS);", "constant"),
    ("await sleep(60 * 1000);", "constant"),
    ("await sleep(1000 * 2 ** attempt);", "backoff"),
    ("await sleep(Math.pow(2, attempt) * 100);", "backoff"),
    ("await sleep(Math.min(1000 * attempt, 30000));", "backoff"),
    ("await sleep(base * (1 << attempt));", "backoff"),
    ("await this.backoff(attempt);", "backoff"),
    ("await sleep(e.retryAfter * 1000);", "retry-after"),
    ("await sleep(Number(e.headers['retry-after']) * 1000);", "retry-after"),
    ("await sleep(this.options.delay);", "unknown"),
    ("await sleep(opts);", "unknown"),
    ("await setTimeout(500);", "constant"),  # from node:timers/promises
    ("await new Promise((resolve) => setTimeout(resolve, 250));", "constant"),
    ("setTimeout(() => log('x'), 250);", "none"),  # a timer, not a pause
    ("log(e);", "none"),
])
def test_how_sleeps_wait(registry, sleep, wait):
    imports = 'import { setTimeout } from "node:timers/promises";\n' if sleep.startswith("await setTimeout") else ""
    source = imports + "const RETRY_DELAY_MS = 500;\n" + fn(
        f"  for (let attempt = 0; attempt < 3; attempt++) {{\n    try {{ return await run(); }} catch (e) {{\n      {sleep}\n    }}\n  }}",
        "opts",
    )
    c = loop(registry, source)
    assert c.wait == wait and c.tries[0].handlers[0].wait == wait


def test_a_delay_that_grows(registry):
    source = fn(
        "  let delay = 200;\n  for (let i = 0; i < 4; i++) {\n    try { return await run(); } catch (e) {\n"
        "      await sleep(delay);\n      delay = Math.min(delay * 2, 5000);\n    }\n  }"
    )
    assert loop(registry, source).wait == "backoff"


def test_branches_of_a_retrying_handler(registry):
    source = fn(
        "  for (let i = 0; i < 3; i++) {\n    try { return await run(); } catch (e) {\n"
        "      if (e.status === 429) {\n        await sleep(e.retryAfter * 1000);\n        continue;\n      }\n"
        "      if (e.code === 'ECONNRESET') { await sleep(1000); continue; }\n      throw e;\n    }\n  }"
    )
    (h,) = loop(registry, source).tries[0].handlers
    assert h.retries and [(b.values, b.wait) for b in h.branches] == [(("429",), "retry-after"), (("ECONNRESET",), "constant")]
    assert h.branches[0].at.line == 4


def test_retry_decisions_against_collections(registry):
    source = "const RETRYABLE = new Set([429, 502, 503]);\n" + fn(
        "  for (let i = 0; i < 3; i++) {\n    try { return await run(); } catch (err) {\n"
        "      const status = err.response?.status ?? err.statusCode;\n"
        "      if (!RETRYABLE.has(status)) throw err;\n"
        "      if ([408, 425].includes((err as HttpError).status)) { await sleep(100); continue; }\n"
        "      if (!['ETIMEDOUT'].includes(err.code) && other) throw err;\n"  # gives up only when `other` holds too
        "      await sleep(2 ** i * 100);\n    }\n  }"
    )
    (h,) = loop(registry, source).tries[0].handlers
    found = [(d.name, [v for _, v in d.entries]) for d in h.retry_decisions]
    assert found == [("RETRYABLE", [429, 502, 503]), (None, [408, 425])]


def test_collections_named_as_retryable_and_their_order(registry):
    source = (
        "const retryableStatuses = [429, 503] as const;\n"
        "const NON_RETRYABLE_CODES = ['VALIDATION_ERROR'];\n"
        "const RETRY_OPTIONS = { retries: 3, retryableStatusCodes: [502, 504], 'retry-codes': ['EPIPE'] };\n"
        + fn("  for (let i = 0; i < 2; i++) {\n    try { return await run(); } catch (e) { await sleep(1); }\n  }")
        + "class Client {\n  static readonly RETRY_CODES = Object.freeze(['ETIMEDOUT', 'ECONNRESET']);\n}\n"
    )
    f = gathered(registry, source)
    assert [(n, [v for _, v in c.entries]) for n, c in f.collections] == [
        ("retryableStatuses", [429, 503]), ("retryableStatusCodes", [502, 504]), ("retry-codes", ["EPIPE"]),
        ("RETRY_CODES", ["ETIMEDOUT", "ECONNRESET"]),
    ]
    assert [c.seq for _, c in f.collections[:3]] + [f.constructs[0].seq, f.collections[3][1].seq] == [1, 2, 3, 4, 5]


def test_a_file_without_catch_still_has_its_named_collections(registry):
    f = gathered(registry, "export const RETRYABLE_STATUS_CODES = [408, 429, 500];\nconst retryOn = new Set<number>([503]);\n")
    assert [n for n, _ in f.collections] == ["RETRYABLE_STATUS_CODES", "retryOn"]


def test_retryable_name_reads_camel_case():
    assert retryable_name("retryableStatuses") and retryable_name("RETRY_STATUSES")
    assert not retryable_name("nonRetryableCodes") and not retryable_name("doNotRetryCodes")
    assert not retryable_name("neverRetry") and not retryable_name("retrieveCodes")
