"""Everything the gateway knows about each kind of meter, one table entry per kind.

An entry says how the kind is named in files (type names), which readings it has
(canonical names, the keys, OBIS codes, descriptions and wM-Bus names that mean them,
units and conversions, ranges, whether they are counters), and how Home Assistant
shows them (device class, state class, icon, translation key). Adding a kind is one
entry in :data:`KINDS` plus its translations in the integration's ``strings.json``.

Aliases are *folded* keys (lowercase letters and digits only, see ``keys.fold``); a
``{n}`` in a name or alias stands for a number (a tariff, a phase).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from .model import MeterKind
from .units import (
    CUBIC_METRES,
    CURRENT,
    ENERGY,
    FLOW,
    FREQUENCY,
    HUMIDITY,
    LITRES,
    POWER,
    TEMPERATURE,
    TEXT,
    VOLTAGE,
    Quantity,
)

TOTAL_INCREASING: Final = "total_increasing"
TOTAL: Final = "total"
MEASUREMENT: Final = "measurement"


@dataclass(frozen=True, slots=True)
class ObisTemplate:
    """OBIS codes of a reading: medium A, quantity C, processing D, tariff E.

    A tuple of C values numbers the reading by position (phases L1, L2, L3); an E of
    None numbers it by E itself (tariffs 1..99).
    """

    a: int
    c: int | tuple[int, ...]
    d: int
    e: int | None = 0


@dataclass(frozen=True, slots=True)
class ReadingSpec:
    """One reading of a kind of meter."""

    name: str
    quantity: Quantity
    aliases: tuple[str, ...] = ()
    obis: tuple[ObisTemplate, ...] = ()
    counter: bool = False
    """A meter index: never negative, never lowered by a file (Energy dashboard)."""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    numbers: range = range(0)
    """What ``{n}`` may be, for a numbered reading."""
    placeholder: str | None = None
    """Name of the translation placeholder that shows the number (``T{n}`` → ``T1``)."""
    device_class: str | None = None
    state_class: str | None = MEASUREMENT
    translation_key: str | None = None
    icon: str | None = None
    precision: int | None = None

    @property
    def text(self) -> bool:
        """A text the meter reports as it is (its status), not a number in a unit."""
        return self.quantity is TEXT

    @property
    def unit(self) -> str | None:
        """The unit values are kept in (None for a text)."""
        return None if self.text else self.quantity.canonical

    @property
    def numbered(self) -> bool:
        """Whether the name carries a number (``T{n}``)."""
        return "{n}" in self.name


@dataclass(frozen=True, slots=True)
class KindSpec:
    """One kind of meter."""

    kind: MeterKind
    display: str
    """How messages name a meter of this kind."""
    type_names: frozenset[str] = frozenset()
    type_prefixes: tuple[str, ...] = ()
    type_words: tuple[str, ...] = ()
    """Type names containing one of these (folded) are of this kind."""
    type_exclusions: tuple[str, ...] = ()
    """Type names starting with one of these are not (``heat cost allocator``)."""
    readings: tuple[ReadingSpec, ...] = ()
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Reading a plain volume stands for → words of the type that say so (hot → warm)."""
    plain_volume: frozenset[str] = frozenset()
    """Keys (folded) of a volume that is the variant named by the type."""
    default_variant: str | None = None
    """What a plain volume is when the type does not say (None: an error)."""


_ZERO: Final = Decimal(0)
_PHASES: Final = range(1, 4)
_TARIFFS: Final = range(1, 100)


def _counter(name: str, quantity: Quantity, device_class: str, **details: object) -> ReadingSpec:
    return ReadingSpec(
        name=name,
        quantity=quantity,
        counter=True,
        minimum=_ZERO,
        device_class=device_class,
        state_class=TOTAL_INCREASING,
        **details,  # type: ignore[arg-type]
    )


def _phase(
    name: str, quantity: Quantity, c: tuple[int, int, int], **details: object
) -> ReadingSpec:
    return ReadingSpec(
        name=f"{name}_L{{n}}",
        quantity=quantity,
        obis=(ObisTemplate(1, c, 7),),
        numbers=_PHASES,
        placeholder="phase",
        translation_key=f"{name}_phase",
        **details,  # type: ignore[arg-type]
    )


def _billing(name: str, quantity: Quantity, device_class: str, **details: object) -> ReadingSpec:
    """The index a meter stored on its billing (target) date: a total, not a counter."""
    return ReadingSpec(
        name=name,
        quantity=quantity,
        minimum=_ZERO,
        device_class=device_class,
        state_class=TOTAL,
        translation_key="target",
        icon="mdi:calendar-check",
        **details,  # type: ignore[arg-type]
    )


def _temperature(name: str, **details: object) -> ReadingSpec:
    return ReadingSpec(
        name=name,
        quantity=TEMPERATURE,
        minimum=Decimal("-273.15"),
        device_class="temperature",
        precision=1,
        **details,  # type: ignore[arg-type]
    )


