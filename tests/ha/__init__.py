"""Home Assistant tests of the TR-069 integration, against the local ACS."""
