"""The PostgreSQL client tools (``pg_dump``, ``pg_restore``) a PostgreSQL backup runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from openmis.core.backup.installation import BackupError


def pg_params(database: dict) -> dict:
    """libpq connection parameters of a Django database setting."""
    params = {"dbname": database.get("NAME") or "postgres"}
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host")):
        if database.get(key):
            params[name] = database[key]
    if database.get("PORT"):
        params["port"] = str(database["PORT"])
    for key, value in (database.get("OPTIONS") or {}).items():
        if isinstance(value, str | int) and not isinstance(value, bool):
            params[key] = str(value)
    return params


def check_pg_dump_version(client_major: int, server_version: int) -> None:
    """Refuse a pg_dump older than the server (it cannot dump a newer server)."""
    server_major = server_version // 10000
    if client_major < server_major:
        raise BackupError(
            f"pg_dump {client_major} is older than the PostgreSQL {server_major} server and "
            f"cannot dump it: install the PostgreSQL {server_major} client tools (Debian: apt "
            f"install postgresql-client-{server_major})."
        )


def _client_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client tools of the "
            "server's version (Debian: apt install postgresql-client)."
        )
    return path


def _tool_major(path: str) -> int:
    output = subprocess.run(  # noqa: S603  (a PostgreSQL client tool found on PATH)
        [path, "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"\)\s*(\d+)", output) or re.search(r"(\d+)", output)
    if match is None:
        raise BackupError(f"Could not tell the version of {path} from {output!r}.")
    return int(match[1])


def _run_tool(argv: list[str], params: dict, name: str, then: list[str] = ()) -> None:
    """Run a PostgreSQL client tool on the database ``params`` name (the password goes
    through the environment, never the command line)."""
    from psycopg.conninfo import make_conninfo

    env = dict(os.environ)
    params = dict(params)
    if "password" in params:
        env["PGPASSWORD"] = params.pop("password")
    result = subprocess.run(  # noqa: S603  (a PostgreSQL client tool found on PATH)
        [*argv, "--dbname", make_conninfo(**params), *then],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{name} failed: {detail[0] if detail else result.returncode}")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
