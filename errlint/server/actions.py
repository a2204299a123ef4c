"""Code actions: a quick fix per finding that has one, "disable for this line", and fix all.

- A finding's quick fix applies the edits its fix carries (the edits the fixer
  computed for ``--fix``), offered when the fix applies under the configuration:
  safe fixes always, unsafe ones only when ``unsafe-fixes`` is configured, and
  then titled as unsafe. A quick fix whose result would not compile is not
  offered (``--fix`` would not write it either).
- "Disable ERRnnn for this line" adds or extends the line's ``noqa`` comment
  (:mod:`errlint.server.noqa`).
- ``source.fixAll.errlint`` applies the safe fixes as ``--fix`` applies them
  (:meth:`errlint.run.Session.fix_source`: passes until none applies, checked
  to compile), so the buffer ends as ``errlint --fix`` would leave the file.
  Its edit is computed when the client resolves the action (or runs its
  command, for a client that cannot resolve), not every time actions are listed.
"""
from __future__ import annotations

from lsprotocol import types as t

from ..diagnostics import INTERNAL_ERROR, PARSE_ERROR
from .convert import SOURCE, apply, fix_edits, span, text_edits
from .documents import PYTHON, Document
from .lints import Lint
from .noqa import LineEnds, noqa_edit
from .text import Text, diff_edits

FIX_ALL = "source.fixAll.errlint"
FIX_ALL_TITLE = "errlint: Fix all auto-fixable problems"
FIX_ALL_COMMAND = "errlint.applyFixAll"
QUICKFIX = t.CodeActionKind.QuickFix.value


def kind_allowed(kind: str, only) -> bool:
    """An action of kind K answers ``only`` when K is one of them or below one (``source.fixAll.errlint``
    answers ``source.fixAll`` and ``source``)."""
    if not only:
        return True
    wanted = [getattr(o, "value", o) for o in only]
    return any(kind == w or kind.startswith(f"{w}.") for w in wanted)


def workspace_edit(doc: Document, edits: list[t.TextEdit], versioned: bool) -> t.WorkspaceEdit:
    if versioned and doc.version is not None:  # the client refuses it if the buffer moved on
        return t.WorkspaceEdit(document_changes=[t.TextDocumentEdit(
            text_document=t.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version), edits=edits)])
    return t.WorkspaceEdit(changes={doc.uri: edits})


class Actions:
    """The code actions of one document at one version (``server``: the errlint language server)."""

    def __init__(self, server, doc: Document, lint: Lint) -> None:
        self.server, self.doc, self.lint = server, doc, lint
        self.text: Text = doc.text

    async def listed(self, params: t.CodeActionParams) -> list[t.CodeAction]:
        only = params.context.only
        actions: list[t.CodeAction] = []
        if kind_allowed(QUICKFIX, only):
            actions.extend(await self._quick_fixes(params.range))
        if kind_allowed(FIX_ALL, only) and any(
            d.fix is not None and d.fix.applicability == "safe" and d.fix.edits for d in self.lint.diagnostics
        ):
            actions.append(self._fix_all_action())
        return actions

    async def _quick_fixes(self, wanted: t.Range) -> list[t.CodeAction]:
        doc, lint, text = self.doc, self.lint, self.text
        diagnostics = self.server.lsp_diagnostics(doc, lint)
        fixes: list[tuple[t.CodeAction, str]] = []
        noqas: list[t.CodeAction] = []
        line_ends = LineEnds(doc.data()[0], doc.path, doc.language == PYTHON)
        silenced: set[tuple[int, str]] = set()
        for d, diagnostic in zip(lint.diagnostics, diagnostics):
            if d.code in (PARSE_ERROR, INTERNAL_ERROR):
                continue
            rng = diagnostic.range
            if rng.start.line > wanted.end.line or rng.end.line < wanted.start.line:
                continue
            edits = fix_edits(d, text, doc.language)
            if edits and d.fix.applies(lint.unsafe):
                unsafe = d.fix.applicability != "safe"
                title = f"{SOURCE} ({d.code}): {d.fix.message}" + (" (unsafe fix)" if unsafe else "")
                action = t.CodeAction(
                    title=title, kind=QUICKFIX, diagnostics=[diagnostic], is_preferred=not unsafe,
                    edit=workspace_edit(doc, text_edits(edits, text), self.server.versioned_edits),
                )
                fixes.append((action, apply(doc.source, edits)))
            noqa = self._noqa(d, line_ends, silenced)
            if noqa is not None:
                noqa.diagnostics = [diagnostic]
                noqas.append(noqa)
        compiles = await self.server.lints.compiles(doc, [fixed for _, fixed in fixes])
        return [action for (action, _), ok in zip(fixes, compiles) if ok] + noqas

    def _noqa(self, d, line_ends: LineEnds, silenced: set) -> t.CodeAction | None:
        """ "Disable ERRnnn for this line" on the finding's first line, where a comment can go."""
        text, doc = self.text, self.doc
        start = span(d, text, doc.language)[0]
        row = text.position(start).line
        if (row, d.code) in silenced:
            return None  # one action per code and line
        silenced.add((row, d.code))
        line = text.line(row)
        if not line_ends.safe(d.line - 1, line):
            return None
        edit = noqa_edit(line, d.code, doc.language == PYTHON)
        if edit is None:
            return None
        line_start = text.starts[row]
        edits = [(line_start + edit[0], line_start + edit[1], edit[2])]
        return t.CodeAction(
            title=f"{SOURCE} ({d.code}): Disable {d.code} for this line", kind=QUICKFIX,
            edit=workspace_edit(doc, text_edits(edits, text), self.server.versioned_edits),
        )

    def _fix_all_action(self) -> t.CodeAction:
        doc = self.doc
        data = {"uri": doc.uri, "version": doc.version}
        action = t.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL)
        if self.server.resolve_edits:
            action.data = data  # the edit is computed in codeAction/resolve
        else:
            action.command = t.Command(title=FIX_ALL_TITLE, command=FIX_ALL_COMMAND, arguments=[data])
        return action


async def fix_all_edit(server, doc: Document) -> t.WorkspaceEdit | None:
    """The edit that turns the document into its ``--fix`` output (safe fixes), or None if none."""
    source = doc.source
    fixed = await server.lints.fix_all(doc)
    if fixed is None or doc.source is not source:
        return None
    text = doc.text
    edits = [t.TextEdit(range=text.range(s, e), new_text=new) for s, e, new in diff_edits(source, fixed)]
    return workspace_edit(doc, edits, server.versioned_edits) if edits else None
