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
from .agent_config import DEFAULT_ROOT, ROOT_OPTIONS, async_default_serial_number
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
    CONF_PROVISIONING_CODE,
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
from .migration import CURRENT_MINOR_VERSION, async_move_identity
from .probe import async_probe, error_field
from .store import HomeAssistantStateStore
from .tr069_cpe import OUI_PATTERN
from .unique_id import acs_host, unique_id_for
from .wake_up_settings import wake_up_fields, wake_up_options

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_PEM = TextSelector(TextSelectorConfig(multiline=True))
_INTERVAL = NumberSelector(
    NumberSelectorConfig(min=1, max=604800, mode=NumberSelectorMode.BOX, unit_of_measurement="s")
)
_PORT = NumberSelector(NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX))
_ROOT = SelectSelector(SelectSelectorConfig(options=list(ROOT_OPTIONS), translation_key="root"))
# DeviceInfo.ProvisioningCode is a string(64).
_PROVISIONING_CODE_LENGTH = 64


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
        vol.Optional(
            CONF_PROVISIONING_CODE,
            description={"suggested_value": defaults.get(CONF_PROVISIONING_CODE)},
        ): str,
    }


def _identity_schema(serial: str) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_MANUFACTURER, default=DEFAULT_MANUFACTURER): str,
            vol.Required(CONF_OUI, default=DEFAULT_OUI): str,
            vol.Required(CONF_PRODUCT_CLASS, default=DEFAULT_PRODUCT_CLASS): str,
            vol.Required(CONF_SERIAL_NUMBER, default=serial): str,
            vol.Required(CONF_ROOT, default=DEFAULT_ROOT): _ROOT,
        }
    )


