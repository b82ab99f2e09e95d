"""The developer and operator consoles: plain server-rendered pages over the same service functions."""
