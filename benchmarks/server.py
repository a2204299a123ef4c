"""The language server's cost: latency from an edit to its diagnostics, and memory, beside `ruff server`.

    python benchmarks/server.py                   # Python and TypeScript, 1,000 edits each, errlint and ruff
    python benchmarks/server.py --edits 200       # a shorter session
    python benchmarks/server.py --debounce-ms 150 # errlint with the debounce editors get by default
    python benchmarks/server.py --skip-ruff       # errlint alone

A scripted editing session drives each server over stdio with pygls' client,
as an editor would: open a file of about 2,000 lines, then type a comment into
the middle of it one character at a time (a line is typed, then deleted
character by character, then typed again), each keystroke an incremental
``didChange``. After each edit the client waits for the diagnostics of that
version (``publishDiagnostics``) before the next: the latency of an edit is the
time from sending the change to receiving its diagnostics. The file stays valid
code throughout (the typing is inside a comment), so each edit is a full
re-lint of a 2,000-line file.

The files: the running interpreter's ``asyncio/base_events.py`` (1,947 lines
on 3.11; its package copied to a temporary folder, so the modules it imports
are there), and openai@7.57.0's ``src/lib/EventStream.ts`` (2,157 lines, in
its package as published, fetched with ``npm pack`` into benchmarks/.server).
errlint runs with the debounce given (0 by default: the figure is the cost of
the lint; an editor adds its debounce, 150 ms by default); ruff server (the
reference, installed into benchmarks/.venv-peers as benchmarks/run.py installs
its peers) has none and lints the Python file with its default rules.

Printed per server and file: the median, p95 and maximum latency in ms, the
server process's CPU time per edit (user + system), and its resident memory (VmRSS) after opening the file, after 100 edits
and after the last. Say how loaded the machine was (`uptime`, printed before
and after): the figures are wall times.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

from run import PEERS_VENV

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".server"
TS_PACKAGE, TS_FILE = "openai@7.57.0", "src/lib/EventStream.ts"
TYPED = "note: the editor types this comment one character at a time"


def python_file(work: Path) -> Path:
    package = Path(sysconfig.get_paths()["stdlib"]) / "asyncio"
    shutil.copytree(package, work / "asyncio", ignore=shutil.ignore_patterns("__pycache__"))
    return work / "asyncio" / "base_events.py"


def typescript_file() -> Path:
    folder = CACHE / TS_PACKAGE.replace("@", "-")
    target = folder / "package" / TS_FILE
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(["npm", "pack", TS_PACKAGE, "--silent"], cwd=folder, capture_output=True, text=True, check=True)
        with tarfile.open(folder / out.stdout.strip().splitlines()[-1]) as tar:
            tar.extractall(folder, filter="data")
    return target


def ruff_command() -> list[str]:
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "ruff"], check=True)
    return [str(PEERS_VENV / "bin" / "ruff"), "server"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (a steadier figure than wall time on a shared machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Driver:
    """An editor's side of the session: open, keystrokes, diagnostics per version."""

    def __init__(self) -> None:
        self.client = LanguageClient("errlint-benchmark", "1")
        # lsprotocol 2025.0.0 cannot read ruff server's notebookDocumentSync capability; nothing here needs it
        self.client.protocol._converter.register_structure_hook(t.NotebookDocumentSyncOptions, lambda obj, _: None)
        self.arrived: dict[int | None, float] = {}
        self.event = asyncio.Event()

        @self.client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: t.PublishDiagnosticsParams) -> None:
            self.arrived[params.version] = time.perf_counter()
            self.last = params
            self.event.set()

    async def start(self, command: list[str], root: Path, options: dict) -> int:
        await self.client.start_io(*command, cwd=str(root))
        await self.client.initialize_async(t.InitializeParams(
            capabilities=t.ClientCapabilities(text_document=t.TextDocumentClientCapabilities(
                publish_diagnostics=t.PublishDiagnosticsClientCapabilities(version_support=True))),
            root_uri=root.as_uri(), initialization_options=options))
        self.client.initialized(t.InitializedParams())
        return self.client._server.pid

    async def wait(self, version: int, since: float, timeout: float = 120.0) -> float:
        """The time the diagnostics of ``version`` arrived (a server that sends no version: the first after ``since``)."""
        deadline = time.perf_counter() + timeout
        while True:
            at = self.arrived.get(version)
            if at is None and None in self.arrived and self.arrived[None] >= since:
                at = self.arrived.pop(None)
            if at is not None:
                return at
            self.event.clear()
            await asyncio.wait_for(self.event.wait(), max(0.001, deadline - time.perf_counter()))

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def keystrokes(text: str, language: str, n: int):
    """``n`` single-character edits (range, new text) typing a comment into the middle of ``text``, then
    deleting it, then typing it again: (line, column, delete?, character)."""
    lines = text.split("\n")
    row = len(lines) // 2
    while lines[row].strip():  # a blank line between statements: any indentation is fine for a comment
        row += 1
    comment = ("# " if language == "python" else "// ") + TYPED
    typed = 0
    forward = True
    for _ in range(n):
        if forward:
            yield row, typed, False, comment[typed]
            typed += 1
            forward = typed < len(comment)
        else:
            typed -= 1
            yield row, typed, True, ""
            forward = typed == 0


