"""Sample data of the governance models for the generic object tests: one module per
aggregate, merged here."""

from openmis.governance.tests.samples_audiences import SAMPLES as AUDIENCE_SAMPLES
from openmis.governance.tests.samples_policies import SAMPLES as POLICY_SAMPLES

SAMPLES = {**POLICY_SAMPLES, **AUDIENCE_SAMPLES}
