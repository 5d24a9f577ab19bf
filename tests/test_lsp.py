"""The language server, driven by a real LSP client over stdio (pygls' client), and its index."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from kremlin_tui.lsp.index import StoryIndex, completions
from kremlin_tui.paths import default_story_dir

MANIFEST = """\
campaign: {id: t, title: Test, start: a, start_date: 1924-01-21}
chapters:
  - {id: one, title: One, years: 1924}
stats:
  - {id: party, label: Party standing, initial: 45, min: 0, max: 100, description: Support in the Central Committee.}
flags:
  - {id: frunze_alive, description: Frunze lived.}
"""

SCENES = """\
chapter: one
nodes:
  - id: a
    title: The First Scene
    date: 1924-02
    place: Moscow
    text: |
      It begins. {if frunze_alive}Frunze is alive.{end}
    choices:
      - id: go
        label: Go on
        if: party > 10
        effects: [party += 5, frunze_alive = true]
        goto: b
      - id: wait
        label: Wait
        goto: b
  - id: b
    title: The Second Scene
    text: The end of the beginning.
    choices:
      - id: stop
        label: Stop
        goto: fin
endings:
  - id: fin
    title: Finis
    text: It ends.
"""


def _story(tmp_path: Path) -> Path:
    root = tmp_path / "story"
    root.mkdir()
    (root / "campaign.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "scenes.yaml").write_text(SCENES, encoding="utf-8")
    return root


def _position(text: str, needle: str, offset: int = 0) -> types.Position:
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    return types.Position(line=line, character=index - (text.rfind("\n", 0, index) + 1))


class _Session:
    """A client talking to `python -m kremlin_tui lsp` as an editor would."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.diagnostics: dict[str, list[types.Diagnostic]] = {}
        self.updated = asyncio.Event()

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = params.diagnostics
            self.updated.set()

    async def wait_for(self, uri: str, predicate, timeout: float = 30.0) -> list[types.Diagnostic]:  # type: ignore[no-untyped-def]
        async def until() -> list[types.Diagnostic]:
            while True:
                if uri in self.diagnostics and predicate(self.diagnostics[uri]):
                    return self.diagnostics[uri]
                self.updated.clear()
                await self.updated.wait()

        try:
            return await asyncio.wait_for(until(), timeout)
        except TimeoutError:
            raise AssertionError(f"no matching diagnostics for {uri}; got {self.diagnostics}") from None


async def _start(tmp_path: Path, *story_args: str) -> _Session:
    client = LanguageClient("kremlin-test", "1")
    session = _Session(client)
    env = dict(os.environ)
    await client.start_io(sys.executable, "-m", "kremlin_tui", "lsp", *story_args, env=env, cwd=str(tmp_path))
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=from_fs_path(str(tmp_path)),
        workspace_folders=[types.WorkspaceFolder(uri=from_fs_path(str(tmp_path)) or "", name="ws")]))
    client.initialized(types.InitializedParams())
    return session


async def _stop(session: _Session) -> None:
    await session.client.shutdown_async(None)
    session.client.exit(None)
    await session.client.stop()


async def test_diagnostics_as_you_type_definition_references_completion_hover(tmp_path: Path) -> None:
    root = _story(tmp_path)
    scenes = root / "scenes.yaml"
    uri = from_fs_path(str(scenes)) or ""
    session = await _start(tmp_path)
    client = session.client
    try:
        broken = SCENES.replace("goto: b", "goto: bb")
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=broken)))
        found = await session.wait_for(uri, lambda items: any("bb" in d.message for d in items))
        error = next(d for d in found if "bb" in d.message)
        assert error.severity == types.DiagnosticSeverity.Error
        assert error.range.start == _position(broken, "bb")  # the unsaved text's position

        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=SCENES)]))
        await session.wait_for(uri, lambda items: not [d for d in items if d.severity == types.DiagnosticSeverity.Error])

        # go to definition: from `goto: b` to the scene b
        where = await client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=_position(SCENES, "goto: b", 6)))
        assert where and where[0].uri == uri and where[0].range.start == _position(SCENES, "id: b", 4)

        # a flag used in a template jumps to the manifest
        where = await client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=_position(SCENES, "if frunze_alive", 5)))
        assert where and where[0].uri == from_fs_path(str(root / "campaign.yaml"))

        # find references of the stat: its definition, the condition and the effect
        refs = await client.text_document_references_async(types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=_position(SCENES, "party > 10"),
            context=types.ReferenceContext(include_declaration=True)))
        assert refs is not None
        assert sorted((r.uri.rsplit("/", 1)[1], r.range.start.line) for r in refs) == [
            ("campaign.yaml", 4), ("scenes.yaml", 11), ("scenes.yaml", 12)]

        # hover on a goto shows the scene's title, date and place; on a stat, its description and range
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=_position(SCENES, "goto: fin", 6)))
        assert hover is not None and "Finis" in hover.contents.value  # type: ignore[union-attr]
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=_position(SCENES, "party += 5")))
        assert hover is not None
        assert "Party standing" in hover.contents.value and "0–100" in hover.contents.value  # type: ignore[union-attr]

        # completion: scene ids after goto, the format's keys at a new key
        completion = await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=_position(SCENES, "goto: b", 6)))
        assert completion is not None
        assert {"a", "b", "fin"} <= {item.label for item in completion.items}  # type: ignore[union-attr]
    finally:
        await _stop(session)


