"""Date and number formats that differ from Django's own (FORMAT_MODULE_PATH).

Spanish here is the Spanish of people living in the United States: full dates written out, the
12-hour clock, and a period for decimals with a comma for thousands, as in the documents they read
beside English ones. The reasons are in docs/decisions/0019-languages.md.
"""