# What the meter says of itself (wM-Bus decoders' ``status``: "OK", or its error flags
# such as "LEAKING"): a text shown as given, never a number. A ``status`` field inside a
# reading record is not this: it is that record's metadata (ignored and reported).
STATUS: Final = ReadingSpec(
    name="status",
    quantity=TEXT,
    aliases=("meterstatus", "statusflags"),
    state_class=None,
    translation_key="meter_status",
    icon="mdi:list-status",
)


ELECTRICITY: Final = KindSpec(
    kind=MeterKind.ELECTRICITY,
    display="electricity meter",
    type_names=frozenset(
        {"elec", "power", "powermeter", "energy", "energymeter", "kwhmeter", "elmeter"}
    ),
    type_prefixes=("electric",),
    readings=(
        _counter(
            "T{n}",
            ENERGY,
            "energy",
            aliases=(
                "t{n}",
                "tariff{n}",
                "tarif{n}",
                "rate{n}",
                "importt{n}",
                "importtariff{n}",
                "energyt{n}",
                "energytariff{n}",
                "importenergyt{n}",
                "totalenergyconsumptiontariff{n}",
            ),
            obis=(ObisTemplate(1, 1, 8, None),),
            numbers=_TARIFFS,
            placeholder="tariff",
            translation_key="energy_tariff",
            precision=3,
        ),
        _counter(
            "total",
            ENERGY,
            "energy",
            aliases=(
                "import",
                "importtotal",
                "totalimport",
                "energy",
                "energytotal",
                "totalenergy",
                "t0",
                "tariff0",
                "tarif0",
                "rate0",
                "importenergytotal",
                "totalenergyconsumption",
                "activeenergyimport",
            ),
            obis=(ObisTemplate(1, 1, 8),),
            translation_key="energy_total",
            precision=3,
        ),
        _counter(
            "export_T{n}",
            ENERGY,
            "energy",
            aliases=(
                "export{n}",
                "exporttariff{n}",
                "exportenergyt{n}",
                "totalenergyproductiontariff{n}",
            ),
            obis=(ObisTemplate(1, 2, 8, None),),
            numbers=_TARIFFS,
            placeholder="tariff",
            translation_key="energy_export_tariff",
            precision=3,
        ),
        _counter(
            "export_total",
            ENERGY,
            "energy",
            aliases=(
                "export",
                "totalexport",
                "export0",
                "exportt0",
                "exportenergytotal",
                "totalenergyproduction",
                "activeenergyexport",
            ),
            obis=(ObisTemplate(1, 2, 8),),
            translation_key="energy_export_total",
            precision=3,
        ),
        ReadingSpec(
            name="power",
            quantity=POWER,
            aliases=(
                "activepower",
                "powerimport",
                "importpower",
                "activepowerimport",
                "currentpowerconsumption",
            ),
            obis=(ObisTemplate(1, 1, 7),),
            device_class="power",
            precision=0,
        ),
        ReadingSpec(
            name="export_power",
            quantity=POWER,
            aliases=("powerexport", "activepowerexport", "currentpowerproduction"),
            obis=(ObisTemplate(1, 2, 7),),
            device_class="power",
            translation_key="power_export",
            precision=0,
        ),
        ReadingSpec(
            name="net_power",
            quantity=POWER,
            aliases=("powernet", "sumactivepower"),
            obis=(ObisTemplate(1, 16, 7),),
            device_class="power",
            translation_key="power_net",
            precision=0,
        ),
        _phase(
            "power",
            POWER,
            (21, 41, 61),
            aliases=("activepowerl{n}", "powerphase{n}", "poweratphase{n}"),
            device_class="power",
            precision=0,
        ),
        _phase(
            "voltage",
            VOLTAGE,
            (32, 52, 72),
            aliases=("ul{n}", "voltageatphase{n}", "voltagel{n}n", "voltagephase{n}"),
            minimum=_ZERO,
            device_class="voltage",
            precision=1,
        ),
        _phase(
            "current",
            CURRENT,
            (31, 51, 71),
            aliases=("il{n}", "currentatphase{n}", "currentphase{n}"),
            device_class="current",
            precision=2,
        ),
        ReadingSpec(
            name="frequency",
            quantity=FREQUENCY,
            aliases=("freq", "gridfrequency", "supplyfrequency"),
            obis=(ObisTemplate(1, 14, 7),),
            minimum=_ZERO,
            device_class="frequency",
            precision=2,
        ),
        STATUS,
    ),
)

