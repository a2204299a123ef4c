"""scripts/stress.py's categories of hostile input: files, configuration and packs, a corrupted cache."""
from __future__ import annotations

import json
import os
import shutil
import socket
import sys
from pathlib import Path

from stress_harness import ERRLINT, FIXTURES, FLAKE8, Category, run

SHADOWED = b"try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\n"
TS_HEAD = b'import { AlterVault, BackendError, GrantExpiredError } from "@alter-ai/alter-sdk";\nconst vault = new AlterVault({});\n'
HANDLER = b"} catch (e) { if (e instanceof BackendError) { console.log(e); } else if (e instanceof GrantExpiredError) { return; } }\n"
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"] if os.geteuid() == 0 else []
UNIT = b'async function f%d(a){try{return await vault.request("GET",a)}catch(e){if(e instanceof BackendError){return null}}}'


def _content_cases() -> dict[str, bytes]:
    """Files whose content is hostile: each must be findings or ERR000, fast, in every front end."""
    chain = b"try:\n    x = vault" + b".request()" * 20000 + SHADOWED[13:]
    return {
        "deep_chain.py": chain,
        "broken_chain.py": b"try:\n    x = vault" + b".request()" * 20000 + b"\npass\n" + SHADOWED[14:],  # CPython rejects it
        "chain_600.py": b"try:\n    x = vault" + b".request()" * 600 + SHADOWED[13:],
        "binop.py": b"x = " + b" + ".join([b"a"] * 100000) + b"\n",
        "nots.py": b"try:\n    x = " + b"not " * 50000 + b"a" + SHADOWED[13:],
        "lambdas.py": b"x = " + b"lambda: " * 3000 + b"1\n",
        "brackets.py": b"x = " + b"[" * 10000 + b"]" * 10000 + b"\n",
        "rot13.py": b"# -*- coding: rot13 -*-\nvzcbeg bf\n",
        "nul.py": b"\x00" * 1000,
        "latin1.py": b"x = '\xe9'\n" + SHADOWED,
        "utf16.py": "x = 1\n".encode("utf-16"),
        "bom_only.py": b"\xef\xbb\xbf",
        "empty.py": b"",
        "ident.py": b"x" * 1_000_000 + b" = 1\n",
        "cr_only.py": SHADOWED.replace(b"\n", b"\r"),
        "nested_try.ts": TS_HEAD + b"async function f() {\n" + b"try {\n" * 3000 + b"await vault.request('GET', 'u');\n" + HANDLER * 3000 + b"}\n",
        "nested_try_400.js": TS_HEAD.replace(b'import { AlterVault, BackendError, GrantExpiredError } from "@alter-ai/alter-sdk"',
                                             b'const { AlterVault, BackendError, GrantExpiredError } = require("@alter-ai/alter-sdk")')
        + b"async function f() {\n" + b"try {\n" * 400 + b"await vault.request('GET', 'u');\n" + HANDLER * 400 + b"}\n",
        "one_line.js": TS_HEAD + b"".join(UNIT % i for i in range(10000)) + b"\n",
        "cr_only.ts": (TS_HEAD + b"async function f() {\ntry {\nawait vault.request('GET', 'u');\n" + HANDLER + b"}\n").replace(b"\n", b"\r"),
        "braces.ts": b"{" * 100000 + b"}" * 100000,
        "template.js": b"`${" * 20000 + b"}`" * 20000,
        "huge.py": b"x = 1\n" * 2_000_000,  # 12 MB: over the default limit, one ERR000
    }


def _special(folder: Path) -> list[str]:
    """Paths that are not regular files, and names that are not UTF-8; the names made."""
    os.mkfifo(folder / "fifo.py")
    os.mkfifo(folder / "fifo.ts")
    os.symlink("/dev/zero", folder / "zero.py")
    os.symlink("/dev/urandom", folder / "random.ts")
    os.symlink("/dev/null", folder / "null.py")
    os.symlink("fifo.py", folder / "to_fifo.js")
    os.symlink("nowhere.py", folder / "dangling.py")
    os.symlink("loop_b.py", folder / "loop_a.py")
    os.symlink("loop_a.py", folder / "loop_b.py")
    (folder / "dir.py").mkdir()
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.py"))
    sock.close()  # the socket file stays
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.py"), "wb") as fh:
        fh.write(SHADOWED)
    return ["fifo.py", "fifo.ts", "zero.py", "random.ts", "null.py", "to_fifo.js", "dangling.py", "loop_a.py", "dir.py", "sock.py"]


