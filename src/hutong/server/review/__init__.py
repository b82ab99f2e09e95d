"""Review: developers submit a version, operators approve or reject it with a reason."""
