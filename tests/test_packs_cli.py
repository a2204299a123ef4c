"""``errlint packs extract`` and ``errlint packs check`` (issue 17, point 5), through the CLI.

A fake installed package is written to a temporary site directory (a
distribution's ``.dist-info`` and the package's files) and found with
``--path``; its ``__init__.py`` raises, so a test that passes proves nothing
was imported. The real SDKs of the test extra are read too, where installed:
the skeleton of openai against ``rules/openai.toml`` and against the classes
Python imports, and every bundled pack against its installed package.
"""
from __future__ import annotations

import os
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

from cli_support import ROOT, SHADOWED, run
from cli_support import import_dotted as _import
from errlint.packs import PackRegistry, load_pack, load_packs, load_registry

FILES = {
    "acme_sdk/__init__.py": """
        from ._errors import *
        from ._errors import __all__ as _errors_all
        from . import _errors as errors
        from .client import Client
        raise RuntimeError("acme_sdk must never be imported by errlint")
        """,
    "acme_sdk/_errors.py": """
        import othersdk.errors

        __all__ = ["AcmeError", "ApiError", "RateLimitError", "AcmeTimeout", "Tagged", "Wrapped"]

        class AcmeError(Exception):
            pass

        class ApiError(AcmeError):
            status = 0

        class RateLimitError(ApiError):
            status = 429

        class AcmeTimeout(AcmeError, TimeoutError):
            pass

        class Mixin:
            pass

        class Tagged(Mixin, ApiError):
            pass

        class Wrapped(othersdk.errors.OtherError):
            pass

        class _Internal(AcmeError):
            pass

        class NotAnError:
            pass
        """,
    "acme_sdk/client.py": """
        from ._errors import ApiError

        class Client:
            def call(self):
                raise ApiError()
        """,
    "acme_sdk/extras/__init__.py": "",
    "acme_sdk/extras/odd.py": """
        from acme_sdk._errors import ApiError

        def make():
            return object

        class OddError(ApiError, make()):
            pass
        """,
    "othersdk/__init__.py": "",
    "othersdk/errors.py": "class OtherError(Exception):\n    pass\n",
}


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A site directory with the acme-sdk 1.2.3 distribution (and othersdk, which it derives from)."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "site"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text).lstrip())
    info = root / "acme_sdk-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-sdk\nVersion: 1.2.3\n")
    record = [f"{rel},," for rel in FILES if rel.startswith("acme_sdk/")] + ["acme_sdk-1.2.3.dist-info/METADATA,,"]
    (info / "RECORD").write_text("\n".join(record) + "\n")
    return root


def extract(capsys, site: Path, name: str = "acme-sdk") -> tuple[int, str, str]:
    return run(capsys, "packs", "extract", "--path", str(site), name)


def write_skeleton(capsys, site: Path, path: str = "acme.toml") -> Path:
    code, out, err = extract(capsys, site)
    assert code == 0 and err == ""
    Path(path).write_text(out)
    return Path(path)


# -- extract ---------------------------------------------------------------------------------------
def test_extract_prints_a_pack_errlint_loads(site, capsys):
    pack = load_pack(write_skeleton(capsys, site))
    assert "acme_sdk" not in sys.modules  # read, never imported (its __init__ raises)
    assert (pack.name, pack.package, pack.version, pack.modules) == ("acme_sdk", "acme-sdk", "1.2.3", ("acme_sdk",))
    assert pack.defined_in == "acme_sdk._errors"
    parents = {q: spec.parents for q, spec in pack.errors.items()}
    assert parents == {
        "acme_sdk._errors.AcmeError": ("builtins.Exception",),
        "acme_sdk._errors.ApiError": ("acme_sdk._errors.AcmeError",),
        "acme_sdk._errors.RateLimitError": ("acme_sdk._errors.ApiError",),
        "acme_sdk._errors.AcmeTimeout": ("acme_sdk._errors.AcmeError", "builtins.TimeoutError"),
        "acme_sdk._errors.Tagged": ("acme_sdk._errors.ApiError",),  # the mixin is not an exception
        "acme_sdk._errors.Wrapped": ("othersdk.errors.OtherError",),
        "acme_sdk.extras.odd.OddError": ("acme_sdk._errors.ApiError",),
        "othersdk.errors.OtherError": ("builtins.Exception",),  # another package's ancestor no pack knows
    }  # not _Internal (private, no public name), not NotAnError
    spec = pack.errors["acme_sdk._errors.RateLimitError"]
    assert spec.import_names == ("acme_sdk.RateLimitError", "acme_sdk.errors.RateLimitError")
    assert spec.retry == "unspecified" and spec.source == "acme-sdk 1.2.3: acme_sdk/_errors.py"
    # with the bundled packs, as a run would load it
    registry = PackRegistry([*load_packs(), pack])
    assert registry.graph.is_subclass("acme_sdk.errors.RateLimitError", "acme_sdk.AcmeError")
    assert registry.graph.is_subclass("acme_sdk.AcmeTimeout", "builtins.OSError")


