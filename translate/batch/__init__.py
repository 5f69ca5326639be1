"""``python -m translate.batch``: the batch job keeps its command name; its code is in :mod:`jobs.batch`."""
