"""Right of reply: a person claims their page (verified through a link sent to an official
address), then adds dated, signed responses that moderators approve. A response is shown
beside what it answers and never changes a stance. No Flask views here (tracker/web/replies.py).
"""
