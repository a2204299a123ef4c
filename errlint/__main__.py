"""``python -m errlint``: the command line."""
from .cli import main

raise SystemExit(main())
