"""Configuration-file formats; each module registers itself with the registry."""
