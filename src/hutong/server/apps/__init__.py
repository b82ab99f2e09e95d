"""Mini programs and their releases."""
