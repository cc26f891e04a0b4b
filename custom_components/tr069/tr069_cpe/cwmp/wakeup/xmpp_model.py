"""The XMPP objects of the data model as the XMPP wake-up method reads and writes them.

``ManagementServer.ConnReqXMPPConnection`` names the ``XMPP.Connection.{i}``
row whose connection takes Connection Requests (a strong reference: it empties
when the row is deleted, and may only name a row that exists). The row holds the
account (Username, Domain, Resource, Password), how to find the server
(ServerConnectAlgorithm and its Server table) and how to retry
(ServerConnectAttempts, ServerRetry*); the method writes back Status, JabberID,
LastChangeDate and TLSEstablished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
import random
import re
from typing import Final

from ..datamodel import Change, ChangeKind, DataModel, ParameterNode, TableNode, Value
from ..datamodel.device import XMPP_PORT
from ..management_server import ManagementServer

# The parameters the method writes itself (their changes do not restart it).
STATE_PARAMETERS: Final = frozenset({"Status", "JabberID", "LastChangeDate", "TLSEstablished"})
# When KeepAliveInterval is -1 (the CPE decides): often enough for home routers that drop
# idle TCP connections after a few minutes.
DEFAULT_KEEP_ALIVE: Final = 60


@dataclass(frozen=True, slots=True)
class XmppServer:
    """Where to connect (an empty address: DNS-SRV of the domain)."""

    address: str
    port: int


@dataclass(frozen=True, slots=True, kw_only=True)
class XmppSettings:
    """One XMPP.Connection row, as read when the connection starts."""

    row: str
    username: str
    password: str
    domain: str
    resource: str
    algorithm: str
    servers: tuple[XmppServer, ...]
    keep_alive: int
    connect_attempts: int
    retry_initial: int
    retry_multiplier: int
    retry_max: int

    @property
    def jid(self) -> str:
        """The JID to log in with (the server picks a resource when there is none)."""
        bare = f"{self.username}@{self.domain}"
        return f"{bare}/{self.resource}" if self.resource else bare

    def server_for(self, attempt: int) -> XmppServer:
        """The server of the n-th consecutive attempt (ServerConnectAttempts tries each)."""
        per_server = max(self.connect_attempts, 1)
        return self.servers[(attempt // per_server) % len(self.servers)]

    def reconnect_wait(self, failures: int, rng: random.Random) -> float:
        """A random wait before the next attempt, growing with the failures (TR-181)."""
        ceiling = self.retry_initial * (self.retry_multiplier / 1000) ** max(failures - 1, 0)
        return rng.uniform(0, min(ceiling, self.retry_max))


def connection_row(datamodel: DataModel, management_server: ManagementServer) -> str | None:
    """The row ConnReqXMPPConnection names, with a trailing dot, if it exists."""
    reference = management_server.conn_req_xmpp_connection
    if not reference:
        return None
    node = datamodel.node(reference + ".")
    return node.path if node is not None and not isinstance(node, TableNode) else None


def read_settings(datamodel: DataModel, row: str) -> XmppSettings:
    """The connection's settings; ValueError when they cannot work (Error_Misconfigured)."""

    def value(name: str) -> Value:
        return datamodel.value(row + name)

    username, domain = str(value("Username")), str(value("Domain"))
    if not username or not domain:
        raise ValueError("Username and Domain must be set")
    algorithm = str(value("ServerConnectAlgorithm"))
    servers: tuple[XmppServer, ...] = (XmppServer("", XMPP_PORT),)
    if algorithm == "DNS":
        servers = (XmppServer(domain, XMPP_PORT),)
    elif algorithm == "ServerTable":
        servers = _server_table(datamodel, row)
        if not servers:
            raise ValueError("ServerConnectAlgorithm is ServerTable but no server is enabled")
    keep_alive = int(value("KeepAliveInterval"))  # type: ignore[arg-type]
    return XmppSettings(
        row=row,
        username=username,
        password=str(value("Password")),
        domain=domain,
        resource=str(value("Resource")),
        algorithm=algorithm,
        servers=servers,
        keep_alive=DEFAULT_KEEP_ALIVE if keep_alive < 0 else keep_alive,
        connect_attempts=datamodel.int_value(row + "ServerConnectAttempts"),
        retry_initial=datamodel.int_value(row + "ServerRetryInitialInterval"),
        retry_multiplier=datamodel.int_value(row + "ServerRetryIntervalMultiplier"),
        retry_max=datamodel.int_value(row + "ServerRetryMaxInterval"),
    )


