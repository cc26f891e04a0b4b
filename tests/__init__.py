"""Tests of the TR-069 integration."""
