"""Configuration read from the environment, kept apart from settings so the CLI can use it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

WEAK_SECRET_KEYS = frozenset(
    {"", "secret", "changeme", "change-me", "django-insecure", "openmis", "demo", "insecure"}
)


def data_dir() -> Path:
    """Directory holding the embedded databases, the secret key and uploads."""
    path = Path(os.environ.get("OPENMIS_DATA_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_weak_secret_key(key: str) -> bool:
    """Whether ``key`` is too short, too repetitive or a well-known placeholder."""
    return (
        key.lower() in WEAK_SECRET_KEYS
        or key.startswith("django-insecure")
        or len(key) < 50
        or len(set(key)) < 5
    )


def secret_key(debug: bool) -> str:
    """The SECRET_KEY: from the environment, else generated once and kept in the data dir.

    Refuses a known-weak key when DEBUG is off, so a production instance never runs with one.
    """
    key = os.environ.get("SECRET_KEY")
    if key is None:
        path = data_dir() / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(64))
            path.chmod(0o600)
        key = path.read_text().strip()
    if not debug and is_weak_secret_key(key):
        raise SystemExit(
            "OpenMIS refuses to start: SECRET_KEY is weak (shorter than 50 characters, "
            "repetitive or a placeholder). Unset it to have one generated under "
            "OPENMIS_DATA_DIR, or set a long random value."
        )
    return key


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean from the environment: 1/true/yes/on are true."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}
