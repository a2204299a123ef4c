"""API generations of an SDK (issue 17, point 3): the version ranges, the ``[[generations]]`` of a
pack, which one a file gets (its code, then the project's declared dependency, then the pack's
current one, said in the message where it changes the verdict), the same way from every front
end and through the cache."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cli_support import run
from errlint.checks import ALL_CHECKS
from errlint.engine import Linter
from errlint.run import lint_files
from errlint.packs import PackError, load_pack, load_registry
from errlint.packs.generations import choose
from errlint.project.deps import DeclaredIndex
from errlint.packs.versions import parse_requirement, parse_specifiers, parse_version


# -- versions --------------------------------------------------------------------------------------
def test_versions_compare_as_pep_440_orders_them():
    v = parse_version
    assert v("0.28.1") < v("1") == v("1.0.0") < v("1.0.1")
    assert v("1.0.0.dev1") < v("1.0.0a1") < v("1.0.0b2") < v("1.0.0rc1") < v("1.0.0") < v("1.0.0.post1")
    assert v("2.0+local") == v("2.0") and v("not a version") is None


@pytest.mark.parametrize("spec, inside, outside", [
    ("<1", ["0.28.1", "0.1"], ["1.0", "1.0.0rc1", "3.54.0"]),
    (">=1", ["1.0", "3.54.0"], ["0.28.1", "1.0.0rc1"]),
    (">=0.27, <1", ["0.27", "0.28.1"], ["0.26.5", "1.0"]),
    ("~=0.28", ["0.28", "0.99"], ["1.0", "0.27"]),
    ("~=0.28.0", ["0.28.1"], ["0.29"]),
    ("==1.*", ["1.0", "1.99.3"], ["2.0", "0.9"]),
    ("==0.28.1", ["0.28.1"], ["0.28.2"]),
    ("!=1.0, >=0.5", ["1.0", "0.5"], ["0.4"]),  # != only removes a point: ignored
])
def test_specifiers_are_intervals(spec, inside, outside):
    interval = parse_specifiers(spec)
    assert all(interval.contains(parse_version(x)) for x in inside)
    assert not any(interval.contains(parse_version(x)) for x in outside)


def test_ranges_meet_when_a_version_is_in_both():
    assert not parse_specifiers("<1").meets(parse_specifiers(">=1"))
    assert parse_specifiers(">=0.27").meets(parse_specifiers("<1"))
    assert not parse_specifiers("==0.28.1").meets(parse_specifiers(">=1, <2"))
    assert parse_specifiers("nonsense") is None


def test_requirement_lines():
    name, interval = parse_requirement("Open_AI[datalib] >=0.27,<1 ; python_version >= '3.8'  # old API")
    assert name == "open-ai" and interval.contains(parse_version("0.28")) and not interval.contains(parse_version("1"))
    assert parse_requirement("-r base.txt") is None and parse_requirement("# openai==1") is None
    assert parse_requirement("./local/pkg") is None and parse_requirement("openai ==bad") is None
    assert parse_requirement("anthropic")[1].contains(parse_version("2.0"))


# -- the packs' generations ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_the_bundled_generations(registry):
    gens = {p.name: [(g.name, g.pack is None) for g in p.generations_in("python")] for p in registry.packs if p.generations}
    assert gens["openai"] == [(">= 1", True), ("0.x", False)]
    assert gens["anthropic"] == [("2.x", True), ("1.x", False)]
    assert gens["stripe"] == [(">= 11", True), ("< 11", False)]
    ts = {p.name: [(g.name, g.pack is None) for g in p.generations_in("typescript")] for p in registry.packs if p.generations}
    assert ts["openai"] == [("npm >= 4", True), ("npm 3.x", False)]  # the npm package's versions, not PyPI's
    assert ts["stripe"] == [(">= 17", True), ("13-16", False), ("<= 12", False)]
    assert [g for g, _ in gens["boto3"]] == [">= 1.44 (standard retry mode)", "< 1.44 (legacy retry mode)"]
    legacy = registry.pack_named("openai").generations_in("python")[1]
    # a class only one generation has is evidence for it; one both have is not
    assert legacy.used_by("openai.error.RateLimitError") and legacy.used_by("openai.ChatCompletion.create")
    assert not legacy.used_by("openai.APIError") and not legacy.used_by("openai.OpenAI")
    assert registry.pack_named("openai").generations[0].used_by("openai.RateLimitError")
    assert legacy.pack.auto_retry == () and legacy.pack.client_classes == ()
    assert legacy.pack.retry_guidance.startswith("openai 0.x does not retry API errors")  # quoted by ERR005 / ERR006


def test_a_generation_is_a_whole_class_graph(registry):
    old = registry.with_generations([("openai", "0.x"), ("anthropic", "1.x")])
    assert old is registry.with_generations([("anthropic", "1.x"), ("openai", "0.x")])  # built once
    assert registry.with_generations([("openai", ">= 1")]) is registry
    assert old.graph.canonical("openai.APIError") == "openai.error.APIError"
    assert not old.graph.is_subclass("openai.error.RateLimitError", "openai.APIError")
    assert registry.graph.is_subclass("openai.RateLimitError", "openai.APIError")
    assert not old.graph.is_subclass("anthropic.OverloadedError", "anthropic.InternalServerError")
    assert registry.graph.is_subclass("anthropic.OverloadedError", "anthropic.InternalServerError")
    assert old.spec("anthropic.RequestTooLargeError").statuses == (413,)
    assert not old.graph.knows("anthropic.PaymentRequiredError")


PACK = """
[sdk]
name = "acme"
modules = ["acme"]
package = "acme"
version = "{version}"

