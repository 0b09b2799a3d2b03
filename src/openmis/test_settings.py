"""Settings of the test suite: the normal settings, with a throw-away data dir and fast hashing.

``OPENMIS_TEST_POSTGRES=1`` with ``OPENMIS_TEST_DATABASE_URL`` runs the suite on PostgreSQL.
"""

import os
import tempfile

os.environ["OPENMIS_TESTING"] = "1"
# One data dir per xdist worker: the workers share nothing but the machine, and their
# datasets' numbers (so their warehouse file names) repeat those of the other workers.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
_base = os.environ.setdefault("OPENMIS_TEST_BASE_DIR", tempfile.mkdtemp(prefix="openmis-test-"))
os.environ["OPENMIS_DATA_DIR"] = os.path.join(_base, _worker)
os.makedirs(os.environ["OPENMIS_DATA_DIR"], exist_ok=True)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from openmis.settings import *  # noqa: F403, E402  (the environment above comes first)
from openmis.settings import DATABASES, STATIC_ROOT, env  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)

if os.environ.get("OPENMIS_TEST_POSTGRES") and os.environ.get("OPENMIS_TEST_DATABASE_URL"):
    DATABASES["default"] = env.db_url("OPENMIS_TEST_DATABASE_URL")

WAREHOUSE_URL = None  # DuckDB files in the worker's data dir
if os.environ.get("OPENMIS_TEST_POSTGRES") and os.environ.get("OPENMIS_TEST_DATABASE_URL"):
    # The PostgreSQL run uses PostgreSQL as the warehouse too: a schema per worker in the
    # server's maintenance database (the test database itself is recreated by Django).
    _server = os.environ["OPENMIS_TEST_DATABASE_URL"].rsplit("/", 1)[0]
    WAREHOUSE_URL = f"{_server}/postgres?schema=openmis_wh_test_{_worker}"

AXES_ENABLED = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
