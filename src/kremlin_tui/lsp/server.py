"""The language server: pygls wiring around the checker and the headless `index`.

Diagnostics are exactly `kremlin-tui check`'s, computed on the text in the editor (saved or
not) for the whole story and its mods, a moment after the writer stops typing. Definitions,
references, completion and hover come from `index.StoryIndex`, which works on half-written files.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import attrs
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path, to_fs_path

from kremlin_tui import __version__, memo
from kremlin_tui.diagnostics import Diagnostic, Severity
from kremlin_tui.lsp.framing import SKIPPED, BoundedInput
from kremlin_tui.lsp.index import Completion, CompletionKind, Span, StoryIndex, completions
from kremlin_tui.lsp.workspace import as_text, read_story_file, story_dirs_for, story_texts
from kremlin_tui.storyfiles import unsaved_too_large

DEBOUNCE_SECONDS = 0.05
_COMPLETION_KINDS = {
    CompletionKind.KEY: types.CompletionItemKind.Property,
    CompletionKind.SCENE: types.CompletionItemKind.Reference,
    CompletionKind.VARIABLE: types.CompletionItemKind.Variable,
    CompletionKind.CODEX: types.CompletionItemKind.Text,
    CompletionKind.CHAPTER: types.CompletionItemKind.Module,
    CompletionKind.FUNCTION: types.CompletionItemKind.Function,
    CompletionKind.CHOICE: types.CompletionItemKind.EnumMember,
}


class _Protocol(LanguageServerProtocol):
    """pygls' protocol, with a change to a document the editor never opened handled: pygls
    looked it up and logged "Error in server: KeyError" (shown to the writer as a message)."""

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Iterator[Any]:
        uri = params.text_document.uri
        if unquote(uri) not in self.workspace.text_documents:
            # A change of the whole text opens it; a change of a range has no text to apply to.
            changes = list(params.content_changes)
            whole = [i for i, c in enumerate(changes) if isinstance(c, types.TextDocumentContentChangeWholeDocument)]
            if not whole:
                logging.getLogger("kremlin_tui.lsp").warning(
                    "a change to %s, which the editor did not open first, is ignored (it edits a range of a text "
                    "the server does not have)", uri[:300])
                return
            self.workspace.put_text_document(types.TextDocumentItem(
                uri=uri, language_id="yaml", version=params.text_document.version, text=changes[whole[-1]].text))
            params = attrs.evolve(params, content_changes=changes[whole[-1] + 1:])
        yield from super().lsp_text_document__did_change(params)


class StoryServer(LanguageServer):
    """One story (with its mods) per server: the directories `check` would be given."""

    def __init__(self, dirs: Sequence[str] = ()) -> None:
        super().__init__("kremlin-tui", __version__, protocol_cls=_Protocol)
        memo.remember()  # between two checks most files are unchanged: keep their trees (memo.py)
        self.dirs: list[str] = [str(Path(d).resolve()) for d in dirs]
        self.overlay: dict[str, str] = {}  # absolute path -> unsaved text
        self.index: StoryIndex | None = None
        self.published: set[str] = set()
        self.generation = 0
        self.last_check_seconds = 0.0
        self.pending: set[asyncio.Future[None]] = set()
        self._split: dict[str, tuple[str, list[str]]] = {}  # path -> (text, its lines)

    # -- the story ----------------------------------------------------------------------------

    def ensure_story(self, path: str | None) -> None:
        if not self.dirs:
            root = self.workspace.root_path if self.workspace else None
            self.dirs = story_dirs_for(path, root)
        if self.index is None and self.dirs:
            texts = story_texts(self.dirs)
            texts.update((path, text) for path, text in self.overlay.items() if not unsaved_too_large(text))
            self.index = StoryIndex(texts)

    def set_text(self, path: str, text: str | None) -> None:
        if text is None:
            self.overlay.pop(path, None)
            data = read_story_file(Path(path))
            try:
                text = None if data is None else as_text(data, errors="strict")
            except UnicodeDecodeError:
                return
            if text is None:
                return
        else:
            self.overlay[path] = text
        if self.index is not None and path.endswith((".yaml", ".yml")) and not unsaved_too_large(text):
            self.index = self.index.update(path, text)  # a text over the limit is refused by the check, not indexed

    def schedule_check(self) -> None:
        self.generation += 1
        task = asyncio.ensure_future(self._check(self.generation))
        self.pending.add(task)  # keep a reference until it is done (asyncio holds only weak ones)
        task.add_done_callback(self.pending.discard)

    async def _check(self, generation: int) -> None:
        await asyncio.sleep(DEBOUNCE_SECONDS)
        if generation != self.generation or not self.dirs:
            return
        from kremlin_tui.checker import check_story

        overlay = dict(self.overlay)
        loop = asyncio.get_running_loop()
        started = loop.time()
        report = await loop.run_in_executor(None, check_story, self.dirs, overlay)
        self.last_check_seconds = loop.time() - started
        if generation != self.generation:
            return  # newer text is being checked
        self.publish(report.errors + report.warnings)

    def publish(self, found: list[Diagnostic]) -> None:
        by_path: dict[str, list[types.Diagnostic]] = {}
        fallback = next(iter(self.overlay), None)
        for diagnostic in found:
            path = _absolute(diagnostic.pos.path)
            if not os.path.isfile(path):
                if fallback is None:
                    continue
                path = fallback  # a problem with a whole directory: shown on an open file
            by_path.setdefault(path, []).append(self.to_lsp(diagnostic, path))
        for path in self.overlay:
            by_path.setdefault(path, [])  # an open file is always answered, if only to say "clean"
        for path in self.published - by_path.keys():
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=from_fs_path(path) or path, diagnostics=[]))
        for path, items in by_path.items():
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=from_fs_path(path) or path, diagnostics=items))
        self.published = set(by_path)
        self._split.clear()  # (kept for one round of answers, not for the life of the server)

    def lines_of(self, path: str) -> list[str] | None:
        """The lines of the text the editor has (or the file's), split once per text."""
        text = self.overlay.get(path)
        if text is None and self.index is not None:
            text = self.index.texts.get(path)
        if text is None:
            return None
        split = self._split.get(path)
        if split is None or split[0] is not text:
            split = self._split[path] = (text, text.split("\n"))
        return split[1]

    def client_position(self, path: str, line: int, col: int) -> types.Position:
        """A position in characters (as `check` and the index count) in the editor's units:
        UTF-16 code units unless the editor chose otherwise, so a line with an emoji before the
        position (two units, one character) is not underlined one place early."""
        lines = self.lines_of(path)
        if lines is None or line >= len(lines) or lines[line].isascii():
            return types.Position(line=line, character=col)
        return self.workspace.position_codec.position_to_client_units(lines, types.Position(line, col))

    def server_column(self, path: str, position: types.Position) -> int:
        """The editor's position in characters (see `client_position`)."""
        lines = self.lines_of(path)
        if lines is None or position.line >= len(lines) or lines[position.line].isascii():
            return position.character
        return self.workspace.position_codec.position_from_client_units(lines, position).character

    def to_lsp(self, diagnostic: Diagnostic, path: str) -> types.Diagnostic:
        line = max(diagnostic.pos.line - 1, 0)
        col = max(diagnostic.pos.col - 1, 0)
        length = _token_length(self.lines_of(path), line, col)
        severity = types.DiagnosticSeverity.Error if diagnostic.severity == Severity.ERROR else types.DiagnosticSeverity.Warning
        return types.Diagnostic(
            range=types.Range(start=self.client_position(path, line, col),
                              end=self.client_position(path, line, col + length)),
            message=diagnostic.message,
            severity=severity,
            code=diagnostic.code,
            source="kremlin-tui",
        )


def _absolute(path: str) -> str:
    return str(Path(path).resolve())


def _token_length(lines: list[str] | None, line: int, col: int) -> int:
    """Underline the word at the position (at least one character, at most 200: a "word" of 30
    million characters, an unsaved document refused as too large, was scanned for 2 s)."""
    if lines is None or line >= len(lines):
        return 1
    rest = lines[line][col:col + 200]
    length = 0
    for char in rest:
        if not (char.isalnum() or char in "_-."):
            break
        length += 1
    return max(length, 1)


def _location(ls: StoryServer, span: Span) -> types.Location:
    return types.Location(
        uri=from_fs_path(span.path) or span.path,
        range=types.Range(start=ls.client_position(span.path, span.line, span.col),
                          end=ls.client_position(span.path, span.line, span.col + span.length)),
    )


def build_server(dirs: Sequence[str] = ()) -> StoryServer:
    server = StoryServer(dirs)
    _follow_documents(server)
    _answer_queries(server)
    return server


def path_of(uri: str) -> str:
    return str(Path(to_fs_path(uri) or uri).resolve())


def _symbol_under(ls: StoryServer, params: types.TextDocumentPositionParams) -> tuple[StoryIndex, tuple[str, str]] | None:
    """The index and the id under the cursor, for definition, references and hover."""
    path = path_of(params.text_document.uri)
    ls.ensure_story(path)
    if ls.index is None:
        return None
    key = ls.index.symbol_at(path, params.position.line, ls.server_column(path, params.position))
    return None if key is None else (ls.index, key)


def _follow_documents(server: StoryServer) -> None:
    """Opened, changed, closed and saved files: the overlay the checks read."""

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: StoryServer, params: types.DidOpenTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        ls.overlay[path] = params.text_document.text
        ls.ensure_story(path)
        ls.set_text(path, params.text_document.text)
        ls.schedule_check()

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: StoryServer, params: types.DidChangeTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        document = ls.workspace.get_text_document(params.text_document.uri)
        ls.ensure_story(path)  # (a whole-text change may come first, without didOpen)
        ls.set_text(path, document.source)
        ls.schedule_check()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: StoryServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.set_text(path_of(params.text_document.uri), None)
        ls.schedule_check()

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: StoryServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule_check()

    @server.feature(SKIPPED)
    def skipped(ls: StoryServer, params: Any) -> None:
        """In place of a message over the size limit (framing.py), which was logged and skipped."""



def _answer_queries(server: StoryServer) -> None:
    """Definition, references, hover, completion and the outline."""

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: StoryServer, params: types.DefinitionParams) -> list[types.Location] | None:
        found = _symbol_under(ls, params)
        return ([_location(ls, d.span) for d in found[0].definition(found[1])] or None) if found else None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: StoryServer, params: types.ReferenceParams) -> list[types.Location] | None:
        found = _symbol_under(ls, params)
        if found is None:
            return None
        index, key = found
        return [_location(ls, span) for span in index.references(key, params.context.include_declaration)]

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: StoryServer, params: types.HoverParams) -> types.Hover | None:
        found = _symbol_under(ls, params)
        text = found[0].hover(found[1]) if found else None
        if not text:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=["(", "{", " ", "."]))
    def completion(ls: StoryServer, params: types.CompletionParams) -> types.CompletionList:
        path = path_of(params.text_document.uri)
        ls.ensure_story(path)
        if ls.index is None:
            return types.CompletionList(is_incomplete=False, items=[])
        document = ls.workspace.get_text_document(params.text_document.uri)
        lines = document.source.split("\n")
        column = ls.workspace.position_codec.position_from_client_units(lines, params.position).character
        found: list[Completion] = completions(ls.index, path, lines, params.position.line, column)
        items = [types.CompletionItem(label=c.label, kind=_COMPLETION_KINDS[c.kind], detail=c.detail or None)
                 for c in found]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbols(ls: StoryServer, params: types.DocumentSymbolParams) -> list[types.SymbolInformation]:
        path = path_of(params.text_document.uri)
        ls.ensure_story(path)
        if ls.index is None or path not in ls.index.files:
            return []
        kinds: dict[str, Any] = {"scene": types.SymbolKind.Class, "choice": types.SymbolKind.Method,
                                 "codex": types.SymbolKind.String, "chapter": types.SymbolKind.Module}
        return [types.SymbolInformation(name=d.name, kind=kinds.get(d.kind.value, types.SymbolKind.Variable),
                                        location=_location(ls, d.span), container_name=d.kind.value)
                for d in ls.index.files[path].definitions]




def serve_stdio(dirs: Sequence[str] = ()) -> int:
    import sys

    from kremlin_tui.loglines import one_line_logging

    one_line_logging(logging.WARNING, "kremlin-tui lsp: %(message)s")  # an editor's LSP log: no tracebacks
    stdin = BoundedInput(sys.stdin.buffer)
    build_server(dirs).start_io(stdin, sys.stdout.buffer)  # type: ignore[arg-type]
    return 1 if stdin.gave_up else 0
