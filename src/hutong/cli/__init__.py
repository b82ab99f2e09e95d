"""The `hutong` command."""
