"""The facility network's rules, pure Python (no Django): the facility file format, the network and
planning checks over aggregated frames (Polars), their parameters as dated data with references, and the
geometry they need (straight-line distances)."""
