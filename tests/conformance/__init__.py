"""Conformance suite: every CPE RPC of TR-069 Amendment 6 against GenieACS's own bytes."""
