"""Statistics of the older population and the basic services: definitions, suppression, ranking.

Pure Python (no Django): the stats app computes the figures with SQL aggregates and hands them here
to be labelled, suppressed for publication, ranked and drawn.
"""
