"""How long after a keystroke the language server's diagnostics arrive, on the shipped campaign.

Starts `kremlin-tui lsp` as an editor would, opens a chapter, then makes edits that add and
remove an error, timing each from the didChange notification to the publishDiagnostics that
reflects it. Also times a bare `check_story` in this process for comparison.

    python bench/bench_lsp.py [--edits 10]
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


async def measure(edits: int) -> list[float]:
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
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
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
