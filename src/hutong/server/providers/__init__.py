"""Service providers (WeChat's third-party platforms): an organization registered as a provider builds
one mini program template and deploys it to many merchants' apps on their behalf (docs/providers.md)."""
