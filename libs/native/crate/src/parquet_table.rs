//! A Parquet file of columns given whole from JavaScript: the batch's small tables (its
//! day index of event ids and orders), written by parquet_writer.rs like its curated parts.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::parquet_writer::{ColumnSpec, Kind, ParquetWriter};

#[napi(object)]
pub struct ParquetColumnValues {
    pub name: String,
    /// "utf8", "int32", "int64", "timestamp_ms" or "fixed16".
    pub kind: String,
    pub nullable: bool,
    pub dictionary: bool,
    /// The values of a utf8 column (null: absent).
    pub strings: Option<Vec<Option<String>>>,
    /// Of an integer column (NaN: null).
    pub numbers: Option<Float64Array>,
    /// Of a fixed16 column, packed (none null).
    pub bytes: Option<Buffer>,
}

/// One Parquet file (one row group, zstd) of the columns, all of one length.
#[napi]
pub fn encode_parquet_table(
    columns: Vec<ParquetColumnValues>,
    created_by: String,
) -> Result<Buffer> {
    let bad = |name: &str, why: &str| {
        Error::new(
            Status::InvalidArg,
            format!("parquet table: column {name}: {why}"),
        )
    };
    let mut specs = Vec::with_capacity(columns.len());
    for c in &columns {
        let kind = Kind::parse(&c.kind).ok_or_else(|| bad(&c.name, "unknown kind"))?;
        specs.push(ColumnSpec {
            name: c.name.clone(),
            kind,
            nullable: c.nullable,
            dictionary: c.dictionary,
        });
    }
    let mut writer = ParquetWriter::new(specs, created_by, 1)
        .map_err(|e| Error::from_reason(format!("parquet table: zstd: {e}")))?;
    let mut rows = None;
    for (c, column) in columns.iter().zip(writer.columns.iter_mut()) {
        let n = match (column.spec.kind, &c.strings, &c.numbers, &c.bytes) {
            (Kind::Utf8, Some(values), None, None) => {
                for v in values {
                    match v {
                        Some(v) => column.push_bytes(v.as_bytes()),
                        None if c.nullable => column.push_null(),
                        None => return Err(bad(&c.name, "a null in a column that cannot be null")),
                    }
                }
                values.len()
            }
            (Kind::Fixed16, None, None, Some(packed)) if packed.len() % 16 == 0 => {
                column.push_fixed(packed);
                packed.len() / 16
            }
            (Kind::Int32 | Kind::Int64 | Kind::TimestampMs, None, Some(values), None) => {
                for v in values.iter() {
                    if !v.is_nan() {
                        column.push_int(*v as i64);
                    } else if c.nullable {
                        column.push_null();
                    } else {
                        return Err(bad(&c.name, "a null in a column that cannot be null"));
                    }
                }
                values.len()
            }
            _ => return Err(bad(&c.name, "its values do not match its kind")),
        };
        if *rows.get_or_insert(n) != n {
            return Err(bad(&c.name, "columns of different lengths"));
        }
    }
    writer.rows = rows.unwrap_or(0);
    writer
        .finish()
        .map(Buffer::from)
        .map_err(|e| Error::from_reason(format!("parquet table: {e}")))
}
