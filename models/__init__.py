"""Shipped pipelines: each subfolder with a config.cfg is a spaCy pipeline loadable offline."""