async def session(command: list[str], path: Path, language: str, edits: int, options: dict) -> dict:
    driver = Driver()
    pid = await driver.start(command, path.parent, options)
    text = path.read_text()
    uri = path.as_uri()
    t0 = time.perf_counter()
    driver.client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=uri, language_id=language, version=1, text=text)))
    first = await driver.wait(1, t0) - t0
    figures = {"open_ms": first * 1000, "rss_open": rss_mb(pid)}
    cpu_open = cpu_s(pid)
    latencies = []
    for i, (row, col, delete, ch) in enumerate(keystrokes(text, language, edits), start=2):
        end = t.Position(line=row, character=col + (1 if delete else 0))
        change = t.TextDocumentContentChangePartial(range=t.Range(start=t.Position(line=row, character=col), end=end), text=ch)
        sent = time.perf_counter()
        driver.client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=i), content_changes=[change]))
        latencies.append((await driver.wait(i, sent) - sent) * 1000)
        if i == 101:
            figures["rss_100"] = rss_mb(pid)
    figures["rss_end"] = rss_mb(pid)
    figures["cpu_ms"] = (cpu_s(pid) - cpu_open) / max(1, edits) * 1000
    await driver.stop()
    latencies.sort()
    figures.update(n=len(latencies), median=statistics.median(latencies),
                   p95=statistics.quantiles(latencies, n=20, method="inclusive")[18], max=latencies[-1])
    return figures


def report(name: str, path: Path, f: dict) -> None:
    lines = path.read_text().count("\n")
    print(f"{name:<14} {path.name:<16} {lines:>5} lines  first {f['open_ms']:7.0f} ms  "
          f"edits {f['n']:>5}: median {f['median']:6.1f} ms  p95 {f['p95']:6.1f} ms  max {f['max']:7.1f} ms  "
          f"CPU {f['cpu_ms']:6.1f} ms/edit  "
          f"RSS {f['rss_open']:.0f} -> {f.get('rss_100', float('nan')):.0f} -> {f['rss_end']:.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--debounce-ms", type=float, default=0)
    parser.add_argument("--skip-ruff", action="store_true")
    parser.add_argument("--only", choices=("python", "typescript"))
    args = parser.parse_args()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), flush=True)
    # the console script, as editors start it (`python -m` would put the file's folder first on sys.path,
    # where asyncio's subprocess.py hides the standard library's)
    script = Path(sys.executable).with_name("errlint")
    errlint = [str(script), "server"] if script.exists() else [sys.executable, "-m", "errlint", "server"]
    options = {"debounceMs": args.debounce_ms}
    results: dict[tuple[str, str], dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        if args.only in (None, "python"):
            files.append(("python", python_file(Path(tmp))))
        if args.only in (None, "typescript"):
            files.append(("typescript", typescript_file()))
        ruff = None if args.skip_ruff or args.only == "typescript" else ruff_command()
        for language, path in files:
            results[("errlint", language)] = f = asyncio.run(session(errlint, path, language, args.edits, options))
            report(f"errlint ({args.debounce_ms:g})", path, f)
            if ruff is not None and language == "python":
                results[("ruff", language)] = f = asyncio.run(session(ruff, path, language, args.edits, {}))
                report("ruff server", path, f)
    if ("ruff", "python") in results:
        e, r = results[("errlint", "python")], results[("ruff", "python")]
        print(f"errlint / ruff on {files[0][1].name}: median {e['median'] / r['median']:.1f}x, "
              f"p95 {e['p95'] / r['p95']:.1f}x, CPU per edit {e['cpu_ms'] / r['cpu_ms']:.1f}x")
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
