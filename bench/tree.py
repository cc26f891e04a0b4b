"""The meters in the CWMP data model, through the integration's meter extension.

``Device.X_<OUI>_Meter.{i}.`` (Alias, SerialNumber, Vendor, Type, Name, Latitude,
Longitude, ReadingNumberOfEntries) with ``Reading.{j}.`` (Name, Value, Unit, LastUpdate):
``meters.table.meter_extension`` defines it and ``MeterTable.apply`` fills it from a
configuration file, exactly as a Download does.  :func:`meter_tree` is the only place
the benchmarks learn how meters enter the data model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tr069_cpe.cwmp.agent import CpeAgent
from tr069_cpe.cwmp.datamodel import DataModel, ObjectSpec, ParameterSpec
from tr069_cpe.meters import ConfigurationFile, Meter
from tr069_cpe.meters.gateway import MeterGateway
from tr069_cpe.meters.table import MeterTable, meter_extension, meter_object_name


@dataclass(frozen=True, slots=True)
class MeterTree:
    """How meters appear in the data model.

    ``extensions`` go to ``AgentConfig(extensions=...)``; ``populate`` adds the meters
    to a data model built with them; ``attach`` wires the meters to an agent as the
    integration does and adds them; ``table`` is the meters' table path below the root
    (``"X_00D09E_Meter."``) and ``writable`` a writable parameter of meter 1 below the
    root, for SetParameterValues.
    """

    extensions: tuple[ParameterSpec | ObjectSpec, ...]
    populate: Callable[[DataModel], None]
    attach: Callable[[CpeAgent], None]
    table: str
    writable: str


def meter_tree(meters: Sequence[Meter], oui: str) -> MeterTree:
    """The meters in the data model of an agent whose OUI is ``oui``."""
    config = ConfigurationFile(meters=tuple(meters), partial=False, format="bench")

    def populate(model: DataModel) -> None:
        MeterTable(model, model.root_name, oui).apply(config)

    def attach(agent: CpeAgent) -> None:
        gateway = MeterGateway(agent)
        gateway.table.apply(config)

    table = f"{meter_object_name(oui)}."
    return MeterTree(meter_extension(oui), populate, attach, table, f"{table}1.Alias")
