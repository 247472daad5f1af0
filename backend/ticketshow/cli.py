"""`flask --app ticketshow prepare`: migrate and seed, once, before the web server forks its workers.
`flask --app ticketshow demo`: load the demo catalogue on demand (idempotent).
`flask --app ticketshow staff-doc`: rewrite the routes-and-permissions table of docs/staff.md.
`flask --app ticketshow forecast`: run the nightly popularity forecast now, in this process."""

from __future__ import annotations

import click
from flask import current_app


def register_cli(app) -> None:
    @app.cli.command("prepare")
    def prepare():
        """Create or upgrade the database; on a new database create the admin and, unless DEMO_DATA=0,
        load the demo catalogue."""
        from flask_migrate import upgrade  # only here: web workers never load Alembic

        from .auth import service as auth_service
        from .config import secure_data_dir

        settings = current_app.config["SETTINGS"]
        secure_data_dir(settings.data_dir, existing_files=True)  # files made by older versions too
        upgrade()
        user, generated = auth_service.ensure_admin(settings.data_dir, settings.admin_username, settings.admin_password)
        if user and generated:
            click.echo(
                click.style(
                    f"Admin created: username '{user.username}', password '{generated}'. "
                    f"It is shown once; it is also in {settings.data_dir / 'admin-password.txt'} (mode 600).",
                    fg="yellow",
                    bold=True,
                )
            )
        elif user:
            click.echo(f"Admin created: username '{user.username}' (password from ADMIN_PASSWORD).")
        if user and settings.demo_data:  # a new database: the admin was created just now
            from .demo.loader import load_demo

            click.echo(str(load_demo(settings.data_dir)))
        click.echo("Database ready.")

    @app.cli.command("staff-doc")
    def staff_doc():
        """Rewrite the table of routes and their permissions in docs/staff.md from the app's URL map."""
        from pathlib import Path

        from . import policy

        path = Path(__file__).resolve().parents[2] / "docs" / "staff.md"
        policy.write_route_table(current_app, path)
        click.echo(f"Updated {path}.")

    @app.cli.command("demo")
    def demo():
        """Load the demo catalogue (theatres, shows, screenings, demo users); does nothing if it is there."""
        from .demo.loader import load_demo

        click.echo(str(load_demo(current_app.config["SETTINGS"].data_dir)))

    @app.cli.command("forecast")
    def forecast():
        """Retrain the popularity model and forecast every upcoming screening now (as the nightly job does)."""
        from .popularity.service import run_forecast

        click.echo(str(run_forecast()))
