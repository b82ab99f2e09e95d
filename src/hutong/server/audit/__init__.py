"""The audit log: who did what to which app, and when."""
