"""The ``facet`` command (entry point ``web.cli.main:main``) and its sub-commands."""
