"""Real servers for the tests: Prosody (XMPP), coturn (STUN), and a NAT in network namespaces.

They are Debian packages that ``scripts/install-servers`` installs; a test that
needs one that is missing fails, loudly, instead of skipping.
"""
