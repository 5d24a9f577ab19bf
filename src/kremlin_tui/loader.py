"""Turn story directories into a `Story`, reporting every problem with its file position.

`storyfiles` finds and reads the files, the `builder` package turns them into the model, and
`cache` keeps the result of the same bytes for the next start. This module ties them together
behind the two calls the rest of the program uses."""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from kremlin_tui.diagnostics import Collector, Diagnostic, Severity, StoryError
from kremlin_tui.storyfiles import LOADER_VERSION, SourceFile, content_hash, story_files, story_paths

if TYPE_CHECKING:
    from kremlin_tui.model import Story

__all__ = ["LOADER_VERSION", "LoadResult", "SourceFile", "content_hash", "forget", "load_story", "load_story_with_diagnostics",
           "story_files", "story_paths"]


class LoadResult(NamedTuple):
    """A load's story (None when anything is wrong) and every diagnostic, errors and warnings."""

    story: Story | None
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.WARNING]


def load_story(dirs: list[str], *, cache: bool = True) -> Story:
    """Load a story or raise StoryError listing every problem (warnings are dropped)."""
    story, diagnostics = load_story_with_diagnostics(dirs, cache=cache)
    if story is None:
        raise StoryError(diagnostics)
    return story


def load_story_with_diagnostics(dirs: list[str], *, cache: bool = True, overlay: Mapping[str, str] | None = None,
                                build_elsewhere: Callable[[list[str]], bool] | None = None) -> LoadResult:
    """`overlay` maps absolute paths to text that replaces the file's contents on disk (the
    language server checks what the writer has typed before it is saved); it bypasses the cache.
    `build_elsewhere(dirs)`, on a cache miss, may build and cache the story out of this process
    (the TUI: `cache_child`); when it says it did, the cache is read again, else the story is built here."""
    # Loading allocates hundreds of thousands of small objects and no reference cycles worth
    # collecting; pausing the cyclic GC meanwhile makes it markedly faster.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(dirs, cache and not overlay, overlay, build_elsewhere)
    finally:
        _promote_survivors()
        if was_enabled:
            gc.enable()


def forget() -> None:
    """Forget everything loading remembers in this process, so the next load costs what a fresh
    process's first load costs (a benchmark's `first` rounds): the parser's memo, the remembered
    scope and its analyses, the literals' nodes and analyses, the truth sets' analyses, the key plans of mappings."""
    from kremlin_tui import analysed, expr_analysis, expr_base, expr_syntax
    from kremlin_tui.builder import reader

    expr_syntax.parse.cache_clear()
    expr_syntax.forget_literals()
    analysed.forget()
    expr_analysis.forget_literals()
    expr_base.forget_truths()
    reader.forget_plans()


def _promote_survivors() -> None:
    """What survives a load is the story, which lives as long as the program: keep it out of
    the collector's full collections (see `survivors`: without ever freezing garbage for good)."""
    from kremlin_tui import survivors

    survivors.after_load()


def _load(dirs: list[str], cache: bool, overlay: Mapping[str, str] | None = None,
          build_elsewhere: Callable[[list[str]], bool] | None = None) -> LoadResult:
    out = Collector()
    files = story_files(dirs, out, overlay)
    if out.errors:
        return LoadResult(None, out.items)
    # the hash names the cached story; without the cache nothing may ever read it (check):
    # the story works it out when first asked (model.Story.content_hash)
    key: str | Callable[[], str] = content_hash(files) if cache else partial(content_hash, files)
    names = [str(d) for d in dirs]
    if cache:
        from kremlin_tui import cache as story_cache

        cached = story_cache.read(key, names)  # type: ignore[arg-type]  # (a str: cache is on)
        if cached is None and build_elsewhere is not None and build_elsewhere(names):
            cached = story_cache.read(key, names)  # type: ignore[arg-type]  # what was written, checked as ever
        if cached is not None:
            return LoadResult(cached, [])
    from kremlin_tui.builder.story import build_story  # not needed, nor imported, when the cache has it

    story = build_story(out, files, names, key)
    if out.errors:
        return LoadResult(None, out.items)
    if cache and story is not None:
        from kremlin_tui import cache as story_cache

        story_cache.write(story.content_hash, names, story)
    return LoadResult(story, out.items)
