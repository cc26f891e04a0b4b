"""Tests of the local ACS (the test peer in /local_acs)."""
