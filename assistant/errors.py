"""The one exception type the service raises for problems an operator can act on.

Each error carries a stable machine-readable ``code`` (for example ``ari-unreachable`` or
``db-unwritable``) that callers and tests can match on, and a one-line human message that is
safe to print without a traceback.
"""

from __future__ import annotations


class AssistantError(Exception):
    """An expected failure with a stable code and a one-line message.

    Args:
        code: Stable identifier such as ``db-unwritable``; never reworded once published.
        message: What went wrong and, where possible, what to do about it.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"AssistantError({self.code!r}, {self.message!r})"
