"""``openmis backup FILE`` and ``openmis restore FILE``.

The round trips run the installation in separate processes (settings are process-wide): one
keeps writing people and warehouse imports while ``openmis backup`` runs, then the backup is
restored into an empty data directory (and, in the PostgreSQL pass, an empty database) and
compared with what the source held as of the backup. The SQLite pass runs the SQLite round
trip, the PostgreSQL pass (``OPENMIS_TEST_POSTGRES``) the PostgreSQL one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from openmis import cli
from openmis.core import backup
from openmis.core.backup import postgres, snapshot

ON_POSTGRES = bool(
    os.environ.get("OPENMIS_TEST_POSTGRES") and os.environ.get("OPENMIS_TEST_DATABASE_URL")
)
SOURCE_DB, TARGET_DB = "openmis_backup_src", "openmis_backup_dst"
ENV_PREFIXES = ("OPENMIS_", "DJANGO_", "DEBUG", "DATABASE_URL", "WAREHOUSE_URL", "SECRET_KEY")


def env_for(data_dir: Path, **extra) -> dict:
    """The environment of an installation in ``data_dir`` (nothing of the test run's own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIXES)}
    env.update(OPENMIS_DATA_DIR=str(data_dir), OPENMIS_TESTING="1", **extra)
    return env


def openmis(env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "openmis.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def read_log(log: Path) -> tuple[int, dict[int, list]]:
    """The writer's last logged count of people and its answer at each data version."""
    people, answers = 0, {}
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if "people" in entry:
                people = entry["people"]
            else:
                answers[entry["version"]] = entry["answer"]
    return people, answers


def wait_for(condition, what: str, writer: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert writer.poll() is None, f"the writer stopped: {writer.communicate()[1]}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def backup_during_writes(tmp_path: Path, source_env: dict, archive: Path) -> tuple[int, int]:
    """Back up while a writer process keeps writing; the people committed before the backup
    started and the most that can have been committed when it ended."""
    stop, log = tmp_path / "stop", tmp_path / "log.jsonl"
    writer = subprocess.Popen(
        [sys.executable, "-m", "openmis.tests.backup_load", "write", stop, log],
        env={**source_env, "DJANGO_SETTINGS_MODULE": "openmis.settings"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: len(read_log(log)[1]) >= 2, "two imports by the writer", writer)
        before = read_log(log)[0]
        result = openmis(source_env, "backup", archive)
        assert result.returncode == 0, result.stderr
        assert re.fullmatch(
            rf"Backed up to {re.escape(str(archive))}: the \w+ database, 1 dataset version\(s\), "
            r"1 uploaded file\(s\); \d+\.\d MB\.\n",
            result.stdout,
        )
        most = read_log(log)[0] + 1  # one more may be committed, not yet logged
        # The writer went on writing after the backup
        wait_for(lambda: read_log(log)[0] > most + 2, "writes after the backup", writer)
    finally:
        stop.touch()
        _out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    return before, most


def check_restored(tmp_path: Path, target_env: dict, before: int, most: int) -> None:
    _people, answers = read_log(tmp_path / "log.jsonl")
    result = subprocess.run(
        [sys.executable, "-m", "openmis.tests.backup_load", "report"],
        env={**target_env, "DJANGO_SETTINGS_MODULE": "openmis.settings"},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    restored = json.loads(result.stdout)
    n = len(restored["people"])
    # Every person committed before the backup started, then a gap-free prefix: no torn write
    assert before <= n <= most
    assert restored["people"] == [f"P{i}" for i in range(n)]
    # The dataset is at a version the source had, with that version's rows and answer
    version = restored["version"]
    assert version in answers
    imports = sum(1 for v in answers if v <= version)
    assert restored["rows"] == 3 * imports
    assert restored["answer"] == answers[version]
    assert restored["answer"] == [
        ["North", 5.5 * imports, 2 * imports],
        ["South", 2.25 * imports, imports],
    ]


def restore_into(archive: Path, env: dict) -> None:
    result = openmis(env, "restore", archive)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        r"Restored the backup of \S+ \(OpenMIS [\w.]+\): \d+ files\. "
        r"Start OpenMIS with 'openmis run'\.\n",
        result.stdout,
    )


def add_media_and_key(data_dir: Path) -> None:
    (data_dir / "media" / "photos").mkdir(parents=True)
    (data_dir / "media" / "photos" / "me.png").write_bytes(b"\x89PNG not really")
    (data_dir / "attachments" / "2026").mkdir(parents=True)
    (data_dir / "attachments" / "2026" / "Xy3-random").write_bytes(b"%PDF-1.4 attached")


def assert_same_files(source: Path, target: Path) -> None:
    for name in ("secret_key", "media/photos/me.png", "attachments/2026/Xy3-random"):
        assert (target / name).read_bytes() == (source / name).read_bytes(), name
    assert oct((target / "secret_key").stat().st_mode & 0o777) == "0o600"


@pytest.fixture
def migrated_sqlite(db, tmp_path):
    """A migrated, empty OpenMIS SQLite database file: the test database, copied."""
    from django.db import connection

    path = tmp_path / "template.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path, isolation_level=None)
    # Dumped, not backed up: the test's own transaction holds the shared in-memory database.
    target.executescript("\n".join(connection.connection.iterdump()))
    target.close()
    return path


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite pass runs the SQLite round trip")
def test_sqlite_backup_during_writes_restores_what_was_committed(migrated_sqlite, tmp_path):
    # Given an installation on SQLite with an upload, being written to while backed up
    source, target = tmp_path / "source", tmp_path / "restored"
    source.mkdir()
    shutil.copyfile(migrated_sqlite, source / "openmis.sqlite3")
    add_media_and_key(source)
    archive = tmp_path / "backups" / "openmis.tar.gz"
    before, most = backup_during_writes(tmp_path, env_for(source), archive)
    # When it is restored into an empty data directory
    restore_into(archive, env_for(target))
    # Then it holds what the source held as of the backup: people, dataset, BI answer, files
    check_restored(tmp_path, env_for(target), before, most)
    assert_same_files(source, target)


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL pass runs the PostgreSQL round trip")
def test_postgresql_backup_during_writes_restores_into_an_empty_database(db, tmp_path):
    import psycopg
    from django.db import connection

    server = os.environ["OPENMIS_TEST_DATABASE_URL"].rsplit("/", 1)[0]
    source, target = tmp_path / "source", tmp_path / "restored"
    source.mkdir()
    add_media_and_key(source)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        for name in (SOURCE_DB, TARGET_DB):
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    try:
        # Given an installation on PostgreSQL (the migrated test database, copied)
        dump = subprocess.run(
            [
                shutil.which("pg_dump"),
                "--format=custom",
                "--dbname",
                f"{server}/{connection.settings_dict['NAME']}",
            ],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(
            [shutil.which("pg_restore"), "--no-owner", "--dbname", f"{server}/{SOURCE_DB}"],
            input=dump,
            capture_output=True,
            check=True,
        )
        source_env = env_for(source, DATABASE_URL=f"{server}/{SOURCE_DB}")
        target_env = env_for(target, DATABASE_URL=f"{server}/{TARGET_DB}")
        archive = tmp_path / "openmis.zip"
        # When it is backed up while being written to, and restored into an empty database
        before, most = backup_during_writes(tmp_path, source_env, archive)
        restore_into(archive, target_env)
        # Then the restored one holds what the source held as of the backup
        check_restored(tmp_path, target_env, before, most)
        assert_same_files(source, target)
        # And a second restore into the now filled database is refused, changing nothing
        again = tmp_path / "again"
        refused = openmis(env_for(again, DATABASE_URL=f"{server}/{TARGET_DB}"), "restore", archive)
        assert refused.returncode == 1
        assert re.fullmatch(
            rf"Restore refused: The database '{TARGET_DB}' is not empty \(\d+ tables\)\. "
            r"Restore into a new, empty database \(createdb\); nothing was changed\.\n",
            refused.stderr,
        )
        assert list(again.iterdir()) == []
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for name in (SOURCE_DB, TARGET_DB):
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --- what is taken, what is refused (a small stand-in installation, in this process) ---------


@pytest.fixture
def small(tmp_path):
    """An installation whose catalog references version 3 of dataset 1, while version 2 is
    kept for running queries and version 4 is still being written."""
    data_dir = tmp_path / "small"
    (data_dir / "warehouse" / "ds1").mkdir(parents=True)
    con = sqlite3.connect(data_dir / "openmis.sqlite3")
    con.execute("CREATE TABLE bi_dataset (id, data_version, external_table)")
    con.executemany(
        "INSERT INTO bi_dataset VALUES (?, ?, ?)", [(1, 3, ""), (2, 0, ""), (3, 1, "x.t")]
    )
    con.commit()
    con.close()
    for name, data in [
        ("v2.duckdb", b"old"),
        ("v3.duckdb", b"live"),
        ("v4.duckdb.tmp-ab12", b"ha"),
    ]:
        (data_dir / "warehouse" / "ds1" / name).write_bytes(data)
    (data_dir / "secret_key").write_text("k" * 60)
    return installation(data_dir)


def installation(data_dir: Path, **database) -> backup.Installation:
    data_dir.mkdir(parents=True, exist_ok=True)
    return backup.Installation(
        data_dir=data_dir,
        database=database
        or {"ENGINE": "django.db.backends.sqlite3", "NAME": str(data_dir / "openmis.sqlite3")},
        warehouse_url=None,
        secret_from_environment=False,
    )


@pytest.mark.parametrize("name", ["b.tar.gz", "b.zip"])
def test_only_the_referenced_versions_are_taken_and_checked_on_restore(small, tmp_path, name):
    # When the installation is backed up
    archive = tmp_path / name
    manifest = backup.create(archive, small)
    # Then the archive holds the database, the live version only (not the older one kept for
    # running queries, not the one being written) and the key, each with size and SHA-256
    live = small.data_dir / "warehouse" / "ds1" / "v3.duckdb"
    assert [(f["path"], f["size"]) for f in manifest["files"]][1:] == [
        ("warehouse/ds1/v3.duckdb", 4),
        ("secret_key", 60),
    ]
    assert manifest["files"][1]["sha256"] == hashlib.sha256(b"live").hexdigest()
    assert manifest["warehouse"] == {
        "engine": "duckdb",
        "versions": {"ds1": 3},
        "files": True,
        "in_database": False,
    }
    assert (manifest["database"]["engine"], manifest["secret_key"]) == ("sqlite", "file")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    # And a restore into an empty directory brings back exactly those files
    target = installation(tmp_path / "target")
    backup.restore(archive, target)
    restored = sorted(p.relative_to(target.data_dir).as_posix() for p in target.data_dir.rglob("*"))
    assert restored == [
        "openmis.sqlite3",
        "secret_key",
        "warehouse",
        "warehouse/ds1",
        "warehouse/ds1/v3.duckdb",
    ]
    assert (target.data_dir / "warehouse/ds1/v3.duckdb").read_bytes() == live.read_bytes()
    con = sqlite3.connect(target.data_dir / "openmis.sqlite3")
    assert con.execute("SELECT * FROM bi_dataset ORDER BY id").fetchall() == [
        (1, 3, ""),
        (2, 0, ""),
        (3, 1, "x.t"),
    ]
    con.close()


def test_restore_refuses_a_non_empty_data_dir(small, tmp_path, monkeypatch, capsys):
    # Given a backup, and a data directory holding a database already
    archive = tmp_path / "b.tar.gz"
    backup.create(archive, small)
    target = tmp_path / "in-use"
    target.mkdir()
    (target / "openmis.sqlite3").write_bytes(b"precious")
    monkeypatch.setenv("OPENMIS_DATA_DIR", str(target))
    for name in ("DATABASE_URL", "WAREHOUSE_URL", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    # When the backup is restored into it
    code = cli.main(["restore", str(archive)])
    # Then the restore is refused, saying why, and nothing changed
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err == (
        f"Restore refused: The data directory {target} is not empty (openmis.sqlite3). "
        "Restore into a new, empty directory (set OPENMIS_DATA_DIR); nothing was changed.\n"
    )
    assert [p.name for p in target.iterdir()] == ["openmis.sqlite3"]
    assert (target / "openmis.sqlite3").read_bytes() == b"precious"


def test_restore_refuses_a_damaged_backup_and_leaves_the_directory_empty(small, tmp_path):
    # Given a backup whose version file was altered after it was written
    archive = tmp_path / "b.zip"
    backup.create(archive, small)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive) as good, zipfile.ZipFile(damaged, "w") as bad:
        for item in good.infolist():
            data = good.read(item)
            bad.writestr(item, b"evil" if item.filename.endswith("v3.duckdb") else data)
    target = installation(tmp_path / "target")
    # When it is restored, then it is refused and the directory is left as it was: empty
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(damaged, target)
    assert str(refused.value) == (
        "The backup is damaged: warehouse/ds1/v3.duckdb does not match its checksum."
    )
    assert list(target.data_dir.iterdir()) == []


def test_restore_refuses_a_backup_of_another_engine(small, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup.create(archive, small)
    target = installation(
        tmp_path / "target", ENGINE="django.db.backends.postgresql", NAME="openmis_none"
    )
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(archive, target)
    assert str(refused.value) == (
        "This backup holds a sqlite database, but DATABASE_URL names a postgresql one: "
        "restore it into the same engine."
    )
    assert list(target.data_dir.iterdir()) == []


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    other = tmp_path / "photos.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        tar.add(__file__, arcname="test.py")
    target = installation(tmp_path / "target")
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(other, target)
    assert str(refused.value) == f"{other} is not an OpenMIS backup (no manifest)."
    assert list(target.data_dir.iterdir()) == []


def test_backup_names_its_formats(small, tmp_path):
    with pytest.raises(backup.BackupError) as refused:
        backup.create(tmp_path / "b.rar", small)
    assert str(refused.value) == "Name the backup file .tar.gz or .zip, not 'b.rar'."
    assert list(tmp_path.glob("*b.rar*")) == []


def test_postgresql_backup_without_pg_dump_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    source = installation(tmp_path / "pg", ENGINE="django.db.backends.postgresql", NAME="openmis")
    with pytest.raises(backup.BackupError) as refused:
        backup.create(tmp_path / "b.tar.gz", source)
    assert str(refused.value) == (
        "pg_dump was not found on PATH: install the PostgreSQL client tools of the server's "
        "version (Debian: apt install postgresql-client)."
    )
    assert not (tmp_path / "b.tar.gz").exists()


def test_a_pg_dump_older_than_the_server_is_refused(tmp_path):
    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 12.9'\n")
    old.chmod(0o755)
    assert postgres._tool_major(str(old)) == 12
    with pytest.raises(backup.BackupError) as refused:
        backup.check_pg_dump_version(12, 160004)
    assert str(refused.value) == (
        "pg_dump 12 is older than the PostgreSQL 16 server and cannot dump it: install the "
        "PostgreSQL 16 client tools (Debian: apt install postgresql-client-16)."
    )
    backup.check_pg_dump_version(16, 160004)
    backup.check_pg_dump_version(17, 160004)


@pytest.mark.parametrize(
    ("warehouse_url", "inside"),
    [
        ("postgresql://u@db.example.org:5432/openmis?schema=openmis_warehouse", True),
        ("postgres://u@db.example.org/openmis", True),
        ("postgresql://u@db.example.org:5432/analytics?schema=openmis_warehouse", False),
        ("postgresql://u@other.example.org:5432/openmis", False),
    ],
)
def test_a_postgresql_warehouse_in_the_main_database_is_in_its_dump(
    tmp_path, warehouse_url, inside
):
    main = backup.Installation(
        data_dir=tmp_path,
        database={
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "openmis",
            "USER": "u",
            "HOST": "db.example.org",
            "PORT": 5432,
        },
        warehouse_url=warehouse_url,
        secret_from_environment=False,
    )
    assert snapshot._warehouse_in_database(main.warehouse(), main) is inside


def test_backup_says_what_it_leaves_out(small, tmp_path, monkeypatch, capsys):
    # Given an installation whose datasets live in a PostgreSQL warehouse of another database,
    # and whose secret key comes from the environment
    monkeypatch.setenv("OPENMIS_DATA_DIR", str(small.data_dir))
    monkeypatch.setenv("WAREHOUSE_URL", "postgresql://u@db.example.org/analytics?schema=wh")
    monkeypatch.setenv("SECRET_KEY", "k" * 60)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    archive = tmp_path / "b.tar.gz"
    # When it is backed up
    code = cli.main(["backup", str(archive)])
    # Then the command says that neither is in the backup, and they are not
    out, err = capsys.readouterr()
    assert code == 0
    assert re.fullmatch(
        rf"Backed up to {re.escape(str(archive))}: the sqlite database, 1 dataset version\(s\), "
        r"0 uploaded file\(s\); 0\.0 MB\.\n",
        out,
    )
    assert err == (
        "The datasets' data lives in the postgres warehouse (WAREHOUSE_URL), which is not in "
        "the backup: back it up with its own tools.\n"
        "SECRET_KEY comes from the environment and is not in the backup: keep it with it.\n"
    )
    with tarfile.open(archive) as tar:
        assert tar.getnames() == ["database/openmis.sqlite3", "manifest.json"]
