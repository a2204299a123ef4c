"""Packs that name other packs' classes (issue 27, point 2), through the CLI and flake8.

cohere's ``[[auto_retry]]`` names ``httpx.ConnectError``; requests'
``ContentDecodingError`` derives from ``urllib3.exceptions.HTTPError``. Disabling
httpx or urllib3 leaves those references unknown, and the dependent pack works
for the rest; a class that derives from a class left out is left out with it
(errlint cannot know all of its ancestors). A project pack named as a bundled
one replaces it: the ``errlint packs extract`` → edit → ``extend-packs``
workflow.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib import metadata

import pytest

from cli_support import findings, run

COHERE = textwrap.dedent(
    """
    import time

    import cohere
    import httpx


    def command(prompt):
        co = cohere.ClientV2()
        for attempt in range(3):
            try:
                return co.chat(model="m", messages=prompt)
            except cohere.TooManyRequestsError:
                time.sleep(2 ** attempt)


    def connect(prompt):
        co = cohere.ClientV2()
        for attempt in range(3):
            try:
                return co.chat(model="m", messages=prompt)
            except httpx.ConnectError:
                time.sleep(2 ** attempt)


    def transport(prompt):
        co = cohere.ClientV2()
        for attempt in range(3):
            try:
                return co.chat(model="m", messages=prompt)
            except httpx.TransportError:
                time.sleep(2 ** attempt)
    """
).lstrip()

REQUESTS = textwrap.dedent(
    """
    import requests
    import urllib3

    try:
        requests.get("https://example.com", timeout=5)
    except requests.RequestException:
        pass
    except requests.exceptions.ContentDecodingError:
        pass

    try:
        requests.get("https://example.com", timeout=5)
    except urllib3.exceptions.HTTPError:
        pass
    except requests.exceptions.ContentDecodingError:
        pass

    try:
        requests.get("https://example.com", timeout=5)
    except requests.RequestException:
        pass
    except requests.exceptions.ConnectionError:
        pass
    """
).lstrip()


def _codes_by_line(out: str) -> list[tuple[str, int, str]]:
    return [(line.split(":")[0], int(line.split(":")[1]), line.split(": ")[1].split()[0]) for line in findings(out)]


def _config(tree, body: str) -> None:
    (tree / "pyproject.toml").write_text("[tool.errlint]\n" + body)


def test_disabling_httpx_keeps_cohere_working(tree, capsys):
    (tree / "co.py").write_text(COHERE)
    code, out, err = run(capsys, "--no-cache", "co.py")
    assert code == 1 and err == ""
    enabled = _codes_by_line(out)
    assert [(line, c) for _, line, c in enabled if c == "ERR001"] == [(11, "ERR001"), (20, "ERR001"), (29, "ERR001")]
    _config(tree, 'disable-packs = ["httpx"]\n')  # failed before: cohere.toml: auto_retry[0].on: unknown class 'httpx.ConnectError'
    code, out, err = run(capsys, "--no-cache", "co.py")
    assert code == 1 and err == ""
    disabled = _codes_by_line(out)
    # cohere's own classes and the class it names, httpx.ConnectError (it does retry it), are still known;
    # that httpx.TransportError catches httpx.ConnectError is httpx's fact: no longer known, so line 29 is silent
    assert [(line, c) for _, line, c in disabled if c == "ERR001"] == [(11, "ERR001"), (20, "ERR001")]
    assert set(disabled) < set(enabled)


def test_disabling_urllib3_leaves_out_the_requests_class_that_derives_from_it(tree, capsys):
    (tree / "rq.py").write_text(REQUESTS)
    code, out, _ = run(capsys, "--no-cache", "rq.py")
    assert code == 1
    assert [(line, c) for _, line, c in _codes_by_line(out)] == [(8, "ERR004"), (15, "ERR004"), (22, "ERR004")]
    _config(tree, 'disable-packs = ["urllib3"]\n')  # failed before: requests.toml: ...parent: unknown class
    code, out, err = run(capsys, "--no-cache", "rq.py")
    assert code == 1 and err == ""
    # ContentDecodingError's ancestors are no longer all known: errlint says nothing of it (no guess),
    # and the rest of requests works
    assert [(line, c) for _, line, c in _codes_by_line(out)] == [(22, "ERR004")]
    code, out, _ = run(capsys, "--show-settings", "rq.py")
    assert code == 0
    assert (
        "  classes left out   \n    requests: requests.exceptions.ContentDecodingError "
        "(derives from urllib3.exceptions.HTTPError, which no pack of the run defines)\n"
    ) in out
    assert "\n    urllib3:" not in out


def test_a_reference_to_no_pack_at_all_is_still_an_error(tree, capsys):
    (tree / "mine.toml").write_text(
        '[sdk]\nname = "mine"\nmodules = ["mine"]\n[errors."mine.Error"]\nparent = "httpx.NoSuchError"\n'
    )
    (tree / "a.py").write_text("x = 1\n")
    _config(tree, 'extend-packs = ["mine.toml"]\ndisable-packs = ["httpx"]\n')
    code, out, err = run(capsys, "a.py")
    assert code == 2 and out == ""
    assert err == f"errlint: error: {tree / 'mine.toml'}: errors.Error.parent: unknown class 'httpx.NoSuchError'\n"
    # the same pack naming a class the disabled pack has: valid, and that class is left out with it
    (tree / "mine.toml").write_text(
        '[sdk]\nname = "mine"\nmodules = ["mine"]\n[errors."mine.Error"]\nparent = "httpx.TransportError"\n'
        '[errors."mine.Other"]\nparent = "builtins.Exception"\n'
    )
    code, out, err = run(capsys, "--show-settings", "a.py")
    assert code == 0 and err == ""
    assert "    mine: mine.Error (derives from httpx.TransportError, which no pack of the run defines)\n" in out


def _installed(distribution: str) -> None:
    try:
        metadata.version(distribution)
    except metadata.PackageNotFoundError:  # pragma: no cover - the test extra installs it
        pytest.skip(f"{distribution} is not installed")


HX = textwrap.dedent(
    """
    import httpx
    from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential


    @retry(retry=retry_if_exception_type((httpx.InvalidURL, httpx.ConnectError)), stop=stop_after_attempt(3), wait=wait_exponential())
    def fetch(url):
        return httpx.get(url)
    """
).lstrip()


def _edited_skeleton(tree, capsys) -> str:
    """``errlint packs extract httpx``, with one policy filled in from the docs, as a user would."""
    _installed("httpx")
    code, skeleton, _ = run(capsys, "packs", "extract", "httpx")
    assert code == 0
    # the header recommends what works: loading it replaces the bundled pack of its name
    assert '# (if errlint bundles a pack named "httpx", this one replaces it: `errlint --show-settings` says so).\n' in skeleton
    assert "disable-packs" not in skeleton
    block = '[errors."httpx._exceptions.InvalidURL"]\nparent = "builtins.Exception"\naliases = ["httpx.InvalidURL"]\n'
    assert block + "# retry = " in skeleton
    edited = skeleton.replace(block + "# retry = ", block + 'retry = "never"\naction = "Fix the URL."\n# was: retry = ')
    (tree / "httpx.toml").write_text(edited)
    return edited


def test_extract_edit_extend_replaces_the_bundled_pack(tree, capsys):
    _edited_skeleton(tree, capsys)
    (tree / "hx.py").write_text(HX)
    (tree / "co.py").write_text(COHERE)
    assert run(capsys, "--no-cache", "-q", "hx.py") == (0, "", "")  # the bundled httpx pack: no policy
    assert run(capsys, "packs", "check", "httpx.toml")[0] == 0
    _config(tree, 'extend-packs = ["httpx.toml"]\n')  # failed before: pack names must be unique
    code, out, err = run(capsys, "--no-cache", "-q", "hx.py", "co.py")
    assert code == 1 and err == ""
    assert "hx.py:5:1: ERR002 @retry(...) retries InvalidURL, which httpx documents as never retryable: Fix the URL.\n" in out
    # cohere's reference (httpx.ConnectError) resolves in the replacement: its three loops are reported as before
    assert [line for _, line, c in _codes_by_line(out) if c == "ERR001"] == [11, 20, 29]
    code, out, _ = run(capsys, "--show-settings", "hx.py")
    assert f"    httpx: {tree / 'httpx.toml'} (replaces the bundled httpx pack, " in out
    assert out.count("\n    httpx: ") == 1
    # what the old header recommended works too: disable-packs names the bundled pack, which yours replaces
    _config(tree, 'extend-packs = ["httpx.toml"]\ndisable-packs = ["httpx"]\n')
    code, out, _ = run(capsys, "--no-cache", "-q", "hx.py")
    assert code == 1 and "ERR002" in out


def test_a_replacement_that_lacks_a_class_another_pack_names(tree, capsys):
    """The user's httpx pack lists only some classes: cohere's httpx.ConnectError is then unknown, as
    with httpx disabled, instead of an error."""
    edited = _edited_skeleton(tree, capsys)
    start = edited.index('[errors."httpx._exceptions.ConnectError"]')
    end = edited.index("\n\n", start) + 2
    (tree / "httpx.toml").write_text(edited[:start] + edited[end:])
    assert run(capsys, "packs", "check", "httpx.toml")[0] == 0  # checked in the bundled pack's place
    (tree / "co.py").write_text(COHERE)
    _config(tree, 'extend-packs = ["httpx.toml"]\n')
    code, out, err = run(capsys, "--no-cache", "-q", "co.py")
    assert code == 1 and err == ""
    assert [line for _, line, c in _codes_by_line(out) if c == "ERR001"] == [11, 20]


def _flake8(tree, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select=ERR", *args], cwd=tree, capture_output=True, text=True)


def test_flake8_disables_and_replaces_packs_too(tree):
    (tree / "co.py").write_text(COHERE)
    (tree / "rq.py").write_text(REQUESTS)
    proc = _flake8(tree, "--errlint-disable-packs=httpx,urllib3", "co.py", "rq.py")
    assert proc.returncode == 1, proc.stderr
    got = sorted(tuple(line.split(":")[:2]) + (line.split(": ")[1].split()[0],) for line in proc.stdout.splitlines())
    assert got == [("co.py", "11", "ERR001"), ("co.py", "12", "ERR007"), ("co.py", "20", "ERR001"), ("rq.py", "22", "ERR004")]
    (tree / "pyproject.toml").write_text('[tool.errlint]\ndisable-packs = ["urllib3"]\n')
    proc = _flake8(tree, "rq.py")
    assert proc.returncode == 1 and proc.stdout.splitlines() == [
        "rq.py:22:1: ERR004 except requests.exceptions.ConnectionError is unreachable: requests.RequestException on line 20 catches it first"
    ], proc.stdout + proc.stderr


def test_flake8_loads_a_replacement_pack(tree, capsys):
    _edited_skeleton(tree, capsys)
    (tree / "hx.py").write_text(HX)
    proc = _flake8(tree, "--errlint-extend-packs=httpx.toml", "hx.py")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == "hx.py:5:1: ERR002 @retry(...) retries InvalidURL, which httpx documents as never retryable: Fix the URL.\n"
