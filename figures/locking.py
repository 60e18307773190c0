"""The lock that keeps writers of a figures file in turn, and the errors of writing one.

Writers take an exclusive `flock` on a lock file beside the data file (`figures.csv.lock`).
The kernel drops the lock when its holder dies, so a killed writer cannot block later ones;
the lock file itself stays (deleting it would let two writers lock two different files).
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_SUFFIX = ".lock"
DEFAULT_LOCK_TIMEOUT = 10.0


class AppendError(Exception):
    """The row could not be appended for a reason outside the row itself (lock, file system)."""


class LockTimeout(AppendError):
    """Another writer held the lock for longer than the timeout."""


def same_file(path: Path, other: Path) -> bool:
    """Whether two names reach one file: the same resolved path (through symlinks), or the
    same device and inode (a hard link). A name that does not exist yet is compared by path,
    so a file about to be created under a protected name counts too."""
    if path.resolve() == other.resolve():
        return True
    try:
        seen, theirs = os.stat(path), os.stat(other)
    except OSError:
        return False
    return (seen.st_dev, seen.st_ino) == (theirs.st_dev, theirs.st_ino)


def lock_path_for(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + LOCK_SUFFIX)


@contextmanager
def file_lock(path: str | Path, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[Path]:
    """Hold the exclusive lock on a figures file; yields the lock file's path.

    `flock` belongs to the open file, so two threads of one process (two dashboard sessions)
    exclude each other as two processes do, and the kernel releases it when the holder dies.
    """
    lock_path = lock_path_for(path)
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise AppendError(f"cannot create the lock file {lock_path}: {exc.strerror}") from exc
    try:
        deadline = time.monotonic() + timeout
        delay = 0.002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                who = f" (process {holder})" if holder.isdigit() else ""
                raise LockTimeout(
                    f"could not lock {path} within {timeout:g} s: another add is in progress"
                    f"{who}, holding {lock_path}. Try again in a moment; the lock is released "
                    "as soon as that add finishes or its process ends, so do not delete the file."
                )
            # Polling rather than a blocking flock keeps the timeout usable from any thread
            # (Streamlit runs pages in threads, where signal-based timeouts do not work).
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 0.05)
        # Record who holds it, so that a waiter's timeout message can name the process.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield lock_path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
