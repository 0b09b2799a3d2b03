"""Sample data of the governance models for the generic object tests, one module per
subject (see openmis/core/tests/samples.py for what each entry means)."""

from openmis.governance.tests.samples_training import SAMPLES as TRAINING

SAMPLES = {**TRAINING}
