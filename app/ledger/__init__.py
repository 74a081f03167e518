"""The rules of the register (DOMAIN.md), in plain Python: no Qt here."""
