"""Insert rows with the SQL the ORM compiled once: the hot path of a partner report.

Kept in core because the report's rows (intake) and its outbox row (core.outbox) share it.
"""

from __future__ import annotations

from django.db import connections, router
from django.db.models import Model
from django.db.models.sql import InsertQuery

_INSERT_SQL: dict[tuple[str, type[Model], int], tuple[str, list, bool]] = {}


def insert_rows(objs: list[Model]) -> None:
    """INSERT rows of one model and set their ids, with the SQL the ORM wrote once per shape.

    `Model.save()` compiles the same INSERT for every report: profiled, that compilation and
    the save machinery around it were the largest part of the web process's CPU per report
    (docs/benchmarks.md, "bench/intake.py"). Here the ORM's own compiler writes the statement
    the first time a (database, model, row count) is seen; later calls only convert the
    values the way it does (`field.pre_save`, then `get_db_prep_save`) and execute. The model
    stays the source of truth: no column name or placeholder is written by hand. Only for
    models with no save() override and no save signal receivers: the intake models and the
    outbox row (intake/tests/test_insert_path.py checks that).
    """
    model = type(objs[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    key = (alias, model, len(objs))
    cached = _INSERT_SQL.get(key)
    if cached is None:
        query = InsertQuery(model)
        query.insert_values(fields, objs)
        compiler = query.get_compiler(using=alias)
        compiler.returning_fields = meta.db_returning_fields
        [(sql, params)] = compiler.as_sql()
        n = len(objs)
        if len(params) == len(fields) * n and not (n > 1 and len(params) == len(fields)):
            by_column = False  # VALUES (%s, …), (%s, …): the values row after row
        elif n > 1 and len(params) == len(fields) and all(isinstance(p, list) and len(p) == n for p in params):
            by_column = True  # PostgreSQL's UNNEST((%s)::type[], …): one array per column
        else:  # a field with its own placeholder: not for this path
            raise RuntimeError(f"{model.__name__}: the ORM's INSERT does not take one value per field")
        cached = _INSERT_SQL[key] = (sql, fields, by_column)
    sql, fields, by_column = cached
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    params = [list(column) for column in zip(*rows)] if by_column else [v for row in rows for v in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for obj, row in zip(objs, rows, strict=True):
        for value, field in zip(row, meta.db_returning_fields, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = alias
