"""``python -m translate.evaluate``: the evaluation keeps its command name; its code is in :mod:`jobs.evaluate`."""
