import { createTestSchema, type TestSchema } from '@shoplens/stack/testing';
import { KPI_TABLES, type KpiColumn, type KpiColumnKind } from '@shoplens/transforms';
import { sql, type Kysely } from 'kysely';
import { createWarehouse } from './create-warehouse.js';
import type { Database } from './database.js';
import { migrateToLatest } from './migrator.js';

/** How the warehouse stores each column kind, as information_schema names it. */
const SQL_TYPES: Readonly<Record<KpiColumnKind, { type: string; length: number | null }>> = {
  day: { type: 'date', length: null },
  text: { type: 'text', length: null },
  currency: { type: 'character', length: 3 },
  int8: { type: 'bigint', length: null },
  instant: { type: 'timestamp with time zone', length: null },
};

interface ColumnShape {
  readonly name: string;
  readonly type: string;
  readonly length: number | null;
  readonly nullable: boolean;
}

interface TableShape {
  readonly columns: readonly ColumnShape[];
  readonly primaryKey: readonly string[];
}

function described(): Record<string, TableShape> {
  return Object.fromEntries(
    Object.values(KPI_TABLES).map((table) => [
      table.table,
      {
        columns: Object.entries(table.zonedColumns as Readonly<Record<string, KpiColumn>>).map(
          ([name, column]) => ({ name, ...SQL_TYPES[column.kind], nullable: column.nullable }),
        ),
        primaryKey: table.primaryKey,
      },
    ]),
  );
}

async function migrated(db: Kysely<Database>): Promise<Record<string, TableShape>> {
  const columns = await sql<{
    table_name: string;
    column_name: string;
    data_type: string;
    character_maximum_length: number | null;
    is_nullable: 'YES' | 'NO';
  }>`
    select table_name, column_name, data_type, character_maximum_length, is_nullable
    from information_schema.columns
    where table_schema = current_schema() and table_name like 'kpi\\_%'
    order by table_name, ordinal_position`.execute(db);
  const keys = await sql<{ table_name: string; column_name: string }>`
    select k.table_name, k.column_name
    from information_schema.table_constraints c
    join information_schema.key_column_usage k
      on k.constraint_schema = c.constraint_schema and k.constraint_name = c.constraint_name
    where c.constraint_type = 'PRIMARY KEY' and c.table_schema = current_schema()
      and c.table_name like 'kpi\\_%'
    order by k.table_name, k.ordinal_position`.execute(db);
  const out: Record<string, { columns: ColumnShape[]; primaryKey: string[] }> = {};
  const table = (name: string) => (out[name] ??= { columns: [], primaryKey: [] });
  for (const c of columns.rows)
    table(c.table_name).columns.push({
      name: c.column_name,
      type: c.data_type,
      length: c.character_maximum_length,
      nullable: c.is_nullable === 'YES',
    });
  for (const k of keys.rows) table(k.table_name).primaryKey.push(k.column_name);
  return out;
}

describe('the migrated KPI tables', () => {
  let schema: TestSchema;
  let db: Kysely<Database>;

  beforeAll(async () => {
    schema = await createTestSchema('kpi_tables');
    db = createWarehouse(schema.url);
    await migrateToLatest(db);
  });

  afterAll(async () => {
    await db.destroy();
    await schema.drop();
  });

  it('are the tables the KPI descriptors describe: columns in order, types, nulls and keys', async () => {
    expect(await migrated(db)).toEqual(described());
  });
});
