"""Output formats, statistics, --exit-zero, and the rule documentation commands."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cli_support import SHADOWED, run
from errlint.checks import ALL_CHECKS
from errlint.output.rules import readme_rule_table

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
REDUNDANT = "try:\n    pass\nexcept (OSError, IOError, ValueError):\n    pass\n"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(SHADOWED)
    (tmp_path / "pkg" / "b.py").write_text(REDUNDANT)
    return tmp_path



def test_sarif_validates_against_the_2_1_0_schema(tree, capsys):
    code, out, _ = run(capsys, "--output-format", "sarif", "pkg")
    assert code == 1
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= {c.code for c in ALL_CHECKS}
    for r in rules:
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"] and r["helpUri"]
    results = run_["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results] == [
        ("ERR004", "pkg/a.py"),
        ("ERR004", "pkg/b.py"),
    ]
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 5, "startColumn": 1, "endLine": 5, "endColumn": 18}  # SARIF endColumn: the column after the region
    assert results[0]["level"] == "error"
    assert "ValueError" in results[0]["message"]["text"]
    assert rules[results[0]["ruleIndex"]]["id"] == "ERR004"


def test_sarif_with_no_findings_is_valid_too(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.py").write_text("x = 1\n")
    code, out, _ = run(capsys, "--output-format", "sarif", "ok.py")
    assert code == 0
    jsonschema.validate(json.loads(out), SCHEMA)


def test_github_workflow_commands(tree, capsys):
    code, out, _ = run(capsys, "--output-format", "github", "pkg")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("::error file=pkg/a.py,line=5,col=1,endLine=5,endColumn=18,title=ERR004::ERR004 except ValueError")
    # a colon or comma in a property value is escaped, a newline in a message too
    assert "%0A" not in first and len(out.splitlines()) == 2


def test_statistics_count_per_code(tree, capsys):
    (tree / "pkg" / "c.py").write_text(SHADOWED)
    code, out, _ = run(capsys, "--statistics", "pkg")
    assert code == 1
    assert out.splitlines()[:2] == ["3\tERR004\t[*] shadowed-except", "Found 3 findings in 3 files."]  # [*]: the rule has fixes


def test_exit_zero(tree, capsys):
    code, out, _ = run(capsys, "--exit-zero", "pkg")
    assert code == 0 and "ERR004" in out


def test_rule_prints_its_documentation(capsys):
    code, out, _ = run(capsys, "rule", "ERR004")
    assert code == 0
    assert out.startswith("# shadowed-except (ERR004)")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety"):
        assert heading in out


def test_rule_by_name_and_unknown_rule(capsys):
    assert run(capsys, "rule", "swallowed-reauth")[1].startswith("# swallowed-reauth (ERR003)")
    code, _, err = run(capsys, "rule", "ERR777")
    assert code == 2 and "unknown rule 'ERR777'" in err


def test_rules_lists_every_rule_with_fix_and_packs(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["code", "name", "fix", "packs"]
    assert [line.split()[0] for line in lines[1:]] == [c.code for c in ALL_CHECKS]
    err001 = next(line for line in lines if line.startswith("ERR001"))
    assert err001.split()[1:3] == ["redundant-retry", "sometimes"]
    assert err001.endswith("alter_sdk, anthropic, aws_sdk_bedrock_runtime, aws_sdk_dynamodb, aws_sdk_lambda, aws_sdk_s3, aws_sdk_secrets_manager, aws_sdk_ses, aws_sdk_sns, aws_sdk_sqs, aws_sdk_v2, boto3, cohere, google_genai, groq, mistralai, octokit, openai, slack_web_api, stripe")  # the npm packs too (issue 24)


def test_check_subcommand_is_the_default(tree, capsys):
    assert run(capsys, "check", "pkg")[0] == 1


def test_readme_rule_table_is_generated_from_the_checks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- rules:start -->") + len("<!-- rules:start -->\n")
    end = readme.index("<!-- rules:end -->")
    assert readme[start:end] == readme_rule_table(), "README rule table is stale: run python scripts/gen_readme_rules.py"


def test_every_sarif_help_uri_and_json_url_is_the_rule_page(tree, capsys):
    """helpUri and url point to docs/rules/CODE.md: in the repository pyproject.toml declares, else the
    page's path in the repository (pyproject.toml declares none today); every page exists."""
    from errlint.cli import rule_metadata
    from errlint.output import project_url

    base = project_url()
    for rule in rule_metadata():
        page = f"docs/rules/{rule['id']}.md"
        assert rule["helpUri"] == (f"{base}/blob/main/{page}" if base else page)
        assert (ROOT / page).is_file(), page
    code, out, _ = run(capsys, "--output-format", "json", "pkg")
    found = json.loads(out)
    assert code == 1 and found
    assert all(d["url"] == (f"{base}/blob/main/docs/rules/{d['code']}.md" if base else f"docs/rules/{d['code']}.md") for d in found)


def test_the_rule_url_is_the_declared_repository_where_there_is_one(monkeypatch):
    import errlint.output as output

    monkeypatch.setattr(output, "project_url", lambda: "https://example.org/acme/errlint")
    assert output.rule_url("ERR004") == "https://example.org/acme/errlint/blob/main/docs/rules/ERR004.md"
    monkeypatch.setattr(output, "project_url", lambda: None)
    assert output.rule_url("ERR004") == "docs/rules/ERR004.md"
