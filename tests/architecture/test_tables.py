"""The Piccolo classes describe the database the migrations build: every table has exactly one registered class,
and each class has the table's columns, no more and no fewer, each of the same kind of type."""

from __future__ import annotations

import importlib
from collections import defaultdict
from pathlib import Path
from typing import Any

from piccolo.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    BigSerial,
    Boolean,
    Bytea,
    Column,
    Date,
    Integer,
    Numeric,
    Serial,
    SmallInt,
    Text,
    Timestamp,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from shared.db import Scope, current_connection, tenant_transaction

ROOT = Path(__file__).resolve().parents[2]
BOOKKEEPING = {"migration"}  # Piccolo's own

# PostgreSQL's type names (pg_type.typname) by family.
FAMILY_OF_TYPE = {
    "uuid": "uuid",
    "text": "text",
    "varchar": "text",
    "bpchar": "text",
    "int2": "integer",
    "int4": "integer",
    "int8": "integer",
    "bool": "boolean",
    "date": "date",
    "timestamptz": "timestamptz",
    "timestamp": "timestamp",
    "numeric": "numeric",
    "jsonb": "jsonb",
    "json": "json",
    "bytea": "bytea",
}
# Piccolo's column classes by family; subclasses first (JSONB is a JSON, Varchar is not a Text).
FAMILY_OF_COLUMN: list[tuple[type[Column], str]] = [
    (UUID, "uuid"),
    (Serial, "integer"),
    (BigSerial, "integer"),
    (Varchar, "text"),
    (Text, "text"),
    (SmallInt, "integer"),
    (BigInt, "integer"),
    (Integer, "integer"),
    (Boolean, "boolean"),
    (Date, "date"),
    (Timestamptz, "timestamptz"),
    (Timestamp, "timestamp"),
    (Numeric, "numeric"),
    (JSONB, "jsonb"),
    (JSON, "json"),
    (Bytea, "bytea"),
]


def column_family(column: Column) -> str:
    if isinstance(column, Array):
        return column_family(column.base_column) + "[]"
    for cls, family in FAMILY_OF_COLUMN:
        if isinstance(column, cls):
            return family
    return f"unknown ({type(column).__name__})"


def registered() -> list[type[Table]]:
    from app.piccolo_conf import APP_REGISTRY

    return [cls for config in APP_REGISTRY.app_configs.values() for cls in config.table_classes]


def defined() -> set[type[Table]]:
    """Every Table class of the domains' and the kernel's tables modules."""
    found: set[type[Table]] = set()
    for path in [ROOT / "tenants" / "tables.py", *ROOT.glob("services/*/tables.py"), *ROOT.glob("shared/tables.py")]:
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        found |= {
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Table) and value.__module__ == module.__name__
        }
    return found


async def database_columns() -> dict[str, dict[str, str]]:
    """Each table of the public schema with its columns' type families, from the catalog (not
    information_schema, which hides what the app role may not read). Generated columns are left out: a class
    must not list them, since Piccolo writes every column it knows on insert."""
    async with tenant_transaction(Scope()):
        rows = await current_connection().fetch(
            """SELECT c.relname AS table_name, a.attname AS column_name,
                      CASE WHEN t.typcategory = 'A' THEN e.typname ELSE t.typname END AS type_name,
                      t.typcategory = 'A' AS is_array
               FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
               JOIN pg_type t ON t.oid = a.atttypid
               LEFT JOIN pg_type e ON e.oid = t.typelem
               WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"""
        )
    tables: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        family = FAMILY_OF_TYPE.get(row["type_name"], f"unknown ({row['type_name']})")
        tables[row["table_name"]][row["column_name"]] = family + ("[]" if row["is_array"] else "")
    return {name: columns for name, columns in tables.items() if name not in BOOKKEEPING}


def test_every_table_class_is_registered_once() -> None:
    classes = registered()
    assert len(classes) == len(set(classes)), "a class is registered by two apps"
    assert set(classes) == defined(), "a tables module defines a class no piccolo_app lists, or the reverse"


async def test_every_table_has_one_class_with_its_columns(app: Any) -> None:
    database = await database_columns()
    assert len(database) > 30  # the catalog query sees the schema
    by_table: dict[str, list[type[Table]]] = defaultdict(list)
    for cls in registered():
        by_table[cls._meta.tablename].append(cls)
    problems = [f"{name}: no Piccolo class" for name in sorted(set(database) - set(by_table))]
    problems += [f"{name}: no such table" for name in sorted(set(by_table) - set(database))]
    problems += [
        f"{name}: {len(classes)} classes ({', '.join(c.__name__ for c in classes)})"
        for name, classes in sorted(by_table.items())
        if len(classes) > 1
    ]
    for name, classes in sorted(by_table.items()):
        if name not in database:
            continue
        ours = {column._meta.db_column_name: column_family(column) for column in classes[0]._meta.columns}
        theirs = database[name]
        problems += [f"{name}.{column}: not in the class" for column in sorted(set(theirs) - set(ours))]
        problems += [f"{name}.{column}: not in the table" for column in sorted(set(ours) - set(theirs))]
        problems += [
            f"{name}.{column}: the class says {ours[column]}, the table {theirs[column]}"
            for column in sorted(set(ours) & set(theirs))
            if ours[column] != theirs[column]
        ]
    assert not problems, "\n".join(problems)
