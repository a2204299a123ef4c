"""Generate the TypeScript packs of the AWS SDK for JavaScript v3 clients (rules/aws_sdk_*.toml).

    python scripts/gen_aws_packs.py --path DIR      # DIR/node_modules holds the pinned @aws-sdk/client-* packages
    python scripts/gen_aws_packs.py --path DIR --check   # exit 1 when a pack in rules/ is not what this writes

Each client package gets one pack (its classes' names collide across services:
``ResourceNotFoundException``, ``InternalServerError``): the client classes
(``S3Client`` and the aggregated ``S3``), ``client.send(new XCommand(...))`` as the
call shape, the standard retry mode's policy read from @smithy/core's
service-error-classification (throttling codes, transient codes and statuses,
maxAttempts 3, DynamoDB 4: the defaults the tests read from the installed
clients), and every modelled exception the package exports (read from its
declaration files with errlint's npm reader), with a retry policy:

* a throttling code, a ``$retryable`` or a ``$fault: "server"`` class: ``transient``
  (the SDK retried it);
* a client fault whose name says the request or the resource is wrong
  (``NoSuch*``, ``*NotFound*``, ``Invalid*``, ``*Validation*``, ``AccessDenied*``,
  ``*AlreadyExists*``, ``ConditionalCheckFailed*``, ...): ``never``;
* any other: ``unspecified`` (the docs leave it to the caller: a transaction
  conflict may be retried).

The service's base class (``S3ServiceException``) extends @smithy's
``ServiceException`` (rules/smithy.toml) and is ``by-status``: unmodelled codes
(``SlowDown``, ``ValidationException``) arrive as it, with ``name`` set to the code.

What the declaration files cannot say is written by hand after the line
HAND_WRITTEN, which every pack ends with: ``[[irreversible]]`` operations
(ERR009) under their TypeScript names, the command class ``client.send`` runs
(``PublishCommand``) and the aggregated client's method (``publish``).
Regenerating rewrites what is above that line and keeps what follows it;
``--check`` compares only what is above.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from errlint.cli.packs.npm import read_npm  # noqa: E402
from errlint.cli.packs.npm_files import find_npm_package, node_modules_roots  # noqa: E402

# package -> (pack name, client class, aggregated client, extra npm packages, extra clients, factories)
CLIENTS = {
    "@aws-sdk/client-s3": ("aws_sdk_s3", "S3Client", "S3", (), (), ()),
    "@aws-sdk/client-dynamodb": (
        "aws_sdk_dynamodb", "DynamoDBClient", "DynamoDB", ("@aws-sdk/lib-dynamodb",),
        ("DynamoDBDocumentClient", "DynamoDBDocument"), ("DynamoDBDocumentClient.from", "DynamoDBDocument.from"),
    ),
    "@aws-sdk/client-sqs": ("aws_sdk_sqs", "SQSClient", "SQS", (), (), ()),
    "@aws-sdk/client-sns": ("aws_sdk_sns", "SNSClient", "SNS", (), (), ()),
    "@aws-sdk/client-ses": ("aws_sdk_ses", "SESClient", "SES", (), (), ()),
    "@aws-sdk/client-lambda": ("aws_sdk_lambda", "LambdaClient", "Lambda", (), (), ()),
    "@aws-sdk/client-bedrock-runtime": ("aws_sdk_bedrock_runtime", "BedrockRuntimeClient", "BedrockRuntime", (), (), ()),
    "@aws-sdk/client-secrets-manager": ("aws_sdk_secrets_manager", "SecretsManagerClient", "SecretsManager", (), (), ()),
}
DEFAULT_ATTEMPTS = {"@aws-sdk/client-dynamodb": 4}  # the client's own default (probe: config.maxAttempts())
SMITHY = "@smithy/core/dist-es/submodules/retry/service-error-classification/constants.js"
NEVER = re.compile(
    r"NoSuch|NotFound|^Invalid|Validation|AccessDenied|AlreadyExists|ConditionalCheckFailed|TooLong|TooLarge|Malformed"
    r"|Unauthorized|Forbidden|Unsupported|IdempotentParameterMismatch|MessageRejected|AuthorizationError|NotAuthorized"
    r"|Disabled|Denied|Expired|Encryption|DoesNotExist|NameExists"
)
# codes that arrive without a class of their own (the service's base class, ``name`` = the code): never retryable
UNMODELLED_NEVER = ("ValidationException", "UnrecognizedClientException", "AccessDeniedException", "AccessDenied", "NotFound")


def _constants(roots) -> tuple[list[str], list[str], list[int]]:
    for root in roots:
        path = Path(root) / SMITHY
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            throttling = re.findall(r'"(\w+)"', re.search(r"THROTTLING_ERROR_CODES = \[(.*?)\]", text, re.S).group(1))
            transient = re.findall(r'"(\w+)"', re.search(r"TRANSIENT_ERROR_CODES = \[(.*?)\]", text, re.S).group(1))
            statuses = [int(x) for x in re.findall(r"\d+", re.search(r"TRANSIENT_ERROR_STATUS_CODES = \[(.*?)\]", text, re.S).group(1))]
            return throttling, transient, statuses
    raise SystemExit(f"{SMITHY} not found under {roots}")


def _fault(file: str, name: str) -> tuple[str | None, bool]:
    """A modelled exception's ``$fault`` and whether it declares ``$retryable``."""
    text = Path(file).read_text(encoding="utf-8")
    m = re.search(r"declare class " + re.escape(name) + r" extends[^{]*\{(.*?)\n\}", text, re.S)
    body = m.group(1) if m else ""
    fault = re.search(r'\$fault: "(\w+)"', body)
    return (fault.group(1) if fault else None), "$retryable" in body


