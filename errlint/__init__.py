"""errlint: a linter for error handling around HTTP and auth SDK calls."""
__version__ = "0.1.0"
