"""One registry per process: each human action declared once (body, who, when, task and clock, words).

Pure data over `models/`: the workflows' Update handlers and validators, the API routes and their schemas,
the UI forms, the task list and the refusal words are all derived from it.
"""
