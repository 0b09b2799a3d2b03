"""Settings of the test suite: the normal settings, with a throw-away data dir and fast hashing.

``OPENMIS_TEST_POSTGRES=1`` with ``OPENMIS_TEST_DATABASE_URL`` runs the suite on PostgreSQL.
"""

import os
import tempfile

os.environ["OPENMIS_TESTING"] = "1"
os.environ.setdefault("OPENMIS_DATA_DIR", tempfile.mkdtemp(prefix="openmis-test-"))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from openmis.settings import *  # noqa: F403
from openmis.settings import DATABASES, STATIC_ROOT, env

STATIC_ROOT.mkdir(parents=True, exist_ok=True)

if os.environ.get("OPENMIS_TEST_POSTGRES") and os.environ.get("OPENMIS_TEST_DATABASE_URL"):
    DATABASES["default"] = env.db_url("OPENMIS_TEST_DATABASE_URL")

AXES_ENABLED = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
