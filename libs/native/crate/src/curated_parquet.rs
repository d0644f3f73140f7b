//! The batch's curated Parquet, written from its spill records (event-record.ts) as they
//! are: each column's value is taken from where the record holds it, with no string or
//! object per event on the JavaScript side. A row per record (curated/events), or a row
//! per line item of a purchase record (curated/order_items). The JavaScript writer of the
//! same tables is apps/batch's curated-writer.ts (Arrow, then parquet-wasm).

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::parquet_writer::{ColumnSpec, Kind, ParquetWriter};
use crate::spill_scan::{ABSENT_LEN, HEADER_BYTES};

/// A record holds at most this many strings, and three numbers; an item three strings and two numbers.
const MAX_STRINGS: usize = 16;
const NUMBERS: usize = 3;
const ITEM_STRINGS: usize = 3;
const ITEM_NUMBERS: usize = 2;

#[napi(object)]
pub struct CuratedColumn {
    pub name: String,
    /// "utf8", "int32", "int64" or "timestamp_ms".
    pub kind: String,
    pub nullable: bool,
    pub dictionary: bool,
    /// Where the record holds its value: "string" (the record's string `index`), "number",
    /// "item_string", "item_number", "time", "type" (the event type's name) or "line"
    /// (the item's position in its order).
    pub source: String,
    pub index: u32,
}

#[napi(object)]
pub struct CuratedParquetOptions {
    pub columns: Vec<CuratedColumn>,
    /// A row per line item of each record (order items), instead of a row per record.
    pub per_item: bool,
    /// How many strings a record holds (event-record.ts `RECORD_STRINGS`).
    pub record_strings: u32,
    /// Event type names by code.
    pub type_names: Vec<String>,
    pub created_by: String,
    /// zstd's level (default 1, arrow-rs's).
    pub zstd_level: Option<i32>,
}

#[derive(Clone, Copy)]
enum Source {
    Str(usize),
    Num(usize),
    ItemStr(usize),
    ItemNum(usize),
    Time,
    Type,
    Line,
}

/// One record, read: where its strings are, its numbers, where its items start.
struct Record<'a> {
    buf: &'a [u8],
    time: f64,
    type_code: usize,
    strings: [Option<(usize, usize)>; MAX_STRINGS],
    numbers: [f64; NUMBERS],
    items: usize,
    items_at: usize,
}

fn truncated(at: usize) -> Error {
    Error::from_reason(format!(
        "curated parquet: the spill record at {at} is cut short"
    ))
}

fn u32_at(b: &[u8], p: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(p..p + 4)?.try_into().ok()?))
}

fn f64_at(b: &[u8], p: usize) -> Option<f64> {
    Some(f64::from_le_bytes(b.get(p..p + 8)?.try_into().ok()?))
}

/// Reads `n` strings from `p`: each as (start, end), None when absent. Returns where they end.
fn read_strings(b: &[u8], mut p: usize, out: &mut [Option<(usize, usize)>]) -> Option<usize> {
    for slot in out.iter_mut() {
        let n = u32_at(b, p)?;
        p += 4;
        if n == ABSENT_LEN {
            *slot = None;
        } else {
            let end = p + n as usize;
            if end > b.len() {
                return None;
            }
            *slot = Some((p, end));
            p = end;
        }
    }
    Some(p)
}

impl<'a> Record<'a> {
    fn read(buf: &'a [u8], at: usize, strings: usize) -> Option<Record<'a>> {
        let length = u32_at(buf, at)? as usize;
        let buf = buf.get(at..at + length)?;
        let mut r = Record {
            buf,
            time: f64_at(buf, 20)?,
            type_code: *buf.get(28)? as usize,
            strings: [None; MAX_STRINGS],
            numbers: [0.0; NUMBERS],
            items: 0,
            items_at: 0,
        };
        let mut p = read_strings(buf, HEADER_BYTES, &mut r.strings[..strings])?;
        for n in r.numbers.iter_mut() {
            *n = f64_at(buf, p)?;
            p += 8;
        }
        r.items = u32_at(buf, p)? as usize;
        r.items_at = p + 4;
        Some(r)
    }

    fn string(&self, i: usize) -> Option<&'a [u8]> {
        self.strings[i].map(|(s, e)| &self.buf[s..e])
    }
}

#[napi]
pub struct CuratedParquet {
    writer: ParquetWriter,
    sources: Vec<Source>,
    per_item: bool,
    record_strings: usize,
    type_names: Vec<Vec<u8>>,
}

