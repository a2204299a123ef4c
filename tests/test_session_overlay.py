"""A long-lived Session (the language server's): unsaved buffers in its overlay, invalidate(), fix_source()."""
from __future__ import annotations

import os

from errlint.run import Session
from server_project import ERRORS_PY, ERRORS_TS, cli_fix, make_project


def codes(session: Session, path) -> list[str]:
    result, _ = session.lint_source(str(path), path.read_bytes())
    return [d.code for d in result.diagnostics]


def test_a_python_module_is_read_from_the_overlay_first(tmp_path):
    root = make_project(tmp_path)
    session = Session()
    service, errors = root / "app" / "service.py", root / "app" / "errors.py"
    assert codes(session, service) == ["ERR004"]
    result, _ = session.lint_source(str(service), service.read_bytes())
    assert str(errors) in {recorded[0] for recorded in result.depends.values()}  # the verdict read errors.py
    unrelated = ERRORS_PY.replace("class NotFound(ApiError)", "class NotFound(Exception)").encode()
    session.overlay[os.path.realpath(errors)] = unrelated
    assert codes(session, service) == []
    assert errors.read_text() == ERRORS_PY
    del session.overlay[os.path.realpath(errors)]
    assert codes(session, service) == ["ERR004"]


def test_invalidate_reads_a_changed_module_again(tmp_path):
    root = make_project(tmp_path)
    session = Session()
    service, errors = root / "app" / "service.py", root / "app" / "errors.py"
    assert codes(session, service) == ["ERR004"]
    errors.write_text(ERRORS_PY.replace("class NotFound(ApiError)", "class NotFound(Exception)"))
    assert codes(session, service) == ["ERR004"]  # a run's modules are read once
    session.invalidate([str(errors)])
    assert codes(session, service) == []


def test_a_typescript_module_is_read_from_the_overlay_first(tmp_path):
    root = make_project(tmp_path)
    session = Session()
    service, errors = root / "web" / "service.ts", root / "web" / "errors.ts"
    assert codes(session, service) == ["ERR004"]
    session.overlay[os.path.realpath(errors)] = ERRORS_TS.replace("NotFound extends ApiError", "NotFound extends Error").encode()
    assert codes(session, service) == []
    del session.overlay[os.path.realpath(errors)]
    assert codes(session, service) == ["ERR004"]


def test_invalidate_without_paths_reads_the_configuration_again(tmp_path):
    root = make_project(tmp_path)
    session = Session()
    shadow = root / "shadow.py"
    assert codes(session, shadow) == ["ERR004", "ERR004"]
    (root / "pyproject.toml").write_text('[tool.errlint]\nignore = ["ERR004"]\n')
    session.invalidate()
    assert codes(session, shadow) == []


def test_fix_source_writes_what_fix_writes(tmp_path):
    root = make_project(tmp_path)
    path = root / "fixes.py"
    fixed, found, _ = Session().fix_source(str(path), path.read_bytes(), unsafe=False)
    assert found and fixed.decode() == cli_fix(path)
