"""The CWMP (TR-069) protocol core of the integration.

Nothing in this package imports Home Assistant: it is a typed, asyncio CPE agent
(SOAP codec, session engine, RPC handlers, data model, transfers, Connection
Request server) that the Home Assistant layer wires to config entries, entities
and storage, and that ``scripts/cpe`` runs headless.
"""
