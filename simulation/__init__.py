"""`duban simulate`: a city's year of hazards on the time-skipping server, with the real workflow code."""
