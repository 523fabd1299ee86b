-- FerretDB 1.24 on PostgreSQL pushes equality filters ({f: v}, and {_id: v}) down to SQL as
-- `_jsonb -> 'f' @> v`, but builds each MongoDB index as a btree on `(_jsonb -> 'f')`, which
-- `@>` cannot use: without help every lookup scans its table (~45 ms at 100k documents).
-- This event trigger gives each such btree a GIN (jsonb_path_ops) companion on the same
-- expression, which `@>` does use (~2 ms), so the local store finds documents by key the way
-- MongoDB does. A compound index ({memberId: 1, at: -1}) gets one on its leading field, as
-- MongoDB would use its prefix for an equality on that field; an expression already served by
-- a GIN index of the table gets no second. Applied by scripts/infra/start-one.sh on every
-- FerretDB start; idempotent.

CREATE OR REPLACE FUNCTION crm_gin_companion(btree_index oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  idx record;
BEGIN
  SELECT i.indexrelid, i.indrelid, i.indrelid::regclass AS tbl, c.relname AS name,
         n.nspname AS schema, pg_get_indexdef(i.indexrelid, 1, true) AS expr
    INTO idx
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_am am ON am.oid = c.relam
   WHERE i.indexrelid = btree_index AND am.amname = 'btree' AND i.indexprs IS NOT NULL;
  -- Only FerretDB's indexes on top-level fields, by the first: (_jsonb -> 'field'::text).
  IF idx.expr IS NULL OR idx.expr !~ '^\(?_jsonb -> ''[^'']+''::text\)?$' THEN
    RETURN;
  END IF;
  IF EXISTS (SELECT 1
               FROM pg_index g
               JOIN pg_class gc ON gc.oid = g.indexrelid
               JOIN pg_am gam ON gam.oid = gc.relam
              WHERE g.indrelid = idx.indrelid AND gam.amname = 'gin'
                AND pg_get_indexdef(g.indexrelid, 1, true) = idx.expr) THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((%s) jsonb_path_ops)',
                 left(idx.name, 59) || '_gin', idx.tbl, idx.expr);
END;
$$;

CREATE OR REPLACE FUNCTION crm_gin_companions_on_ddl() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  cmd record;
BEGIN
  FOR cmd IN SELECT * FROM pg_event_trigger_ddl_commands()
             WHERE command_tag = 'CREATE INDEX' AND object_type = 'index' LOOP
    PERFORM crm_gin_companion(cmd.objid);
  END LOOP;
END;
$$;

DROP EVENT TRIGGER IF EXISTS crm_gin_companions;
CREATE EVENT TRIGGER crm_gin_companions ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION crm_gin_companions_on_ddl();

-- Indexes created before the trigger existed.
SELECT crm_gin_companion(i.indexrelid)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public')
   AND n.nspname NOT LIKE 'pg_%';
