"""`duban simulate`: a city's year of hazards on the time-skipping server, with the real workflow code.

A seeded random model (arrival rate by month; shares of major hazards, of enterprises that are late, that ask
for extensions, whose verification fails, that miss an interview; of government steps taken late) decides what
each simulated actor does and when. The simulation drives the server's clock one day at a time with
`env.sleep`: every morning at 09:00 Asia/Shanghai the day's new hazards are started and the enterprises and
the county and city supervisors act through Updates (a few at a time, each short); the reminders, lapses
and rungs fire on their own in between. The projection is an in-memory stand-in that keeps each hazard's last
state: the metrics of docs/domain.md §10 are computed from it at year end. The same seed gives the same
figures; two profiles on the same seed give a side-by-side comparison.

The modules: `model.py` (the model, the actors' identities, each hazard's plan), `projection.py` (the
in-memory read model), `actors.py` (what each actor does today), `year.py` (the day loop on the servers),
`metrics.py` (the year's figures), `report.py` (profiles, the table, the run the CLI starts).
"""
