"""Where milint keeps what it may forget: parsed rule files and the results of unchanged files.

One folder for both: `MILINT_CACHE_DIR`, else `$XDG_CACHE_HOME/milint`, else `~/.cache/milint`;
`MILINT_NO_CACHE` (any non-empty value) switches every cache off.  Caches are written whole to a
temporary file and renamed into place, so a reader never sees half a file, and a folder that
cannot be written only costs the speed-up.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Optional


KEEP_DAYS = 30  # what a cache has not used for this long (a deleted file, a removed pack) is dropped


def today() -> int:
    """The day number caches record when an entry was last used."""
    return int(time.time() // 86400)


def stamp(st: os.stat_result) -> list:
    """[size, modification time in ns]: how a cache knows a file has not changed without reading it."""
    return [st.st_size, st.st_mtime_ns]


def cache_folder() -> Optional[Path]:
    """The cache folder, or None when caching is switched off."""
    if os.environ.get("MILINT_NO_CACHE"):
        return None
    base = os.environ.get("MILINT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "milint")
    return Path(base)


def results_folder() -> Optional[Path]:
    """Where the results of unchanged files are kept (milint/result_cache.py), or None."""
    return cache_folder()


def write_json(path: Path, data) -> bool:
    """Write `data` as JSON to `path` atomically; False when the folder cannot be written."""
    import json
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return False
    return True


def read_json(path: Path):
    """The JSON data in `path`, or None when it is missing or unreadable."""
    import json

    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError, RecursionError):
        return None
