"""Discovery: search, mini program codes and links."""
