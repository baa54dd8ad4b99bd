"""A dbt executable that dies of SIGSEGV on its first build of one node and is the real dbt otherwise: a dbt process
that dies on its own (seen once in 150 invocations in the benchmark), on whichever worker runs the node."""

from __future__ import annotations

import shlex
from pathlib import Path


def crashing_dbt(directory: Path, real_dbt: Path, fqn: str) -> Path:
    """Write the wrapper into `directory` (shared by every worker, as the dbt venv is) and return its path. `fqn` is
    the node as Cosmos selects it, e.g. tokyobeta.silver.staging.stg_tenants."""
    marker, wrapper = directory / f"crashed.{fqn}", directory / "dbt"
    wrapper.write_text(
        "#!/bin/sh\n"
        "# harness: SIGSEGV on the first build of one node, then the real dbt\n"
        f'case " $* " in\n  *" --select fqn:{fqn} "*)\n'
        f"    if mkdir {shlex.quote(str(marker))} 2>/dev/null; then kill -SEGV $$; fi ;;\nesac\n"
        f'exec {shlex.quote(str(real_dbt))} "$@"\n'
    )
    wrapper.chmod(0o755)
    return wrapper


def crashed(directory: Path, fqn: str) -> bool:
    return (directory / f"crashed.{fqn}").exists()