def test_extract_leaves_retry_to_the_author_and_says_what_it_could_not_read(site, capsys):
    code, out, _ = extract(capsys, site)
    assert code == 0
    assert out.startswith("# A pack skeleton for acme-sdk 1.2.3, read by `errlint packs extract acme-sdk`")
    block = out[out.index('[errors."acme_sdk._errors.Tagged"]'):].split("\n\n")[0]
    assert "# also derives from acme_sdk._errors.Mixin (not an exception: not listed as a parent)" in block
    assert '# retry = "unspecified"  # never | transient | by-status' in block
    odd = out[out.index('[errors."acme_sdk.extras.odd.OddError"]'):].split("\n\n")[0]
    assert "which errlint cannot resolve statically" in odd
    assert "retry = " not in out.replace('# retry = "unspecified"', "")  # every retry is left as a comment


def test_extract_by_import_name_and_by_distribution_name(site, capsys):
    by_dist = extract(capsys, site, "ACME_sdk")[1]  # distribution names compare as PEP 503 says
    by_import = extract(capsys, site, "acme_sdk")[1]
    assert by_dist.split("\n", 1)[1] == by_import.split("\n", 1)[1] and 'package = "acme-sdk"' in by_import


def test_extract_says_which_modules_it_could_not_read(site, capsys):
    (site / "acme_sdk" / "broken.py").write_text("class Broken(Exception:\n")
    code, out, err = extract(capsys, site)
    assert code == 0 and '[errors."acme_sdk._errors.AcmeError"]' in out
    assert err == ("errlint: warning: 1 module of acme-sdk could not be read (not valid Python for this interpreter, "
                   "or compiled without a .pyi stub): acme_sdk.broken\n")


def test_extract_a_package_that_is_not_installed(site, capsys):
    code, out, err = extract(capsys, site, "nosuch_sdk")
    assert code == 2 and out == ""
    assert err.startswith("errlint: error: nosuch_sdk: no installed distribution or importable package") and err.count("\n") == 1


# -- check -----------------------------------------------------------------------------------------
def test_check_the_extracted_skeleton_agrees(site, capsys):
    path = write_skeleton(capsys, site)
    code, out, err = run(capsys, "packs", "check", "--path", str(site), str(path))
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == (
        "acme.toml: valid; compared with the installed acme-sdk 1.2.3 (read statically): 8 classes, 7 match, "
        "1 not compared; it agrees"
    )
    assert "acme.toml: note: errors.OddError.parent: not compared" in out


def _edited(path: Path, old: str, new: str) -> Path:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def test_check_reports_a_parent_that_differs(site, capsys):
    path = _edited(write_skeleton(capsys, site), 'parent = "acme_sdk._errors.ApiError"', 'parent = "acme_sdk._errors.AcmeError"')
    code, out, _ = run(capsys, "packs", "check", "--path", str(site), str(path))
    assert code == 1
    assert ("acme.toml: errors.RateLimitError.parent: the pack says acme_sdk._errors.AcmeError; "
            "acme-sdk 1.2.3 has acme_sdk._errors.ApiError") in out.splitlines()
    assert out.splitlines()[-1].endswith("1 disagreement")


