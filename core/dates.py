from dateutil.relativedelta import relativedelta


def add_months(moment, months):
    """The same wall-clock time `months` later (earlier when negative), the day clamped to the
    month's end (31 January + 1 month is 28 or 29 February). Always count from the fixed start:
    adding one month k times drifts to the shortest month's day."""
    return moment + relativedelta(months=months)
