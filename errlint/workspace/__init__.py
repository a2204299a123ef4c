"""The workspace: which files, which configuration, which rules.

- :mod:`.config`: ``[tool.errlint]`` in pyproject.toml (or ``errlint.toml``), found per file;
- :mod:`.selection`: ruff-style selector layers (select, extend-select, ignore);
- :mod:`.files`: the files under the paths named, with the default excludes;
- :mod:`.gitignore`: what git ignores, read as git reads it.
"""
