"""The one exception raised for configuration files that cannot be understood."""

from __future__ import annotations


class ConfigurationFileError(Exception):
    """A file that cannot be understood.

    The message says what is wrong and where, e.g.
    ``items[2].T1: "12x" is not a number in kWh, Wh or MWh``.
    """
