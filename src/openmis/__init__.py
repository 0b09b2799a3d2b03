"""OpenMIS: the working tool of an organization's MIS office."""

__version__ = "0.1.0"
