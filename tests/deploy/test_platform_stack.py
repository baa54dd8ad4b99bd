"""The platform as code (deploy/): cfn-lint, the templates deployed to moto's CloudFormation and read back against
their owners and the README, the execution role's least privilege, the freshness heartbeat through moto's CloudWatch
as the heartbeat alarm sees it, and `make deploy-check` against a versioned moto bucket.

What moto cannot do, and how it is covered: moto 5.0.11's CloudFormation creates the SNS topic (with its e-mail
subscription), the IAM role and its inline policies, the security groups and the bucket, but it has no
AWS::CloudWatch::Alarm, AWS::SecretsManager::Secret or AWS::MWAA::Environment (a stack holding one fails). So the stack
deployed here is `moto_variant`: the same template with those resources, and the outputs naming them, left out.
Each alarm and secret is then created through its own API from the template's own properties, resolved with the
stack's values (a CloudFormation alarm's properties are PutMetricAlarm's parameters, a secret's are CreateSecret's),
and read back from moto. Its stack bucket takes only the encryption of its properties: versioning and the public
access block are put through their APIs the same way. moto has no MWAA at all: the environment's resolved properties
are checked here against their owners, and cfn-lint checks the resource against CloudFormation's schema.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import json
import re
import shlex
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pendulum
import pytest

from harness import moto_server as mt
from harness.runs import REPO
from tokyobeta_etl import config, data_contract, freshness, heartbeat
from tokyobeta_etl.data_contract import DUMP_FILES, STAGING_TABLES

sys.path.insert(0, str(REPO / "tools"))  # tools/ is no package; its modules import each other this way too
import build_bundle  # noqa: E402
import cfn_template as cfn  # noqa: E402
import deploy_check  # noqa: E402
import stack_tables  # noqa: E402

ACCOUNT = "123456789012"  # moto's
MOTO_ONLY_BY_API = {"AWS::CloudWatch::Alarm", "AWS::SecretsManager::Secret"}
STATIC_ONLY = {"AWS::MWAA::Environment"}
DATASETS = {
    "OccupancyDatasetId": "occupancy-ds",
    "NewContractsDatasetId": "new-contracts-ds",
    "MoveoutAnalysisDatasetId": "moveout-ds",
    "PropertyPerformanceDatasetId": "property-ds",
}
# Actions without resource-level permissions: the only statements that may have the `*` resource.
STAR_ACTIONS = {"s3:GetAccountPublicAccessBlock", "logs:DescribeLogGroups", "cloudwatch:PutMetricData"}


# --- cfn-lint ---------------------------------------------------------------------------------------------------


def test_cfn_lint_passes_on_every_template_and_catches_a_broken_one(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        cfn.PLATFORM.read_text(encoding="utf-8").replace(
            'AirflowVersion: "2.10.3"', 'AirflowVersion: "2.10.3"\n      Bogus: 1'
        ),
        encoding="utf-8",
    )
    lint = Path(sys.executable).parent / "cfn-lint"
    out = subprocess.run(
        [str(lint), "--format", "parseable", *map(str, cfn.TEMPLATES), str(broken)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    findings = [line for line in out.stdout.splitlines() if line.strip()]
    assert out.returncode != 0 and findings, out.stderr  # the broken copy is caught: the lint is live
    assert {line.split(":", 1)[0] for line in findings} == {str(broken)}, findings
    assert any("Bogus" in line for line in findings)


# --- the stack in moto ----------------------------------------------------------------------------------------------


def moto_variant(template: dict, supported: set[str]) -> tuple[dict, dict[str, dict]]:
    """(the template without the resources moto's CloudFormation does not know, those resources by logical id)."""
    left_out = {name: r for name, r in template["Resources"].items() if r["Type"] not in supported}

    def names_left_out(node) -> bool:
        return bool(cfn.references(node) & set(left_out))

    variant = dict(template)
    variant["Resources"] = {}
    for name, resource in template["Resources"].items():
        if name in left_out:
            continue
        resource = dict(resource)
        if "DependsOn" in resource:
            resource["DependsOn"] = [d for d in resource["DependsOn"] if d not in left_out]
        if names_left_out(resource):
            raise AssertionError(f"{name} refers to a resource moto cannot create")
        variant["Resources"][name] = resource
    variant["Outputs"] = {k: v for k, v in template.get("Outputs", {}).items() if not names_left_out(v)}
    return variant, left_out


@dataclass
class Stack:
    params: dict[str, str]  # as given
    values: dict[str, str]  # every parameter's, defaults included
    physical: dict[str, str]
    outputs: dict[str, str]
    template: dict
    environment: dict  # the MWAA environment's properties, resolved
    source_bucket: str
    region: str = mt.REGION

    @property
    def environment_name(self) -> str:
        return self.params["EnvironmentName"]

    @property
    def topic_arn(self) -> str:
        return self.outputs["AlertTopicArn"]

    def value_of(self, name: str) -> str:
        """What `<name>` in a README table stands for in this stack."""
        pseudo = {"region": self.region, "account": ACCOUNT}
        return pseudo.get(name) or self.values.get(name) or self.physical[name]


def _params(network: dict, source_bucket: str, suffix: str) -> dict[str, str]:
    return {
        "EnvironmentName": f"tokyobeta-test-{suffix}",
        "SourceBucketName": source_bucket,
        "PluginsVersion": "plugins-v1",
        "RequirementsVersion": "requirements-v1",
        "StartupScriptVersion": "startup-v1",
        "AuroraClusterIdentifier": "tokyobeta-warehouse",
        "AuroraEndpoint": "tokyobeta-warehouse.cluster-abc.ap-northeast-1.rds.amazonaws.com",
        "AuroraSecurityGroupId": network["aurora_sg"],
        "EtlDbPassword": "not-a-real-password-1",
        "AlertEmail": "oncall@example.com",
        "VpcId": network["vpc"],
        "PrivateSubnetIds": ",".join(network["subnets"]),
        **DATASETS,
    }


def _create_stack(moto_server, name: str, template: dict, params: dict[str, str]) -> dict:
    client = moto_server.client("cloudformation")
    client.create_stack(
        StackName=name,
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in params.items()],
        Capabilities=["CAPABILITY_IAM"],
    )
    (described,) = client.describe_stacks(StackName=name)["Stacks"]
    assert described["StackStatus"] == "CREATE_COMPLETE", described.get("StackStatusReason")
    return described


