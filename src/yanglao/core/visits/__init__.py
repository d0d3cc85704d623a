"""Visits to elders at risk (探访关爱), the pure part: who is a target, in which risk tier, how often.

- :mod:`.conditions`: the cases around the catalogue rule language in the parameter files, and the reasons;
- :mod:`.model`, :mod:`.reader`, :mod:`.params`: the per-jurisdiction YAML files — what they hold,
  reading one strictly, merging a file with its ancestors and checking the whole;
- :mod:`.targets`: one person record + parameters + date → a target with its tier and reasons, or none;
- :mod:`.schedule`: intervals (days or calendar months), due dates, overdue, "on schedule";
- :mod:`.assign`: balanced assignment of targets to visitors;
- :mod:`.cli`: ``yanglao visits targets`` (no database).
"""
