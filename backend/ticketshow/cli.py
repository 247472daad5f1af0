"""`flask --app ticketshow prepare`: migrate and seed, once, before the web server forks its workers."""
from __future__ import annotations

import click
from flask import current_app


def register_cli(app) -> None:
    @app.cli.command("prepare")
    def prepare():
        """Create or upgrade the database and create the admin on a new database."""
        from flask_migrate import upgrade  # only here: web workers never load Alembic

        from .auth import service as auth_service

        settings = current_app.config["SETTINGS"]
        upgrade()
        user, generated = auth_service.ensure_admin(settings.data_dir, settings.admin_username,
                                                    settings.admin_password)
        if user and generated:
            click.echo(click.style(
                f"Admin created: username '{user.username}', password '{generated}'. "
                f"It is shown once; it is also in {settings.data_dir / 'admin-password.txt'} (mode 600).",
                fg="yellow", bold=True))
        elif user:
            click.echo(f"Admin created: username '{user.username}' (password from ADMIN_PASSWORD).")
        click.echo("Database ready.")