def hostile_files(work: Path) -> Category:
    cat = Category("hostile files")
    folder = work / "files"
    folder.mkdir(parents=True)
    cases = _content_cases()
    for name, data in cases.items():
        (folder / name).write_bytes(data)
    named = _special(folder)
    for fmt in ("text", "json", "sarif", "github"):
        o = run([*ERRLINT, "--no-cache", "--output-format", fmt, "."], folder, timeout=300)
        cat.check(f"directory run ({fmt})", o)
    o = run([*ERRLINT, "--no-cache", "-o", "report.txt", "--statistics", "."], folder, timeout=300)
    cat.check("directory run (-o, --statistics)", o)
    o = run([*ERRLINT, "--no-cache", "--diff", "--unsafe-fixes", "."], folder, timeout=300)
    cat.check("directory run (--diff)", o, codes=(0, 1))
    for name in [*cases, *named]:
        o = run([*ERRLINT, "--no-cache", name], folder, timeout=120)
        expect = None
        if name == "huge.py":
            expect = lambda o: None if b"ERR000 cannot lint: too large" in o.out else "no ERR000 too large"  # noqa: E731
        elif name in ("deep_chain.py", "nested_try.ts", "nots.py"):
            expect = lambda o: None if b"too deeply nested" in o.out else "no ERR000 too deeply nested"  # noqa: E731
        cat.check(f"{name} named", o, expect=expect)
        if name in cases:
            o = run([*ERRLINT, "--no-cache", "-", "--stdin-filename", name], folder, stdin=cases[name], timeout=120)
            cat.check(f"{name} on stdin", o)
            if name.endswith(".py") and name != "huge.py":
                o = run([*FLAKE8, name], folder, timeout=120)
                if b"Traceback" in o.err and b"/errlint/" not in o.err:
                    continue  # flake8's own ast.parse or tokenize.open failed before any plugin: not errlint's
                cat.check(f"{name} through flake8", o)
    fix = work / "fix"
    shutil.copytree(folder, fix, symlinks=True, ignore=shutil.ignore_patterns("fifo.*", "sock.py"))
    o = run([*ERRLINT, "--no-cache", "--fix", "--unsafe-fixes", "."], fix, timeout=300)
    cat.check("--fix on them", o)
    _permissions(cat, work)
    return cat


def _permissions(cat: Category, work: Path) -> None:
    """An unreadable file, an unreadable directory, one that cannot be searched, a read-only file under --fix."""
    if not UNPRIVILEGED and os.geteuid() == 0:
        return
    folder = work / "perm"
    for sub in ("noread", "noexec"):
        (folder / sub).mkdir(parents=True)
        (folder / sub / "c.py").write_bytes(SHADOWED)
    (folder / "secret.py").write_bytes(SHADOWED)
    (folder / "ok.py").write_bytes(SHADOWED)
    (folder / "ro.py").write_bytes(SHADOWED.replace(b"except ValueError", b"except (OSError, IOError)"))
    os.chmod(folder / "secret.py", 0)
    os.chmod(folder / "noread", 0o311)
    os.chmod(folder / "noexec", 0o644)
    os.chmod(folder / "ro.py", 0o444)
    try:
        o = run([*UNPRIVILEGED, *ERRLINT, "--no-cache", "."], folder)
        cat.check("permissions", o, expect=lambda o: None if b"noread: cannot read the directory" in o.err
                  and b"secret.py:1:1: ERR000 cannot read" in o.out else "not reported as expected")
        before = (folder / "ro.py").read_bytes()
        o = run([*UNPRIVILEGED, *ERRLINT, "--no-cache", "--fix", "--unsafe-fixes", "ro.py"], folder)
        cat.check("read-only file under --fix", o, codes=(2,), expect=lambda o: None if (folder / "ro.py").read_bytes() == before
                  and b"read-only; not fixed" in o.err else "rewritten, or not said")
    finally:
        for p in ("noread", "noexec"):
            os.chmod(folder / p, 0o755)
        os.chmod(folder / "secret.py", 0o644)