@pytest.fixture(scope="module")
def stack(moto_server) -> Stack:
    """The bucket stack and the platform stack (its moto variant, then the alarms and secrets by their APIs)."""
    from moto.cloudformation.parsing import get_model_map

    suffix = uuid.uuid4().hex[:8]
    ec2 = moto_server.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{n}.0/24")["Subnet"]["SubnetId"] for n in (1, 2)]
    aurora_sg = ec2.create_security_group(GroupName=f"aurora-{suffix}", Description="warehouse", VpcId=vpc)["GroupId"]
    network = {"vpc": vpc, "subnets": subnets, "aurora_sg": aurora_sg}

    source_bucket = f"tokyobeta-mwaa-{suffix}"
    bucket_template = cfn.load(cfn.BUCKET)
    bucket_stack = _create_stack(moto_server, f"bucket-{suffix}", bucket_template, {"BucketName": source_bucket})
    assert {o["OutputKey"]: o["OutputValue"] for o in bucket_stack["Outputs"]} == {"SourceBucketName": source_bucket}
    # moto's stack bucket takes only the encryption of its properties: the rest through their APIs, as written
    bucket = cfn.Resolver(bucket_template, {"BucketName": source_bucket}.__getitem__).value(
        bucket_template["Resources"]["SourceBucket"]["Properties"]
    )
    s3 = moto_server.client("s3")
    s3.put_bucket_versioning(Bucket=source_bucket, VersioningConfiguration=bucket["VersioningConfiguration"])
    s3.put_public_access_block(
        Bucket=source_bucket, PublicAccessBlockConfiguration=bucket["PublicAccessBlockConfiguration"]
    )

    template = cfn.load(cfn.PLATFORM)
    variant, left_out = moto_variant(template, set(get_model_map()))
    assert {r["Type"] for r in left_out.values()} == MOTO_ONLY_BY_API | STATIC_ONLY
    params = _params(network, source_bucket, suffix)
    described = _create_stack(moto_server, f"platform-{suffix}", variant, params)
    resources = moto_server.client("cloudformation").describe_stack_resources(StackName=f"platform-{suffix}")
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in resources["StackResources"]}
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]}

    defaults = {k: str(v["Default"]) for k, v in template["Parameters"].items() if "Default" in v}
    values = {**defaults, **params, "AWS::Region": mt.REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws"}
    iam = moto_server.client("iam")

    def ref(name: str):
        if template["Parameters"].get(name, {}).get("Type", "").startswith("List<"):
            return values[name].split(",")
        return values[name] if name in values else physical[name]

    def get_att(resource: str, attribute: str):
        if (resource, attribute) == ("ExecutionRole", "Arn"):
            return iam.get_role(RoleName=physical["ExecutionRole"])["Role"]["Arn"]
        raise AssertionError(f"GetAtt {resource}.{attribute} is not resolved here")

    resolver = cfn.Resolver(template, ref, get_att)
    for resource in left_out.values():
        if "Condition" in resource and not resolver.condition(resource["Condition"]):
            continue
        props = resolver.value(resource["Properties"])
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            moto_server.client("cloudwatch").put_metric_alarm(**props)
        elif resource["Type"] == "AWS::SecretsManager::Secret":
            moto_server.client("secretsmanager").create_secret(**props)
    (environment,) = (n for n, r in left_out.items() if r["Type"] == "AWS::MWAA::Environment")
    return Stack(
        params=params,
        values={**defaults, **params},
        physical=physical,
        outputs=outputs,
        template=template,
        environment=resolver.value(left_out[environment]["Properties"]),
        source_bucket=source_bucket,
    )


def _readme_rows(markers: tuple[str, str]) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text.split(markers[0], 1)[1].split(markers[1], 1)[0]
    return [line for line in table.strip().splitlines()[2:]]


def _concrete(row: str, stack: Stack) -> str:
    """A README row with each `<Name>` replaced by this stack's value."""
    return re.sub(r"<([A-Za-z]+)>", lambda m: stack.value_of(m.group(1)), row)


def test_the_bucket_is_versioned_private_and_s3_encrypted(stack, moto_server):
    s3 = moto_server.client("s3")
    assert s3.get_bucket_versioning(Bucket=stack.source_bucket)["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket=stack.source_bucket)["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True
    )
    (rule,) = s3.get_bucket_encryption(Bucket=stack.source_bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"  # ETag = MD5: deploy-check compares


def test_the_topic_mails_the_alert_address(stack, moto_server):
    sns = moto_server.client("sns")
    assert stack.topic_arn == stack.physical["AlertTopic"]
    subs = sns.list_subscriptions_by_topic(TopicArn=stack.topic_arn)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subs] == [("email", stack.params["AlertEmail"])]


def test_the_environment_reaches_the_warehouse_on_3306_only(stack, moto_server):
    ec2 = moto_server.client("ec2")
    (aurora,) = ec2.describe_security_groups(GroupIds=[stack.params["AuroraSecurityGroupId"]])["SecurityGroups"]
    from_env = [p for p in aurora["IpPermissions"] if p["UserIdGroupPairs"]]
    assert [(p["IpProtocol"], p["FromPort"], p["ToPort"]) for p in from_env] == [("tcp", 3306, 3306)]
    assert from_env[0]["UserIdGroupPairs"][0]["GroupId"] == stack.physical["EnvironmentSecurityGroup"]
    assert stack.environment["NetworkConfiguration"] == {
        "SubnetIds": stack.params["PrivateSubnetIds"].split(","),
        "SecurityGroupIds": [stack.physical["EnvironmentSecurityGroup"]],
    }


# --- the execution role -------------------------------------------------------------------------------------------


def _document(value) -> dict:
    """A policy document as moto returns it: a role made by its CloudFormation keeps the template's mapping, which
    moto 5.0.11 sends as its Python repr (botocore then leaves a string)."""
    return ast.literal_eval(value) if isinstance(value, str) else value


def _role_policies(stack: Stack, moto_server) -> dict[str, list[dict]]:
    iam = moto_server.client("iam")
    role = stack.physical["ExecutionRole"]
    out = {}
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        out[name] = _document(document)["Statement"]
    return out


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value)


