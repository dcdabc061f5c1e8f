"""Accounts: users and their roles, passwords, invitations, mail (no Flask views here)."""