def _runtime_options(user_input: Mapping[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {
        CONF_PERIODIC_INFORM_INTERVAL: int(user_input[CONF_PERIODIC_INFORM_INTERVAL]),
        CONF_CR_PORT: int(user_input[CONF_CR_PORT]),
    }
    if host := (user_input.get(CONF_CR_HOST) or "").strip():
        options[CONF_CR_HOST] = host
    if code := (user_input.get(CONF_PROVISIONING_CODE) or "").strip():
        options[CONF_PROVISIONING_CODE] = code
    return options


def _runtime_errors(options: Mapping[str, Any]) -> dict[str, str]:
    if len(options.get(CONF_PROVISIONING_CODE, "")) > _PROVISIONING_CODE_LENGTH:
        return {CONF_PROVISIONING_CODE: "provisioning_code_too_long"}
    return {}


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


def _url_error(url: str) -> str | None:
    """Why this is no ACS URL (None: it is one)."""
    parts = urlsplit(url)
    try:
        acs_host(url)
    except ValueError:
        return "invalid_url"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "invalid_url"
    if parts.username is not None or parts.password is not None:
        # Credentials belong in their own fields: a URL ends up in logs and in the ACS.
        return "url_credentials"
    return None


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


def _fields(schema: vol.Schema) -> set[str]:
    return {str(marker) for marker in schema.schema}


class Tr069ConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up Home Assistant as a CPE of an ACS."""

    VERSION = 1
    MINOR_VERSION = CURRENT_MINOR_VERSION

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: Tr069ConfigEntry) -> OptionsFlow:
        """The options flow."""
        return Tr069OptionsFlow()

    async def _async_validate(self, data: Mapping[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        if url_error := _url_error(data[CONF_ACS_URL]):
            errors[CONF_ACS_URL] = url_error
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
        form: vol.Schema,
    ) -> tuple[dict[str, str], dict[str, Any] | None]:
        """A real session; an error is shown on the field it concerns, if the form has it."""
        result = await async_probe(self.hass, data, options, state)
        if result.error is None:
            return {}, result.state
        field = error_field(result.error)
        return {field if field in _fields(form) else "base": result.error}, None

    def _user_schema(self, user_input: Mapping[str, Any], serial: str) -> vol.Schema:
        return vol.Schema(
            {
                **_acs_fields(user_input),
                **_runtime_fields(user_input),
                vol.Required(CONF_IDENTITY): section(_identity_schema(serial), {"collapsed": True}),  # type: ignore[arg-type,unused-ignore]
                **wake_up_fields(user_input),
            }
        )

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the ACS, the Connection Request server and the device identity."""
        errors: dict[str, str] = {}
        form = self._user_schema(user_input or {}, await async_default_serial_number(self.hass))
        if user_input is not None:
            identity = dict(user_input[CONF_IDENTITY])
            identity[CONF_OUI] = identity[CONF_OUI].strip().upper()
            data = {**_acs_data(user_input), CONF_IDENTITY: identity}
            wake_up, wake_up_errors = wake_up_options(user_input)
            options = {**_runtime_options(user_input), **wake_up}
            errors = await self._async_validate(data) | _runtime_errors(options) | wake_up_errors
            if OUI_PATTERN.fullmatch(identity[CONF_OUI]) is None:
                errors["base"] = "invalid_oui"
            if not errors:
                await self.async_set_unique_id(unique_id_for(data))
                self._abort_if_unique_id_configured()
                errors, state = await self._async_probe(data, options, None, form)
                if state is not None:
                    return self._async_create(data, options, state)
        return self.async_show_form(step_id="user", data_schema=form, errors=errors)  # type: ignore[arg-type,unused-ignore]

    def _async_create(
        self, data: dict[str, Any], options: dict[str, Any], state: dict[str, Any]
    ) -> ConfigFlowResult:
        """Create the entry; it starts from the state the first session left."""
        self.hass.data.setdefault(PROBE_STATES, {})[unique_id_for(data)] = state
        return self.async_create_entry(
            title=f"{data[CONF_IDENTITY][CONF_SERIAL_NUMBER]} @ {acs_host(data[CONF_ACS_URL])}",
            data=data,
            options=options,
        )

    async def _async_retest(
        self, entry: Tr069ConfigEntry, data: dict[str, Any], form: vol.Schema
    ) -> dict[str, str]:
        """Stop the entry, test the new settings from its state, keep what the test left.

        On success the entry stays stopped: :meth:`_async_finish` saves and starts it.
        The caller has validated ``data``.
        """
        store = HomeAssistantStateStore(self.hass, entry.entry_id)
        await self.hass.config_entries.async_unload(entry.entry_id)
        errors, state = await self._async_probe(data, entry.options, await store.load(), form)
        if state is not None:
            await store.save(state)
        else:
            await self.hass.config_entries.async_setup(entry.entry_id)
        return errors

    def _async_finish(
        self, entry: Tr069ConfigEntry, reason: str, **changes: Any
    ) -> ConfigFlowResult:
        """Save the tested settings and start the stopped entry with them.

        The entry is not loaded here, so its update listener is not registered: no
        reload is asked twice (Home Assistant refuses that pattern from 2026.12).
        """
        self.hass.config_entries.async_update_entry(entry, **changes)
        self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_abort(reason=reason)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the ACS and its TLS settings."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        form = vol.Schema(_acs_fields(user_input or entry.data))
        if user_input is not None:
            data = {**entry.data, **_acs_data(user_input)}
            errors = await self._async_validate(data)
            if not errors:
                errors = await self._async_reconfigure(entry, data, form)
            if not errors:
                return self._async_finish(
                    entry, "reconfigure_successful", data=data, unique_id=unique_id_for(data)
                )
        return self.async_show_form(
            step_id=SOURCE_RECONFIGURE,
            data_schema=form,  # type: ignore[arg-type,unused-ignore]
            errors=errors,
        )

    async def _async_reconfigure(
        self, entry: Tr069ConfigEntry, data: dict[str, Any], form: vol.Schema
    ) -> dict[str, str]:
        """Test the new ACS; on success the devices and entities follow a new ACS host."""
        new_unique_id = unique_id_for(data)
        if new_unique_id != entry.unique_id:
            await self.async_set_unique_id(new_unique_id)
            self._abort_if_unique_id_configured()
        errors = await self._async_retest(entry, data, form)
        if not errors and entry.unique_id and new_unique_id != entry.unique_id:
            await async_move_identity(self.hass, entry, entry.unique_id, new_unique_id)
        return errors

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The ACS started refusing the credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for new ACS credentials and test them."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        form = vol.Schema(
            {
                vol.Required(CONF_USERNAME, default=entry.data.get(CONF_USERNAME, "")): str,
                vol.Optional(CONF_PASSWORD, default=""): _PASSWORD,
            }
        )
        if user_input is not None:
            data = {
                **entry.data,
                CONF_USERNAME: user_input[CONF_USERNAME],
                CONF_PASSWORD: user_input.get(CONF_PASSWORD, ""),
            }
            errors = await self._async_validate(data)
            if not errors:
                errors = await self._async_retest(entry, data, form)
            if not errors:
                return self._async_finish(entry, "reauth_successful", data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=form,  # type: ignore[arg-type,unused-ignore]
            errors=errors,
            description_placeholders={"host": acs_host(entry.data[CONF_ACS_URL])},
        )


class Tr069OptionsFlow(OptionsFlow):
    """Settings that may change while the agent runs."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Periodic inform interval, Connection Request server, provisioning code."""
        errors: dict[str, str] = {}
        if user_input is not None:
            wake_up, wake_up_errors = wake_up_options(user_input)
            options = {**_runtime_options(user_input), **wake_up}
            options[CONF_ALLOW_RESTART] = bool(user_input.get(CONF_ALLOW_RESTART, False))
            errors = _runtime_errors(options) | wake_up_errors
            port = options[CONF_CR_PORT]
            # The running agent holds its own port; another one must be free.
            current = self.config_entry.options.get(CONF_CR_PORT, DEFAULT_CR_PORT)
            if port != current and not _port_free(port):
                errors[CONF_CR_PORT] = "port_in_use"
            if not errors:
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