def _grants(statements: list[dict]) -> set[tuple]:
    """(sid, effect, action, resource or "not:" resource, condition) for every action and resource of a policy."""
    out = set()
    for st in statements:
        resources = [*_as_list(st.get("Resource", [])), *(f"not:{r}" for r in _as_list(st.get("NotResource", [])))]
        for action in _as_list(st["Action"]):
            for resource in resources:
                out.add((st["Sid"], st["Effect"], action, resource, json.dumps(st.get("Condition"), sort_keys=True)))
    return out


def _expected_grants(stack: Stack) -> dict[str, set[tuple]]:
    """Written out here, apart from the template: what the DAGs call and what MWAA needs, nothing else."""
    p, region, env = stack.params, stack.region, stack.environment_name
    bucket, prefix = data_contract.DEFAULT_BUCKET, data_contract.DEFAULT_PREFIX  # the template's defaults, kept
    secrets_root = config.SECRETS_CONNECTIONS_PREFIX.split("/")[0]
    assert config.SECRETS_VARIABLES_PREFIX.split("/")[0] == secrets_root
    quicksight = []
    for dataset in DATASETS.values():
        base = f"arn:aws:quicksight:{region}:{ACCOUNT}:dataset/{dataset}"
        quicksight += [base, f"{base}/ingestion/*"]
    heartbeat_ns = json.dumps({"StringEquals": {"cloudwatch:namespace": heartbeat.NAMESPACE}}, sort_keys=True)
    dags = {
        ("DumpsList", "Allow", "s3:ListBucket", f"arn:aws:s3:::{bucket}", "null"),
        ("DumpsRead", "Allow", "s3:GetObject", f"arn:aws:s3:::{bucket}/{prefix}*", "null"),
        ("Alerts", "Allow", "sns:Publish", stack.topic_arn, "null"),
        *(
            ("QuickSightRefresh", "Allow", a, r, "null")
            for a in ("quicksight:CreateIngestion", "quicksight:DescribeIngestion")
            for r in quicksight
        ),
        (
            "AirflowSecrets",
            "Allow",
            "secretsmanager:GetSecretValue",
            f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{secrets_root}/*",
            "null",
        ),
        ("FreshnessHeartbeat", "Allow", "cloudwatch:PutMetricData", "*", heartbeat_ns),
    }
    source = [f"arn:aws:s3:::{p['SourceBucketName']}", f"arn:aws:s3:::{p['SourceBucketName']}/*"]
    mwaa_ns = json.dumps({"StringEquals": {"cloudwatch:namespace": "AmazonMWAA"}}, sort_keys=True)
    via_sqs = json.dumps({"StringLike": {"kms:ViaService": f"sqs.{region}.amazonaws.com"}}, sort_keys=True)
    logs = (
        "CreateLogStream",
        "CreateLogGroup",
        "PutLogEvents",
        "GetLogEvents",
        "GetLogRecord",
        "GetLogGroupFields",
        "GetQueryResults",
    )
    sqs = (
        "ChangeMessageVisibility",
        "DeleteMessage",
        "GetQueueAttributes",
        "GetQueueUrl",
        "ReceiveMessage",
        "SendMessage",
    )
    mwaa = {
        (
            "EnvironmentHealthMetrics",
            "Allow",
            "airflow:PublishMetrics",
            f"arn:aws:airflow:{region}:{ACCOUNT}:environment/{env}",
            "null",
        ),
        *(("NoBucketListing", "Deny", "s3:ListAllMyBuckets", r, "null") for r in source),
        *(
            ("EnvironmentBucketRead", "Allow", a, r, "null")
            for a in ("s3:GetObject*", "s3:GetBucket*", "s3:List*")
            for r in source
        ),
        ("AccountPublicAccessBlock", "Allow", "s3:GetAccountPublicAccessBlock", "*", "null"),
        *(
            (
                "EnvironmentLogs",
                "Allow",
                f"logs:{a}",
                f"arn:aws:logs:{region}:{ACCOUNT}:log-group:airflow-{env}-*",
                "null",
            )
            for a in logs
        ),
        ("DescribeLogGroups", "Allow", "logs:DescribeLogGroups", "*", "null"),
        ("EnvironmentMetrics", "Allow", "cloudwatch:PutMetricData", "*", mwaa_ns),
        *(("CeleryQueue", "Allow", f"sqs:{a}", f"arn:aws:sqs:{region}:*:airflow-celery-*", "null") for a in sqs),
        *(
            ("CeleryQueueKey", "Allow", f"kms:{a}", f"not:arn:aws:kms:*:{ACCOUNT}:key/*", via_sqs)
            for a in ("Decrypt", "DescribeKey", "GenerateDataKey*", "Encrypt")
        ),
    }
    return {"tokyobeta-dags": dags, "mwaa-environment": mwaa}


def test_the_execution_role_grants_only_the_listed_actions_and_resources(stack, moto_server):
    deployed = _role_policies(stack, moto_server)
    assert {name: _grants(statements) for name, statements in deployed.items()} == _expected_grants(stack)


def test_a_star_resource_only_where_the_api_requires_it_and_commented(stack, moto_server):
    deployed = _role_policies(stack, moto_server)
    starred = [st for statements in deployed.values() for st in statements if "*" in _as_list(st.get("Resource", []))]
    assert starred and {a for st in starred for a in _as_list(st["Action"])} <= STAR_ACTIONS
    lines = cfn.PLATFORM.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        if line.strip() == 'Resource: "*"':
            sid = next(i for i in range(n, 0, -1) if lines[i].lstrip().startswith("- Sid:"))
            assert lines[sid - 1].lstrip().startswith("#"), f"line {n + 1}: a `*` resource without its reason above"


def test_only_mwaa_can_assume_the_role_and_only_for_this_environment(stack, moto_server):
    role = moto_server.client("iam").get_role(RoleName=stack.physical["ExecutionRole"])["Role"]
    (statement,) = _document(role["AssumeRolePolicyDocument"])["Statement"]
    assert sorted(statement["Principal"]["Service"]) == ["airflow-env.amazonaws.com", "airflow.amazonaws.com"]
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:airflow:{stack.region}:{ACCOUNT}:environment/{stack.environment_name}"},
    }


def test_the_readme_iam_table_is_the_deployed_role(stack, moto_server):
    rows = [_concrete(row, stack) for row in _readme_rows(stack_tables.IAM_MARKERS)]
    assert rows == stack_tables.iam_rows(_role_policies(stack, moto_server))


# --- the alarms -----------------------------------------------------------------------------------------------


def _alarms(stack: Stack, moto_server) -> dict[str, dict]:
    names = [a["AlarmName"] for a in stack_tables.alarms(stack.template)]
    names = [name.replace("<EnvironmentName>", stack.environment_name) for name in names]
    found = moto_server.client("cloudwatch").describe_alarms(AlarmNames=names)["MetricAlarms"]
    return {a["AlarmName"].removeprefix(f"{stack.environment_name}-"): a for a in found}


def test_the_alarms_watch_the_owners_metrics_and_page_the_topic(stack, moto_server):
    alarms = _alarms(stack, moto_server)
    assert set(alarms) == {"daily-run-failed", "daily-run-slow", "aurora-cpu-high", "freshness-heartbeat"}
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == [stack.topic_arn] and alarm["OKActions"] == [stack.topic_arn]
    env = {"Name": "Environment", "Value": stack.environment_name}
    dag = {"Name": "DAG", "Value": config.DAILY_DAG_ID}

    failed = alarms["daily-run-failed"]
    assert (failed["Namespace"], failed["MetricName"], failed["Dimensions"]) == (
        "AmazonMWAA",
        "DAGDurationFailed",
        [env, dag],
    )
    assert (failed["Statistic"], failed["ComparisonOperator"], failed["Threshold"]) == (
        "SampleCount",
        "GreaterThanThreshold",
        0,
    )

    slow = alarms["daily-run-slow"]
    minutes = int(config.VARIABLE_DEFAULTS["tokyobeta_run_alert_minutes"])  # the RUNNING LONG alert's limit
    assert (slow["MetricName"], slow["Dimensions"], slow["Statistic"]) == ("DAGDurationSuccess", [env, dag], "Maximum")
    assert (slow["ComparisonOperator"], slow["Threshold"]) == ("GreaterThanThreshold", minutes * 60 * 1000)

    cpu = alarms["aurora-cpu-high"]
    assert (cpu["Namespace"], cpu["MetricName"], cpu["Dimensions"]) == (
        "AWS/RDS",
        "CPUUtilization",
        [{"Name": "DBClusterIdentifier", "Value": stack.params["AuroraClusterIdentifier"]}],
    )
    assert cpu["Period"] * cpu["DatapointsToAlarm"] == 5 * 60 and cpu["EvaluationPeriods"] == cpu["DatapointsToAlarm"]

    beat = alarms["freshness-heartbeat"]
    assert (beat["Namespace"], beat["MetricName"]) == (heartbeat.NAMESPACE, heartbeat.METRIC_NAME)
    assert beat["Dimensions"] == [{"Name": heartbeat.DIMENSION, "Value": stack.environment_name}]
    assert (beat["Statistic"], beat["Threshold"], beat["ComparisonOperator"]) == (
        heartbeat.ALARM_STATISTIC,
        heartbeat.ALARM_AFTER_DAYS,
        "GreaterThanThreshold",
    )
    assert (beat["Period"], beat["EvaluationPeriods"], beat["DatapointsToAlarm"]) == (
        heartbeat.ALARM_PERIOD_SECONDS,
        heartbeat.ALARM_WINDOW_HOURS,
        heartbeat.ALARM_WINDOW_HOURS,
    )
    assert beat["TreatMissingData"] == "breaching"
    assert heartbeat.ALARM_PERIOD_SECONDS * heartbeat.ALARM_WINDOW_HOURS > 24 * 3600  # a daily check keeps it OK


def test_the_readme_alarm_table_is_the_deployed_alarms(stack, moto_server):
    rows = [_concrete(row, stack) for row in _readme_rows(stack_tables.ALARM_MARKERS)]
    deployed = _alarms(stack, moto_server)
    by_name = {a["AlarmName"]: a for a in deployed.values()}
    assert rows == [stack_tables.alarm_row(by_name[re.search(r"`([^`]+)`", row).group(1)]) for row in rows]
    assert len(rows) == len(deployed)


# --- secrets and the environment -------------------------------------------------------------------------------


def test_airflows_secrets_backend_reads_the_connections_and_variables(stack, moto_server):
    from airflow.providers.amazon.aws.secrets.secrets_manager import SecretsManagerBackend

    options = config.mwaa_configuration_options(stack.environment_name, config.DEFAULT_SLA_DEADLINE_JST)
    assert options["secrets.backend"] == f"{SecretsManagerBackend.__module__}.{SecretsManagerBackend.__name__}"
    kwargs = json.loads(options["secrets.backend_kwargs"])
    backend = SecretsManagerBackend(**kwargs, endpoint_url=moto_server.endpoint_url, region_name=stack.region)
    aurora = backend.get_connection(config.MYSQL_CONN_ID)
    p = stack.params
    assert (aurora.conn_type, aurora.host, aurora.port, aurora.login, aurora.password) == (
        "mysql",
        p["AuroraEndpoint"],
        3306,
        "tokyobeta_etl",
        p["EtlDbPassword"],
    )
    assert aurora.extra_dejson == {"charset": "utf8mb4"}
    aws = backend.get_connection(config.AWS_CONN_ID)
    assert (aws.conn_type, aws.login, aws.password) == ("aws", None, None)  # the execution role, no keys
    assert backend.get_variable("tokyobeta_sns_topic_arn") == stack.topic_arn
    from tokyobeta_etl.quicksight import parse_dataset_ids

    assert parse_dataset_ids(backend.get_variable("tokyobeta_quicksight_dataset_ids")) == list(DATASETS.values())
    names = {s["Name"] for s in moto_server.client("secretsmanager").list_secrets()["SecretList"]}
    assert names >= {
        config.connection_secret(config.MYSQL_CONN_ID),
        config.connection_secret(config.AWS_CONN_ID),
        config.variable_secret("tokyobeta_sns_topic_arn"),
        config.variable_secret("tokyobeta_quicksight_dataset_ids"),
    }


def test_the_readme_lists_the_secrets_the_template_creates(stack):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("| secret | value |", 1)[1].split("\n\n", 1)[0]
    listed = re.findall(r"^\| `([^`]+)` \|", table, re.MULTILINE)
    created = [
        r["Properties"]["Name"]
        for r in stack.template["Resources"].values()
        if r["Type"] == "AWS::SecretsManager::Secret"
    ]
    assert listed == created


def test_the_environment_is_mwaa_2_10_3_with_the_bundle_and_the_owners_options(stack):
    import airflow

    env, p = stack.environment, stack.params
    assert env["AirflowVersion"] == airflow.__version__ == "2.10.3"  # the version the tests run
    assert env["Name"] == stack.environment_name
    assert env["SourceBucketArn"] == f"arn:aws:s3:::{stack.source_bucket}"
    assert env["ExecutionRoleArn"].endswith(f":role/{stack.physical['ExecutionRole']}")
    assert (env["PluginsS3Path"], env["RequirementsS3Path"], env["StartupScriptS3Path"]) == (
        build_bundle.PLUGINS_ZIP,
        build_bundle.REQUIREMENTS,
        build_bundle.STARTUP_SCRIPT,
    )
    assert (env["PluginsS3ObjectVersion"], env["RequirementsS3ObjectVersion"], env["StartupScriptS3ObjectVersion"]) == (
        p["PluginsVersion"],
        p["RequirementsVersion"],
        p["StartupScriptVersion"],
    )
    assert env["DagS3Path"] == "dags"
    assert env["AirflowConfigurationOptions"] == config.mwaa_configuration_options(
        stack.environment_name, config.DEFAULT_SLA_DEADLINE_JST
    )
    params = stack.template["Parameters"]
    assert (params["DumpBucket"]["Default"], params["DumpPrefix"]["Default"]) == (
        data_contract.DEFAULT_BUCKET,
        data_contract.DEFAULT_PREFIX,
    )
    assert params["SlaDeadlineJst"]["Default"] == config.DEFAULT_SLA_DEADLINE_JST


# --- the heartbeat ----------------------------------------------------------------------------------------------


def alarm_state(alarm: dict, datapoints: list[tuple[dt.datetime, float]], now: dt.datetime) -> str:
    """How CloudWatch evaluates a metric alarm, as its documentation says, simplified: the EvaluationPeriods periods
    up to `now`, aligned to the period; one holding datapoints breaches when its statistic compares true with the
    threshold, one holding none as TreatMissingData says; ALARM when DatapointsToAlarm of them breach."""
    period = int(alarm["Period"])
    last = int(now.timestamp()) // period
    window = range(last - int(alarm["EvaluationPeriods"]) + 1, last + 1)
    statistic = {"Minimum": min, "Maximum": max}[alarm["Statistic"]]
    compare = {"GreaterThanThreshold": lambda v, t: v > t}[alarm["ComparisonOperator"]]
    breaching = 0
    for n in window:
        values = [v for when, v in datapoints if int(when.timestamp()) // period == n]
        if values:
            breaching += compare(statistic(values), alarm["Threshold"])
        else:
            breaching += alarm["TreatMissingData"] == "breaching"
    return "ALARM" if breaching >= int(alarm.get("DatapointsToAlarm") or alarm["EvaluationPeriods"]) else "OK"


@pytest.fixture
def freshness_day(airflow_env, warehouse, moto_server, stack, monkeypatch):
    """Today's (JST) freshness DAG run against the session's servers, the environment named as in the stack. Call it
    with the tables' ages; returns the task's state and the heartbeat datapoints moto's CloudWatch holds for the
    run, read with the heartbeat alarm's own namespace, metric, dimensions, period and statistic."""
    from airflow.models import DagBag, DagModel, DagRun
    from airflow.utils.session import create_session

    from harness.dbt_runner import empty_warehouse
    from tokyobeta_etl.batch_date import today_jst
    from tokyobeta_etl.loading.generations import batch_tag

    today = today_jst()
    monkeypatch.setenv(config.option_env_var(config.ENVIRONMENT_NAME_OPTION), stack.environment_name)
    monkeypatch.delenv("AIRFLOW_VAR_TOKYOBETA_SNS_TOPIC_ARN", raising=False)  # alerts: logged only
    s3 = moto_server.client("s3")
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):  # made by an earlier test of the session
        s3.create_bucket(
            Bucket=data_contract.DEFAULT_BUCKET, CreateBucketConfiguration={"LocationConstraint": mt.REGION}
        )
    for stem in DUMP_FILES:
        s3.put_object(Bucket=data_contract.DEFAULT_BUCKET, Key=f"dumps/{stem}_{today:%Y%m%d}.sql", Body=b"-- dump\n")
    prefix = "heartbeat_test__"
    fire = pendulum.datetime(today.year, today.month, today.day, config.DAILY_FIRE_JST[0], tz=config.TIMEZONE)
    with create_session() as session:
        model = session.get(DagModel, config.DAILY_DAG_ID)
        paused_before = None if model is None else model.is_paused
        model = model or DagModel(dag_id=config.DAILY_DAG_ID)
        model.is_paused = False
        session.merge(model)
        start = fire.subtract(days=1)
        session.add(
            DagRun(
                dag_id=config.DAILY_DAG_ID,
                run_id=f"{prefix}0",
                execution_date=start,
                run_type="manual",
                state="success",
                conf={"batch_date": today.isoformat()},
                external_trigger=True,
                data_interval=(start, fire),
            )
        )
    dag = DagBag(dag_folder=str(REPO / "dags" / "tokyobeta_freshness_check.py"), include_examples=False).dags[
        config.FRESHNESS_DAG_ID
    ]
    alarm = _alarms(stack, moto_server)["freshness-heartbeat"]
    cloudwatch = moto_server.client("cloudwatch")

    def run(*, staging: int | None = 0, silver: int | None = 0, gold: int | None = 0):
        """Each table's age in days (None: missing); staging None leaves its tables untagged."""
        empty_warehouse(warehouse)
        sql = []
        if staging is not None:
            tag = batch_tag(today - dt.timedelta(days=staging))
            sql += [f"ALTER TABLE staging.`{t}` COMMENT = '{tag}'" for t in STAGING_TABLES]
        for table, column, age in (
            ("silver.tenant_room_snapshot_daily", "snapshot_date", silver),
            ("gold.occupancy_daily_metrics", "as_of_date", gold),
        ):
            if age is not None:
                sql += [
                    f"CREATE TABLE {table} ({column} DATE NOT NULL)",
                    f"INSERT INTO {table} VALUES ('{today - dt.timedelta(days=age)}')",
                ]
        if sql:
            warehouse.execute(*sql)
        # moto reads a window from whole seconds: start this run in a second of its own
        time.sleep(1 - dt.datetime.now(dt.UTC).microsecond / 1e6)
        before = dt.datetime.now(dt.UTC)
        dag_run = dag.test(execution_date=pendulum.datetime(today.year, today.month, today.day, 9, tz=config.TIMEZONE))
        after = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
        stats = cloudwatch.get_metric_statistics(
            Namespace=alarm["Namespace"],
            MetricName=alarm["MetricName"],
            Dimensions=alarm["Dimensions"],
            StartTime=before,
            EndTime=after,
            Period=alarm["Period"],
            Statistics=[alarm["Statistic"]],
        )["Datapoints"]
        points = [(d["Timestamp"], d[alarm["Statistic"]]) for d in stats]
        return dag_run.get_task_instance("check_freshness").state, points

    run.alarm = alarm
    yield run
    with create_session() as session:
        session.query(DagRun).filter(DagRun.dag_id == config.DAILY_DAG_ID, DagRun.run_id.startswith(prefix)).delete(
            synchronize_session=False
        )
        model = session.get(DagModel, config.DAILY_DAG_ID)
        if paused_before is None:
            session.delete(model)
        else:
            model.is_paused = paused_before


def test_the_heartbeat_carries_the_worst_table_age_and_the_alarm_reads_it(freshness_day):
    alarm = freshness_day.alarm
    state, points = freshness_day()  # all fresh
    assert state == "success" and [v for _, v in points] == [0]
    ((sent, _),) = points
    assert alarm_state(alarm, points, sent + dt.timedelta(minutes=5)) == "OK"
    assert alarm_state(alarm, points, sent + dt.timedelta(hours=23)) == "OK"  # until the next day's check
    assert alarm_state(alarm, points, sent + dt.timedelta(hours=26)) == "ALARM"  # the next day's never came
    assert alarm_state(alarm, [], sent) == "ALARM"  # a check that never ran: no datapoint at all

    stale = freshness.CRITICAL_AFTER_DAYS + 1
    state, points = freshness_day(silver=1, gold=stale)
    assert state == "failed" and [v for _, v in points] == [stale]  # the worst table's age
    assert alarm_state(alarm, points, points[0][0]) == "ALARM"

    state, points = freshness_day(gold=None)  # gold missing: a breaching value, not a skipped datapoint
    assert state == "failed" and [v for _, v in points] == [heartbeat.UNKNOWN_AGE_DAYS]
    assert alarm_state(alarm, points, points[0][0]) == "ALARM"


def test_a_check_that_cannot_read_the_warehouse_still_breaches(freshness_day, monkeypatch):
    from harness.ports import free_port

    unreachable = json.dumps({"conn_type": "mysql", "host": "127.0.0.1", "port": free_port(), "login": "x"})
    monkeypatch.setenv("AIRFLOW_CONN_TOKYOBETA_AURORA", unreachable)
    state, points = freshness_day()
    assert state == "failed" and [v for _, v in points] == [heartbeat.UNKNOWN_AGE_DAYS]
    assert alarm_state(freshness_day.alarm, points, points[0][0]) == "ALARM"


def test_the_value_is_the_worst_table_and_only_todays_check_sends_it():
    day = dt.date(2026, 3, 10)
    checks = [
        freshness.staging_check(dict.fromkeys(STAGING_TABLES, day + dt.timedelta(days=1)), day),  # a later batch: 0
        freshness.grade("silver.tenant_room_snapshot_daily", day - dt.timedelta(days=1), day),
        freshness.grade("gold.occupancy_daily_metrics", day - dt.timedelta(days=2), day),
    ]
    assert heartbeat.worst_table_age(checks) == 2
    assert heartbeat.worst_table_age(checks[:2]) == heartbeat.UNKNOWN_AGE_DAYS  # a table the check never dated
    assert heartbeat.worst_table_age([*checks[:2], freshness.grade("gold.occupancy_daily_metrics", None, day)]) == (
        heartbeat.UNKNOWN_AGE_DAYS
    )
    assert heartbeat.UNKNOWN_AGE_DAYS > heartbeat.ALARM_AFTER_DAYS
    assert heartbeat.publish(0, check_date=day, today=day + dt.timedelta(days=1)) is False  # no I/O either


# --- make deploy-check ------------------------------------------------------------------------------------------


def _deploy_check(capsys, *args: str) -> tuple[int, str, str]:
    rc = deploy_check.main(list(args))
    out = capsys.readouterr()
    return rc, out.out, out.err


def _words(out: str) -> list[str]:
    """The printed command as the shell reads it (the comment lines above it, and anything a library logged while the
    tool ran, left out)."""
    command = out[out.index("aws cloudformation deploy") :]
    return shlex.split(" ".join(command.splitlines()).replace("\\ ", " "))


def test_deploy_check_prints_the_command_with_the_uploaded_versions(stack, moto_server, tmp_path, capsys):
    s3 = moto_server.client("s3")
    bucket = stack.source_bucket
    bundle = tmp_path / "mwaa"
    bundle.mkdir()
    versions = {}
    for key in (build_bundle.PLUGINS_ZIP, build_bundle.REQUIREMENTS, build_bundle.STARTUP_SCRIPT):
        (bundle / key).write_bytes(f"{key} build 1".encode())
        versions[key] = s3.put_object(Bucket=bucket, Key=key, Body=(bundle / key).read_bytes())["VersionId"]
    common = ("--bucket", bucket, "--bundle", str(bundle), "--endpoint-url", moto_server.endpoint_url)
    rc, out, err = _deploy_check(capsys, *common, "--environment-name", stack.environment_name)
    assert rc == 0, err
    words = _words(out)
    assert words[:9] == [
        "aws", "cloudformation", "deploy", "--stack-name", "tokyobeta-platform",
        "--template-file", "deploy/tokyobeta-platform.yaml", "--capabilities", "CAPABILITY_IAM",
    ]  # fmt: skip
    assert (cfn.REPO / words[6]).is_file()
    overrides = words[words.index("--parameter-overrides") + 1 :]
    assert overrides == [
        f"EnvironmentName={stack.environment_name}",
        f"SourceBucketName={bucket}",
        f"PluginsVersion={versions[build_bundle.PLUGINS_ZIP]}",
        f"RequirementsVersion={versions[build_bundle.REQUIREMENTS]}",
        f"StartupScriptVersion={versions[build_bundle.STARTUP_SCRIPT]}",
    ]  # a later deployment: the stack keeps the rest (the password included)

    (bundle / build_bundle.PLUGINS_ZIP).write_bytes(b"plugins.zip build 2")  # built, not uploaded: refused
    rc, out, err = _deploy_check(capsys, *common)
    assert rc == 1 and out == "" and f"s3://{bucket}/plugins.zip (version {versions['plugins.zip']}) is not" in err
    newer = s3.put_object(Bucket=bucket, Key="plugins.zip", Body=b"plugins.zip build 2")["VersionId"]
    rc, out, err = _deploy_check(capsys, *common)
    assert rc == 0 and f"PluginsVersion={newer}" in _words(out) and newer != versions["plugins.zip"]

    rc, out, err = _deploy_check(capsys, *common, "--first", "--parameter", "AlertEmail=oncall@example.com")
    assert rc == 1 and "a first deployment needs --parameter AuroraClusterIdentifier=…" in err
    filled = {"SourceBucketName", "EtlDbPassword", "PluginsVersion", "RequirementsVersion", "StartupScriptVersion"}
    first = [f"--parameter={k}={stack.params[k]}" for k in cfn.required_parameters(stack.template) if k not in filled]
    rc, out, err = _deploy_check(capsys, *common, "--first", *first)
    assert rc == 0, err
    words = _words(out)
    assert words[-1] == "EtlDbPassword=$ETL_DB_PASSWORD" and stack.params["EtlDbPassword"] not in out
    assert out.rstrip().endswith('EtlDbPassword="$ETL_DB_PASSWORD"')  # the shell that runs it expands it
    assert f"PrivateSubnetIds={stack.params['PrivateSubnetIds']}" in words


def test_deploy_check_refuses_an_unversioned_bucket_or_a_missing_object(moto_server, tmp_path, capsys):
    s3 = moto_server.client("s3")
    bucket = f"unversioned-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": mt.REGION})
    common = ("--bucket", bucket, "--bundle", str(tmp_path), "--endpoint-url", moto_server.endpoint_url)
    rc, _, err = _deploy_check(capsys, *common)
    assert rc == 1 and f"s3://{bucket}/plugins.zip is missing: upload dist/mwaa/plugins.zip first" in err
    s3.put_object(Bucket=bucket, Key="plugins.zip", Body=b"x")
    rc, _, err = _deploy_check(capsys, *common)
    assert rc == 1 and "the bucket is not versioned" in err
    rc, _, err = _deploy_check(capsys, *common, "--parameter", "EtlDbPassword=x")
    assert rc == 1 and "never pass EtlDbPassword" in err


def test_the_deploy_command_quotes_what_the_shell_would_split():
    text = deploy_check.command("tokyobeta-platform", {"AlertEmail": "a b@example.com"}, with_password=True)
    assert text.endswith(
        "--parameter-overrides \\\n    'AlertEmail=a b@example.com' \\\n    EtlDbPassword=\"$ETL_DB_PASSWORD\""
    )
