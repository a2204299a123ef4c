"""Run errlint with every rule over a real TypeScript/JavaScript corpus installed from the npm registry.

    python scripts/ts_corpus_check.py                  # npm-install the packages, build the corpus, lint it
    python scripts/ts_corpus_check.py --skip-install   # reuse what an earlier run (or the benchmark) installed
    python scripts/ts_corpus_check.py --dir DIR        # install and build somewhere else

The corpus is the benchmark's (benchmarks/typescript.py: the packages pinned
in its PACKAGES, their code files copied into DIR/corpus, declaration files
left out). Prints, for review:

* counts per code, and every finding other than ERR000 with its source line;
* every ERR000 (a file tree-sitter's grammar rejects) with the first error's
  position, grouped by what the grammar rejects;
* what errlint read: catch clauses and ``.catch()`` callbacks, their
  ``instanceof`` branches, and how many of the classes tested it could follow
  (from a check that only counts, run in this process on the same files).

Exits 1 when the run fails: a traceback, an ERR999 (internal error), or an
exit code other than 0.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import typescript as bench  # noqa: E402  (benchmarks/typescript.py)


def coverage(files: list[Path], corpus: Path) -> tuple[Counter, list[str], list[str]]:
    """What the TypeScript front end reads in ``files``, counted by a check that reports nothing; and, for
    review, the catches with two or more ``instanceof`` branches (where ERR004 can speak) and the tested
    classes errlint does not follow (where it stays silent)."""
    from errlint.checks.base import Check
    from errlint.packs import load_registry
    from errlint.typescript.lint import lint_file

    counts: Counter = Counter()
    chains: list[str] = []
    unfollowed: list[str] = []

    class Counting(Check):
        code, name, needs = "ERR990", "counting", frozenset({"tries"})

        def run(self) -> None:
            graph = self.file.graph
            where = Path(self.file.path).relative_to(corpus)
            for statement in self.file.tries:
                counts["catch clauses and .catch() callbacks read"] += 1
                tested = [h for h in statement.handlers if h.refs]
                counts["instanceof branches"] += len(tested)
                if len(tested) >= 2:
                    counts["catches with two or more instanceof branches"] += 1
                    line = tested[0].at.line
                    chains.append(f"{where}:{line}: " + " | ".join(
                        "everything" if h.refs is None else " || ".join(r.text for r in h.refs)
                        for h in statement.handlers))
                for handler in tested:
                    for ref in handler.refs:
                        if ref.node is None:  # `code === "ENOENT" || e instanceof X`: the first disjunct
                            counts["disjuncts of a class test that test no class"] += 1
                        elif ref.qualname and not ref.qualname.startswith("?") and graph.knows(ref.qualname):
                            counts["classes tested, known to errlint (built-in, pack or class statement)"] += 1
                        else:
                            counts["classes tested, not followed (errlint stays silent on them)"] += 1
                            unfollowed.append(f"{where}:{handler.at.line}: {ref.text}")

    registry = load_registry()
    for path in files:
        result = lint_file(str(path), path.read_bytes(), registry, [Counting])
        for d in result.diagnostics:
            if d.code != "ERR000":  # the counting itself failed
                raise RuntimeError(f"{d.path}: {d.message}")
    return counts, chains, unfollowed


# TypeScript's own parser (the corpus's typescript package) on the files tree-sitter rejects:
# prints "path<TAB>number of syntax errors<TAB>line:column of the first" for each path read from stdin
TSC_SYNTAX = """
const ts = require(process.argv[process.argv.length - 1]);
const fs = require("fs");
for (const path of fs.readFileSync(0, "utf8").split("\\n").filter(Boolean)) {
  const kind = /\\.[cm]?jsx?$/.test(path) ? ts.ScriptKind.JS : path.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const file = ts.createSourceFile(path, fs.readFileSync(path, "utf8"), ts.ScriptTarget.Latest, false, kind);
  const diags = file.parseDiagnostics;
  const at = diags.length ? file.getLineAndCharacterOfPosition(diags[0].start) : null;
  console.log(`${path}\\t${diags.length}\\t${at ? `${at.line + 1}:${at.character + 1}` : ""}`);
}
"""


def typescript_verdicts(folder: Path, paths: list[str]) -> dict[str, str]:
    """What TypeScript's parser says of ``paths`` (relative to the corpus): "" (no syntax error) or the first error."""
    if not paths:
        return {}
    proc = subprocess.run(["node", "-e", TSC_SYNTAX, str(folder / "node_modules" / "typescript")],
                          input="\n".join(paths), capture_output=True, text=True, cwd=folder / "corpus", check=True)
    out = {}
    for line in proc.stdout.splitlines():
        path, count, at = line.split("\t")
        out[path] = "" if count == "0" else f"{count} syntax error(s), the first at {at}"
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=bench.DEFAULT_DIR, help=f"(default: {bench.DEFAULT_DIR})")
    ap.add_argument("--skip-install", action="store_true", help="reuse the packages an earlier run installed")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--no-coverage", action="store_true", help="skip the in-process count of what errlint read")
    args = ap.parse_args()
    folder = args.dir.resolve()
    if not args.skip_install:
        bench.install(folder)
    files = bench.build_corpus(folder)
    corpus = folder / "corpus"
    lines = sum(f.read_bytes().count(b"\n") for f in files)
    print(f"corpus: {len(files)} files, {lines} lines: {', '.join(bench.PACKAGES)}")

    (folder / "errlint.toml").write_text("exclude = []\n")
    proc = subprocess.run(
        [sys.executable, "-m", "errlint.cli", "--config", str(folder / "errlint.toml"), "--no-respect-gitignore",
         "--no-cache", "-j", str(args.jobs), "--output-format", "json", "--exit-zero", "."],
        cwd=corpus, capture_output=True, text=True,
    )
    failures = []
    if proc.returncode != 0 or "Traceback" in proc.stderr:
        failures.append(f"errlint exited {proc.returncode}: {proc.stderr[-3000:]}")
    elif proc.stderr.strip():
        print("errlint's standard error:\n" + proc.stderr)
    findings = json.loads(proc.stdout) if proc.stdout.strip() else []
    counts = Counter(f["code"] for f in findings)
    print("findings per code:", dict(sorted(counts.items())) or "none")

    def source_line(f: dict) -> str:
        text = (corpus / f["filename"]).read_text(encoding="utf-8", errors="replace").splitlines()
        row = f["location"]["row"]
        return text[row - 1].strip() if 0 < row <= len(text) else ""

    for f in findings:
        if f["code"] == "ERR999":
            failures.append(f"ERR999 {f['filename']}: {f['message']}")
    print("\nfindings (every code but ERR000):")
    for f in sorted(findings, key=lambda f: (f["code"], f["filename"], f["location"]["row"])):
        if f["code"] != "ERR000":
            loc = f"{f['filename']}:{f['location']['row']}:{f['location']['column']}"
            print(f"  {f['code']} {loc}: {f['message']}\n      | {source_line(f)[:160]}")

    print(f"\nERR000 (the grammar rejects the file): {counts.get('ERR000', 0)} of {len(files)} files")
    rejected = [f for f in findings if f["code"] == "ERR000"]
    verdicts = typescript_verdicts(folder, sorted({f["filename"] for f in rejected}))
    accepted = sum(1 for v in verdicts.values() if not v)
    print(f"  TypeScript's own parser accepts {accepted} of them (so tree-sitter's grammar lags there); "
          f"the others are marked below")
    by_cause: dict[str, list[str]] = defaultdict(list)
    for f in rejected:
        cause = f["message"].rsplit(" (", 1)[0].replace("cannot parse: ", "")
        verdict = verdicts.get(f["filename"])
        note = f"  (TypeScript: {verdict})" if verdict else ""
        by_cause[cause].append(f"{f['filename']}:{f['location']['row']}:{f['location']['column']}{note}")
    for cause, where in sorted(by_cause.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {len(where)} x {cause}")
        for w in where:
            print(f"      {w}")

    if not args.no_coverage:
        print("\nwhat errlint read (files that parse):")
        counts_read, chains, unfollowed = coverage(files, corpus)
        for key, n in sorted(counts_read.items()):
            print(f"  {key}: {n}")
        print("  catches with two or more instanceof branches (handlers in order, | between them):")
        for c in chains:
            print(f"      {c}")
        print("  classes tested that errlint does not follow:")
        for u in unfollowed:
            print(f"      {u}")
    for f in failures:
        print("FAIL:", f)
    print("OK" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
