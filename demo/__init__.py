"""``scripts/demo``: a real Home Assistant with the tr069 integration and the bundled ACS.

The orchestrator (:mod:`demo.orchestrator`) prepares ``.demo/config``, starts the local ACS
in this process and Home Assistant in its own, connects the integration to the ACS through
the config flow, and has the ACS push a meters file, then an updated one.
"""
