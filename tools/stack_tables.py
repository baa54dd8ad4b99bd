"""Write README's IAM and alarm tables from the platform template: `python tools/stack_tables.py`.

Each table sits between two marker comments in README.md; tests/repo/test_readme_stack_tables.py fails when one
differs from what this script writes (`--check` exits 1 instead of writing). The template is the one source: edit it,
then run this. `<Name>` in a table is the template's parameter or resource of that name (a resource: its ARN),
`<region>` and `<account>` the stack's.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cfn_template  # noqa: E402  (tools/ is not a package: the path above)
import readme_tables  # noqa: E402

IAM_MARKERS = (
    "<!-- IAM table: written by tools/stack_tables.py from deploy/tokyobeta-platform.yaml; edit the template -->",
    "<!-- end of the IAM table -->",
)
ALARM_MARKERS = (
    "<!-- alarm table: written by tools/stack_tables.py from deploy/tokyobeta-platform.yaml; edit the template -->",
    "<!-- end of the alarm table -->",
)
PSEUDO = {"AWS::Region": "<region>", "AWS::AccountId": "<account>", "AWS::Partition": "aws"}
# The DAGs' own calls first, then what MWAA needs.
POLICY_ORDER = ("tokyobeta-dags", "mwaa-environment")
COMPARISON = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}
MISSING_DATA = {
    "breaching": "breaching",
    "notBreaching": "not breaching",
    "missing": "keeps the state",
    "ignore": "ignored",
}
MILLISECOND_METRICS = {"DAGDurationSuccess", "DAGDurationFailed"}  # MWAA's Airflow timers are in milliseconds


def placeholders(template: dict) -> cfn_template.Resolver:
    """Parameters, resources and pseudo parameters as `<Name>`; a Condition as true (the row lists what it allows)."""
    return cfn_template.Resolver(
        template, lambda name: PSEUDO.get(name, f"<{name}>"), lambda res, att: f"<{res}.{att}>", conditions_true=True
    )


def _code(values) -> str:
    values = [values] if isinstance(values, str) else values
    return ", ".join(f"`{v}`" for v in values)


def _condition(condition: dict | None) -> str:
    if not condition:
        return ""
    parts = []
    for operator, pairs in condition.items():
        for key, value in pairs.items():
            parts.append(f"`{key}` {operator} {_code(value)}")
    return "; ".join(parts)


def _number(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def role_policies(template: dict) -> dict[str, list[dict]]:
    """The execution role's inline policies (name -> statements), with placeholders."""
    role = placeholders(template).value(template["Resources"]["ExecutionRole"]["Properties"])
    return {p["PolicyName"]: p["PolicyDocument"]["Statement"] for p in role["Policies"]}


def iam_rows(policies: dict[str, list[dict]]) -> list[str]:
    """One table row per statement: of the template (placeholders) or of a deployed role (its values)."""
    if sorted(policies) != sorted(POLICY_ORDER):
        raise ValueError(f"the execution role's policies are {sorted(policies)}, this table knows {POLICY_ORDER}")
    rows = []
    for name in POLICY_ORDER:
        for st in policies[name]:
            resources = _code(st["Resource"]) if "Resource" in st else f"any but {_code(st['NotResource'])}"
            rows.append(
                f"| `{name}` | {st['Sid']} | {st['Effect']} | {_code(st['Action'])} | {resources} | "
                f"{_condition(st.get('Condition'))} |"
            )
    return rows


def iam_table(template: dict) -> str:
    head = ["| policy | statement | effect | actions | resources | condition |", "|---|---|---|---|---|---|"]
    return "\n".join(head + iam_rows(role_policies(template)))


def _duration(seconds: int) -> str:
    return f"{seconds // 3600} h" if seconds % 3600 == 0 else f"{seconds // 60} min"


def alarms(template: dict) -> list[dict]:
    """The template's alarms' properties, with placeholders, in template order."""
    resolve = placeholders(template)
    specs = template["Resources"].values()
    return [resolve.value(r["Properties"]) for r in specs if r["Type"] == "AWS::CloudWatch::Alarm"]


def alarm_row(a: dict) -> str:
    """One table row: of a template alarm (placeholders) or of a deployed one (DescribeAlarms' fields are the same)."""
    dims = ", ".join(f"{d['Name']} `{d['Value']}`" for d in a["Dimensions"])
    threshold = _number(a["Threshold"])
    if a["MetricName"] in MILLISECOND_METRICS and a["Statistic"] != "SampleCount":
        threshold = f"{threshold} ms ({int(a['Threshold']) // 60000} min)"
    periods, needed = int(a["EvaluationPeriods"]), int(a.get("DatapointsToAlarm") or a["EvaluationPeriods"])
    when = f"{a['Statistic']} {COMPARISON[a['ComparisonOperator']]} {threshold} "
    if periods > 1:
        when += f"in {needed} of {periods} periods of {_duration(int(a['Period']))}"
    else:
        when += f"over {_duration(int(a['Period']))}"
    description = " ".join(a["AlarmDescription"].split())
    return (
        f"| `{a['AlarmName']}` | `{a['Namespace']}` `{a['MetricName']}` ({dims}) | {when} | "
        f"{MISSING_DATA[a['TreatMissingData']]} | {description} |"
    )


def alarm_table(template: dict) -> str:
    head = ["| alarm | metric | in ALARM when | no data | what it means |", "|---|---|---|---|---|"]
    return "\n".join(head + [alarm_row(a) for a in alarms(template)])


def with_tables(text: str, template: dict | None = None) -> str:
    """README's text with both tables written from the template."""
    template = template or cfn_template.load(cfn_template.PLATFORM)
    text = readme_tables.between(text, IAM_MARKERS, iam_table(template))
    return readme_tables.between(text, ALARM_MARKERS, alarm_table(template))


def main(argv: list[str] | None = None) -> int:
    return readme_tables.main(argv, with_tables, what="IAM and alarm tables", tool="tools/stack_tables.py")


if __name__ == "__main__":
    sys.exit(main())