async def test_a_whole_text_change_to_a_document_never_opened_opens_it(tmp_path: Path) -> None:
    """pygls answered it with "Error in server: KeyError" and nothing was checked (p21hostile)."""
    scenes = _story(tmp_path) / "scenes.yaml"
    uri = from_fs_path(str(scenes)) or ""
    session = await _start(tmp_path)
    try:
        session.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=SCENES.replace("goto: b", "goto: bb"))]))
        await session.wait_for(uri, lambda items: any("bb" in d.message for d in items))
    finally:
        await _stop(session)


async def test_positions_after_an_emoji_are_in_the_editors_utf16_units(tmp_path: Path) -> None:
    """LSP counts a line's characters in UTF-16 code units: an emoji is two. The server counted
    characters, so an editor underlined one place early per emoji before the error, and a hover
    or a go-to-definition after an emoji looked at the wrong word."""
    scenes = _story(tmp_path) / "scenes.yaml"
    uri = from_fs_path(str(scenes)) or ""
    text = SCENES.replace("It begins. {if frunze_alive}", "🚂🚂 It begins. {nope_var} {if frunze_alive}")
    session = await _start(tmp_path)
    try:
        session.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
        found = await session.wait_for(uri, lambda items: any("nope_var" in d.message for d in items))
        error = next(d for d in found if "nope_var" in d.message)
        utf16 = _position(text, "nope_var")
        utf16.character += 2  # two emoji before it, each two UTF-16 units
        assert error.range.start == utf16, (error.range, utf16)
        flag = _position(text, "if frunze_alive", 5)
        flag.character += 2
        where = await session.client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=flag))
        assert where and where[0].uri.endswith("campaign.yaml"), where
    finally:
        await _stop(session)


async def test_diagnostics_for_a_mod_on_top_of_a_story(tmp_path: Path) -> None:
    root = _story(tmp_path)
    mod = tmp_path / "mod"
    mod.mkdir()
    text = "extend:\n  - node: b\n    choices:\n      - {id: extra, label: Extra, goto: nowhere}\n"
    (mod / "extra.yaml").write_text(text, encoding="utf-8")
    uri = from_fs_path(str(mod / "extra.yaml")) or ""
    session = await _start(tmp_path, "--story", str(root), "--story", str(mod))
    try:
        session.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
        found = await session.wait_for(uri, lambda items: any("nowhere" in d.message for d in items))
        assert found[0].range.start.line == 3
        where = await session.client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=_position(text, "node: b", 6)))
        assert where and where[0].uri == from_fs_path(str(root / "scenes.yaml"))
    finally:
        await _stop(session)


# -- the index, headless ------------------------------------------------------------------------


def _shipped_index() -> StoryIndex:
    texts = {str(p): p.read_text(encoding="utf-8") for p in sorted(default_story_dir().rglob("*.yaml"))}
    return StoryIndex(texts)


def test_index_of_the_shipped_story_knows_every_id_the_checker_counts() -> None:
    from kremlin_tui.checker import check_story

    index = _shipped_index()
    stats = check_story([str(default_story_dir())]).stats
    groups: dict[str, int] = {}
    for group, _name in index.definitions:
        groups[group] = groups.get(group, 0) + 1
    assert groups["scene"] == stats["scenes"] + stats["events"] + stats["endings"]
    assert groups["choice"] == stats["choices"]
    assert groups["codex"] == stats["codex"]
    # every use resolves to a definition: no id is mistaken for another kind
    for scan in index.files.values():
        for use in scan.uses:
            key = index._resolve(use)
            if key is not None:
                assert key in index.definitions, (use, key)


def test_prose_is_not_a_use() -> None:
    text = textwrap.dedent("""\
        nodes:
          - id: a
            title: A
            text: |
              The party meets. {if party > 5}Loudly.{end}
            choices:
              - {id: x, label: "Speak to the party", goto: a}
        """)
    index = StoryIndex({"m.yaml": MANIFEST, "s.yaml": text})
    uses = [(s.path, s.line, s.col) for s in index.references(("variable", "party"), include_definition=False)]
    assert uses == [("s.yaml", 4, 27)]  # in `{if party > 5}`, not in "The party meets"