def test_check_reports_missing_classes_and_wrong_import_names(site, capsys):
    Path("acme.toml").write_text(textwrap.dedent("""
        [sdk]
        name = "acme"
        modules = ["acme_sdk"]
        defined_in = "acme_sdk._errors"
        package = "acme-sdk"
        version = "1.0.0"

        [errors.AcmeError]
        modules = ["acme_sdk", "acme_sdk.client"]

        [errors.GoneError]
        parent = "AcmeError"

        [errors.DocsError]
        parent = "AcmeError"
        docs_only = true
        """))
    code, out, _ = run(capsys, "packs", "check", "--path", str(site), "acme.toml")
    assert code == 1
    lines = out.splitlines()
    assert "acme.toml: errors.AcmeError.aliases: acme_sdk.client.AcmeError does not exist in acme-sdk 1.2.3, not acme_sdk._errors.AcmeError" in lines
    assert "acme.toml: errors.GoneError: acme-sdk 1.2.3 has no class acme_sdk._errors.GoneError" in lines
    assert "acme.toml: note: sdk.version: the pack describes 1.0.0; 1.2.3 is installed" in lines
    # the classes acme_sdk exports that the pack does not list: notes, failures with --strict
    assert "acme.toml: note: acme_sdk.RateLimitError: acme-sdk 1.2.3 exports this exception class (acme_sdk._errors.RateLimitError); no pack lists it" in lines
    assert not any("DocsError" in line for line in lines)


def test_unlisted_classes_are_notes_unless_strict(site, capsys):
    path = write_skeleton(capsys, site)
    text = path.read_text()
    start = text.index('[errors."acme_sdk._errors.RateLimitError"]')
    path.write_text(text[:start] + text[text.index("\n\n", start) + 2:])
    code, out, _ = run(capsys, "packs", "check", "--path", str(site), str(path))
    assert code == 0 and "acme.toml: note: acme_sdk.RateLimitError: acme-sdk 1.2.3 exports this exception class" in out
    code, out, _ = run(capsys, "packs", "check", "--strict", "--path", str(site), str(path))
    assert code == 1 and "acme.toml: acme_sdk.RateLimitError: acme-sdk 1.2.3 exports this exception class" in out


def test_check_reports_a_name_the_package_gives_another_class(site, capsys):
    path = _edited(write_skeleton(capsys, site), '"acme_sdk.errors.RateLimitError"]', '"acme_sdk.errors.RateLimitError", "acme_sdk.ApiError"]')
    code, out, _ = run(capsys, "packs", "check", "--path", str(site), str(path))
    assert code == 1
    assert ("acme.toml: errors.RateLimitError.aliases: acme_sdk.ApiError is acme_sdk._errors.ApiError in acme-sdk 1.2.3, "
            "not acme_sdk._errors.RateLimitError") in out


@pytest.mark.parametrize("text, message", [
    ('[sdk]\nname = "acme"\n[errors.A]\nparent = "Nope"\n', "bad.toml: errors.A.parent: unknown class 'Nope'"),
    ('[sdk]\nname = "acme"\n[errors.A]\nretyr = "never"\n', "bad.toml: errors.A.retyr: unknown key"),
    ('[sdk]\nname = "acme"\n[errors.A\n', "bad.toml: invalid TOML"),
    ('[sdk]\nname = "mine"\n[errors."openai.APIError"]\n', "bad.toml: errors.APIError: openai.APIError is already defined by"),
])
def test_check_an_invalid_pack_is_one_line_and_exit_2(site, capsys, text, message):
    Path("bad.toml").write_text(text)
    Path("good.toml").write_text('[sdk]\nname = "good"\n[errors.GoodError]\n')
    code, out, err = run(capsys, "packs", "check", "--path", str(site), "bad.toml", "good.toml")
    assert code == 2
    assert err.startswith(f"errlint: error: {message}") and err.count("\n") == 1


def test_check_a_pack_whose_package_is_not_installed(site, capsys):
    Path("p.toml").write_text('[sdk]\nname = "p"\nmodules = ["p_sdk"]\npackage = "p-sdk"\n[errors.PError]\n')
    assert run(capsys, "packs", "check", "--path", str(site), "p.toml") == (
        0, "p.toml: valid; p-sdk is not installed here: its classes were not compared\n", "")
    Path("q.toml").write_text('[sdk]\nname = "q"\n[errors.QError]\n')
    assert run(capsys, "packs", "check", "q.toml") == (0, "q.toml: valid (no package to compare with)\n", "")


