"""Pledge campaigns: admins create and edit them (``campaigns.edit``); moderators make a
candidate's personal, single-use, expiring link, through which the candidate signs or declines
(``campaigns.links``). Every write is one change set through a Recorder; nothing here knows Flask.
"""
