"""What several apps share: the domain error base, date arithmetic. It imports none of the apps."""
