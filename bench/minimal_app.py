"""The stack's limit for the web-intake benchmark: Flask + Flask-WTF + SQLAlchemy, one INSERT per POST.

GET /form shows a CSRF-protected form; POST validates it and inserts one row, then redirects
(303), exactly the round trip bench/web_intake.py drives against the real form. Served with
gunicorn by the benchmark: ``gunicorn -w 4 --chdir bench minimal_app:app`` with
MINIMAL_DATABASE_URL set.
"""

from __future__ import annotations

import os

from flask import Flask, redirect, render_template_string
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from sqlalchemy import Integer, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class Base(DeclarativeBase):
    """Declarative base of the one table."""


db = SQLAlchemy(model_class=Base)


class Opinion(db.Model):
    """One submitted row."""

    __tablename__ = "minimal_opinion"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    phone: Mapped[str] = mapped_column(Text, default="")


class OpinionForm(FlaskForm):
    """Two fields and the CSRF token."""

    body = TextAreaField("body", validators=[DataRequired(), Length(min=10, max=10_000)])
    phone = StringField("phone")


PAGE = """<!doctype html><form method="post" action="/form">{{ form.csrf_token }}
{{ form.body() }}{{ form.phone() }}<button>send</button></form>"""

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("SECRET_KEY", "minimal-benchmark-key"),
    SQLALCHEMY_DATABASE_URI=os.environ["MINIMAL_DATABASE_URL"],
    WTF_CSRF_TIME_LIMIT=None,
)
db.init_app(app)


@app.route("/form", methods=["GET", "POST"])
def form() -> object:
    """The form; a valid POST inserts one row and redirects."""
    opinion = OpinionForm()
    if opinion.validate_on_submit():
        db.session.add(Opinion(body=opinion.body.data, phone=opinion.phone.data or ""))
        db.session.commit()
        return redirect("/done", 303)
    return render_template_string(PAGE, form=opinion), 400 if opinion.is_submitted() else 200


def create_tables() -> None:
    """Create the table (the benchmark calls this once before starting gunicorn)."""
    with app.app_context():
        db.create_all()
