"""benchmarks/typescript.py: the corpus both tools lint is built from the installed packages as documented."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import typescript as bench  # noqa: E402  - the benchmark itself (benchmarks/typescript.py)

from errlint.workspace.files import discover  # noqa: E402


def _package(root: Path, name: str, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / "node_modules" / name / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_split_spec_keeps_the_scope():
    assert bench.split_spec("@anthropic-ai/sdk@1.12.0") == ("@anthropic-ai/sdk", "1.12.0")
    assert bench.split_spec("rxjs@7.8.2") == ("rxjs", "7.8.2")


def test_every_package_is_pinned():
    for spec in [*bench.PACKAGES, *bench.LINTERS]:
        name, version = bench.split_spec(spec)
        assert name and version[0].isdigit(), spec


def test_corpus_holds_the_code_files_of_the_chosen_folders(tmp_path, monkeypatch):
    _package(tmp_path, "@scope/lib", {
        "src/a.ts": "export const a = 1;\n", "src/b.d.ts": "export declare const b: number;\n",
        "src/c.tsx": "export const c = <div />;\n", "src/deep/d.mjs": "export default 1;\n",
        "src/node_modules/x/e.js": "1;\n", "src/README.md": "# no\n", "dist/bundle.js": "1;\n",
    })
    _package(tmp_path, "plain", {
        "index.js": "module.exports = 1;\n", "browser/index.js": "export default 1;\n",
        "types/t.d.mts": "export {};\n", "eslint.config.mjs": "export default [];\n", "cli/run.cjs": "1;\n",
    })
    monkeypatch.setattr(bench, "PACKAGES", {"@scope/lib@1.0.0": (["src"], []), "plain@2.0.0": (["."], ["browser"])})
    files = bench.build_corpus(tmp_path)
    corpus = tmp_path / "corpus"
    assert [f.relative_to(corpus).as_posix() for f in files] == [
        "@scope__lib/src/a.ts", "@scope__lib/src/c.tsx", "@scope__lib/src/deep/d.mjs",
        "plain/cli/run.cjs", "plain/index.js",
    ]
    # errlint finds the same files in it (as the benchmark checks against ESLint's list before timing)
    assert sorted(Path(p).relative_to(corpus).as_posix() for p in discover([str(corpus)])) == [
        f.relative_to(corpus).as_posix() for f in files
    ]
    # built anew: a file left from an earlier build is gone
    (corpus / "stale.ts").write_text("1;\n")
    assert (corpus / "stale.ts") not in bench.build_corpus(tmp_path) and not (corpus / "stale.ts").exists()


def test_eslint_config_lints_every_suffix_errlint_does():
    from errlint.workspace.files import TYPESCRIPT_SUFFIXES

    pattern = bench.ESLINT_CONFIG.split('"**/*.{', 1)[1].split("}", 1)[0].split(",")
    assert sorted("." + s for s in pattern) == sorted(TYPESCRIPT_SUFFIXES)
    assert "tseslint.configs.recommended" in bench.ESLINT_CONFIG
