"""Tests of the CWMP protocol core (plain asyncio, no Home Assistant)."""
