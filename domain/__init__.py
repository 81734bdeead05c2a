"""Pure rules of the hazard lifecycle: who may do what, in which state, with which body.

One rule, two doors: the workflow's update validators and the API both call these functions.
No I/O, no clock (the caller passes `now`), so workflow code can import them.
"""
