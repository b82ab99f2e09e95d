"""Data rights: what each mini program holds about a signed-in user on the platform, to see, export and
delete. Each domain registers a provider (registry.py); providers.py lists them."""
