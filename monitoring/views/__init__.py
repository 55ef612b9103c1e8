"""Monitoring pages, one module per page family: ``dashboard`` (figures on a day and the records
behind them), ``reports`` (periods, the schools' reports and their review), ``targets``,
``questionnaires`` (and a school's answers), ``summaries`` (the period's and the region's);
``common`` holds what they share."""
