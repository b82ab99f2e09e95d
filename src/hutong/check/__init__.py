"""`hutong check`: compile a mini program, open every page in headless Chromium, report what broke."""
