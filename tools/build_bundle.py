"""`make bundle`: the Amazon MWAA deployment, laid out as MWAA wants it (docs/decisions/0006-mwaa-bundle.md).

    <out>/dags/              -> s3://<bucket>/dags/: the DAG files, .airflowignore, include/ (SQL, the dbt project
                                with its built target/manifest.json and none of dbt's other run artefacts)
    <out>/plugins.zip        -> the package tokyobeta_etl at the zip root (MWAA unzips it into its plugins folder,
                                which is on sys.path), with plugins/.airflowignore
    <out>/requirements.txt   -> the repository's requirements.txt (MWAA applies its own constraints)
    <out>/startup.sh         -> builds the dbt venv at $AIRFLOW_HOME/dbt_venv and exports TOKYOBETA_DBT_EXECUTABLE

Only the standard library; run it through `make bundle`, which first rebuilds the manifest when dbt sources changed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "dist" / "mwaa"
DAG_FILES = (
    "tokyobeta_daily_etl.py",
    "tokyobeta_freshness_check.py",
    "tokyobeta_oncall.py",
    "tokyobeta_run_duration_check.py",
)
PACKAGE = "tokyobeta_etl"
# Never shipped from include/: caches, dbt's run artefacts and logs (target/ is added back as its manifest only),
# the local/test dbt profile (Cosmos builds the profile from the Airflow connection) and tool dotfiles.
INCLUDE_IGNORED = ("__pycache__", "*.pyc", "target", "logs", "dbt_packages", "profiles.yml", ".*")
MANIFEST = Path("dbt") / "target" / "manifest.json"
# Airflow 2's default dag_ignore_file_syntax (regexp, also MWAA's): a pattern is searched in the path relative to
# the dags folder. This one prunes include/ from the DAG processor's walk.
AIRFLOWIGNORE = """\
# Only the DAG files are DAG files: keep the DAG processor out of include/ (SQL, the dbt project).
^include(/|$)
"""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed: the same sources give a byte-identical plugins.zip
# The bundle's objects beside dags/, each uploaded to the environment's bucket under this key (the platform template's
# PluginsS3Path, RequirementsS3Path and StartupScriptS3Path name the same; tests/deploy/test_platform_stack.py).
PLUGINS_ZIP = "plugins.zip"
REQUIREMENTS = "requirements.txt"
STARTUP_SCRIPT = "startup.sh"


def build(out: Path = DEFAULT_OUT) -> Path:
    manifest = REPO / "include" / MANIFEST
    if not manifest.is_file():
        sys.exit(f"{manifest} is missing: run `make bundle` (it builds the manifest first)")
    if out.exists():
        if any(out.iterdir()) and not (out / STARTUP_SCRIPT).is_file():
            sys.exit(f"{out} is not empty and holds no bundle: refusing to replace it")
        shutil.rmtree(out)
    dags = out / "dags"
    dags.mkdir(parents=True)
    for name in DAG_FILES:
        shutil.copy2(REPO / "dags" / name, dags / name)
    (dags / ".airflowignore").write_text(AIRFLOWIGNORE, encoding="utf-8")
    shutil.copytree(REPO / "include", dags / "include", ignore=shutil.ignore_patterns(*INCLUDE_IGNORED))
    (dags / "include" / MANIFEST).parent.mkdir()
    shutil.copy2(manifest, dags / "include" / MANIFEST)
    _plugins_zip(out / PLUGINS_ZIP)
    shutil.copy2(REPO / "requirements.txt", out / REQUIREMENTS)
    _startup_script(out / STARTUP_SCRIPT)
    return out


def _plugins_zip(path: Path) -> None:
    plugins = REPO / "plugins"
    files = [plugins / ".airflowignore"]
    for file in sorted((plugins / PACKAGE).rglob("*")):
        parts = file.relative_to(plugins / PACKAGE).parts
        if file.is_file() and "__pycache__" not in parts and file.suffix != ".pyc":
            files.append(file)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for file in files:
            info = zipfile.ZipInfo(file.relative_to(plugins).as_posix(), date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, file.read_bytes())


def _pins(path: Path) -> str:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    pins = "\n".join(line for line in lines if line and not line.startswith("#"))
    if "'" in pins or not pins:
        sys.exit(f"{path}: expected requirement lines without quotes")
    return pins


def _startup_script(path: Path) -> None:
    text = (REPO / "tools" / "mwaa_startup.sh").read_text(encoding="utf-8")
    text = text.replace("@DBT_REQUIREMENTS@", _pins(REPO / "requirements-dbt.txt"))
    text = text.replace("@DBT_CONSTRAINTS@", _pins(REPO / "constraints" / "dbt-venv.txt"))
    path.write_text(text, encoding="utf-8", newline="\n")
    path.chmod(0o755)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (replaced); default dist/mwaa")
    out = build(parser.parse_args().out.resolve())
    print(f"MWAA bundle written to {out}")


if __name__ == "__main__":
    main()
