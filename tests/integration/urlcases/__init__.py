"""URL policy cases by area: each module holds ``CASES`` (URL name → :class:`~tests.integration.urlpolicy.Case`)
and, for the links it adds to the menu, ``MENU`` (URL name → verb). :mod:`tests.integration.test_url_policy`
gathers them all; one URL name may have one case only."""
