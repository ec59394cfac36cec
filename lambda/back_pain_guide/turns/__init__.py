"""What a turn does, shared by the handlers.

Handler modules (``handlers/``) decide which requests they take and import what to do from
here, never from each other: ``answering`` (emergency words first, then the chunk that answers),
``reading`` (a topic read aloud), ``checklist`` (the spoken checklist's turns), ``follow_up``
(what yes and no do with the last offer) and ``navigation`` (start over).
"""
