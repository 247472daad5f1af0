"""E-tickets: signed ticket codes (codes.py), check-in at the door (service.py), calendar files."""
