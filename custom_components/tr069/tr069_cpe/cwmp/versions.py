"""What each CWMP namespace allows: its RPCs and its fault codes.

The schemas differ: cwmp-1-0 (what GenieACS speaks) has no CancelTransfer and
lets TransferComplete carry only 9001/9002/9010-9012; cwmp-1-1 and cwmp-1-2
(which CWMP 1.3 and 1.4 keep) add methods and codes. The agent answers in the
ACS's namespace, so what it says must fit that namespace's schema.
"""

from __future__ import annotations

from typing import Final

CWMP_1_0: Final = "urn:dslforum-org:cwmp-1-0"
CWMP_1_1: Final = "urn:dslforum-org:cwmp-1-1"
CWMP_1_2: Final = "urn:dslforum-org:cwmp-1-2"
CWMP_NAMESPACES: Final = (CWMP_1_0, CWMP_1_1, CWMP_1_2)

# Headers outside the standard (GenieACS's sessionTimeout) go in a namespace of
# their own: an ACS that does not know them skips them, the schemas stay valid.
EXTENSION_NAMESPACE: Final = "urn:tr069-home-assistant:cwmp-extensions"

# ACS→CPE methods that first appear in a later namespace.
_ADDED_IN: Final = {
    "GetAllQueuedTransfers": CWMP_1_1,
    "ScheduleDownload": CWMP_1_2,
    "CancelTransfer": CWMP_1_2,
    "ChangeDUState": CWMP_1_2,
}


def method_exists(method: str, namespace: str) -> bool:
    """Whether the namespace's schema defines this ACS→CPE method."""
    first = _ADDED_IN.get(method, CWMP_1_0)
    return CWMP_NAMESPACES.index(namespace) >= CWMP_NAMESPACES.index(first)


def namespace_of_version(version: str) -> str | None:
    """The namespace whose methods a CWMP version has (1.2 to 1.4 share cwmp-1-2).

    None for what is not a 1.x version.
    """
    major, _, minor = version.strip().partition(".")
    if major != "1" or not (minor.isascii() and minor.isdigit()) or len(minor) > 3:
        return None
    return CWMP_NAMESPACES[min(int(minor), len(CWMP_NAMESPACES) - 1)]


def _fault_code_allowed(namespace: str, code: int) -> bool:
    if 9800 <= code <= 9899:
        return True
    if namespace == CWMP_1_0:
        return 9000 <= code <= 9013
    return 9000 <= code <= 9799


def _transfer_code_allowed(namespace: str, code: int) -> bool:
    if code in (0, 9001, 9002, 9010, 9011, 9012):
        return True
    if namespace == CWMP_1_0:
        return False
    if namespace == CWMP_1_1:
        return 9014 <= code <= 9019
    return 9014 <= code <= 9020 or 9033 <= code <= 9899


def fault_for(namespace: str, code: int, message: str) -> tuple[int, str]:
    """A SOAP fault's (FaultCode, FaultString) that the namespace's schema accepts.

    A code the namespace lacks becomes 9001 (request denied); the string keeps
    the precise code so that the operator still sees it.
    """
    if _fault_code_allowed(namespace, code):
        return code, message
    return 9001, f"{code} {message}"


def transfer_fault_for(
    namespace: str, code: int, message: str, *, download: bool
) -> tuple[int, str]:
    """TransferComplete's (FaultCode, FaultString) that the namespace's schema accepts.

    The precise code (9015 unreachable, 9016 no file, 9017 incomplete, 9018
    corrupted...) needs cwmp-1-1 or later; in cwmp-1-0 it becomes 9010
    (download) or 9011 (upload), with the precise code at the start of the
    FaultString.
    """
    if _transfer_code_allowed(namespace, code):
        return code, message
    return (9010 if download else 9011), f"{code} {message}"
