"""`kremlin-tui serve` played in a real Chromium: the flow, offline, isolation between visitors, a full server."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .harness import Screen, ServedGame, image_statistics, isolated_env

VIEWPORT = {"width": 1280, "height": 800}
ARTEFACTS_ENV = "KREMLIN_TUI_WEB_ARTEFACTS"  # a folder to keep the flow's screenshot in (docs/ uses it)
STAT_LINE = re.compile(r"▏ (\S.*?)\s+[█░]+\s+(\d+)")
CHOICE_LINE = re.compile(r"│ (\d)\. ")


def scene_of(text: str) -> list[str]:
    """The scene column of a game screen (left of the sidebar), without the key bar."""
    return [line.split("▏", 1)[0].rstrip() for line in text.splitlines() if "▏" in line][:-1]


def stats_of(text: str) -> dict[str, int]:
    return {name: int(value) for name, value in STAT_LINE.findall(text)}


def on_scene(text: str) -> bool:
    """A scene waiting for a decision: numbered choices, no outcome to acknowledge, the sidebar drawn."""
    return bool(CHOICE_LINE.search(text)) and "Continue ⏎" not in text and len(stats_of(text)) >= 5


def first_open_choice(text: str) -> str:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = CHOICE_LINE.search(line)
        if match and not (index + 1 < len(lines) and "🔒" in lines[index + 1]):
            return match.group(1)
    raise AssertionError(f"no open choice on the screen:\n{text}")


def open_page(context: Any, url: str) -> tuple[Any, Screen]:
    page = context.new_page()
    page.set_default_timeout(20_000)
    screen = Screen(page)
    page.goto(url)
    screen.wait_for("January 1924", timeout=30)  # the title screen, with the story loaded
    screen.focus()
    return page, screen


def new_game(page: Any, screen: Screen) -> str:
    page.keyboard.press("n")
    return screen.wait_for(on_scene, timeout=20)


def decide(page: Any, screen: Screen) -> str:
    page.keyboard.press(first_open_choice(screen.text()))
    screen.wait_for(lambda t: "Continue ⏎" in t or "See how it ends" in t)
    page.keyboard.press("Enter")
    return screen.wait_for(on_scene)


def save_as(page: Any, screen: Screen, name: str) -> None:
    page.keyboard.press("s")
    screen.wait_for("Save the game as:", quiet=0)  # its cursor blinks: never quiet for long
    for _ in range(3):  # under load, keys typed while the dialog mounts can miss its input
        page.keyboard.press("End")
        page.keyboard.press("Control+u")  # clear the suggested name
        page.keyboard.type(name)
        try:
            screen.wait_for(lambda text: name in text, timeout=5, quiet=0)
            break
        except AssertionError:
            continue
    page.keyboard.press("Enter")
    screen.wait_for(f"Saved as '{name}'", quiet=0)  # a notice that fades: waiting for a quiet page can miss it under load


def open_load_screen(page: Any, screen: Screen) -> str:
    page.keyboard.press("l")
    return screen.wait_for("Load a saved game")


def load_by_mouse(screen: Screen, slot: str) -> None:
    """Click the save's row: a click on the highlighted row loads it, on another row highlights it first."""
    for _ in range(2):
        screen.click(slot)
        try:
            screen.wait_for(lambda t: "Load a saved game" not in t, timeout=3)
            return
        except AssertionError:
            continue
    raise AssertionError(f"clicking '{slot}' twice did not load it:\n{screen.text()}")


@dataclass
class FlowRecord:
    url: str
    requests: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)
    scene_saved: list[str] = field(default_factory=list)
    stats_saved: dict[str, int] = field(default_factory=dict)
    scene_loaded: list[str] = field(default_factory=list)
    stats_loaded: dict[str, int] = field(default_factory=dict)
    journal: str = ""
    after_journal: str = ""
    before_journal: str = ""
    decisions: list[str] = field(default_factory=list)
    screenshot: dict[str, float] = field(default_factory=dict)
    font_loaded: bool = False
    saves: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def flow(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlowRecord]:
    """Play once through the page: New game, 5 decisions, the journal, a named save, reload, load it."""
    root = tmp_path_factory.mktemp("flow")
    saves = root / "saves"
    with ServedGame(["--saves", str(saves)], isolated_env(root / "home")) as server:
        record = FlowRecord(server.url)
        context = browser.new_context(viewport=VIEWPORT)
        try:
            context.on("request", lambda request: record.requests.append(request.url))
            context.on("page", lambda page: page.on("websocket", lambda ws: record.sockets.append(ws.url)))
            page, screen = open_page(context, server.url)
            text = new_game(page, screen)
            for _ in range(5):
                record.decisions.append(text)
                text = decide(page, screen)
            record.before_journal = text
            page.keyboard.press("j")
            record.journal = screen.wait_for(lambda t: "Journal" in t and "You chose:" in t)
            page.keyboard.press("Escape")
            record.after_journal = screen.wait_for(lambda t: scene_of(t) == scene_of(record.before_journal))
            save_as(page, screen, "Web slot")
            text = screen.wait_for(lambda t: "Saved as" not in t, timeout=10)  # the notice fades
            record.scene_saved, record.stats_saved = scene_of(text), stats_of(text)
            png = page.screenshot()
            record.screenshot = image_statistics(browser, png)
            keep = os.environ.get(ARTEFACTS_ENV)
            (root / "scene.png").write_bytes(png)
            if keep:
                Path(keep).mkdir(parents=True, exist_ok=True)
                shutil.copy(root / "scene.png", Path(keep) / "browser-scene.png")
            record.font_loaded = page.evaluate("document.fonts.check(\"16px 'Roboto Mono'\")")

            page.reload()
            screen.wait_for("January 1924", timeout=30)
            screen.focus()
            open_load_screen(page, screen)
            screen.wait_for("Web slot")
            load_by_mouse(screen, "Web slot")
            text = screen.wait_for(lambda t: on_scene(t) and "Loaded" not in t and "Load a saved game" not in t, timeout=20)
            try:
                text = screen.wait_for(lambda t: scene_of(t) == record.scene_saved, timeout=10)
            except AssertionError as exc:
                raise AssertionError("the loaded scene differs from the saved one:\n" + "\n".join(record.scene_saved)) from exc
            record.scene_loaded, record.stats_loaded = scene_of(text), stats_of(text)
            record.saves = sorted(p.name for p in saves.iterdir())
        finally:
            context.close()
    yield record


