"""Spanish formats for readers in the United States (docs/decisions/0019-languages.md)."""

# "2 de diciembre de 2026": month names written out, never an all-digit date that reads one way
# in Mexico (2/12) and another on U.S. forms (12/2).
DATE_FORMAT = r"j \d\e F \d\e Y"
TIME_FORMAT = "g:i a"
DATETIME_FORMAT = r"j \d\e F \d\e Y, g:i a"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
SHORT_DATE_FORMAT = r"j b Y"
SHORT_DATETIME_FORMAT = r"j b Y, g:i a"
FIRST_DAY_OF_WEEK = 0  # Sunday, as on U.S. calendars
# The first input format is also how a date field's value is written back into the page: it must be
# ISO, the only form an <input type="date"> takes. Typed dates are read day first, as Spanish
# speakers write them.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
# 1,234.5: the period for decimals, as in Mexico, Central America, the Caribbean and every U.S.
# document; a comma decimal would make 1,500 mean one and a half.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
