"""Moderation: who is trusted, what is locked, and the decisions moderators take."""
