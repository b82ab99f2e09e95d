"""The egress proxy: a mini program's requests to its own servers that send no CORS headers."""
