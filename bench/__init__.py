"""Benchmarks of the TR-069 agent on loopback against the local ACS (``scripts/bench``).

``scripts/bench [--quick] [--json PATH] [--only NAME ...] [--validate] [--profile]``
runs every benchmark, prints a table and writes JSON (default ``.bench/results.json``).

Every figure is measured in the same run as its *floor*, interleaved with it: the same
work done by the simplest possible code (a bare aiohttp client replaying the agent's
recorded envelopes, expat alone, a plain string join, a dict ...), so that the ratio
between them holds on a noisy machine.  ``ratio`` = agent cost / floor cost, from the
medians (above 1: costlier), whatever the direction of the unit.  ``p95`` is on the bad
side (for rates, 95 % of the samples are faster).  Targets are checked on the statistic
they name and printed as met or MISSED.  Nothing is hard-coded: a figure that cannot be
measured is n/a.

The ACS runs in its own process (:mod:`bench.acs_server`), and so does Home Assistant
(:mod:`bench.ha_worker`); the agent runs in this one, so the process CPU clock measures
the agent alone.  Benchmarks (each a module with ``run(ctx)`` and ``FIGURES``):

* :mod:`bench.sessions`: whole sessions per second, agent CPU per session, the 32-name
  GetParameterValues and the 3-parameter SetParameterValues.
* :mod:`bench.large_tree`: GetParameterNames / GetParameterValues of ~10,000 and
  ~40,000 parameters: latency, bytes, peak memory, loop stalls, memory per parameter.
* :mod:`bench.config_files`: parsing and applying files of 100 to 10,000 meters.
* :mod:`bench.home_assistant`: from the Download to 3,000 sensors in Home Assistant.
* :mod:`bench.connection_request`: GET -> 200 and GET -> Inform at the ACS.
* :mod:`bench.idle`: CPU per hour with a periodic Inform every 300 s.

How meters enter the data model is :func:`bench.tree.meter_tree` (the meter extension).
"""
