"""Development data: the demonstration of ``make run`` and the synthetic region of the load
tests. Installed by the development and test settings only, never in production."""
