"""Errors for a person, as codes: a code (``"file.csv_broken"``) and language-neutral parameters.

``data_access`` and ``briefing`` never word an error: they raise a :class:`CodedError` whose code and
parameters the one catalogue (:mod:`dashboard.i18n`, key ``"error." + code``) words in the visitor's
language; the command line prints the Vietnamese wording with the code (``Lỗi [code]: …``).

Parameters are plain values, never text formatted for one language: ints (counts, line numbers,
limits), strings (a sheet's name, a value quoted from a file), dates, lists of strings. A parameter
named ``field`` names a field (worded by the catalogue's ``error.field.<name>``); one named ``detail``
is a system's own technical text (a driver's message), shown as it is.
"""

from __future__ import annotations

from typing import Any


def _rebuild(cls: type[CodedError], code: str, params: dict[str, Any]) -> CodedError:
    """A coded error of class ``cls`` back from a pickle, whatever its own constructor takes."""
    error = cls.__new__(cls)
    CodedError.__init__(error, code, **params)
    return error


class CodedError(Exception):
    """An error with a ``code`` and ``params`` (see the module's docstring).

    ``str(error)`` is the code and the parameters, for logs. Picklable (the import's workers send
    errors across processes): a subclass with a constructor of its own comes back with the same
    code, parameters and attributes.
    """

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return f"[{self.code}]" + "".join(f" {k}={v!r}" for k, v in self.params.items())

    def __reduce__(self):
        return _rebuild, (type(self), self.code, self.params), self.__dict__
