"""``--fix`` never overwrites what it did not read (issue 28).

A fix is computed from the bytes read at the start of the run; the file is
replaced only if it still holds exactly those bytes and is writable. The race
is made deterministic with :data:`errlint.fixes.before_replace`, a hook called
just before the comparison: the test edits (or removes) the file there, as an
editor's autosave or a formatter would, with no sleep and no timing.
"""
from __future__ import annotations

import io
import os
import stat
import sys

import pytest

import errlint.fixes
from errlint.fixes import TEMP_SUFFIX, remove_stale_temporaries
from errlint.run import RunOptions, Session

from cli_support import run

# ERR004 with a safe fix: IOError is OSError (the tuple entry is dropped)
REDUNDANT = "try:\n    pass\nexcept (OSError, IOError):\n    pass\n"
REDUNDANT_FIXED = "try:\n    pass\nexcept OSError:\n    pass\n"
EDITED = REDUNDANT + "# the user's edit, made while errlint ran\n"
FINDING = (
    "a.py:3:1: ERR004 IOError in except (OSError, IOError) is redundant: OSError in the same tuple already catches it "
    "(IOError and OSError are the same class, OSError)"
)


@pytest.fixture
def two_files(tree):
    (tree / "a.py").write_text(REDUNDANT)
    (tree / "b.py").write_text(REDUNDANT)
    return tree


def edit_between_read_and_write(monkeypatch, name: str, action):
    """Run ``action(path)`` on the file ``name`` when --fix is about to replace it."""
    done = []

    def hook(path):
        if path.name == name:
            action(path)
            done.append(path.name)

    monkeypatch.setattr(errlint.fixes, "before_replace", hook)
    return done


def test_an_edit_made_after_the_read_is_not_overwritten(two_files, capsys, monkeypatch):
    done = edit_between_read_and_write(monkeypatch, "a.py", lambda p: p.write_text(EDITED))
    code, out, err = run(capsys, "--no-cache", "--fix", ".")
    assert done == ["a.py"]
    assert (two_files / "a.py").read_text() == EDITED  # the user's bytes, untouched
    assert (two_files / "b.py").read_text() == REDUNDANT_FIXED  # the other file is fixed
    assert code == 2  # counted, as a file that cannot be written is
    assert "errlint: error: a.py: changed since it was read; not fixed\n" in err
    assert out.splitlines()[:2] == [FINDING, "Fixed 1 finding in 1 file; 1 remaining."]  # a.py's finding remains
    assert sorted(p.name for p in two_files.iterdir()) == ["a.py", "b.py"]  # no temporary file left


def test_a_file_removed_after_the_read_is_not_recreated(two_files, capsys, monkeypatch):
    edit_between_read_and_write(monkeypatch, "a.py", lambda p: p.unlink())
    code, _, err = run(capsys, "--no-cache", "--fix", ".")
    assert not (two_files / "a.py").exists()
    assert code == 2 and "errlint: error: a.py: changed since it was read (it is gone); not fixed\n" in err
    assert sorted(p.name for p in two_files.iterdir()) == ["b.py"]


def test_a_file_replaced_by_a_fifo_is_neither_read_nor_replaced(two_files, capsys, monkeypatch):
    def to_fifo(path):
        path.unlink()
        os.mkfifo(path)

    edit_between_read_and_write(monkeypatch, "a.py", to_fifo)
    code, _, err = run(capsys, "--no-cache", "--fix", "a.py")
    assert stat.S_ISFIFO(os.stat(two_files / "a.py").st_mode)
    assert code == 2 and "a.py: changed since it was read; not fixed" in err


def test_same_bytes_written_again_are_still_fixed(two_files, capsys, monkeypatch):
    """Only the content counts: a formatter that rewrote the same bytes changed nothing."""
    edit_between_read_and_write(monkeypatch, "a.py", lambda p: p.write_text(REDUNDANT))
    code, _, err = run(capsys, "--no-cache", "--fix", "a.py")
    assert (two_files / "a.py").read_text() == REDUNDANT_FIXED
    assert code == 0 and "not fixed" not in err


def test_the_run_api_keeps_the_edit_too(two_files, monkeypatch):
    """An editor server calls Session.run: the same check, the same report."""
    said = []
    edit_between_read_and_write(monkeypatch, "a.py", lambda p: p.write_text(EDITED))
    report = Session(say=said.append).run(RunOptions(paths=["a.py", "b.py"], cache=False, fix=True, write=True))
    assert said == ["error: a.py: changed since it was read; not fixed"]
    assert report.errors == 1 and [c.path for c in report.applied] == ["b.py"]
    assert [d.path for d in report.diagnostics] == ["a.py"]  # its finding stands, as read
    assert (two_files / "a.py").read_text() == EDITED


