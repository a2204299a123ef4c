"""A run: many files, each linted on a big stack, in one process or several; then the fixes.

- :mod:`.modules`: each file's dotted module name (for the project's imports and the cache);
- :mod:`.jobs`: the files shared out to forked worker processes (``--jobs``);
- :mod:`.bigstack`: the thread with room to recurse, where every file is linted;
- :mod:`.fixloop`: a file's fixes applied in passes until none applies.

The per-file pipeline these serve is :class:`errlint.engine.Linter`.
"""
