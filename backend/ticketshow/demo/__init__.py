"""The demo catalogue a new database gets (unless DEMO_DATA=0): theatres, shows with generated posters,
screenings, demo users with bookings and ratings. `loader.load_demo(data_dir)` loads it, idempotently.

catalogue.py holds the data, posters.py draws the pictures, loader.py writes it all through the services.
"""
