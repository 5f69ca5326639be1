"""The project's one error type: its message is written to be shown to a user as it is."""


class TranslateError(Exception):
    """A problem the user can act on (bad input, a model that cannot be loaded, ...)."""
