"""Key spellings: naming-style folding, the aliases of every known key, error paths."""

from __future__ import annotations

from functools import lru_cache
import re
from typing import Final

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_MODIFIER_WORDS: Final = (
    "scal",
    "multipl",
    "factor",
    "expon",
    "divis",
    "divid",
    "offset",
    "decimal",
    "precision",
    "resolution",
    "constant",
    "unit",
    "uom",
)
_INDEXED = re.compile(r"[A-Za-z_]\w*\[\d+\]")


@lru_cache(maxsize=4096)
def fold(key: str) -> str:
    """Fold a key so that all naming styles compare equal.

    ``Serial_Number``, ``serialNumber``, ``serial-number`` and ``SERIAL NUMBER`` all
    become ``serialnumber``.
    """
    return _NOT_ALNUM.sub("", key.lower())


def changes_meaning(key: str) -> bool:
    """True for a key that may change what a value means (a scaler, a factor, a unit).

    Such a key is never ignored: it is understood, or the file is rejected.
    """
    return any(word.lower().startswith(_MODIFIER_WORDS) for word in _WORDS.findall(key))


def is_metadata(key: str) -> bool:
    """True for a key about the radio or the device (``rssi_dbm``), never a reading."""
    folded = fold(key)
    return not folded or folded.startswith(METADATA_PREFIXES)


def child(path: str, key: str) -> str:
    """Path of ``key`` inside the object at ``path`` (``items[2].T1``)."""
    if key.isidentifier() or _INDEXED.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f'{path}["{key}"]'


def item(path: str, index: int) -> str:
    """Path of element ``index`` of the list at ``path``."""
    return f"{path}[{index}]"


def where(path: str, message: str) -> str:
    """An error message prefixed with its location."""
    return f"{path}: {message}" if path else message


# --- top level -----------------------------------------------------------------------

METER_LIST_KEYS: Final = frozenset(
    {
        "items",
        "meters",
        "devices",
        "records",
        "sensors",
        "meterlist",
        "devicelist",
        "itemlist",
        "recordlist",
    }
)
"""Keys (folded) of the top-level list or map of meters."""

PARTIAL_KEYS: Final = frozenset({"partial", "ispartial", "partialupdate"})

# --- meter records ------------------------------------------------------------------

SERIAL_KEYS: Final = frozenset(
    {
        "serial",
        "serialnumber",
        "serialno",
        "sn",
        "meterserial",
        "meterserialnumber",
        "deviceserial",
        "deviceserialnumber",
        "id",
        "meterid",
        "deviceid",
        "meternumber",
        "meterno",
    }
)
VENDOR_KEYS: Final = frozenset(
    {"vendor", "vendorname", "manufacturer", "manufacturername", "make", "brand", "producer"}
)
TYPE_KEYS: Final = frozenset(
    {
        "type",
        "typename",
        "metertype",
        "devicetype",
        "sensortype",
        "recordtype",
        "kind",
        "meterkind",
        "devicekind",
        "category",
        "medium",
        "media",
    }
)
NAME_KEYS: Final = frozenset(
    {"name", "alias", "label", "title", "displayname", "friendlyname", "metername", "devicename"}
)
LOCATION_KEYS: Final = frozenset({"location", "position", "coordinates", "coords", "geo", "gps"})
LATITUDE_KEYS: Final = frozenset({"lat", "latitude"})
LONGITUDE_KEYS: Final = frozenset({"lng", "lon", "long", "longitude"})
TIMESTAMP_KEYS: Final = frozenset(
    {
        "timestamp",
        "time",
        "ts",
        "datetime",
        "date",
        "readat",
        "readingtime",
        "readingdate",
        "readouttime",
        "measuredat",
        "measurementtime",
        "capturetime",
        "capturedat",
    }
)
READINGS_KEYS: Final = frozenset(
    {"readings", "reading", "values", "measurements", "registers", "counters", "data"}
)
"""Keys (folded) of a meter's nested map or list of readings."""
READING_ELEMENTS: Final = frozenset({"reading", "value", "register", "measurement", "counter"})
"""Names (folded) of one reading record, such as XML's repeated ``<reading>`` elements."""
METER_ELEMENTS: Final = frozenset({"meter", "device", "item", "record", "sensor"})
"""Names (folded) of one meter record, such as XML's repeated ``<meter>`` elements."""
METADATA_PREFIXES: Final = (
    "rssi",
    "lqi",
    "snr",
    "battery",
    "firmware",
    "fw",
    "signal",
    "seal",
    "status",
    "quality",
    "tags",
    "comm",
    "lastseen",
    "device",
    "meter",
)
"""Keys (folded) that describe the radio or the device, never a reading, even on a
generic meter (``rssi_dbm``, ``battery_level``, ``firmware_version``)."""

# --- reading records ------------------------------------------------------------------

OBIS_KEYS: Final = frozenset({"obis", "obiscode", "obisid"})
READING_ID_KEYS: Final = frozenset(
    {"name", "type", "key", "id", "register", "tariff", "quantity", "readingtype", "valuetype"}
)
VALUE_KEYS: Final = frozenset({"value", "val", "reading", "readingvalue", "measuredvalue"})
TEXT_KEYS: Final = frozenset({"text"})
UNIT_KEYS: Final = frozenset({"unit", "units", "uom", "unitofmeasure", "unitofmeasurement"})
SCALER_KEYS: Final = frozenset({"scaler"})
"""A power of ten the value is multiplied by (COSEM ``scaler_unit``)."""
DESCRIPTION_KEYS: Final = frozenset({"description", "desc", "comment", "note", "label", "title"})
"""Free-text keys of a reading record that are ignored."""
