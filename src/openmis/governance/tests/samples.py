"""Sample data of the governance models for the generic object tests: one module per
aggregate, merged here (see openmis/core/tests/samples.py for what each entry means)."""

from openmis.governance.tests.samples_acknowledgements import SAMPLES as ACK_SAMPLES
from openmis.governance.tests.samples_assignments import SAMPLES as ASSIGNMENT_SAMPLES
from openmis.governance.tests.samples_audiences import SAMPLES as AUDIENCE_SAMPLES
from openmis.governance.tests.samples_policies import SAMPLES as POLICY_SAMPLES
from openmis.governance.tests.samples_training import SAMPLES as TRAINING_SAMPLES

SAMPLES = {
    **POLICY_SAMPLES,
    **AUDIENCE_SAMPLES,
    **TRAINING_SAMPLES,
    **ASSIGNMENT_SAMPLES,
    **ACK_SAMPLES,
}
