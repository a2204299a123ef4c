"""What the command-line tests share: sample sources and a runner."""
from __future__ import annotations

from errlint.cli import main

# ERR004 on line 5: ValueError after Exception; MOVED is what --fix makes of it
SHADOWED = "try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\n"
MOVED = "try:\n    pass\nexcept ValueError:\n    pass\nexcept Exception:\n    pass\n"
CLEAN = MOVED


def run(capsys, *args):
    """``errlint ARGS`` in-process: (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
