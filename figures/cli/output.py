"""Where a command may write, and how: never over the data it reads, over an existing file
only when the user said so, and always whole (docs/guarantees.md).

- Protected files are never written, whatever the options: the figures file read, its lock
  file, the files that describe it (`figures.vocabulary.vocabulary_files`) and the shipped
  data file. They are compared by resolved path (a symlink to one is that one) and by file
  identity (device and inode: a hard link to one is that one).
- An existing output is replaced only with `--force`; without it, a file that appears
  between the check and the write is not replaced either (the new file is linked into place,
  which fails when the name exists).
- What is not a regular file (a folder, a pipe, a device) is never an output.
- The output is written beside its final name, flushed to disk, then renamed into place: a
  reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from figures.dataset import DEFAULT_DATA_PATH, ROOT
from figures.locking import lock_path_for, same_file
from figures.vocabulary import vocabulary_files


class OutputRefused(Exception):
    """The output may not be written; the message says why and what to do (exit 2)."""


def protected_files(data_path: Path) -> list[Path]:
    """Every file a command reading `data_path` must never write over."""
    return [
        Path(data_path),
        lock_path_for(data_path),
        *vocabulary_files(Path(data_path)),
        ROOT / DEFAULT_DATA_PATH,
    ]


def check_output(out: Path, data_path: Path, *, force: bool) -> None:
    """Raise OutputRefused unless writing `out` is allowed (see the module's rules)."""
    for protected in protected_files(data_path):
        if same_file(out, protected):
            raise OutputRefused(
                f"--out {out} is {_what(protected, data_path)}; an export never writes over "
                "the data it reads: choose another file name"
            )
    if not out.resolve().parent.is_dir():
        raise OutputRefused(f"--out {out}: folder {out.parent} does not exist")
    try:
        mode = os.stat(out).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputRefused(f"--out {out}: {exc.strerror}") from exc
    if not stat.S_ISREG(mode):
        raise OutputRefused(
            f"--out {out} exists and is not a regular file; use '-' for standard output"
        )
    if not force:
        raise OutputRefused(f"--out {out} exists; add --force to replace it")


def _what(protected: Path, data_path: Path) -> str:
    if protected == Path(data_path):
        return "the figures file being read"
    if protected == lock_path_for(data_path):
        return "the figures file's lock file"
    if protected == ROOT / DEFAULT_DATA_PATH:
        return "the shipped figures file"
    return f"a file that describes the figures ({protected.name})"


def write_atomically(path: Path, data: bytes, *, replace: bool) -> None:
    """Put `data` at `path` in one step: a reader sees the old file (or none) or the new one.

    `replace=False` never replaces an existing file, even one created a moment ago by
    someone else (FileExistsError). The new file gets the permissions a new file gets (or the
    old file's, when it replaces one), not a temporary file's private ones.
    """
    folder = path.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), _mode_for(path))
            os.fsync(out.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            _link_new(Path(temporary), path)
        _sync_folder(folder)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)  # read it: there is no other way
        os.umask(umask)
        return 0o666 & ~umask


def _link_new(temporary: Path, path: Path) -> None:
    """Give the written file its name only if the name is free (link fails when it is not)."""
    try:
        os.link(temporary, path)
    except OSError as exc:
        if exc.errno == errno.EEXIST:
            message = "the file appeared while it was written"
            raise FileExistsError(errno.EEXIST, message, str(path)) from exc
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        # A file system without hard links: the check just made is the best there is.
        if os.path.lexists(path):
            message = "the file appeared while it was written"
            raise FileExistsError(errno.EEXIST, message, str(path)) from exc
        os.replace(temporary, path)


def _sync_folder(folder: Path) -> None:
    """Make the new name durable too, not only the bytes."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename itself is still atomic
    finally:
        os.close(descriptor)
