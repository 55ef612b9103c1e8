"""The demonstration data of ``make run`` (``manage.py load_demo_data``)."""
