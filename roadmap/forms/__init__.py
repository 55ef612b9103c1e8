"""The roadmap's forms, one module per page family as the views are: ``editor``,
``executions``, ``documents``, ``dashboard``. Forms list their fields explicitly: a posted
field that is not listed is ignored."""
