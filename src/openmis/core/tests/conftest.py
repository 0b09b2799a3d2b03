"""Fixtures and markers of the core tests."""


def pytest_configure(config):
    # pytest-xdist registers ``xdist_group``; without xdist (``-p no:xdist``) the browser test's
    # marker must still be known, since the suite runs with ``--strict-markers``.
    config.addinivalue_line("markers", "xdist_group(name): run in the named xdist worker group")
