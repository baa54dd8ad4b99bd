"""The CloudFormation templates under deploy/, read and evaluated in Python (only the standard library and PyYAML).

`load` reads a template's YAML, short intrinsic tags (`!Ref`, `!Sub`, ...) included, into the JSON form CloudFormation
itself uses. `Resolver` evaluates the intrinsic functions the templates use: with real values (the tests' deploy to
moto) or with placeholders such as `<DumpBucket>` (README's tables, tools/stack_tables.py). Anything else raises, so
a template using a function this does not know fails its tests instead of being misread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
PLATFORM = REPO / "deploy" / "tokyobeta-platform.yaml"
BUCKET = REPO / "deploy" / "tokyobeta-bucket.yaml"
TEMPLATES = (PLATFORM, BUCKET)

NO_VALUE = object()  # AWS::NoValue: dropped from the list or mapping that holds it
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class _Loader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags: `!Ref x` -> {"Ref": x}, `!GetAtt a.b` -> {"Fn::GetAtt": [a, b]},
    `!Sub ...` -> {"Fn::Sub": ...}, `!Condition c` -> {"Condition": c}."""


def _tag(loader: _Loader, suffix: str, node: yaml.Node) -> dict:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _tag)


def load(path: Path = PLATFORM) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - SafeLoader plus the tags above


def references(node: Any) -> set[str]:
    """The names a piece of template refers to: `Ref` targets, `Fn::GetAtt` resources, `Fn::Sub` variables."""
    if isinstance(node, list):
        return set().union(*map(references, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set()
    for key, arg in node.items():
        if key == "Ref":
            found.add(arg)
        elif key == "Fn::GetAtt":
            found.add(arg[0])
        elif key == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
            named = {
                m.group(1).split(".", 1)[0] for m in _SUB_VARIABLE.finditer(text) if not m.group(1).startswith("!")
            }
            found |= (named - set(variables)) | references(variables)
        else:
            found |= references(arg)
    return found


def required_parameters(template: dict) -> list[str]:
    """The parameters without a default, in template order."""
    return [name for name, spec in template.get("Parameters", {}).items() if "Default" not in spec]


class Resolver:
    """Evaluates a template's intrinsic functions. `ref(name)` gives a parameter's, a resource's or a pseudo
    parameter's value; `get_att(resource, attribute)` an attribute (None: GetAtt refused); conditions are evaluated
    from the template's Conditions with `ref` (or all taken as true with `conditions_true`)."""

    def __init__(
        self,
        template: dict,
        ref: Callable[[str], Any],
        get_att: Callable[[str, str], Any] | None = None,
        *,
        conditions_true: bool = False,
    ):
        self.template = template
        self.ref = ref
        self.get_att = get_att
        self.conditions_true = conditions_true

    def condition(self, name: str) -> bool:
        if self.conditions_true:
            return True
        return bool(self.value(self.template["Conditions"][name]))

    def value(self, node: Any) -> Any:
        if isinstance(node, list):
            return [v for v in (self.value(item) for item in node) if v is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref":
                return NO_VALUE if arg == "AWS::NoValue" else self.ref(arg)
            if key == "Condition":
                return self.condition(arg)
            if key.startswith("Fn::"):
                return self._function(key, arg)
        out = {}
        for key, item in node.items():
            resolved = self.value(item)
            if resolved is not NO_VALUE:
                out[key] = resolved
        return out

    def _function(self, key: str, arg: Any) -> Any:
        if key == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.value(arg[1]))
            return _SUB_VARIABLE.sub(lambda m: self._sub_variable(m.group(1), variables), text)
        if key == "Fn::Join":
            return arg[0].join(str(part) for part in self.value(arg[1]))
        if key == "Fn::Split":
            return str(self.value(arg[1])).split(arg[0])
        if key == "Fn::Select":
            return self.value(arg[1])[int(self.value(arg[0]))]
        if key == "Fn::If":
            name, if_true, if_false = arg
            return self.value(if_true if self.condition(name) else if_false)
        if key == "Fn::Equals":
            left, right = (self.value(part) for part in arg)
            return left == right
        if key == "Fn::Not":
            return not self.value(arg[0])
        if key == "Fn::Or":
            return any(self.value(part) for part in arg)
        if key == "Fn::And":
            return all(self.value(part) for part in arg)
        if key == "Fn::GetAtt" and self.get_att is not None:
            return self.get_att(arg[0], arg[1])
        raise ValueError(f"{key} is not evaluated here: {arg!r}")

    def _sub_variable(self, name: str, variables: dict) -> str:
        if name.startswith("!"):  # ${!Literal} is the text ${Literal}
            return "${" + name[1:] + "}"
        if name in variables:
            return str(variables[name])
        if "." in name and not name.startswith("AWS::"):
            return str(self._function("Fn::GetAtt", name.split(".", 1)))
        return str(self.ref(name))
