"""People: users (one table for end users, developers and operators), sessions, API tokens, organizations."""
