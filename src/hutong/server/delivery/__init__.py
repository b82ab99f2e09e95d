"""Package delivery: immutable, content-addressed bundles and the runtime's static files."""
