"""`make deploy-check BUCKET=<environment bucket>`: print the command that deploys the platform template with the
uploaded bundle's object versions filled in (README "Deploy to MWAA"). It deploys nothing.

The versions are the bucket's current ones of the objects the template's environment names (plugins.zip,
requirements.txt, startup.sh), read with boto3, unless given (`--version plugins.zip=<id>`). When the local build
(dist/mwaa) is there, each current object must be it (its ETag, the MD5 of an object under S3-managed encryption):
a bundle built but not uploaded is refused rather than deployed stale.

A stack's first deployment needs every parameter without a default (`--first`, each as `--parameter KEY=VALUE`;
the database password is passed as "$ETL_DB_PASSWORD", expanded by the shell that runs the command, never printed);
later deployments keep the stack's values for the parameters they leave out.
"""

from __future__ import annotations

import argparse
import hashlib
import shlex
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_bundle  # noqa: E402  (tools/ is not a package: the path above)
import cfn_template  # noqa: E402

DEFAULT_STACK = "tokyobeta-platform"
DEFAULT_ENVIRONMENT = "tokyobeta"
PASSWORD_PARAMETER = "EtlDbPassword"
PASSWORD_ENV = "ETL_DB_PASSWORD"
# The environment's properties naming each bundle object and its version (CloudFormation's AWS::MWAA::Environment).
OBJECT_PROPERTIES = ("Plugins", "Requirements", "StartupScript")
S3_CONFIG = {"connect_timeout": 5, "read_timeout": 20, "retries": {"max_attempts": 3, "mode": "standard"}}


class DeployCheckError(Exception):
    """What stops the deploy, said so that the operator knows the next step."""


def bundle_objects(template: dict) -> dict[str, str]:
    """S3 key -> the template parameter that takes its object version, from the environment's properties."""
    (environment,) = (r for r in template["Resources"].values() if r["Type"] == "AWS::MWAA::Environment")
    props = environment["Properties"]
    return {props[f"{name}S3Path"]: props[f"{name}S3ObjectVersion"]["Ref"] for name in OBJECT_PROPERTIES}


def current_version(s3, bucket: str, key: str) -> tuple[str, str]:
    """(version id, ETag) of the object's current version; DeployCheckError when it is missing or unversioned."""
    from botocore.exceptions import ClientError

    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            raise DeployCheckError(f"s3://{bucket}/{key} is missing: upload dist/mwaa/{key} first") from err
        raise
    version = head.get("VersionId")
    if not version or version == "null":
        raise DeployCheckError(
            f"s3://{bucket}/{key} has no version id: the bucket is not versioned, and MWAA needs versions "
            "(create the bucket with deploy/tokyobeta-bucket.yaml)"
        )
    return version, head["ETag"].strip('"')


def local_mismatch(path: Path, bucket: str, key: str, version: str, etag: str) -> str | None:
    """Why the S3 object is not the local build at `path` (None when it is, or when its ETag is no plain MD5)."""
    if len(etag) != 32:  # a multipart or KMS-encrypted object: its ETag is not the content's MD5
        return None
    if hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest() != etag:
        return f"s3://{bucket}/{key} (version {version}) is not {path}: upload the build first"
    return None


def command(stack: str, parameters: dict[str, str], *, with_password: bool) -> str:
    """The `aws cloudformation deploy` command line (pure)."""
    lines = [
        "aws cloudformation deploy",
        f"--stack-name {shlex.quote(stack)}",
        f"--template-file {cfn_template.PLATFORM.relative_to(cfn_template.REPO).as_posix()}",
        "--capabilities CAPABILITY_IAM",
        "--no-fail-on-empty-changeset",
        "--parameter-overrides",
    ]
    overrides = [shlex.quote(f"{key}={value}") for key, value in parameters.items()]
    if with_password:
        overrides.append(f'{PASSWORD_PARAMETER}="${PASSWORD_ENV}"')
    return " \\\n    ".join(lines + overrides)


def _pairs(values: list[str], what: str) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise DeployCheckError(f"{what} {value!r}: expected KEY=VALUE")
        out[key] = rest
    return out


def plan(args: argparse.Namespace, s3) -> tuple[str, list[str]]:
    """(the command, notes to print above it as comments)."""
    template = cfn_template.load(cfn_template.PLATFORM)
    objects = bundle_objects(template)
    given_versions = _pairs(args.version, "--version")
    if unknown := sorted(set(given_versions) - set(objects)):
        raise DeployCheckError(f"--version for {', '.join(unknown)}: the environment names {', '.join(objects)}")
    extra = _pairs(args.parameter, "--parameter")
    if PASSWORD_PARAMETER in extra:
        raise DeployCheckError(f"never pass {PASSWORD_PARAMETER} on the command line: set ${PASSWORD_ENV}, use --first")
    if unknown := sorted(set(extra) - set(template["Parameters"])):
        raise DeployCheckError(f"the template has no parameter {', '.join(unknown)}")
    parameters = {"EnvironmentName": args.environment_name, "SourceBucketName": args.bucket}
    notes = []
    for key, parameter in objects.items():
        if key in given_versions:
            parameters[parameter] = given_versions[key]
            notes.append(f"{key}: version {given_versions[key]} (given)")
            continue
        version, etag = current_version(s3, args.bucket, key)
        local = args.bundle / key
        if local.is_file() and (why := local_mismatch(local, args.bucket, key, version, etag)):
            raise DeployCheckError(why)
        parameters[parameter] = version
        notes.append(f"{key}: version {version}" + (f" = {local}" if local.is_file() else " (no local build)"))
    parameters.update(extra)
    if args.first:
        missing = [p for p in cfn_template.required_parameters(template) if p not in parameters]
        missing = [p for p in missing if p != PASSWORD_PARAMETER]
        if missing:
            raise DeployCheckError(
                "a first deployment needs "
                + ", ".join(f"--parameter {p}=…" for p in missing)
                + f" (and ${PASSWORD_ENV})"
            )
    return command(args.stack_name, parameters, with_password=args.first), notes


def _s3(endpoint_url: str | None):
    import boto3
    from botocore.config import Config

    return boto3.client("s3", endpoint_url=endpoint_url, config=Config(**S3_CONFIG))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", required=True, help="the environment's versioned bucket holding the upload")
    parser.add_argument("--stack-name", default=DEFAULT_STACK)
    parser.add_argument("--environment-name", default=DEFAULT_ENVIRONMENT)
    parser.add_argument("--bundle", type=Path, default=build_bundle.DEFAULT_OUT, help="the local build to compare")
    parser.add_argument("--version", action="append", default=[], metavar="KEY=ID", help="an object version, given")
    parser.add_argument("--parameter", action="append", default=[], metavar="KEY=VALUE", help="another parameter")
    parser.add_argument("--first", action="store_true", help="the stack's first deployment: every parameter")
    parser.add_argument("--endpoint-url", help="an S3 stand-in (tests)")
    args = parser.parse_args(argv)
    if not args.bucket.strip():
        parser.error("--bucket is empty: make deploy-check BUCKET=<the environment's bucket>")
    try:
        text, notes = plan(args, _s3(args.endpoint_url))
    except DeployCheckError as err:
        print(f"deploy-check: {err}", file=sys.stderr)
        return 1
    print(f"# {args.stack_name}: the bundle in s3://{args.bucket}")
    for note in notes:
        print(f"#   {note}")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