def test_keys_complete_by_the_object_they_belong_to() -> None:
    index = StoryIndex({"m.yaml": MANIFEST})
    lines = ["nodes:", "  - id: x", "    event:", "      af"]
    assert "after" in [c.label for c in completions(index, "s.yaml", lines, 3, 8)]
    lines = ["nodes:", "  - id: x", "    choices:", "      - id: a", "        outc"]
    labels = [c.label for c in completions(index, "s.yaml", lines, 4, 12)]
    assert "outcomes" in labels and "title" not in labels
    lines = ["nodes:", "  - id: x", "    choices:", "      - id: a", "        if: par"]
    assert "party" in [c.label for c in completions(index, "s.yaml", lines, 4, 15)]


def test_a_built_ins_name_argument_is_a_use_of_what_the_registry_says_it_names() -> None:
    """visited(scene), chose(scene.choice), attitude(relation): the language server reads what
    each names from expr_builtins.BUILTINS (one entry per built-in), not from a list of its own."""
    from kremlin_tui.expr_builtins import BUILTINS
    from kremlin_tui.lsp.index import NAMED_BY, Kind

    assert {b.name for b in BUILTINS.values() if b.takes_name} == set(NAMED_BY)
    assert NAMED_BY == {"visited": Kind.NODE, "chose": Kind.CHOICE, "attitude": Kind.RELATION}
    manifest = MANIFEST + "relations:\n  - {id: britain, name: Britain, initial: 0}\n"
    condition = "{if visited(b) and chose(a.wait) and attitude(britain) == 'cold'}"
    scenes = SCENES.replace("It begins. {if frunze_alive}", "It begins. " + condition)
    index = StoryIndex({"m.yaml": manifest, "s.yaml": scenes})
    row = next(i for i, text in enumerate(scenes.splitlines()) if condition in text)
    line = scenes.splitlines()[row]

    def used(key: tuple[str, str]) -> list[tuple[int, int]]:
        return [(s.line, s.col) for s in index.references(key, include_definition=False) if s.line == row]

    assert used(("scene", "b")) == [(row, line.index("b)"))]
    assert used(("scene", "a")) == [(row, line.index("a.wait"))]
    assert used(("choice", "a.wait")) == [(row, line.index("wait"))]
    assert used(("variable", "britain")) == [(row, line.index("britain"))]
    assert index.symbol_at("s.yaml", row, line.index("b)")) == ("scene", "b")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_or_a_device_among_the_yaml_files_never_hangs_the_server(tmp_path: Path) -> None:
    """A FIFO named `a.yaml` beside the manifest kept the server waiting for a writer for ever
    (finding the story root reads every YAML file there); /dev/zero behind a name would read without
    end. They are skipped, as the loader refuses them, and the real files are still read."""
    import subprocess

    story = tmp_path / "story"
    story.mkdir()
    (story / "campaign.yaml").write_text(MANIFEST, encoding="utf-8")
    (story / "scenes.yaml").write_text("scenes: {}\r\n", encoding="utf-8")
    os.mkfifo(story / "a.yaml")
    (story / "b.yaml").symlink_to("/dev/zero")
    code = ("import sys; from kremlin_tui.lsp.workspace import story_dirs_for, story_texts; "
            "dirs = story_dirs_for(sys.argv[1], None); print(dirs == [sys.argv[2]]); "
            "texts = story_texts(dirs); print(sorted(p.rsplit('/', 1)[1] for p in texts), repr(texts[sys.argv[1]]))")
    result = subprocess.run([sys.executable, "-c", code, str((story / "scenes.yaml").resolve()), str(story.resolve())],
                            capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == ["True", "['campaign.yaml', 'scenes.yaml'] 'scenes: {}\\n'"]


def test_an_unsaved_text_over_the_size_limit_is_not_indexed(tmp_path: Path) -> None:
    """Indexing a 30 MB unsaved document took 12 s (p21hostile); `check` refuses it as too large,
    so the index keeps what it had."""
    from kremlin_tui.lsp.server import StoryServer
    from kremlin_tui.storyfiles import MAX_FILE_BYTES

    story = tmp_path / "story"
    story.mkdir()
    (story / "campaign.yaml").write_text(MANIFEST, encoding="utf-8")
    scenes = story / "scenes.yaml"
    scenes.write_text(SCENES, encoding="utf-8")
    server = StoryServer([str(story)])
    server.ensure_story(str(scenes))
    before = server.index
    assert before is not None
    server.set_text(str(scenes.resolve()), SCENES + "#" * MAX_FILE_BYTES)
    assert server.index is before
    server.set_text(str(scenes.resolve()), SCENES + "#" + "я" * (MAX_FILE_BYTES // 2))  # fewer characters than bytes
    assert server.index is before
    server.set_text(str(scenes.resolve()), SCENES + "\n")
    assert server.index is not before
