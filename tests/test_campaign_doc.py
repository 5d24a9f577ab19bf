"""docs/campaign.md is assembled from the chapter records; a stale copy misleads the next writer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_campaign_record_is_assembled_from_the_chapter_records() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "docs" / "campaign.d" / "assemble"), "--check"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