def test_add_noqa_keeps_an_edit_made_after_the_read(two_files, capsys, monkeypatch):
    """--add-noqa writes through the same check: the edited file keeps the user's bytes, the other gets its comment."""
    done = edit_between_read_and_write(monkeypatch, "a.py", lambda p: p.write_text(EDITED))
    code, _, err = run(capsys, "--no-cache", "--add-noqa", ".")
    assert done == ["a.py"]
    assert (two_files / "a.py").read_text() == EDITED
    assert (two_files / "b.py").read_text() == REDUNDANT.replace("IOError):", "IOError):  # noqa: ERR004")
    assert code == 2 and "errlint: error: a.py: changed since it was read; no noqa comment added\n" in err
    assert sorted(p.name for p in two_files.iterdir()) == ["a.py", "b.py"]


def test_standard_input_never_writes_the_file_it_is_named_after(two_files, capsys, monkeypatch):
    """``--fix -`` returns the fixed buffer; the file on disk (edited meanwhile) is not touched."""
    (two_files / "a.py").write_text(EDITED)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(REDUNDANT.encode())))
    code, out, _ = run(capsys, "--no-cache", "--fix", "-", "--stdin-filename", "a.py")
    assert code == 0 and out == REDUNDANT_FIXED
    assert (two_files / "a.py").read_text() == EDITED


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_read_only_file_is_left_alone(two_files, capsys):
    os.chmod(two_files / "a.py", 0o444)  # root could write it: errlint must not
    try:
        code, _, err = run(capsys, "--no-cache", "--fix", ".")
        assert (two_files / "a.py").read_text() == REDUNDANT
        assert stat.S_IMODE(os.stat(two_files / "a.py").st_mode) == 0o444
    finally:
        os.chmod(two_files / "a.py", 0o644)
    assert code == 2 and "errlint: error: a.py: read-only; not fixed\n" in err
    assert (two_files / "b.py").read_text() == REDUNDANT_FIXED


# -- temporary files left by a killed write -------------------------------------------------------------------
DEAD_PID = 4194305  # above Linux's highest pid_max: no process has it


def temp(tree, name: str, pid) -> str:
    path = tree / f".{name}.{pid}.abcd1234{TEMP_SUFFIX}"
    path.write_text("half a file")
    return path.name


@pytest.mark.skipif(sys.platform == "win32", reason="process ids are not probed on Windows")
def test_stale_temporary_files_are_removed_by_the_next_fix(two_files, capsys):
    stale = temp(two_files, "a.py", DEAD_PID)
    legacy = ".a.py.k2j3h4g5" + TEMP_SUFFIX  # an older errlint's name, without a process id
    (two_files / legacy).write_text("half a file")
    alive = temp(two_files, "b.py", os.getpid())  # this process is writing it
    run(capsys, "--no-cache", ".")  # a run that writes nothing leaves them
    assert {stale, legacy, alive} <= {p.name for p in two_files.iterdir()}
    run(capsys, "--no-cache", "--fix", ".")
    assert sorted(p.name for p in two_files.iterdir()) == sorted([alive, "a.py", "b.py"])


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_a_temporary_file_under_a_lock_is_kept(tree):
    import fcntl

    locked = tree / temp(tree, "a.py", DEAD_PID)  # a writer in another pid namespace holds the lock
    fd = os.open(locked, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert remove_stale_temporaries(tree) == 0 and locked.exists()
    finally:
        os.close(fd)
    assert remove_stale_temporaries(tree) == 1 and not locked.exists()


def test_a_write_holds_its_temporary_file_locked_and_names_its_process(tree, monkeypatch):
    seen = []

    def look(path):
        names = [p.name for p in tree.iterdir() if p.name.endswith(TEMP_SUFFIX)]
        seen.extend(names)
        assert remove_stale_temporaries(tree) == 0  # its own write is never stale

    (tree / "a.py").write_text(REDUNDANT)
    monkeypatch.setattr(errlint.fixes, "before_replace", look)
    errlint.fixes.write_atomically(tree / "a.py", REDUNDANT_FIXED.encode(), expected=REDUNDANT.encode())
    assert len(seen) == 1 and seen[0].startswith(f".a.py.{os.getpid()}.")
    assert (tree / "a.py").read_text() == REDUNDANT_FIXED