# -- configuration and packs ------------------------------------------------------------------------------------
def _chain(n: int, cycle: bool = False, name: str = "acme") -> str:
    out = [f'[sdk]\nname = "{name}"\nmodules = ["{name}"]\n']
    for i in range(n):
        parent = '"builtins.Exception"' if i == 0 and not cycle else f'"E{(i - 1) % n}"'
        out.append(f"[errors.E{i}]\nparent = {parent}\n")
    return "".join(out)


BASE = '[sdk]\nname = "acme"\nmodules = ["acme"]\n[errors.AcmeError]\nparent = "builtins.Exception"\n'
BAD_PACKS = {
    "cycle_1000.toml": _chain(1000, cycle=True),
    "cycle_2.toml": BASE + '[errors.B]\nparent = "C"\n[errors.C]\nparent = "B"\n',
    "deep.toml": '[sdk]\nname = "deep"\nnpm = ' + "[" * 5000 + "]" * 5000 + "\n",
    "status.toml": BASE + "[errors.X]\nstatus = -1\n",
    "huge_status.toml": BASE + "[errors.X]\nstatus = 99999999999999999999\n",
    "attempts.toml": BASE + '[[auto_retry]]\nmethods = ["call"]\nattempts = 9223372036854775807\n',
    "typed.toml": BASE + "[errors.Y]\nretry = 3\n",
    "unknown.toml": BASE + "[nonsense]\nx = 1\n",
    "clash.toml": '[sdk]\nname = "alter_sdk"\nmodules = ["alter_other"]\n',
    "nul.toml": BASE.replace("acme", "ac\\u0000me"),
    "bom.toml": "\ufeff" + BASE,
    "not_utf8.toml": None,
}
BAD_CONFIG = {
    "unknown key": "[tool.errlint]\nnonsense = 1\n",
    "wrong type": '[tool.errlint]\nselect = "ERR004"\nignore = 3\n',
    "nested 5000": "[tool.errlint]\nselect = " + "[" * 5000 + "]" * 5000 + "\n",
    "inline tables 500": "[tool.errlint]\nper-file-ignores = " + "{a = " * 500 + "1" + "}" * 500 + "\n",
    "nul in extend-packs": '[tool.errlint]\nextend-packs = ["a\\u0000b.toml"]\n',
    "nul in src": '[tool.errlint]\nsrc = ["a\\u0000b"]\n',
    "max-file-size 0": "[tool.errlint]\nmax-file-size = 0\n",
    "unknown rule": '[tool.errlint]\nselect = ["XYZ1"]\n',
    "empty selector": '[tool.errlint]\nselect = [""]\n',
}


def _one_line(o) -> str | None:
    lines = [line for line in o.err.decode("utf-8", "replace").splitlines() if line.strip()]
    if len(lines) != 1 or not lines[0].startswith("errlint: error: "):
        return f"expected one error line, got {lines[:3]}"
    return None


def config_and_packs(work: Path) -> Category:
    cat = Category("configuration and packs")
    work.mkdir(parents=True, exist_ok=True)
    (work / "ok.py").write_bytes(SHADOWED + b"import acme\n")
    for name, text in BAD_PACKS.items():
        (work / name).write_bytes(b"[sdk]\nname = 'x\xff'\n" if text is None else text.encode())
    os.mkfifo(work / "fifo.toml")
    os.symlink("/dev/zero", work / "zero.toml")
    os.symlink("loop2.toml", work / "loop1.toml")
    os.symlink("loop1.toml", work / "loop2.toml")
    (work / "dir.toml").mkdir()
    (work / "chain_20000.toml").write_text(_chain(20000))
    packs = [*BAD_PACKS, "fifo.toml", "zero.toml", "loop1.toml", "dir.toml"]
    for pack in [*packs, "chain_20000.toml"]:
        fronts = {
            "check": [*ERRLINT, "--no-cache", "--config", "pyproject.toml", "ok.py"],
            "rules": [*ERRLINT, "rules", "--config", "pyproject.toml"],
            "packs check": [*ERRLINT, "packs", "check", pack],
            "show-settings": [*ERRLINT, "--show-settings", "--config", "pyproject.toml", "ok.py"],
            "flake8": [*FLAKE8, f"--errlint-extend-packs={pack}", "ok.py"],
        }
        (work / "pyproject.toml").write_text(f'[tool.errlint]\nextend-packs = ["{pack}"]\n')
        for front, cmd in fronts.items():
            o = run(cmd, work, timeout=180)
            if pack in ("chain_20000.toml", "clash.toml"):
                cat.check(f"{pack} {front}", o, codes=(0, 1))  # valid (a project pack named as a bundled one replaces it)
            else:
                cat.check(f"{pack} {front}", o, codes=(2,), expect=_one_line)
    for label, text in BAD_CONFIG.items():
        (work / "pyproject.toml").write_text(text)
        for front, cmd in {"check": [*ERRLINT, "--no-cache", "ok.py"], "rules": [*ERRLINT, "rules"],
                           "show-settings": [*ERRLINT, "--show-settings", "ok.py"], "flake8": [*FLAKE8, "ok.py"]}.items():
            o = run(cmd, work, timeout=180)
            cat.check(f"config {label}: {front}", o, codes=(2,), expect=_one_line)
    (work / "pyproject.toml").unlink()
    for config in ("fifo.toml", "zero.toml", "loop1.toml", "dir.toml"):
        o = run([*ERRLINT, "--no-cache", "--config", config, "ok.py"], work, timeout=60)
        cat.check(f"--config {config}", o, codes=(2,), expect=_one_line)
    return cat