WATER: Final = KindSpec(
    kind=MeterKind.WATER,
    display="water meter",
    type_words=("water",),
    readings=(
        _counter(
            "warm",
            LITRES,
            "water",
            aliases=("warmwater", "hot", "hotwater", "hw", "waterwarm", "waterhot"),
            obis=(ObisTemplate(9, 1, 0),),
            translation_key="water_warm",
            precision=0,  # whole litres (Home Assistant adds decimals shown in m³)
        ),
        _counter(
            "cold",
            LITRES,
            "water",
            aliases=("coldwater", "cw", "watercold"),
            obis=(ObisTemplate(8, 1, 0),),
            translation_key="water_cold",
            precision=0,  # whole litres (Home Assistant adds decimals shown in m³)
        ),
        _temperature("flow_temperature", translation_key="flow_temperature"),
        _billing("target", LITRES, "water", aliases=("targetvolume", "billingvolume")),
        STATUS,
    ),
    variants={"warm": ("hot", "warm"), "cold": ("cold",)},
    plain_volume=frozenset(
        {"volume", "value", "total", "consumption", "reading", "index", "counter", "water"}
    ),
)

CLIMATE: Final = KindSpec(
    kind=MeterKind.TEMPERATURE_HUMIDITY,
    display="temperature/humidity sensor",
    type_names=frozenset(
        {
            "th",
            "thsensor",
            "temphum",
            "temphumidity",
            "temphumsensor",
            "humiditytemperature",
            "thermohygrometer",
            "hygrometer",
            "thermometer",
            "temp",
            "tempsensor",
            "roomsensor",
            "roomclimate",
        }
    ),
    type_prefixes=("temperature", "humidity", "climate"),
    readings=(
        _temperature(
            "temperature",
            aliases=("temp", "t", "tmp", "airtemperature", "roomtemperature", "currenttemperature"),
        ),
        ReadingSpec(
            name="humidity",
            quantity=HUMIDITY,
            aliases=(
                "hum",
                "rh",
                "humid",
                "relativehumidity",
                "airhumidity",
                "currentrelativehumidity",
            ),
            minimum=_ZERO,
            maximum=Decimal(100),
            device_class="humidity",
            precision=0,
        ),
        STATUS,
    ),
)

HEAT: Final = KindSpec(
    kind=MeterKind.HEAT,
    display="heat meter",
    type_names=frozenset({"districtheating", "heating", "heatingmeter", "thermalenergy"}),
    type_prefixes=("heat",),
    type_exclusions=("heatcost", "heatpump"),
    readings=(
        _counter(
            "energy",
            ENERGY,
            "energy",
            aliases=("heatenergy", "totalenergy", "totalenergyconsumption", "heat"),
            obis=(ObisTemplate(6, 1, 0),),
            translation_key="heat_energy",
            icon="mdi:radiator",
            precision=3,
        ),
        _counter(
            "volume",
            LITRES,
            "volume",
            aliases=("totalvolume", "heatvolume"),
            obis=(ObisTemplate(6, 2, 0),),
            translation_key="heat_volume",
        ),
        ReadingSpec(
            name="power",
            quantity=POWER,
            aliases=("heatpower", "currentpower"),
            obis=(ObisTemplate(6, 8, 0),),
            device_class="power",
            precision=0,
        ),
        ReadingSpec(
            name="flow",
            quantity=FLOW,
            aliases=("volumeflow", "flowrate"),
            obis=(ObisTemplate(6, 9, 0),),
            minimum=_ZERO,
            device_class="volume_flow_rate",
            translation_key="flow",
            precision=3,
        ),
        _temperature(
            "flow_temperature",
            aliases=("supplytemperature", "forwardtemperature"),
            obis=(ObisTemplate(6, 10, 0),),
            translation_key="flow_temperature",
        ),
        _temperature(
            "return_temperature",
            obis=(ObisTemplate(6, 11, 0),),
            translation_key="return_temperature",
        ),
        _billing(
            "target_energy",
            ENERGY,
            "energy",
            aliases=("dueenergyconsumption", "billingenergy"),
            precision=3,
        ),
        STATUS,
    ),
)

GAS: Final = KindSpec(
    kind=MeterKind.GAS,
    display="gas meter",
    type_names=frozenset({"naturalgas"}),
    type_prefixes=("gas",),
    type_exclusions=("gasdetector",),
    readings=(
        _counter(
            "volume",
            CUBIC_METRES,
            "gas",
            aliases=("gas", "gasvolume", "totalvolume"),
            obis=(ObisTemplate(7, 3, 0),),
            translation_key="gas_volume",
            precision=3,
        ),
        ReadingSpec(
            name="flow",
            quantity=FLOW,
            aliases=("volumeflow", "flowrate"),
            minimum=_ZERO,
            device_class="volume_flow_rate",
            translation_key="flow",
            precision=3,
        ),
        _billing(
            "target", CUBIC_METRES, "gas", aliases=("targetvolume", "billingvolume"), precision=3
        ),
        STATUS,
    ),
    plain_volume=frozenset({"total", "consumption", "index", "counter", "reading", "value"}),
    default_variant="volume",
)

KINDS: Final[dict[MeterKind, KindSpec]] = {
    spec.kind: spec for spec in (ELECTRICITY, WATER, CLIMATE, HEAT, GAS)
}
"""Every kind with known readings, in the order type names are tried; generic meters
(any other type) keep their readings as the file names them."""
