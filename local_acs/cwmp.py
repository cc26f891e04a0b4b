"""The CWMP endpoint: sessions, authentication and the RPC exchange, GenieACS 1.2 style.

A POST is tied to its session by its TCP connection first, then by the ``session`` cookie
(a CPE may continue a session on a new connection).  Per session: Inform → InformResponse
(with ``Set-Cookie: session=<16 hex>``) → the CPE's requests, each answered → the CPE's
empty POST → the device's queued RPCs, one per HTTP response → ``204`` with
``Connection: close``.  Faults from the CPE answer the outstanding request.

With a device's ``hold_requests`` option the InformResponse carries ``HoldRequests`` 1, so
the CPE must send its empty POST before its own requests; the queued RPCs carry 1 while more
follow and 0 on the last one, and the first ``204`` then keeps the connection open (session
state back to "CPE requests") so the CPE can send the requests it held; its next empty POST
ends the session.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import logging
import re
import weakref

from aiohttp import web

from . import auth, inject
from .reachability import forget, learn, reported_values
from .records import CpeRequestRecord, InformRecord, Message, RpcResult, Session
from .rpc import RawBody
from .soap import (
    CONTENT_TYPE,
    CWMP_1_0,
    Envelope,
    EnvelopeError,
    element,
    envelope,
    fault_body,
    parse_envelope,
    text,
)
from .state import AcsState
from .validation import ValidationFailure

_LOGGER = logging.getLogger(__name__)

SERVER_NAME = "GenieACS/1.2.16 (local_acs)"

#: What GetRPCMethodsResponse lists: the CPE→ACS methods this ACS supports.
ACS_METHODS = (
    "Inform",
    "GetRPCMethods",
    "TransferComplete",
    "AutonomousTransferComplete",
    "RequestDownload",
    "Kicked",
)
_EMPTY_RESPONSES = frozenset(
    {
        "TransferComplete",
        "AutonomousTransferComplete",
        "RequestDownload",
        "DUStateChangeComplete",
        "AutonomousDUStateChangeComplete",
    }
)

# GenieACS accepts commas as separators, as some CPEs send them.
_COOKIE_RE = re.compile(r'\s*([a-zA-Z0-9\-_]+?)\s*=\s*"?([a-zA-Z0-9\-_]*?)"?\s*(,|;|$)')


def session_cookie(request: web.Request) -> str | None:
    """The last ``session`` value in the request's Cookie headers."""
    found = None
    for header in request.headers.getall("Cookie", []):
        for match in _COOKIE_RE.finditer(header):
            if match.group(1) == "session":
                found = match.group(2)
    return found


@dataclass
class _Post:
    """One CPE POST being handled."""

    request: web.Request
    transport: asyncio.BaseTransport
    body: bytes
    kind: str
    env: Envelope | None
    error: str | None
    session: Session | None = None
    connection: int = 0


def _classify(body: bytes) -> tuple[str, Envelope | None, str | None]:
    if not body.strip():
        return "empty", None, None
    try:
        env = parse_envelope(body)
    except EnvelopeError as err:
        return "invalid", None, str(err)
    return env.method, env, None


