"""Real paths, each directory resolved once per process (a run asks for thousands in a few directories)."""
from __future__ import annotations

import os
from functools import lru_cache


def real_path(path: str) -> str:
    """``os.path.realpath(path)``, resolving each directory once per process.

    A run asks for the real path of thousands of files in a few directories
    (module names, excludes); only a file that is itself a symbolic link is
    resolved on its own. A directory re-pointed while the process runs keeps
    its first answer.
    """
    if os.path.islink(path):
        return os.path.realpath(path)
    return os.path.join(real_directory(os.path.dirname(os.path.abspath(path))), os.path.basename(path))


@lru_cache(maxsize=4096)
def real_directory(directory: str) -> str:
    return os.path.realpath(directory)