def test_the_saved_scene_and_stats_come_back_after_a_reload(flow: FlowRecord) -> None:
    assert len(flow.decisions) == 5 and len({tuple(scene_of(t)) for t in flow.decisions}) == 5  # five scenes
    assert flow.scene_loaded == flow.scene_saved
    assert flow.stats_loaded == flow.stats_saved and len(flow.stats_saved) >= 10
    assert any(name.startswith("Web slot") for name in flow.saves), flow.saves


def test_the_journal_opens_and_closes_on_the_same_scene(flow: FlowRecord) -> None:
    assert "You chose:" in flow.journal
    assert scene_of(flow.after_journal) == scene_of(flow.before_journal)


def test_the_screenshot_shows_the_scene(flow: FlowRecord) -> None:
    shot = flow.screenshot
    assert (shot["width"], shot["height"]) == (VIEWPORT["width"], VIEWPORT["height"])
    assert shot["colours"] > 20 and shot["background"] < 0.95, shot  # text drawn, not a blank page


def test_the_page_makes_no_request_outside_the_server(flow: FlowRecord) -> None:
    assert flow.requests and flow.sockets
    origin = flow.url.rstrip("/")
    ws_origin = "ws" + origin[len("http"):]
    outside = [u for u in flow.requests if not u.startswith(origin + "/")]
    assert not outside, outside
    assert all(u.startswith(ws_origin + "/") for u in flow.sockets), flow.sockets
    assert flow.font_loaded  # the terminal's font came from the server


def test_public_visitors_never_see_each_others_saves(browser: Any, serve: Callable[..., ServedGame],
                                                     home: dict[str, str]) -> None:
    server = serve("--public", "--max-games", "4")
    scratch = Path(home["TMPDIR"])
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(2)]
    try:
        pages = [open_page(context, server.url) for context in contexts]
        for (page, screen), name in zip(pages, ("Alpha save", "Bravo save")):
            assert "deleted when you close" in page.locator("#public-note").inner_text()
            new_game(page, screen)
            decide(page, screen)
            save_as(page, screen, name)
        for (page, screen), mine, theirs in zip(pages, ("Alpha save", "Bravo save"), ("Bravo save", "Alpha save")):
            listing = open_load_screen(page, screen)
            listing = screen.wait_for(lambda t, mine=mine: "Load a saved game" in t and mine in t)
            assert theirs not in listing
        assert list(Path(home["KREMLIN_TUI_SAVES"]).iterdir()) == []  # the server's own saves are never used
        tabs = sorted(scratch.glob("kremlin-tui-web-*/tab-*"))
        assert len(tabs) == 2
        pages[0][0].close()  # the first visitor leaves: their folder goes
        pages[1][1].wait_for(lambda _t: not tabs[0].exists() or not tabs[1].exists(), timeout=15)
        assert sum(tab.exists() for tab in tabs) == 1
    finally:
        for context in contexts:
            context.close()
    server.__exit__(None, None, None)
    assert not list(scratch.glob("kremlin-tui-web-*"))  # and all of it when the server stops


def test_a_full_public_server_says_so_and_frees_the_place(browser: Any, serve: Callable[..., ServedGame]) -> None:
    server = serve("--public", "--max-games", "1")
    first, second = browser.new_context(viewport=VIEWPORT), browser.new_context(viewport=VIEWPORT)
    try:
        page, _screen = open_page(first, server.url)
        visitor = second.new_page()
        response = visitor.goto(server.url)
        assert response is not None and response.status == 503
        assert "The server is full" in visitor.locator("h1").inner_text()
        assert "1 game is being played" in visitor.locator("#full").inner_text()
        page.close()
        for _ in range(60):  # the place is free once the first game has ended
            status = visitor.request.get(server.url).status
            if status == 200:
                break
            visitor.wait_for_timeout(250)
        assert status == 200
        visitor.close()
        open_page(second, server.url)  # the second visitor now plays
    finally:
        first.close()
        second.close()