def _server_table(datamodel: DataModel, row: str) -> tuple[XmppServer, ...]:
    """Enabled servers by Priority (lowest first), then Weight (highest first)."""
    table = datamodel.table(row + "Server.")
    ranked = []
    for instance in table.instances.values():
        path = instance.path
        address = datamodel.text_value(path + "ServerAddress")
        if not datamodel.value(path + "Enable") or not address:
            continue
        priority = datamodel.int_value(path + "Priority")
        weight = datamodel.int_value(path + "Weight")
        port = datamodel.int_value(path + "Port") or XMPP_PORT
        ranked.append((priority, -weight, XmppServer(address, port)))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return tuple(server for _, _, server in ranked)


def is_enabled(datamodel: DataModel, row: str) -> bool:
    """The row's Enable."""
    return bool(datamodel.value(row + "Enable"))


def set_connection_state(
    datamodel: DataModel, row: str, status: str, *, jid: str | None = None, tls: bool = False
) -> None:
    """Status (LastChangeDate when it changes), TLSEstablished and, once known, JabberID."""
    if datamodel.node(row) is None:
        return
    values: dict[str, Value] = {row + "TLSEstablished": tls}
    if datamodel.value(row + "Status") != status:
        values[row + "Status"] = status
        values[row + "LastChangeDate"] = datetime.now(UTC)
    if jid is not None:
        values[row + "JabberID"] = jid[:3071]
    datamodel.set_many_local(values)


# ----------------------------------------------------------------- rules of the references
_ROW = re.compile(r"(?:Device|InternetGatewayDevice)\.XMPP\.Connection\.[1-9][0-9]{0,9}\.?")


def install_rules(datamodel: DataModel, management_server: ManagementServer) -> None:
    """ConnReqXMPPConnection may only name an existing row (fault 9007 otherwise)."""

    def check(node: ParameterNode, value: Value) -> None:
        del node
        reference = str(value)
        if not reference:
            return
        if _ROW.fullmatch(reference) is None or not reference.startswith(datamodel.root_name):
            raise ValueError(f"{reference!r} is not an XMPP.Connection row")
        if datamodel.node(reference.removesuffix(".") + ".") is None:
            raise ValueError(f"{reference} does not exist")

    datamodel.add_validator(management_server.path + "ConnReqXMPPConnection", check)


def follow_deletions(
    datamodel: DataModel, management_server: ManagementServer, changes: list[Change]
) -> None:
    """A deleted row empties the reference to it (a strong reference)."""
    reference = management_server.conn_req_xmpp_connection
    if not reference:
        return
    for change in changes:
        if change.kind is ChangeKind.DELETED and (reference + ".").startswith(change.path):
            datamodel.set_local(management_server.path + "ConnReqXMPPConnection", "")
            return


def concerns(row: str | None, management_server: ManagementServer, change: Change) -> bool:
    """Whether a change means the connection must start again."""
    if management_server.name_of(change.path) == "ConnReqXMPPConnection":
        return True
    if row is None or not change.path.startswith(row):
        return False
    if change.kind is not ChangeKind.VALUE:
        return True
    return change.path.rpartition(".")[2] not in STATE_PARAMETERS


def jid_allowed(sender: str, allowed: list[str]) -> bool:
    """ConnReqAllowedJabberIDs: a bare JID matches any resource, a full JID only itself."""
    if not allowed:
        return True
    full = _normalised(sender)
    bare = full.partition("/")[0]
    return any(
        entry == full or ("/" not in entry and entry == bare) for entry in map(_normalised, allowed)
    )


def _normalised(jid: str) -> str:
    """Local part and domain are case-insensitive; the resource is not."""
    bare, slash, resource = jid.strip().partition("/")
    return f"{bare.lower()}{slash}{resource}"
