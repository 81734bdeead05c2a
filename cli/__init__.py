"""`duban`, the command line (`cli/main.py`): on top of everything else."""