[errors.AcmeError]
[errors.BusyError]
parent = "AcmeError"
retry = "transient"

[[auto_retry]]
methods = ["*"]
on = ["acme.BusyError"]
attempts = 3
"""


def _pack(tmp_path: Path, generations: str, version: str = "2.1") -> Path:
    path = tmp_path / "acme.toml"
    path.write_text(PACK.format(version=version) + textwrap.dedent(generations))
    return path


def test_a_generation_is_the_pack_with_its_differences(tmp_path):
    pack = load_pack(_pack(tmp_path, """
        [[generations]]
        name = "2.x"
        versions = ">=2"
        evidence = ["acme.v2"]

        [[generations]]
        name = "1.x"
        versions = "<2"
        auto_retry = []
        drop = ["BusyError"]
        [generations.errors.OldBusyError]
        parent = "AcmeError"
        retry = "never"
        [generations.errors.AcmeError]
        retry = "by-status"
    """))
    current, old = pack.generations
    assert current.pack is None and pack.current_generation is current and current.used_by("acme.v2.thing")
    assert set(old.pack.errors) == {"acme.AcmeError", "acme.OldBusyError"} and old.pack.auto_retry == ()
    assert old.pack.errors["acme.AcmeError"].retry == "by-status"  # merged into the pack's entry
    assert old.pack.path == pack.path and old.pack.generations == ()
    assert old.used_by("acme.OldBusyError") and current.used_by("acme.BusyError")  # only one has them
    assert old.packages == ("acme",)


@pytest.mark.parametrize("generations, version, message", [
    ('[[generations]]\nname = "a"\nversions = ">=2"\n[[generations]]\nname = "b"\nversions = ">=1"\n', "2.1", "overlap"),
    ('[[generations]]\nname = "a"\nversions = "<2"\n', "2.1", "exactly one generation"),
    ('[[generations]]\nname = "a"\nversions = ">=2"\nauto_retry = []\n', "2.1", "its versions hold sdk.version"),
    ('[[generations]]\nname = "a"\nversions = ">=2"\n[[generations]]\nname = "b"\nversions = "<2"\ndrop = ["Nope"]\n', "2.1", "generations[1].drop"),
    ('[[generations]]\nname = "a"\nversions = ">=2"\n[[generations]]\nname = "b"\nversions = "<2"\ndrop = ["BusyError"]\n', "2.1", "generations[1].auto_retry[0].on"),
    ('[[generations]]\nname = "a"\nversions = "soon"\n', "2.1", "generations[0].versions"),
    ('[[generations]]\nname = "a"\nversions = ">=2"\ncolour = 1\n', "2.1", "generations[0].colour: unknown key"),
    ('[[generations]]\nname = "a"\nversions = ">=2"\n', "", "sdk.version"),
    ('[[generations]]\nname = "a"\nversions = ">=2"\n[[generations]]\nname = "a"\nversions = "<2"\n', "2.1", "same name"),
    ('[[generations]]\nname = "a"\nversions = ">=2"\n[[generations]]\nname = "b"\nversions = "<2"\n'
     '[generations.errors.X]\nparent = "Missing"\n', "2.1", "generations[1]: errors.X.parent: unknown class"),
])
def test_bad_generations_name_the_key(tmp_path, generations, version, message):
    with pytest.raises(PackError) as err:
        load_pack(_pack(tmp_path, generations, version))
    assert message in str(err.value) and "acme.toml" in str(err.value)


def test_choose_code_then_declaration_then_the_current_generation(registry):
    openai = registry.pack_named("openai")
    never = lambda packages: None  # noqa: E731
    old = lambda packages: (parse_specifiers("==0.28.1"), "uv.lock: openai 0.28.1")  # noqa: E731
    assert choose(openai, {"openai", "openai.error.RateLimitError"}, never).generation.name == "0.x"
    assert choose(openai, {"openai.OpenAI"}, old).by == "code"  # the code wins over the declaration
    chosen = choose(openai, {"openai", "openai.api_key"}, old)
    assert (chosen.generation.name, chosen.by, chosen.why) == ("0.x", "declared", "uv.lock: openai 0.28.1")
    assert choose(openai, {"openai"}, never).by == "default"
    # code for both generations (a migration shim): the declaration decides, else the current one
    both = {"openai.OpenAI", "openai.ChatCompletion.create"}
    assert choose(openai, both, old).generation.name == "0.x"
    assert (choose(openai, both, never).generation.name, choose(openai, both, never).by) == (">= 1", "default")
    # a declared range that meets no generation, or several, decides nothing
    assert choose(openai, {"openai"}, lambda p: (parse_specifiers(">=0.27"), "x")).by == "default"


# -- a project's declared dependency, from every front end ----------------------------------------
SHADOW = """\
import anthropic


