"""Config flow: ACS, identity and Connection Request settings, tested by a real session."""

from __future__ import annotations

from collections.abc import Mapping
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from . import PROBE_STATES
from .agent_config import async_default_serial_number
from .const import (
    CONF_ACS_URL,
    CONF_ALLOW_RESTART,
    CONF_CA_CERTIFICATE,
    CONF_CR_HOST,
    CONF_CR_PORT,
    CONF_IDENTITY,
    CONF_MANUFACTURER,
    CONF_OUI,
    CONF_PERIODIC_INFORM_INTERVAL,
    CONF_PRODUCT_CLASS,
    CONF_ROOT,
    CONF_SERIAL_NUMBER,
    CONF_VERIFY_SSL,
    DEFAULT_CR_PORT,
    DEFAULT_MANUFACTURER,
    DEFAULT_OUI,
    DEFAULT_PERIODIC_INFORM_INTERVAL,
    DEFAULT_PRODUCT_CLASS,
    DOMAIN,
)
from .coordinator import Tr069ConfigEntry
from .probe import async_probe
from .store import HomeAssistantStateStore
from .tr069_cpe import OUI_PATTERN, RootObject
from .unique_id import unique_id_for
from .wake_up_settings import wake_up_fields, wake_up_options

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_PEM = TextSelector(TextSelectorConfig(multiline=True))
_INTERVAL = NumberSelector(
    NumberSelectorConfig(min=1, max=604800, mode=NumberSelectorMode.BOX, unit_of_measurement="s")
)
_PORT = NumberSelector(NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX))
_ROOT = SelectSelector(
    SelectSelectorConfig(options=[root.value for root in RootObject], translation_key="root")
)


def _acs_fields(defaults: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    return {
        vol.Required(CONF_ACS_URL, default=defaults.get(CONF_ACS_URL, "")): _URL,
        vol.Optional(CONF_USERNAME, default=defaults.get(CONF_USERNAME, "")): str,
        vol.Optional(CONF_PASSWORD, default=defaults.get(CONF_PASSWORD, "")): _PASSWORD,
        vol.Required(CONF_VERIFY_SSL, default=defaults.get(CONF_VERIFY_SSL, True)): bool,
        vol.Optional(
            CONF_CA_CERTIFICATE,
            description={"suggested_value": defaults.get(CONF_CA_CERTIFICATE)},
        ): _PEM,
    }


def _runtime_fields(defaults: Mapping[str, Any]) -> dict[vol.Marker, Any]:
    return {
        vol.Required(
            CONF_PERIODIC_INFORM_INTERVAL,
            default=defaults.get(CONF_PERIODIC_INFORM_INTERVAL, DEFAULT_PERIODIC_INFORM_INTERVAL),
        ): _INTERVAL,
        vol.Required(CONF_CR_PORT, default=defaults.get(CONF_CR_PORT, DEFAULT_CR_PORT)): _PORT,
        vol.Optional(
            CONF_CR_HOST, description={"suggested_value": defaults.get(CONF_CR_HOST)}
        ): str,
    }


def _identity_schema(serial: str) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_MANUFACTURER, default=DEFAULT_MANUFACTURER): str,
            vol.Required(CONF_OUI, default=DEFAULT_OUI): str,
            vol.Required(CONF_PRODUCT_CLASS, default=DEFAULT_PRODUCT_CLASS): str,
            vol.Required(CONF_SERIAL_NUMBER, default=serial): str,
            vol.Required(CONF_ROOT, default=RootObject.DEVICE.value): _ROOT,
        }
    )