# -- a corrupted cache ------------------------------------------------------------------------------------------
def corrupted_cache(work: Path) -> Category:
    cat = Category("corrupted cache")
    tree = work / "tree"
    shutil.copytree(FIXTURES / "ERR004_shadowed_except", tree, ignore=shutil.ignore_patterns("*.fixed.py", "__pycache__"))
    formats = (["--output-format", "text"], ["--output-format", "json"], ["--output-format", "sarif"],
               ["--output-format", "github"], ["--statistics"])
    clean = {tuple(f): run([*ERRLINT, "--no-cache", *f, "."], tree).out for f in formats}
    run([*ERRLINT, "--cache-dir", "c", "."], tree)
    (cache_file,) = (tree / "c").glob("*.json")
    good = cache_file.read_bytes()
    field_values = {"line": ["5", None, -1, [1], 10 ** 30], "column": ["x", None], "code": [4, None, ["ERR004"], "ERR999x"],
                    "message": [None, 7, {}], "end_line": [True, "1"], "rule": [None], "fix": ["yes", {"edits": 1}]}
    for fld, values in field_values.items():
        for value in values:
            data = json.loads(good)
            for entry in data["files"].values():
                for d in entry.get("result", {}).get("diagnostics", [])[:1]:
                    d[fld] = value
            for fmt in formats:
                cache_file.write_text(json.dumps(data))
                o = run([*ERRLINT, "--cache-dir", "c", *fmt, "."], tree)
                cat.check(f"{fld}={value!r} {' '.join(fmt)}", o, expect=lambda o, fmt=fmt: None if o.out == clean[tuple(fmt)] else "differs from a clean run")
    wholes = {"truncated": good[: len(good) // 2], "garbage": b"\xff\x00garbage", "deep": b"[" * 100000, "list": b"[]",
              "utf16": good.decode().encode("utf-16"), "nul": b"\x00" * 100}
    for label, content in wholes.items():
        cache_file.write_bytes(content)
        o = run([*ERRLINT, "--cache-dir", "c", "."], tree)
        cat.check(f"cache file {label}", o, expect=lambda o: None if o.out == clean[("--output-format", "text")] else "differs")
    for label in ("fifo", "dev-zero", "loop", "directory"):
        if cache_file.is_dir() and not cache_file.is_symlink():
            cache_file.rmdir()
        elif os.path.lexists(cache_file):
            cache_file.unlink()
        if label == "fifo":
            os.mkfifo(cache_file)
        elif label == "dev-zero":
            os.symlink("/dev/zero", cache_file)
        elif label == "loop":
            os.symlink(cache_file.name, cache_file)
        else:
            cache_file.mkdir()
        o = run([*ERRLINT, "--cache-dir", "c", "."], tree)
        cat.check(f"cache file is a {label}", o, expect=lambda o: None if o.out == clean[("--output-format", "text")] else "differs")
    return cat


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run scripts/stress.py")
