"""What the command-line tests share: sample sources and a runner."""
from __future__ import annotations

import textwrap

from errlint.cli import main

# ERR004 on line 5: ValueError after Exception; MOVED is what --fix makes of it
SHADOWED = "try:\n    pass\nexcept Exception:\n    pass\nexcept ValueError:\n    pass\n"
MOVED = "try:\n    pass\nexcept ValueError:\n    pass\nexcept Exception:\n    pass\n"
CLEAN = MOVED

# A team's pack and code that uses it: ERR004 on line 6 (AcmeAuthError derives from AcmeError)
ACME_PACK = textwrap.dedent(
    """
    [sdk]
    name = "acme"
    modules = ["acme"]

    [errors.AcmeError]
    parent = "builtins.Exception"

    [errors.AcmeAuthError]
    parent = "AcmeError"
    """
)
ACME_CODE = "import acme\ntry:\n    pass\nexcept acme.AcmeError:\n    pass\nexcept acme.AcmeAuthError:\n    pass\n"


def run(capsys, *args):
    """``errlint ARGS`` in-process: (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