def test_packs_usage_errors(capsys):
    assert run(capsys, "packs")[0] == 2
    code, _, err = run(capsys, "packs", "frobnicate")
    assert code == 2 and "invalid choice" in err
    assert run(capsys, "packs", "check")[0] == 2


def test_a_directory_named_packs_is_linted_as_a_path(tree, capsys):
    (tree / "packs").mkdir()
    (tree / "packs" / "p.py").write_text(SHADOWED)
    for spelling in ("packs/", "./packs"):
        code, out, _ = run(capsys, "--no-cache", spelling)
        assert code == 1 and "ERR004" in out, spelling
    code, out, _ = run(capsys, "check", "--no-cache", "packs")
    assert code == 1 and "ERR004" in out
    code, _, err = run(capsys, "packs")
    assert code == 2 and "errlint: hint: 'packs' is read as the sub-command" in err


# -- the real SDKs ---------------------------------------------------------------------------------
def _installed(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        pytest.skip(f"{distribution} is not installed")




def test_openai_round_trip(tree, capsys):
    """openai's skeleton has every class of rules/openai.toml, with the same parents, and agrees with
    the classes Python imports: bases, and every public name."""
    version = _installed("openai")
    code, out, _ = run(capsys, "packs", "extract", "openai")
    assert code == 0
    Path("openai_skeleton.toml").write_text(out)
    skeleton = load_pack("openai_skeleton.toml")
    assert skeleton.version == version
    bundled = load_registry()
    ours = PackRegistry([p for p in load_packs() if p.name != "openai"] + [skeleton]).graph
    hand = load_pack(ROOT / "rules" / "openai.toml")
    for qual, spec in hand.errors.items():
        assert ours.knows(qual), qual
        assert [ours.canonical(p) for p in spec.parents] == list(ours.parents(qual)), qual
        assert bundled.graph.parents(qual) == tuple(bundled.graph.canonical(ours.canonical(p) or p) or p for p in ours.parents(qual))
    for qual, spec in skeleton.errors.items():
        cls = _import(qual)
        assert isinstance(cls, type) and issubclass(cls, BaseException), qual
        assert [_import(p) for p in spec.parents] == [b for b in cls.__bases__ if issubclass(b, BaseException)], qual
        for name in spec.import_names:
            assert _import(name) is cls, name


def test_a_skeleton_names_other_packs_classes_as_they_do_and_replaces_its_own(tree, capsys):
    """requests' classes derive from urllib3's: the skeleton names them as rules/urllib3.toml does.
    boto3's derive from botocore's, which the bundled boto3 pack (the one a boto3 skeleton
    replaces) describes: the skeleton lists them itself, so it loads without that pack."""
    _installed("requests"), _installed("boto3")
    code, out, _ = run(capsys, "packs", "extract", "requests")
    assert code == 0
    block = out[out.index('[errors."requests.exceptions.ContentDecodingError"]'):].split("\n\n")[0]
    assert 'parent = ["requests.exceptions.RequestException", "urllib3.exceptions.HTTPError"]' in block
    assert '[errors."urllib3.' not in out
    code, out, _ = run(capsys, "packs", "extract", "boto3")
    assert code == 0
    Path("boto3.toml").write_text(out)
    skeleton = load_pack("boto3.toml")
    assert skeleton.errors["botocore.exceptions.DataNotFoundError"].parents == ("botocore.exceptions.BotoCoreError",)
    assert skeleton.errors["boto3.exceptions.ResourceNotExistsError"].parents == (
        "boto3.exceptions.Boto3Error", "botocore.exceptions.DataNotFoundError")
    PackRegistry([p for p in load_packs() if p.name != "boto3"] + [skeleton])
    code, out, _ = run(capsys, "packs", "check", "boto3.toml")
    assert code == 0 and out.endswith("it agrees\n")


def test_a_pack_that_overlaps_a_bundled_one_is_told_which_to_disable(tree, capsys):
    _installed("botocore")
    code, out, _ = run(capsys, "packs", "extract", "botocore")
    assert code == 0
    Path("botocore.toml").write_text(out)
    code, out, err = run(capsys, "packs", "check", "botocore.toml")
    assert code == 2 and out == ""
    assert "botocore.exceptions.BotoCoreError is already defined by" in err
    assert err.rstrip().endswith('(a project that loads it instead of the bundled pack: disable-packs = ["boto3"])')


@pytest.mark.parametrize("distribution", ["stripe", "google-api-core", "requests", "cohere", "botocore"])
def test_the_static_reading_agrees_with_python_import(distribution):
    """Every class the static reader finds is, once imported, an exception with those exception bases
    (the ones it could resolve, in order) and the same class under every public name it found:
    lazy modules (stripe, cohere), a namespace package (google), a module alias (stripe.error)."""
    _installed(distribution)
    from errlint.cli.packs import _language
    from errlint.cli.packs.tree import find_package, read_package, search_roots

    _, classes = read_package(find_package(distribution, search_roots()), _language())
    assert len(classes) >= 15
    for qual, cls in classes.items():
        real = _import(qual)
        assert isinstance(real, type) and issubclass(real, BaseException), qual
        bases = [b for b in real.__bases__ if issubclass(b, BaseException)]
        if cls.unresolved:  # requests.exceptions.JSONDecodeError's second base: a try/except import
            assert [_import(b) for b in cls.bases] == [b for b in bases if b in [_import(x) for x in cls.bases]], qual
        else:
            assert [_import(b) for b in cls.bases] == bases, qual
        for name in cls.public:
            assert _import(name) is real, name


def test_every_bundled_pack_agrees_with_its_installed_package(tree, capsys):
    paths = sorted(str(p) for p in (ROOT / "rules").glob("*.toml"))
    code, out, err = run(capsys, "packs", "check", "--strict", *paths)
    assert (code, err) == (0, ""), out
    for path in paths:
        pack = load_pack(path)
        if pack.package and _has(pack.package):
            assert f"{path}: valid; compared with the installed" in out, path


def _has(distribution: str) -> bool:
    try:
        metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return False
    return True


# -- the documentation -----------------------------------------------------------------------------
def test_docs_document_every_pack_key_and_readme_the_commands():
    from errlint.packs import generations as packs_generations, schema as packs_schema, typescript as packs_typescript
    from errlint.packs import wrappers as packs_wrappers

    docs = (ROOT / "docs" / "packs.md").read_text(encoding="utf-8")
    keys = {
        "": packs_schema._TOP_KEYS, "sdk": packs_schema._SDK_KEYS, "scope": packs_schema._SCOPE_KEYS,
        "clients": packs_schema._CLIENT_KEYS, "errors": packs_schema._ERROR_KEYS,
        "auto_retry": packs_schema._AUTO_RETRY_KEYS, "settings": packs_schema._SETTING_KEYS,
        "globals": packs_schema._GLOBAL_KEYS, "irreversible": packs_schema._IRREVERSIBLE_KEYS,
        "statuses/codes": packs_schema._POLICY_KEYS, "retry_wrappers": packs_wrappers._KEYS,
        "generations": packs_generations._KEYS,
        "typescript": packs_typescript.TS_KEYS, "typescript_settings": packs_typescript.TS_SETTING_KEYS,
    }
    missing = [f"{table}.{key}" for table, names in keys.items() for key in names
               if (f"`{key}`" if table else f"`[{key}") not in docs and f"`[[{key}]]`" not in docs]
    assert not missing, f"keys docs/packs.md does not document: {missing}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command_line = readme[readme.index("**Command line.**"):readme.index("**flake8.**")]
    assert "errlint packs extract" in command_line and "errlint packs check" in command_line
    assert "docs/packs.md" in command_line
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    usage = page[page.index("## Usage"):page.index("### Exit codes")]
    assert "errlint packs extract" in usage and "errlint packs check" in usage and "packs.md" in usage
    assert os.path.exists(ROOT / "docs" / "packs.md")
