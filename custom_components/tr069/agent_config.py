"""Turning a config entry into the CWMP agent's configuration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, __version__ as HA_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.helpers import instance_id
from homeassistant.helpers.system_info import async_get_system_info
from homeassistant.loader import async_get_integration

from .const import (
    CONF_ACS_URL,
    CONF_CA_CERTIFICATE,
    CONF_CR_HOST,
    CONF_CR_PORT,
    CONF_IDENTITY,
    CONF_MANUFACTURER,
    CONF_OUI,
    CONF_PERIODIC_INFORM_INTERVAL,
    CONF_PRODUCT_CLASS,
    CONF_PROVISIONING_CODE,
    CONF_ROOT,
    CONF_SERIAL_NUMBER,
    CONF_VERIFY_SSL,
    DEFAULT_CR_PORT,
    DEFAULT_MANUFACTURER,
    DEFAULT_MODEL_NAME,
    DEFAULT_OUI,
    DEFAULT_PERIODIC_INFORM_INTERVAL,
    DEFAULT_PRODUCT_CLASS,
    DOMAIN,
)
from .tr069_cpe import AgentConfig, Identity, RootObject
from .wake_up_settings import stun_settings, xmpp_account

# The data model roots the flow offers, by translation key (what entries store).
ROOT_OPTIONS: Final = {
    "device": RootObject.DEVICE,
    "internet_gateway_device": RootObject.INTERNET_GATEWAY_DEVICE,
}
DEFAULT_ROOT: Final = "device"


async def async_default_serial_number(hass: HomeAssistant) -> str:
    """A serial number derived from this Home Assistant instance."""
    return (await instance_id.async_get(hass)).replace("-", "")[:16].upper()


async def async_machine(hass: HomeAssistant) -> str:
    """What the gateway runs on: the installation type and the CPU architecture."""
    info = await async_get_system_info(hass)
    return f"{info['installation_type']} ({info['arch']})"


async def async_build_agent_config(
    hass: HomeAssistant, data: Mapping[str, Any], options: Mapping[str, Any]
) -> AgentConfig:
    """The agent configuration for a config entry's data and options."""
    integration = await async_get_integration(hass, DOMAIN)
    version = str(integration.version)
    identity: Mapping[str, Any] = data.get(CONF_IDENTITY, {})
    oui = identity.get(CONF_OUI, DEFAULT_OUI)
    machine = await async_machine(hass)
    return AgentConfig(
        identity=Identity(
            manufacturer=identity.get(CONF_MANUFACTURER, DEFAULT_MANUFACTURER),
            oui=oui,
            product_class=identity.get(CONF_PRODUCT_CLASS, DEFAULT_PRODUCT_CLASS),
            serial_number=identity.get(CONF_SERIAL_NUMBER)
            or await async_default_serial_number(hass),
            model_name=DEFAULT_MODEL_NAME,
            description=f"Home Assistant {HA_VERSION} on {machine}, TR-069 Gateway {version}",
            hardware_version=machine,
            software_version=version,
        ),
        acs_url=data[CONF_ACS_URL],
        acs_username=data.get(CONF_USERNAME, ""),
        acs_password=data.get(CONF_PASSWORD, ""),
        verify_tls=data.get(CONF_VERIFY_SSL, True),
        ca_pem=data.get(CONF_CA_CERTIFICATE) or None,
        root=ROOT_OPTIONS[identity.get(CONF_ROOT, DEFAULT_ROOT)],
        periodic_inform_interval=options.get(
            CONF_PERIODIC_INFORM_INTERVAL, DEFAULT_PERIODIC_INFORM_INTERVAL
        ),
        connection_request_port=options.get(CONF_CR_PORT, DEFAULT_CR_PORT),
        connection_request_host=options.get(CONF_CR_HOST) or None,
        # UDP Connection Requests listen on the same port number as the HTTP ones.
        udp_connection_request_port=options.get(CONF_CR_PORT, DEFAULT_CR_PORT),
        xmpp=xmpp_account(options),
        stun=stun_settings(options),
        provisioning_code=options.get(CONF_PROVISIONING_CODE),
        user_agent=f"HomeAssistant/{HA_VERSION} tr069/{version}",
        time_zone=hass.config.time_zone,
    )
