"""The data-conflict list (no identifier in its URL): a menu link for every role that reads people."""

MENU = {"conflicts": "persons.read"}
