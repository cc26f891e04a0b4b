"""The config flow's first session has the meters: a Download there is accepted, then done.

The flow's gateway is built like the entry's (``build_gateway``), so an ACS that sends a
configuration file at first contact (GenieACS provisions do) gets DownloadResponse
Status 1; the entry that the flow creates carries the transfer out and reports it.
"""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.tr069.const import DOMAIN
from local_acs import LocalAcs, rpc

from .common import SERIAL, agent_of, user_input, wait_for
from .test_meters import CONFIG_FILE, read

pytestmark = pytest.mark.usefixtures("unload_at_end")


async def test_a_download_in_the_first_session_is_carried_out_by_the_entry(
    hass: HomeAssistant, acs: LocalAcs, cr_port: int
) -> None:
    acs.serve_file("format_a.json", read("format_a.json"))
    download = acs.queue(SERIAL, rpc.download(acs.file_url("format_a.json"), CONFIG_FILE))
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(acs.url, cr_port)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    answer = await download.result()
    assert answer.ok
    assert answer.response["Status"] == 1  # not 9003: the first session knows the file type
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    complete = await acs.wait_for_inform(serial=SERIAL, event="7 TRANSFER COMPLETE", timeout=10)
    await complete.session.wait_ended()
    assert acs.transfer_completes[-1].fault.code == 0
    await wait_for(lambda: len(entry.runtime_data.meters) == 3, what="the three meters")
    assert hass.states.get("sensor.webtech_987_temperature").state == "0.0"
    assert agent_of(entry).datamodel.int_value("Device.X_00D09E_MeterNumberOfEntries") == 3
