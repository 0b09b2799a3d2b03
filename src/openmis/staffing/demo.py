def load(today=None, *, language="en"):
    pass


def reset():
    pass
