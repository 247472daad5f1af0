"""The monthly entertainment report: numbers (service), HTML email and A4 PDF (templates), delivery (tasks)."""