#[napi]
impl CuratedParquet {
    #[napi(constructor)]
    pub fn new(o: CuratedParquetOptions) -> Result<Self> {
        let strings = o.record_strings as usize;
        if strings == 0 || strings > MAX_STRINGS {
            return Err(Error::new(
                Status::InvalidArg,
                format!(
                    "curated parquet: a record holds 1 to {MAX_STRINGS} strings, not {strings}"
                ),
            ));
        }
        let mut specs = Vec::with_capacity(o.columns.len());
        let mut sources = Vec::with_capacity(o.columns.len());
        for c in &o.columns {
            let bad = |why: &str| {
                Error::new(
                    Status::InvalidArg,
                    format!("curated parquet: column {}: {why}", c.name),
                )
            };
            let kind = Kind::parse(&c.kind).ok_or_else(|| bad("unknown kind"))?;
            let i = c.index as usize;
            let source = match c.source.as_str() {
                "string" if i < strings => Source::Str(i),
                "number" if i < NUMBERS => Source::Num(i),
                "item_string" if o.per_item && i < ITEM_STRINGS => Source::ItemStr(i),
                "item_number" if o.per_item && i < ITEM_NUMBERS => Source::ItemNum(i),
                "line" if o.per_item => Source::Line,
                "time" => Source::Time,
                "type" => Source::Type,
                _ => return Err(bad("no such source in a record")),
            };
            let text = matches!(source, Source::Str(_) | Source::ItemStr(_) | Source::Type);
            if text != (kind == Kind::Utf8) {
                return Err(bad("its kind does not match its source"));
            }
            specs.push(ColumnSpec {
                name: c.name.clone(),
                kind,
                nullable: c.nullable,
                dictionary: c.dictionary,
            });
            sources.push(source);
        }
        let writer = ParquetWriter::new(specs, o.created_by, o.zstd_level.unwrap_or(1))
            .map_err(|e| Error::from_reason(format!("curated parquet: zstd: {e}")))?;
        Ok(CuratedParquet {
            writer,
            sources,
            per_item: o.per_item,
            record_strings: strings,
            type_names: o.type_names.into_iter().map(String::into_bytes).collect(),
        })
    }

    /// Rows added since the last file.
    #[napi(getter)]
    pub fn rows(&self) -> u32 {
        self.writer.rows as u32
    }

    /// Adds the row (or rows, one per item) of the record at `buf[at]`: the rows held now.
    #[napi]
    pub fn append(&mut self, buf: &[u8], at: f64) -> Result<u32> {
        self.add(buf, at as usize)?;
        Ok(self.writer.rows as u32)
    }

    /// Adds the records at `offsets[from..to]` of `buf`: the rows held now.
    #[napi]
    pub fn append_many(
        &mut self,
        buf: &[u8],
        offsets: Float64Array,
        from: u32,
        to: u32,
    ) -> Result<u32> {
        let offsets = offsets.get(from as usize..to as usize).ok_or_else(|| {
            Error::new(Status::InvalidArg, "curated parquet: offsets out of range")
        })?;
        for at in offsets {
            self.add(buf, *at as usize)?;
        }
        Ok(self.writer.rows as u32)
    }

    /// The Parquet file of the rows added since the last one; the writer starts empty again.
    #[napi]
    pub fn finish(&mut self) -> Result<Buffer> {
        self.writer
            .finish()
            .map(Buffer::from)
            .map_err(|e| Error::from_reason(format!("curated parquet: {e}")))
    }
}

impl CuratedParquet {
    fn add(&mut self, buf: &[u8], at: usize) -> Result<()> {
        let r = Record::read(buf, at, self.record_strings).ok_or_else(|| truncated(at))?;
        if !self.per_item {
            return self.row(&r, None, at);
        }
        let mut p = r.items_at;
        for line in 0..r.items {
            let mut strings = [None; ITEM_STRINGS];
            p = read_strings(r.buf, p, &mut strings).ok_or_else(|| truncated(at))?;
            let mut numbers = [0.0; ITEM_NUMBERS];
            for n in numbers.iter_mut() {
                *n = f64_at(r.buf, p).ok_or_else(|| truncated(at))?;
                p += 8;
            }
            self.row(&r, Some((line, &strings, &numbers)), at)?;
        }
        Ok(())
    }

    #[allow(clippy::type_complexity)]
    fn row(
        &mut self,
        r: &Record,
        item: Option<(
            usize,
            &[Option<(usize, usize)>; ITEM_STRINGS],
            &[f64; ITEM_NUMBERS],
        )>,
        at: usize,
    ) -> Result<()> {
        for (column, source) in self.writer.columns.iter_mut().zip(&self.sources) {
            let item_string = |i: usize| item.and_then(|(_, s, _)| s[i]).map(|(s, e)| &r.buf[s..e]);
            match *source {
                Source::Str(_) | Source::ItemStr(_) | Source::Type => {
                    let value = match *source {
                        Source::Str(i) => r.string(i),
                        Source::ItemStr(i) => item_string(i),
                        _ => self.type_names.get(r.type_code).map(Vec::as_slice),
                    };
                    match value {
                        Some(v) => column.push_bytes(v),
                        None if column.spec.nullable => column.push_null(),
                        None => return Err(absent(&column.spec.name, at)),
                    }
                }
                Source::Num(_) | Source::ItemNum(_) | Source::Time | Source::Line => {
                    let value = match *source {
                        Source::Num(i) => r.numbers[i],
                        Source::ItemNum(i) => item.map_or(f64::NAN, |(_, _, n)| n[i]),
                        Source::Time => r.time,
                        _ => item.map_or(f64::NAN, |(line, _, _)| line as f64),
                    };
                    if !value.is_nan() {
                        column.push_int(value as i64);
                    } else if column.spec.nullable {
                        column.push_null();
                    } else {
                        return Err(absent(&column.spec.name, at));
                    }
                }
            }
        }
        self.writer.rows += 1;
        Ok(())
    }
}

fn absent(column: &str, at: usize) -> Error {
    Error::from_reason(format!(
        "curated parquet: the spill record at {at} has no {column}, which cannot be null"
    ))
}