def _runtime_options(user_input: Mapping[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {
        CONF_PERIODIC_INFORM_INTERVAL: int(user_input[CONF_PERIODIC_INFORM_INTERVAL]),
        CONF_CR_PORT: int(user_input[CONF_CR_PORT]),
    }
    if host := (user_input.get(CONF_CR_HOST) or "").strip():
        options[CONF_CR_HOST] = host
    return options


def _acs_data(user_input: Mapping[str, Any]) -> dict[str, Any]:
    data = {
        CONF_ACS_URL: user_input[CONF_ACS_URL].strip(),
        CONF_USERNAME: user_input.get(CONF_USERNAME, ""),
        CONF_PASSWORD: user_input.get(CONF_PASSWORD, ""),
        CONF_VERIFY_SSL: user_input[CONF_VERIFY_SSL],
    }
    if pem := (user_input.get(CONF_CA_CERTIFICATE) or "").strip():
        data[CONF_CA_CERTIFICATE] = pem
    return data


def _port_free(port: int) -> bool:
    """Whether the Connection Request server could listen on this port now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("", port))
        except OSError:
            return False
    return True


def _check_ca(pem: str) -> None:
    ssl.create_default_context().load_verify_locations(cadata=pem)


class Tr069ConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up Home Assistant as a CPE of an ACS."""

    VERSION = 1
    MINOR_VERSION = 2  # 2: the unique ID keeps the case of the ACS URL's path

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: Tr069ConfigEntry) -> OptionsFlow:
        """The options flow."""
        return Tr069OptionsFlow()

    async def _async_validate(self, data: Mapping[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        url = urlsplit(data[CONF_ACS_URL])
        if url.scheme not in ("http", "https") or not url.hostname:
            errors[CONF_ACS_URL] = "invalid_url"
        if pem := data.get(CONF_CA_CERTIFICATE):
            try:
                await self.hass.async_add_executor_job(_check_ca, pem)
            except (ssl.SSLError, ValueError):
                errors[CONF_CA_CERTIFICATE] = "invalid_ca"
        return errors

    async def _async_probe(
        self,
        data: Mapping[str, Any],
        options: Mapping[str, Any],
        state: dict[str, Any] | None,
        placeholders: dict[str, str],
    ) -> tuple[dict[str, str], dict[str, Any] | None]:
        result = await async_probe(self.hass, data, options, state)
        placeholders["detail"] = result.detail
        if result.error is not None:
            return {"base": result.error}, None
        return {}, result.state

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the ACS, the Connection Request server and the device identity."""
        errors: dict[str, str] = {}
        placeholders = {"detail": ""}
        if user_input is not None:
            identity = dict(user_input[CONF_IDENTITY])
            identity[CONF_OUI] = identity[CONF_OUI].strip().upper()
            data = {**_acs_data(user_input), CONF_IDENTITY: identity}
            errors = await self._async_validate(data)
            if OUI_PATTERN.fullmatch(identity[CONF_OUI]) is None:
                errors["base"] = "invalid_oui"
            wake_up, wake_up_errors = wake_up_options(user_input)
            errors.update(wake_up_errors)
            if not errors:
                await self.async_set_unique_id(unique_id_for(data))
                self._abort_if_unique_id_configured()
                options = {**_runtime_options(user_input), **wake_up}
                errors, state = await self._async_probe(data, options, None, placeholders)
                if state is not None:
                    return self._async_create(data, options, state)
        serial = await async_default_serial_number(self.hass)
        schema = vol.Schema(
            {
                **_acs_fields(user_input or {}),
                **_runtime_fields(user_input or {}),
                vol.Required(CONF_IDENTITY): section(_identity_schema(serial), {"collapsed": True}),  # type: ignore[arg-type,unused-ignore]
                **wake_up_fields(user_input or {}),
            }
        )
        return self.async_show_form(
            step_id="user",
            data_schema=schema,  # type: ignore[arg-type,unused-ignore]
            errors=errors,
            description_placeholders=placeholders,
        )

    def _async_create(
        self, data: dict[str, Any], options: dict[str, Any], state: dict[str, Any]
    ) -> ConfigFlowResult:
        """Create the entry; it starts from the state the first session left."""
        self.hass.data.setdefault(PROBE_STATES, {})[unique_id_for(data)] = state
        host = urlsplit(data[CONF_ACS_URL]).hostname
        return self.async_create_entry(
            title=f"{data[CONF_IDENTITY][CONF_SERIAL_NUMBER]} @ {host}",
            data=data,
            options=options,
        )

    async def _async_retest(
        self, entry: Tr069ConfigEntry, data: dict[str, Any], placeholders: dict[str, str]
    ) -> dict[str, str]:
        """Stop the entry, test the new settings from its state, keep what the test left."""
        errors = await self._async_validate(data)
        if errors:
            return errors
        store = HomeAssistantStateStore(self.hass, entry.entry_id)
        await self.hass.config_entries.async_unload(entry.entry_id)
        errors, state = await self._async_probe(
            data, entry.options, await store.load(), placeholders
        )
        if state is not None:
            await store.save(state)
        else:
            await self.hass.config_entries.async_setup(entry.entry_id)
        return errors

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the ACS and its TLS settings."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        placeholders = {"detail": ""}
        if user_input is not None:
            data = {**entry.data, **_acs_data(user_input)}
            new_unique_id = unique_id_for(data)
            if new_unique_id != entry.unique_id:
                await self.async_set_unique_id(new_unique_id)
                self._abort_if_unique_id_configured()
            errors = await self._async_retest(entry, data, placeholders)
            if not errors:
                return self.async_update_reload_and_abort(entry, unique_id=new_unique_id, data=data)
        return self.async_show_form(
            step_id=SOURCE_RECONFIGURE,
            data_schema=vol.Schema(_acs_fields(user_input or entry.data)),  # type: ignore[arg-type,unused-ignore]
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The ACS started refusing the credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for new ACS credentials and test them."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        placeholders = {"detail": "", "url": entry.data[CONF_ACS_URL]}
        if user_input is not None:
            data = {
                **entry.data,
                CONF_USERNAME: user_input[CONF_USERNAME],
                CONF_PASSWORD: user_input.get(CONF_PASSWORD, ""),
            }
            errors = await self._async_retest(entry, data, placeholders)
            if not errors:
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema(  # type: ignore[arg-type,unused-ignore]
                {
                    vol.Required(CONF_USERNAME, default=entry.data.get(CONF_USERNAME, "")): str,
                    vol.Optional(CONF_PASSWORD, default=""): _PASSWORD,
                }
            ),
            errors=errors,
            description_placeholders=placeholders,
        )


class Tr069OptionsFlow(OptionsFlow):
    """Settings that may change while the agent runs."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Periodic inform interval and Connection Request server."""
        errors: dict[str, str] = {}
        if user_input is not None:
            wake_up, errors = wake_up_options(user_input)
            options = {**_runtime_options(user_input), **wake_up}
            options[CONF_ALLOW_RESTART] = bool(user_input.get(CONF_ALLOW_RESTART, False))
            port = options[CONF_CR_PORT]
            # The running agent holds its own port; another one must be free.
            current = self.config_entry.options.get(CONF_CR_PORT, DEFAULT_CR_PORT)
            if port != current and not _port_free(port):
                errors[CONF_CR_PORT] = "port_in_use"
            elif not errors:
                return self.async_create_entry(data=options)
        defaults = user_input or self.config_entry.options
        return self.async_show_form(
            step_id="init",
            data_schema=vol.Schema(  # type: ignore[arg-type,unused-ignore]
                {
                    **_runtime_fields(defaults),
                    vol.Required(
                        CONF_ALLOW_RESTART, default=defaults.get(CONF_ALLOW_RESTART, False)
                    ): bool,
                    **wake_up_fields(defaults),
                }
            ),
            errors=errors,
        )
