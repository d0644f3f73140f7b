import {
  CURATED_DATASETS,
  CURATED_DICTIONARY_COLUMNS,
  EVENT_TYPES,
  type CuratedDataset,
} from '@shoplens/schemas';
import {
  nativeAddon,
  type CuratedColumn,
  type CuratedParquet,
  type ParquetKind,
} from '@shoplens/native';
import { DataType, type Field } from 'apache-arrow';
import { ITEM_NUMBERS, ITEM_STRINGS, RECORD_NUMBERS, RECORD_STRINGS } from './event-record.js';

/** Where a spill record holds the value of a curated column (`perItem`: of an order item). */
function sourceOf(
  name: string,
  perItem: boolean,
): Pick<CuratedColumn, 'source' | 'index'> | undefined {
  if (name === 'event_time') return { source: 'time', index: 0 };
  if (name === 'event_type') return { source: 'type', index: 0 };
  if (perItem && name === 'line') return { source: 'line', index: 0 };
  const lists = [
    ...(perItem
      ? ([
          ['item_string', ITEM_STRINGS],
          ['item_number', ITEM_NUMBERS],
        ] as const)
      : []),
    ['string', RECORD_STRINGS],
    ['number', RECORD_NUMBERS],
  ] as const;
  for (const [source, names] of lists) {
    const index = (names as readonly string[]).indexOf(name);
    if (index >= 0) return { source, index };
  }
  return undefined;
}

/** How the compiled writer holds a column of an Arrow field's type. */
export function parquetKind(field: Field): ParquetKind {
  if (DataType.isUtf8(field.type)) return 'utf8';
  if (DataType.isFixedSizeBinary(field.type) && field.type.byteWidth === 16) return 'fixed16';
  if (DataType.isTimestamp(field.type)) return 'timestamp_ms';
  if (DataType.isInt(field.type) && field.type.bitWidth === 32) return 'int32';
  if (DataType.isInt(field.type) && field.type.bitWidth === 64) return 'int64';
  throw new Error(`column ${field.name}: no Parquet kind for ${String(field.type)}`);
}

function curatedKind(field: Field): CuratedColumn['kind'] {
  const kind = parquetKind(field);
  if (kind === 'fixed16') throw new Error(`curated column ${field.name}: no fixed-size columns`);
  return kind;
}

/**
 * The compiled writer's columns for a curated dataset, from its Arrow schema (the one
 * definition of the curated tables, @shoplens/schemas) and the spill record's layout.
 */
export function curatedColumns(dataset: CuratedDataset): CuratedColumn[] {
  const perItem = dataset === 'order_items';
  const dictionary = new Set(CURATED_DICTIONARY_COLUMNS[dataset]);
  return CURATED_DATASETS[dataset].fields.map((field) => {
    const source = sourceOf(field.name, perItem);
    if (source === undefined)
      throw new Error(`curated column ${field.name}: a spill record does not hold it`);
    return {
      name: field.name,
      kind: curatedKind(field),
      nullable: field.nullable,
      dictionary: dictionary.has(field.name),
      ...source,
    };
  });
}

/**
 * The compiled Parquet writer of a curated dataset (curated_parquet.rs), fed spill
 * records; undefined when the addon is not built.
 */
export function nativeCuratedParquet(dataset: CuratedDataset): CuratedParquet | undefined {
  const addon = nativeAddon();
  if (addon === undefined) return undefined;
  return new addon.CuratedParquet({
    columns: curatedColumns(dataset),
    perItem: dataset === 'order_items',
    recordStrings: RECORD_STRINGS.length,
    typeNames: [...EVENT_TYPES],
    createdBy: 'shoplens (native)',
  });
}
