"""Column helpers shared by the read model's tables."""

from sqlalchemy import Column, DateTime


def utc_column(nullable: bool = True, index: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(DateTime(timezone=True), nullable=nullable, index=index)
