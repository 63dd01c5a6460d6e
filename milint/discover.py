"""Find the files to check: walk folders git-aware, never leave the tree, classify by name."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

from .classify import needs_head
from .gitignore import IgnoreFile, is_ignored

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".terraform", "vendor", "third_party",
    "bower_components", "site-packages", ".eggs",
})


LINK_OUTSIDE = "symbolic link that leads outside the checked tree or nowhere; not followed"
NOT_REGULAR = "not a regular file; skipped"


@dataclass
class Candidate:
    path: str | Path  # absolute; discovery gives the str it found (a Path per file is costly to make)
    relpath: str  # relative to the run's root, '/'-separated
    kind: Optional[str]  # None: decide from the first bytes
    explicit: bool = False  # named on the command line


@dataclass
class Notice:
    path: str
    message: str
    level: str = "note"  # "note", "warning" or "error" (an error makes the run exit 2)
    reported: bool = False  # a finding says the same (a parse error): SARIF keeps it, text does not repeat it


def relative(path: Path, root: Path) -> str:
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    return printable(rel)


def printable(name: str) -> str:
    """A file name every report can write.  POSIX names are bytes: ones that are not UTF-8 arrive
    as lone surrogates, which no encoder accepts, so those bytes are shown as \\xNN."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def find_repo_root(start: Path) -> Optional[Path]:
    for folder in [start, *start.parents]:
        if (folder / ".git").exists():
            return folder
    return None


def _ancestor_ignores(folder: Path, base: Path) -> list[IgnoreFile]:
    """.git/info/exclude and the .gitignore files from `base` down to (not including) `folder`;
    patterns are matched against paths relative to `base` (the repository root)."""
    files = []
    exclude = IgnoreFile.read(base / ".git" / "info" / "exclude", "")
    if exclude:
        files.append(exclude)
    for d in [base] + [p for p in reversed(folder.parents) if base in p.parents]:
        if d == folder:
            continue
        f = IgnoreFile.read(d / ".gitignore", relative(d, base) if d != base else "")
        if f:
            files.append(f)
    return files


def discover(paths: list[str], root: Path, classify: Callable[[str], Optional[str]],
             notices: list[Notice], forced_kind: Optional[str] = None,
             use_gitignore: bool = True) -> Iterator[Candidate]:
    """Candidates in a stable order; files named explicitly are always candidates."""
    seen: set[str] = set()
    real_root = Path(os.path.realpath(root))
    for raw in paths:
        path = Path(raw)
        abspath = Path(os.path.abspath(path))
        rel = relative(abspath, root)
        if not os.path.lexists(abspath):
            notices.append(Notice(rel, "no such file or folder", "error"))
            continue
        real = Path(os.path.realpath(abspath))
        if real != abspath and not _inside(real, real_root):
            # a link (the path itself or a folder on the way) that leads out of the checked tree
            notices.append(Notice(rel, LINK_OUTSIDE))
            continue
        if os.path.isabs(rel) and _inside(real, real_root):
            rel = relative(real, real_root)  # named through a link to a place inside the tree
        if abspath.is_dir() and not abspath.is_symlink():
            yield from _walk(abspath, root, classify, notices, forced_kind, use_gitignore, seen)
            continue
        if not _is_regular_file(abspath):
            notices.append(Notice(rel, NOT_REGULAR))
            continue
        key = str(real)
        if key in seen:
            continue
        seen.add(key)
        kind = forced_kind or classify(abspath.name)
        if kind is None and not needs_head(abspath.name):
            continue  # a named file milint does not read (pre-commit may pass any file)
        yield Candidate(str(abspath), rel, kind, explicit=True)


def _walk(top: Path, root: Path, classify, notices: list[Notice], forced_kind: Optional[str],
          use_gitignore: bool, seen: set[str]) -> Iterator[Candidate]:
    # ignore patterns are relative to the repository root (or the walked folder outside git)
    ig_root = (find_repo_root(top) or top) if use_gitignore else top
    base_ignores = _ancestor_ignores(top, ig_root) if use_gitignore else []
    real_top = top.resolve()
    stack: list[tuple[Path, list[IgnoreFile]]] = [(top, base_ignores)]
    while stack:
        folder, ignores = stack.pop()
        folder_rel = relative(folder, ig_root) if folder != ig_root else ""
        if use_gitignore:
            own = IgnoreFile.read(folder / ".gitignore", folder_rel)
            if own is not None:
                ignores = ignores + [own]
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            notices.append(Notice(relative(folder, root), f"cannot read folder: {exc.strerror or exc}", "warning"))
            continue
        # names below this folder are its prefixes plus the entry's name: no path arithmetic per file
        rel_prefix = _prefix(relative(folder, root))
        ig_prefix = _prefix(folder_rel)
        real_prefix = _prefix(str(real_top / folder.relative_to(top)))
        subdirs = []
        for entry in entries:
            name = printable(entry.name)
            rel = rel_prefix + name
            ig_rel = ig_prefix + name
            try:
                if entry.is_symlink():
                    path = Path(entry.path)
                    target = _symlink_target(path, real_top)
                    if target is None:
                        notices.append(Notice(rel, LINK_OUTSIDE))
                        continue
                    if target.is_dir():
                        continue  # folders inside the tree are walked on their own; no loops
                    is_dir = False
                    special = not _is_regular_file(target)
                    key = str(target)
                else:
                    is_dir = entry.is_dir(follow_symlinks=False)
                    special = not is_dir and not entry.is_file(follow_symlinks=False)
                    key = real_prefix + entry.name  # the walk never passes through a link
            except OSError as exc:
                notices.append(Notice(rel, f"cannot inspect: {exc.strerror or exc}", "warning"))
                continue
            if is_dir:
                if entry.name in SKIP_DIRS:
                    continue
                if ignores and is_ignored(ignores, ig_rel, True):
                    continue
                subdirs.append(Path(entry.path))
                continue
            kind = forced_kind or classify(entry.name)
            if kind is None and not needs_head(entry.name):
                continue
            if ignores and is_ignored(ignores, ig_rel, False):
                continue
            if special:  # a FIFO, socket or device: opening it could block or never end
                if kind is not None:
                    notices.append(Notice(rel, NOT_REGULAR))
                continue
            if key in seen:
                continue
            seen.add(key)
            yield Candidate(entry.path, rel, kind)
        for sub in reversed(subdirs):
            stack.append((sub, ignores))


def _prefix(rel: str) -> str:
    """`rel` ready to have a name appended ('' for the root itself)."""
    return "" if rel in ("", ".") else rel.rstrip("/") + "/"


def _inside(path: Path, real_top: Path) -> bool:
    return path == real_top or real_top in path.parents


def _is_regular_file(path: Path) -> bool:
    """A regular file (after following links): not a folder, FIFO, socket or device."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _symlink_target(path: Path, real_top: Path) -> Optional[Path]:
    """Where a link leads, if that is inside the checked tree; None for outside, loops, dangling."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return target if _inside(target, real_top) else None
