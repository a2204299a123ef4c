"""``python -m errlint.cli``: the command line."""
from . import main

raise SystemExit(main())
