"""How long after a keystroke the language server's diagnostics arrive, on the shipped campaign.

Starts `kremlin-tui lsp` as an editor would, opens a chapter, then makes edits that add and
remove an error, timing each from the didChange notification to the publishDiagnostics that
reflects it. Also times a bare `check_story` in this process for comparison.

`--memory N` instead makes N edits and reports whether memory grows with them: the server's
resident memory (RSS) after each edit's diagnostics, and, in this process, what a server's work
leaves alive (memos on, `check_story` with the edited text N times): objects the garbage
collector tracks or holds frozen, and RSS. A story kept alive per load would add ~100,000
objects an edit.

    python bench/bench_lsp.py [--edits 10] [--memory 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from kremlin_tui.checker import check_story
from kremlin_tui.paths import default_story_dir


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process (Linux), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(edits: int, server_rss: list[float] | None = None) -> list[float]:
    story = default_story_dir()
    chapter = story / "05_steel.yaml"
    text = chapter.read_text(encoding="utf-8")
    uri = from_fs_path(str(chapter.resolve())) or ""
    client = LanguageClient("bench", "1")
    arrived: asyncio.Queue[tuple[float, int]] = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: types.PublishDiagnosticsParams) -> None:
        if params.uri == uri:
            errors = [d for d in params.diagnostics if d.severity == types.DiagnosticSeverity.Error]
            arrived.put_nowait((time.perf_counter(), len(errors)))

    await client.start_io(sys.executable, "-m", "kremlin_tui", "lsp", "--story", str(story))
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
    await asyncio.wait_for(arrived.get(), 60)  # errors only: the shipped chapter may carry warnings
    broken = text.replace("goto: ", "goto: no_such_", 1)
    latencies = []
    for version in range(2, edits + 2):
        wanted = version % 2 == 0
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=broken if wanted else text)]))
        while True:
            when, count = await asyncio.wait_for(arrived.get(), 60)
            if (count > 0) == wanted:
                latencies.append(when - sent)
                break
        if server_rss is not None and client._server is not None:
            server_rss.append(rss_mb(client._server.pid))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return latencies


def memory(edits: int) -> None:
    """RSS of the server over `edits` edits, then the same work in this process with object counts."""
    import gc

    from kremlin_tui import memo

    server: list[float] = []
    asyncio.run(measure(edits, server))
    marks = sorted({1, edits // 4, edits // 2, edits})
    print(f"server RSS after edit {', '.join(f'{m}: {server[m - 1]:.1f}' for m in marks)} MB; "
          f"edits {edits // 4}-{edits}: {server[-1] - server[edits // 4 - 1]:+.1f} MB")
    story = default_story_dir()
    chapter = str((story / "05_steel.yaml").resolve())
    text = Path(chapter).read_text(encoding="utf-8")
    broken = text.replace("goto: ", "goto: no_such_", 1)
    memo.remember()
    alive: dict[int, tuple[int, float]] = {}
    for edit in range(1, edits + 1):
        check_story([str(story)], {chapter: broken if edit % 2 else text})
        if edit in marks:
            gc.collect()
            alive[edit] = (len(gc.get_objects()) + gc.get_freeze_count(), rss_mb())
    first, last = alive[edits // 4], alive[edits]
    print("in process, after edit " + ", ".join(f"{m}: {alive[m][0]:,} objects, {alive[m][1]:.1f} MB" for m in marks)
          + f"; edits {edits // 4}-{edits}: {last[0] - first[0]:+,} objects, {last[1] - first[1]:+.1f} MB")
    print(f"load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--memory", type=int, metavar="N", help="make N edits and report memory instead")
    args = parser.parse_args()
    if args.memory:
        memory(max(args.memory, 4))
        return
    latencies = asyncio.run(measure(args.edits))
    checks = []
    for _ in range(5):
        started = time.perf_counter()
        check_story([str(default_story_dir())])
        checks.append(time.perf_counter() - started)
    median = statistics.median(latencies)
    print(f"edit -> diagnostics: median {median * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms over {len(latencies)} edits")
    print(f"check_story in-process: median {statistics.median(checks) * 1000:.0f} ms "
          f"(latency / check = {median / statistics.median(checks):.2f}x)")
    print(f"story: {Path(default_story_dir())}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
