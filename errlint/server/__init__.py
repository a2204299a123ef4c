"""``errlint server``: a Language Server (LSP over standard input and output) for Python, TypeScript and JavaScript.

It lints the open documents from their unsaved text, through the one run API
(:class:`errlint.run.Session`: the configuration, packs, rules and
per-file-ignores the command line applies to the file), and publishes the
findings as diagnostics (or answers pull requests), with code actions (a quick
fix per fixable finding, "disable for this line", ``source.fixAll.errlint``),
hover on a code in a ``noqa`` comment and links to the rules' pages.

- :mod:`.text`: LSP's lines and positions (UTF-16, UTF-8, UTF-32), edits;
- :mod:`.documents`: the open documents, kept here with LSP's line breaks;
- :mod:`.lints`: the session, its overlay of unsaved buffers, the worker thread;
- :mod:`.convert`: findings and fix edits as LSP diagnostics and text edits;
- :mod:`.actions`, :mod:`.noqa`: code actions; :mod:`.docs`: rule pages, hover;
- :mod:`.server`: the server, scheduling and publishing; :mod:`.features`: the LSP methods.

Editors' configuration: docs/editors.md.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from .server import DEBOUNCE_MS

USAGE = "errlint server [--debounce-ms MS] [--log-level LEVEL]"
DESCRIPTION = """Run errlint as a language server (LSP) over standard input and output, for an editor to start.
It lints the open Python, TypeScript and JavaScript documents from their unsaved text with the
configuration the command line finds for each file, and offers quick fixes, "disable for this line",
fix all (source.fixAll.errlint) and the rules' pages."""
EPILOG = """editors: see docs/editors.md (Neovim, Helix, Zed, Emacs eglot, VS Code).
initializationOptions: {"debounceMs": N} (the same as --debounce-ms).
exit status: 0 after the client's shutdown and exit, 1 if it exits without shutdown or disappears."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="errlint server", usage=USAGE, description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debounce-ms", type=float, default=DEBOUNCE_MS, metavar="MS",
                        help=f"wait this long after an edit before linting (default: {DEBOUNCE_MS})")
    parser.add_argument("--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR"),
                        help="what the server writes to standard error (default: WARNING)")
    return parser


def main(argv: Sequence[str] = ()) -> int:
    """Serve over standard input and output until the client says exit (or goes away); never returns
    to a caller that would wait for the lint thread: the process ends here."""
    args = build_parser().parse_args(list(argv))
    logging.basicConfig(level=args.log_level, stream=sys.stderr, format="errlint server: %(levelname)s %(message)s")
    logging.getLogger("pygls").setLevel(max(logging.WARNING, logging.getLogger().level))  # it logs whole messages at INFO
    # Standard output is the protocol's: keep a private handle on it and point file descriptor 1 and
    # sys.stdout at standard error, so a stray print() (errlint's, a plugin's) cannot corrupt the stream.
    rpc_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from .features import build

    server = build(args.debounce_ms)
    server.start_io(sys.stdin.buffer, rpc_out)
    # pygls catches the SystemExit of its exit handler: the LSP exit code is 0 only after shutdown
    code = 0 if server.shutting_down else 1
    logging.shutdown()
    for stream in (sys.stderr, rpc_out):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed by the exit handler, or the client is gone
            pass
    os._exit(code)  # a running lint (a thread that cannot be stopped) must not hold the editor's exit