def ask(client: anthropic.Anthropic, prompt):
    try:
        return client.messages.create(model="m", max_tokens=10, messages=[prompt])
    except anthropic.InternalServerError:
        return None
    except anthropic.OverloadedError:
        return "busy"
"""


def _project(root: Path, files: dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True)  # where the search for declarations ends
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _lint(root: Path) -> list:
    linter = Linter(load_registry(), [c for c in ALL_CHECKS if c.code == "ERR004"])
    files = sorted(root.rglob("*.py"))
    return [d for r in lint_files(linter, [(str(p), p.read_bytes()) for p in files]) for d in r.diagnostics]


@pytest.mark.parametrize("declaration, reported", [
    ({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["anthropic>=1.5,<2"]\n'}, False),
    ({"pyproject.toml": '[project]\nname = "x"\n[project.optional-dependencies]\nllm = ["anthropic~=1.17"]\n'}, False),
    ({"requirements.txt": "requests\nanthropic==1.17.0 \\\n    --hash=sha256:abc\n"}, False),
    ({"requirements-dev.txt": "anthropic>=2\n"}, True),
    ({"poetry.lock": '[[package]]\nname = "anthropic"\nversion = "1.17.0"\n'}, False),
    ({"uv.lock": 'version = 1\n[[package]]\nname = "anthropic"\nversion = "2.12.0"\n'}, True),
    # a lock's pin wins over the range of pyproject.toml
    ({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["anthropic"]\n',
      "uv.lock": 'version = 1\n[[package]]\nname = "anthropic"\nversion = "1.3.0"\n'}, False),
])
def test_the_declared_dependency_decides_what_the_code_leaves_open(tmp_path, declaration, reported):
    root = _project(tmp_path / "p", {"src/app/llm.py": SHADOW, **declaration})
    found = _lint(root)
    assert [d.line for d in found] == ([9] if reported else [])
    assert not any("assumed" in d.message for d in found)


def test_the_code_wins_over_the_declaration(tmp_path):
    code = SHADOW.replace('return "busy"', 'return "busy"\n    except anthropic.PaymentRequiredError:\n        return "pay"')
    root = _project(tmp_path / "p", {"llm.py": code, "requirements.txt": "anthropic<2\n"})
    assert [d.line for d in _lint(root)] == [9]  # PaymentRequiredError exists only in 2.x


def test_without_a_declaration_the_message_says_what_was_assumed(tmp_path):
    root = _project(tmp_path / "p", {"llm.py": SHADOW, "requirements.txt": "requests\n"})
    (found,) = _lint(root)
    assert found.line == 9
    assert "(assumed anthropic 2.x: neither this file nor the project's declared dependencies say" in found.message
    assert "with anthropic 1.x this is not reported" in found.message
    # where every generation reports it, nothing needs saying
    root = _project(tmp_path / "q", {"llm.py": SHADOW.replace("InternalServerError", "APIStatusError")})
    (found,) = _lint(root)
    assert "assumed" not in found.message


def _cli(cwd: Path, *args: str, stdin: bytes | None = None) -> set[tuple[str, int]]:
    proc = subprocess.run([sys.executable, "-m", "errlint.cli", "--no-cache", "--select", "ERR004", "--output-format", "json", *args],
                          cwd=cwd, input=stdin, capture_output=True)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return {(Path(d["filename"]).name, d["location"]["row"]) for d in json.loads(proc.stdout)}


def test_every_front_end_finds_the_same_declaration(tmp_path):
    root = _project(tmp_path / "p", {
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["anthropic>=1,<2"]\n',
        "pkg/old.py": SHADOW,
        "pkg/new.py": SHADOW.replace('return "busy"', 'return "busy"\n    except anthropic.RequestTimeoutError:\n        return "t"'),
    })
    expected = {("new.py", 9)}
    assert _cli(root, ".") == expected  # the tree
    assert _cli(tmp_path, "p/pkg/old.py") | _cli(root / "pkg", "new.py") == expected  # each file alone, from elsewhere
    piped = _cli(root, "-", "--stdin-filename", "pkg/old.py", stdin=SHADOW.encode())
    assert piped == set()  # standard input named by --stdin-filename
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select=ERR", "."], cwd=root, capture_output=True, text=True)
    assert {line.split(":")[0].rsplit("/", 1)[-1] for line in flake8.stdout.splitlines()} == {"new.py"}, flake8.stdout + flake8.stderr


def test_a_cached_result_follows_the_declaration(tmp_path, monkeypatch, capsys, linted):
    root = _project(tmp_path / "p", {"llm.py": SHADOW, "requirements.txt": "anthropic==1.17.0\n", "other.py": "x = 1\n"})
    monkeypatch.chdir(root)
    monkeypatch.delenv("ERRLINT_CACHE_DIR", raising=False)

    def rows():
        code, out, _ = run(capsys, "--output-format", "json", "-j", "1", "--select", "ERR004", ".")
        return [(d["filename"], d["location"]["row"]) for d in json.loads(out)]

    assert rows() == []
    linted.clear()
    assert rows() == [] and linted == []  # unchanged: answered by the cache
    (root / "requirements.txt").write_text("anthropic==2.12.0\n")
    assert rows() == [("llm.py", 9)] and linted == ["llm.py"]  # other.py read no declaration
    linted.clear()
    (root / "requirements.txt").unlink()
    (found,) = json.loads(run(capsys, "--output-format", "json", "-j", "1", "--select", "ERR004", ".")[1])
    assert "assumed anthropic 2.x" in found["message"] and linted == ["llm.py"]


def test_declarations_are_found_once_per_directory(tmp_path):
    root = _project(tmp_path / "p", {"a/b/c.py": "", "a/d.py": "", "requirements.txt": "openai<1\n"})
    index = DeclaredIndex()
    first = index.for_path(str(root / "a" / "b" / "c.py"))
    assert first is index.for_path(str(root / "a" / "d.py"))
    assert first.directory == str(root) and first.lookup(("openai",))[1] == "requirements.txt: openai<1"
    assert first.lookup(("anthropic",)) is None
    bare = _project(tmp_path / "q", {"x.py": ""})
    assert DeclaredIndex().for_path(str(bare / "x.py")).directory is None  # the search stops at .git
