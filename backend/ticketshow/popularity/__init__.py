"""Popularity forecasts: each upcoming screening's final occupancy and shows' and theatres' popularity,
trained nightly on past screenings and served from tables (never trained inside a request)."""
