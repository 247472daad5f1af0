"""Job records shared by every async job: state, progress, result and error, and who asked."""