class CwmpEndpoint:
    """Handles POSTs to the CWMP path."""

    def __init__(self, state: AcsState) -> None:
        self.state = state
        self._by_transport: weakref.WeakKeyDictionary[asyncio.BaseTransport, Session] = (
            weakref.WeakKeyDictionary()
        )
        self._by_id: dict[str, Session] = {}
        self._nonces: weakref.WeakKeyDictionary[asyncio.BaseTransport, str] = (
            weakref.WeakKeyDictionary()
        )

    # ---------------------------------------------------------------- entry point

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Handle one CPE POST."""
        body = await request.read()
        transport = request.transport
        if transport is None or transport.is_closing():
            return web.Response(status=400)
        self.state.reap_sessions()
        post = _Post(request, transport, body, *_classify(body))
        post.session = self._find_session(post)
        if post.session is None:
            return self._no_session(post)
        self._attach(post)
        errors = self._validate(post)

        behaviour = self.state.take_behaviour(post.kind)
        if behaviour is not None:
            response = await self._apply(behaviour, post)
            if response is not None:
                return response
        session = post.session
        if post.error is not None:
            self.state.protocol_error(session, post.error)
            self.state.end_session(session, "invalid envelope")
            return self._plain(post, 400, post.error)
        if errors and self.state.strict:
            self.state.end_session(session, "schema validation failed")
            return self._plain(post, 400, "CWMP schema validation failed:\n" + "\n".join(errors))
        denied = self._authenticate(post)
        if denied is not None:
            return denied
        return await self._dispatch(post)

    # ---------------------------------------------------------------- sessions

    def _find_session(self, post: _Post) -> Session | None:
        session = self._by_transport.get(post.transport)
        if session is not None and session.ended:
            session = None
        if session is None:
            cookie = session_cookie(post.request)
            candidate = self._by_id.get(cookie) if cookie else None
            if candidate is not None and not candidate.ended:
                session = candidate
                if post.kind == "Inform" and session.state > 0:
                    # The CPE restarted: a new session from a new connection.
                    self.state.end_session(session, "superseded")
                    session = None
        if session is None and post.kind == "Inform":
            assert post.env is not None
            session = Session(post.env.namespace)
            serial = (post.env.args.get("DeviceId") or {}).get("SerialNumber")
            session.serial = str(serial) if serial is not None else None
            self.state.add_session(session)
            self._by_id[session.id] = session
        return session

    def _no_session(self, post: _Post) -> web.Response:
        why = post.error if post.kind == "invalid" else "Invalid session"
        self.state.protocol_error(None, f"{post.kind} POST outside a session: {why}")
        self.state.record(None, Message("cpe", post.body, post.env, 0))
        return self._plain(post, 400, why or "Invalid session")

    def _attach(self, post: _Post) -> None:
        session = post.session
        assert session is not None
        self._by_transport[post.transport] = session
        post.connection = session.use_transport(post.transport)
        session.awaiting_after_204 = False
        if session.state > 0:
            if session_cookie(post.request) == session.id:
                session.posts_with_cookie += 1
            else:
                session.posts_without_cookie += 1
            namespace = post.env.namespace if post.env else None
            # The CPE keeps the Inform's namespace, or follows the one the ACS answers in.
            allowed = {session.namespace, self._namespace(session)}
            if namespace and session.namespace and namespace not in allowed:
                self.state.protocol_error(
                    session, f"{post.kind} uses {namespace}, the Inform used {session.namespace}"
                )
        encoding = post.request.headers.get("Content-Encoding")
        message = Message("cpe", post.body, post.env, post.connection, encoding=encoding)
        self.state.record(session, message)

    def _validate(self, post: _Post) -> list[str]:
        if not post.body.strip() or not self.state.validator.available:
            return []
        errors = self.state.validator.errors(post.body)
        if errors:
            session = post.session
            serial = session.serial if session else None
            description = f"CPE {post.kind} (serial {serial}, session {session and session.id})"
            self.state.validation_failures.append(ValidationFailure(description, post.body, errors))
            _LOGGER.warning("%s is not schema-valid: %s", description, errors)
        return errors

    def _namespace(self, session: Session) -> str:
        return self.state.cwmp_namespace or session.namespace or CWMP_1_0

    # ---------------------------------------------------------------- responses

    def _record_response(self, post: _Post, status: int, data: bytes) -> None:
        env = None
        if data.strip():
            try:
                env = parse_envelope(data)
            except EnvelopeError:
                env = None
        if post.session is not None:
            post.session.hold_sent = bool(env and env.hold_requests)
        self.state.record(post.session, Message("acs", data, env, post.connection, status))

    def _soap(self, post: _Post, data: bytes, cookie: str | None = None) -> web.Response:
        headers = {"Content-Type": CONTENT_TYPE, "Server": SERVER_NAME, "SOAPServer": SERVER_NAME}
        if cookie is not None:
            headers["Set-Cookie"] = f"session={cookie}"
        self._record_response(post, 200, data)
        return web.Response(status=200, body=data, headers=headers)

    def _plain(
        self,
        post: _Post,
        status: int,
        body: str,
        headers: dict[str, str] | None = None,
        *,
        close: bool = True,
    ) -> web.Response:
        data = body.encode()
        self._record_response(post, status, data)
        response = web.Response(
            status=status, body=data, headers={"Server": SERVER_NAME, **(headers or {})}
        )
        if close:
            response.force_close()
        return response

    def _no_content(self, post: _Post, *, close: bool) -> web.Response:
        self._record_response(post, 204, b"")
        response = web.Response(status=204, headers={"Server": SERVER_NAME})
        if close:
            response.force_close()
        return response

    def _bad_state(self, post: _Post, why: str) -> web.Response:
        assert post.session is not None
        self.state.protocol_error(post.session, why)
        self.state.end_session(post.session, "bad session state")
        return self._plain(post, 400, "Bad session state")

    def _challenge(self, post: _Post, scheme: auth.Scheme) -> web.Response:
        nonce = auth.new_nonce()
        if scheme == "digest":
            self._nonces[post.transport] = nonce
        headers = {"WWW-Authenticate": auth.challenge(scheme, nonce)}
        return self._plain(post, 401, "Unauthorized", headers, close=False)

    # ---------------------------------------------------------------- injection

    async def _apply(self, behaviour: inject.Behaviour, post: _Post) -> web.StreamResponse | None:
        session = post.session
        assert session is not None
        name = type(behaviour).__name__
        _LOGGER.info("injecting %s on CPE %s POST", behaviour, post.kind)
        match behaviour:
            case inject.Delay(seconds=seconds):
                try:
                    await asyncio.sleep(seconds)
                except asyncio.CancelledError:  # the CPE hung up (aiohttp cancels the handler)
                    self.state.end_session(session, "CPE gave up during injected delay")
                    raise
                return None
            case inject.DropConnection():
                self.state.end_session(session, f"injected {name}")
                post.transport.close()
                return web.Response(status=400)
            case inject.Unauthorized(scheme=scheme):
                session.authenticated.discard(post.transport)
                return self._challenge(post, scheme)
            case inject.Fault(code=code, string=string):
                cwmp_id = post.env.cwmp_id if post.env else None
                return self._soap(
                    post,
                    envelope(cwmp_id or "", fault_body(code, string), self._namespace(session)),
                )
        self.state.end_session(session, f"injected {name}")
        match behaviour:
            case inject.ServiceUnavailable(retry_after=retry_after):
                headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
                return self._plain(post, 503, "503 Service Unavailable", headers)
            case inject.Redirect(location=location, status=status):
                return self._plain(post, status, "", {"Location": location})
            case inject.NotAnAcs(body=body, status=status, content_type=content_type):
                return self._plain(post, status, body, {"Content-Type": content_type})
        raise TypeError(f"unsupported behaviour {behaviour!r}")

    # ---------------------------------------------------------------- authentication

    def _authenticate(self, post: _Post) -> web.Response | None:
        credentials = self.state.credentials
        session = post.session
        assert session is not None
        if credentials is None or post.transport in session.authenticated:
            return None
        header = post.request.headers.get("Authorization")
        if auth.verify(header, "POST", credentials, self._nonces.get(post.transport)):
            session.authenticated.add(post.transport)
            session.auth_challenged = False
            return None
        if not session.auth_challenged:
            session.auth_challenged = True
            return self._challenge(post, credentials.scheme)
        self.state.end_session(session, "authentication failed")
        return self._plain(post, 401, "Unauthorized")

    # ---------------------------------------------------------------- CWMP exchange

    async def _dispatch(self, post: _Post) -> web.Response:
        session = post.session
        assert session is not None
        if post.kind == "Inform":
            return await self._inform(post)
        if session.state == 0:
            return self._bad_state(post, f"{post.kind} before the Inform")
        if post.kind == "empty":
            if session.state != 1 or session.outstanding is not None:
                return self._bad_state(post, "empty POST while an RPC response was expected")
            session.state = 2
            return self._next_rpc(post)
        assert post.env is not None
        if post.env.is_response:
            return self._response(post, post.env)
        return self._cpe_request(post, post.env)

    async def _inform(self, post: _Post) -> web.Response:
        session, env = post.session, post.env
        assert session is not None
        assert env is not None
        if session.state != 0:
            return self._bad_state(post, "Inform inside an established session")
        inform = InformRecord.from_envelope(env, post.body, session)
        device = self.state.device(inform.serial)
        if device.session is not None and device.session is not session:
            self.state.end_session(device.session, "superseded")
        device.session, device.device_id, device.last_inform = session, inform.device_id, inform
        if "0 BOOTSTRAP" in inform.event_codes:
            forget(device)
        learn(device, ((param.name, param.value) for param in inform.parameters))
        session.serial = inform.serial
        session.namespace = env.namespace or session.namespace
        session.informs.append(inform)
        self.state.informs.append(inform)
        for hook in self.state.inform_hooks:
            outcome = hook(inform)
            if outcome is not None:
                await outcome
        session.state = 1
        session.hold_requests = session.hold_phase = device.hold_requests
        self.state.notifier.notify()
        body = element("cwmp:InformResponse", element("MaxEnvelopes", "1"))
        hold = True if device.hold_requests else None
        data = envelope(
            env.cwmp_id or "",
            body,
            self._namespace(session),
            hold_requests=hold,
            use_cwmp_version=self.state.use_cwmp_version,
        )
        return self._soap(post, data, cookie=session.id)

    def _cpe_request(self, post: _Post, env: Envelope) -> web.Response:
        session = post.session
        assert session is not None
        if session.state != 1:
            return self._bad_state(
                post, f"CPE request {env.method} while ACS requests were pending"
            )
        if session.hold_sent:
            self.state.protocol_error(session, f"CPE sent {env.method} while HoldRequests was 1")
        method = env.method
        if method in _EMPTY_RESPONSES:
            body = element(f"cwmp:{method}Response")
        elif method == "GetRPCMethods":
            items = "".join(element("string", m) for m in ACS_METHODS)
            body = (
                "<cwmp:GetRPCMethodsResponse>"
                f'<MethodList soap-enc:arrayType="xsd:string[{len(ACS_METHODS)}]">{items}'
                "</MethodList></cwmp:GetRPCMethodsResponse>"
            )
        elif method == "Kicked":
            body = element(
                "cwmp:KickedResponse", element("NextURL", text(env.args.get("Next", "")))
            )
        else:
            body = fault_body(8000)
        if not body.startswith("<soap-env:Fault>"):
            self.state.cpe_requests.append(
                CpeRequestRecord(session.serial, method, env.args, env, session)
            )
        return self._soap(post, envelope(env.cwmp_id or "", body, self._namespace(session)))

    def _response(self, post: _Post, env: Envelope) -> web.Response:
        session = post.session
        assert session is not None
        task = session.outstanding
        if session.state != 2 or task is None:
            return self._bad_state(post, f"{env.method} without an outstanding request")
        session.outstanding = None
        id_matched = task.cwmp_id is None or env.cwmp_id == task.cwmp_id
        if not id_matched:
            self.state.protocol_error(
                session, f"{env.method} has cwmp:ID {env.cwmp_id!r}, expected {task.cwmp_id!r}"
            )
        expected = f"{task.method}Response"
        if env.fault is None and env.method != expected and not isinstance(task.request, RawBody):
            self.state.protocol_error(session, f"{env.method} answers a {task.method}")
        result = RpcResult(
            method=task.method,
            response_name=None if env.fault else env.method,
            response=None if env.fault else env.args,
            fault=env.fault,
            cwmp_id=env.cwmp_id,
            id_matched=id_matched,
            raw=post.body,
        )
        learn(self.state.device(task.serial), reported_values(task.request, result))
        task.set_result(result)
        self.state.notifier.notify()
        return self._next_rpc(post)

    def _next_rpc(self, post: _Post) -> web.Response:
        session = post.session
        assert session is not None
        assert session.serial is not None
        device = self.state.device(session.serial)
        if device.queue:
            task = device.queue.popleft()
            cwmp_id = session.next_cwmp_id()
            hold = bool(device.queue) if session.hold_phase else None
            task.status, task.session = "sent", session
            task.attempts += 1
            task.cwmp_id = None if isinstance(task.request, RawBody) else cwmp_id
            session.outstanding = task
            return self._soap(post, task.request.render(cwmp_id, self._namespace(session), hold))
        if session.hold_phase:
            # Let the CPE send the requests it held back; its next empty POST ends the session.
            session.hold_phase = False
            session.state = 1
            session.awaiting_after_204 = True
            return self._no_content(post, close=False)
        self.state.end_session(session, "completed")
        return self._no_content(post, close=True)