HAND_WRITTEN = "# ---- Hand-written below: scripts/gen_aws_packs.py regenerates what is above this line and keeps what follows."
HAND_WRITTEN_HELP = (
    "# [[irreversible]] operations (ERR009) go here, under their TypeScript names: the command that client.send runs\n"
    "# and the aggregated client's method, e.g. typescript = [\"PublishCommand\", \"publish\"]."
)


def split_hand_written(text: str) -> tuple[str, str]:
    """A pack's text as (the generated part, through the HAND_WRITTEN line; what follows it, kept as written).
    A pack without the line is all generated."""
    head, sep, tail = text.partition(HAND_WRITTEN + "\n")
    return (head + sep, tail) if sep else (text, "")


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(package, tree, throttling, transient, statuses) -> str:
    name, client, aggregate, extra_npm, extra_clients, factories = CLIENTS[package.name]
    attempts = DEFAULT_ATTEMPTS.get(package.name, 3)
    service = f"{aggregate}ServiceException"
    version = package.version
    by_name = {c.name: c for c in tree.classes.values() if c.exports}
    classes = sorted(by_name.values(), key=lambda c: (c.name != service, c.name))
    policies = {}
    for c in classes:
        if c.name == service:
            continue
        fault, retryable = _fault(c.file, c.name)
        if c.name in throttling:
            policies[c.name] = ("transient", "Throttling: the SDK already retried it (maxAttempts), with its throttling backoff.")
        elif retryable or fault == "server" or c.name in transient:
            policies[c.name] = ("transient", "The SDK already retried it (maxAttempts).")
        elif fault == "client" and NEVER.search(c.name):
            policies[c.name] = ("never", "Fix the request or the resource. Don't retry.")
        else:
            policies[c.name] = ("unspecified", "")
    retried = [c.name for c in classes if c.name != service and policies[c.name][0] == "transient"]
    out = [
        f"# AWS SDK for JavaScript v3: {package.name} {version} (TypeScript only). Generated by scripts/gen_aws_packs.py",
        "# from the installed package's declaration files and @smithy/core's retry classification: regenerate, don't edit.",
        "[sdk]",
        f"name = {_q(name)}",
        f"npm = [{', '.join(_q(n) for n in (package.name, *extra_npm))}]",
        f"npm_version = {_q(version)}",
        f"docs = {_q(f'{package.name} {version} dist-types; @smithy/core service-error-classification (standard retry mode)')}",
        f"retry_guidance = {_q(f'The client already retries throttling and transient errors ({attempts} attempts in all, standard mode): set maxAttempts on the client rather than adding a retry layer.')}",
        "",
        "[clients]",
        f"typescript = [{', '.join(_q(n) for n in (client, aggregate, *extra_clients))}]",
        "",
        "[typescript]",
        'commands = ["send"]  # client.send(new GetObjectCommand(input)) is the operation GetObjectCommand',
        'class_codes = true  # e.name === "NoSuchKey": a modelled exception\'s name is its error code',
    ]
    if factories:
        out.append(f"factories = [{', '.join(_q(f) for f in factories)}]  # DynamoDBDocumentClient.from(client) keeps its settings")
    out += [
        "",
        "[[auto_retry]]",
        'typescript = ["*"]  # client.send(command) and the aggregated client\'s methods',
        'typescript_not_methods = ["destroy", "middlewareStack"]',
        f"on = [{', '.join(_q(n) for n in (service, *retried))}]",
        f"attempts = {attempts}",
        f"backoff = {_q('full jitter: random(0, min(base * 2^n, 20 s)), a longer base for throttling; a client-wide retry quota')}",
        f"policy = {_q(f'maxAttempts {attempts} by default (standard mode): throttling codes, 429, 500/502/503/504, timeouts and connection errors; not 501, not streaming request bodies')}",
        f"way_out = {_q(f'lower maxAttempts on the client (new {client}({{ maxAttempts: 1 }}), or AWS_MAX_ATTEMPTS=1) if this retry replaces it; maxAttempts counts the first attempt')}",
        f"source = {_q(f'{package.name} {version}: config.maxAttempts() = {attempts}; @smithy/core service-error-classification: throttling and transient codes, statuses {statuses}')}",
        'typescript_settings = [',
        '    { path = ["maxAttempts"], counts = "attempts" },',
        '    { path = ["retryStrategy"], counts = "any" },  # a strategy object of its own: errlint cannot count',
        ']',
        "",
        f"[errors.{service}]",
        'typescript_parent = "@smithy/smithy-client.ServiceException"',
        'retry = "by-status"',
        'typescript_attributes = ["$metadata.httpStatusCode", "name", "$fault", "$retryable"]',
        f"action = {_q('Look at name (the error code) and $metadata.httpStatusCode: throttling codes, 429 and 500/502/503/504 were already retried.')}",
        f"source = {_q(f'{package.name} {version}: ' + by_name[service].file.split('node_modules/')[-1])}",
        "",
    ]
    for c in classes:
        if c.name == service:
            continue
        retry, action = policies[c.name]
        out.append(f"[errors.{c.name}]")
        out.append(f"parent = {_q(c.parent)}" if c.parent in by_name else f"parent = {_q(service)}")
        if retry != "unspecified":
            out.append(f"retry = {_q(retry)}")
            out.append(f"action = {_q(action)}")
        out.append("")
    out.append("# Codes that arrive as the service's base class (e.name === \"ThrottlingException\"); the modelled classes'")
    out.append("# names are codes too ([typescript] class_codes).")
    names = {c.name for c in classes}
    codes = {}
    for code in throttling:
        codes.setdefault(code, ("transient", "Throttling: the SDK already retried it (maxAttempts), with its throttling backoff.", None))
    for code in transient:
        codes.setdefault(code, ("transient", "The SDK already retried it (maxAttempts).", None))
    for code in UNMODELLED_NEVER:
        codes.setdefault(code, ("never", "Fix the request, the credentials or the resource. Don't retry.", None))
    for code, (retry, action, exc) in sorted((k, v) for k, v in codes.items() if k not in names):
        out.append(f"[codes.{code}]")
        out.append(f"retry = {_q(retry)}")
        out.append(f"action = {_q(action)}")
        if exc:
            out.append(f"exception = {_q(exc)}")
        out.append("")
    out += [
        "[statuses.403]", 'retry = "never"', 'action = "Access denied: fix the credentials or the policy. Don\'t retry."', "",
        "[statuses.404]", 'retry = "never"', 'action = "The resource does not exist. Don\'t retry."', "",
        "[statuses.429]", 'retry = "transient"', 'action = "Throttled: the SDK already retried it."', "",
        "[statuses.5xx]", 'retry = "transient"', f"action = {_q('500, 502, 503 and 504 were already retried by the SDK (not 501).')}", "",
    ]
    out += [HAND_WRITTEN, HAND_WRITTEN_HELP]
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", action="append", default=[], help="a folder whose node_modules holds the pinned clients")
    parser.add_argument("--check", action="store_true", help="compare with rules/ instead of writing")
    args = parser.parse_args()
    roots = node_modules_roots(args.path)
    throttling, transient, statuses = _constants(roots)
    stale = []
    for name in CLIENTS:
        package = find_npm_package(name, roots)
        tree = read_npm(package, roots)
        text = render(package, tree, throttling, transient, statuses)
        path = ROOT / "rules" / f"{CLIENTS[name][0]}.toml"
        generated, _ = split_hand_written(text)
        existing = path.read_text(encoding="utf-8") if path.is_file() else ""
        kept = split_hand_written(existing)[1] if HAND_WRITTEN in existing else HAND_WRITTEN_HELP + "\n"
        if args.check:
            if split_hand_written(existing)[0] != generated:
                stale.append(str(path))
        else:
            path.write_text(generated + kept, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}: {len(tree.classes)} classes")
    if stale:
        print("not what scripts/gen_aws_packs.py writes: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
