"""Constants of the TR-069 integration."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "tr069"

CONF_ACS_URL: Final = "acs_url"
CONF_VERIFY_SSL: Final = "verify_ssl"
CONF_CA_CERTIFICATE: Final = "ca_certificate"
CONF_PERIODIC_INFORM_INTERVAL: Final = "periodic_inform_interval"
CONF_CR_PORT: Final = "connection_request_port"
CONF_CR_HOST: Final = "connection_request_host"
CONF_IDENTITY: Final = "identity"
CONF_MANUFACTURER: Final = "manufacturer"
CONF_OUI: Final = "oui"
CONF_PRODUCT_CLASS: Final = "product_class"
CONF_SERIAL_NUMBER: Final = "serial_number"
CONF_ROOT: Final = "data_model_root"
CONF_ALLOW_RESTART: Final = "allow_home_assistant_restart"
CONF_PROVISIONING_CODE: Final = "provisioning_code"

DEFAULT_MANUFACTURER: Final = "Home Assistant"
DEFAULT_OUI: Final = "FFFFFF"
DEFAULT_PRODUCT_CLASS: Final = "HomeAssistant"
DEFAULT_MODEL_NAME: Final = "Home Assistant TR-069 Gateway"
DEFAULT_PERIODIC_INFORM_INTERVAL: Final = 300
DEFAULT_CR_PORT: Final = 7547

EVENT_CONFIGURATION_APPLIED: Final = f"{DOMAIN}_configuration_applied"
EVENT_CONFIGURATION_REJECTED: Final = f"{DOMAIN}_configuration_rejected"
PROFILE_FOLDER: Final = f"{DOMAIN}_profiles"
"""Folder of the configuration directory with the user's format profiles (*.json)."""
EVENT_METER_UPDATED: Final = f"{DOMAIN}_meter_updated"

# The ways the ACS wakes the gateway besides HTTP: option sections and their fields.
CONF_XMPP: Final = "xmpp"
CONF_STUN: Final = "stun"
CONF_JID: Final = "jid"
CONF_SERVER: Final = "server"
CONF_ALLOWED_JIDS: Final = "allowed_jids"
CONF_ENABLE: Final = "enable"
DEFAULT_XMPP_PORT: Final = 5222
DEFAULT_STUN_PORT: Final = 3478
