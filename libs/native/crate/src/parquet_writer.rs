//! A Parquet writer for flat tables (no nesting): columns of UTF-8 strings, 32- and 64-bit
//! integers and millisecond UTC timestamps, nullable or not, each part one row group.
//! It writes what arrow-rs writes for the same table with the same settings (format v1
//! data pages, zstd, dictionaries for the columns named, plain for the rest, column chunk
//! statistics), so DuckDB, Spark, arrow-rs and parquet-wasm read its files as theirs.
//! The format: https://github.com/apache/parquet-format (parquet.thrift, Encodings.md).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A data page holds at most this many rows, or about this many bytes (arrow-rs's limits).
const PAGE_ROWS: usize = 20_000;
const PAGE_BYTES: usize = 1 << 20;
/// A dictionary larger than this falls back to plain values (arrow-rs's limit).
const DICTIONARY_BYTES: usize = 1 << 20;

// parquet.thrift's enums.
const TYPE_INT32: i32 = 1;
const TYPE_INT64: i32 = 2;
const TYPE_BYTE_ARRAY: i32 = 6;
const TYPE_FIXED_LEN_BYTE_ARRAY: i32 = 7;
const REQUIRED: i32 = 0;
const OPTIONAL: i32 = 1;
const CONVERTED_UTF8: i32 = 0;
const CONVERTED_TIMESTAMP_MILLIS: i32 = 9;
const ENCODING_PLAIN: i32 = 0;
const ENCODING_RLE: i32 = 3;
const ENCODING_RLE_DICTIONARY: i32 = 8;
const CODEC_ZSTD: i32 = 6;
const PAGE_DATA: i32 = 0;
const PAGE_DICTIONARY: i32 = 2;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Utf8,
    Int32,
    Int64,
    /// Milliseconds since the epoch, UTC (INT64, TIMESTAMP(MILLIS, true)).
    TimestampMs,
    /// 16 bytes (FIXED_LEN_BYTE_ARRAY(16)): a UUID's bits.
    Fixed16,
}

impl Kind {
    pub fn parse(name: &str) -> Option<Kind> {
        match name {
            "utf8" => Some(Kind::Utf8),
            "int32" => Some(Kind::Int32),
            "int64" => Some(Kind::Int64),
            "timestamp_ms" => Some(Kind::TimestampMs),
            "fixed16" => Some(Kind::Fixed16),
            _ => None,
        }
    }

    fn physical(self) -> i32 {
        match self {
            Kind::Utf8 => TYPE_BYTE_ARRAY,
            Kind::Int32 => TYPE_INT32,
            Kind::Int64 | Kind::TimestampMs => TYPE_INT64,
            Kind::Fixed16 => TYPE_FIXED_LEN_BYTE_ARRAY,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ColumnSpec {
    pub name: String,
    pub kind: Kind,
    pub nullable: bool,
    pub dictionary: bool,
}

/// The values of one column of the part being filled.
pub struct Column {
    pub spec: ColumnSpec,
    /// Strings: their bytes one after the other, and where each ends (fixed: bytes only).
    bytes: Vec<u8>,
    ends: Vec<u32>,
    ints: Vec<i64>,
    /// Per row, 1 if it has a value (nullable columns only).
    present: Vec<u8>,
}

impl Column {
    pub fn new(spec: ColumnSpec) -> Self {
        Column {
            spec,
            bytes: Vec::new(),
            ends: Vec::new(),
            ints: Vec::new(),
            present: Vec::new(),
        }
    }

    #[inline]
    pub fn push_bytes(&mut self, v: &[u8]) {
        self.bytes.extend_from_slice(v);
        self.ends.push(self.bytes.len() as u32);
        if self.spec.nullable {
            self.present.push(1);
        }
    }

    /// Values of a fixed column, 16 bytes each, none null.
    pub fn push_fixed(&mut self, packed: &[u8]) {
        self.bytes.extend_from_slice(packed);
        if self.spec.nullable {
            self.present
                .resize(self.present.len() + packed.len() / 16, 1);
        }
    }

    #[inline]
    pub fn push_int(&mut self, v: i64) {
        self.ints.push(v);
        if self.spec.nullable {
            self.present.push(1);
        }
    }

    /// A null; the caller checks that the column is nullable.
    #[inline]
    pub fn push_null(&mut self) {
        self.present.push(0);
    }

    fn values(&self) -> usize {
        match self.spec.kind {
            Kind::Utf8 => self.ends.len(),
            Kind::Fixed16 => self.bytes.len() / 16,
            _ => self.ints.len(),
        }
    }

    /// Values (rows not null) of the rows `[from, to)`.
    fn values_in(&self, from: usize, to: usize) -> usize {
        if self.spec.nullable {
            self.present[from..to].iter().map(|&b| b as usize).sum()
        } else {
            to - from
        }
    }

    /// Bytes of values `[from, to)` plain-encoded.
    fn plain_bytes(&self, from: usize, to: usize) -> usize {
        let n = to - from;
        match self.spec.kind {
            Kind::Utf8 if n > 0 => {
                let start = if from == 0 {
                    0
                } else {
                    self.ends[from - 1] as usize
                };
                4 * n + self.ends[to - 1] as usize - start
            }
            Kind::Utf8 => 0,
            Kind::Int32 => 4 * n,
            Kind::Fixed16 => 16 * n,
            Kind::Int64 | Kind::TimestampMs => 8 * n,
        }
    }

    #[inline]
    fn string(&self, i: usize) -> &[u8] {
        if self.spec.kind == Kind::Fixed16 {
            return &self.bytes[16 * i..16 * i + 16];
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.ints.clear();
        self.present.clear();
    }
}

/// Thrift's compact protocol, as far as Parquet's metadata needs it.
struct Thrift {
    out: Vec<u8>,
    last: i16,
    stack: Vec<i16>,
}

const T_TRUE: u8 = 1;
const T_FALSE: u8 = 2;
const T_I16: u8 = 4;
const T_I32: u8 = 5;
const T_I64: u8 = 6;
const T_BINARY: u8 = 8;
const T_LIST: u8 = 9;
const T_STRUCT: u8 = 12;

impl Thrift {
    fn new() -> Self {
        Thrift {
            out: Vec::with_capacity(256),
            last: 0,
            stack: Vec::new(),
        }
    }

    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    fn zigzag(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn field(&mut self, id: i16, ty: u8) {
        let delta = id - self.last;
        if delta > 0 && delta <= 15 {
            self.out.push((delta as u8) << 4 | ty);
        } else {
            self.out.push(ty);
            self.zigzag(id as i64);
        }
        self.last = id;
    }

    fn i32(&mut self, id: i16, v: i32) {
        self.field(id, T_I32);
        self.zigzag(v as i64);
    }

    fn i64(&mut self, id: i16, v: i64) {
        self.field(id, T_I64);
        self.zigzag(v);
    }

    fn bool(&mut self, id: i16, v: bool) {
        self.field(id, if v { T_TRUE } else { T_FALSE });
    }

    fn binary(&mut self, id: i16, v: &[u8]) {
        self.field(id, T_BINARY);
        self.varint(v.len() as u64);
        self.out.extend_from_slice(v);
    }

    fn list(&mut self, id: i16, element: u8, n: usize) {
        self.field(id, T_LIST);
        if n < 15 {
            self.out.push((n as u8) << 4 | element);
        } else {
            self.out.push(0xf0 | element);
            self.varint(n as u64);
        }
    }

    /// A struct as a field (`Some(id)`) or as an element of a list (`None`).
    fn begin(&mut self, id: Option<i16>) {
        if let Some(id) = id {
            self.field(id, T_STRUCT);
        }
        self.stack.push(self.last);
        self.last = 0;
    }

    fn end(&mut self) {
        self.out.push(0);
        self.last = self.stack.pop().unwrap_or(0);
    }

    fn empty(&mut self, id: i16) {
        self.begin(Some(id));
        self.end();
    }

    /// The message: a top-level struct, closed.
    fn finish(mut self) -> Vec<u8> {
        self.out.push(0);
        self.out
    }
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Values of `bits` bits (1 to 32) in Parquet's RLE / bit-packing hybrid: a run of eight or
/// more of one value as a repeat, the rest bit-packed in groups of eight (the last padded).
fn hybrid<T: Copy + Into<u32>>(values: &[T], bits: u32, out: &mut Vec<u8>) {
    let value_bytes = bits.div_ceil(8) as usize;
    let n = values.len();
    let mut i = 0;
    // Where the pending bit-packed groups start.
    let mut packed = i;
    let flush = |out: &mut Vec<u8>, from: usize, to: usize| {
        if from == to {
            return;
        }
        let groups = (to - from).div_ceil(8);
        push_varint(out, ((groups as u64) << 1) | 1);
        let mut acc: u64 = 0;
        let mut held = 0u32;
        for k in 0..groups * 8 {
            let v = if from + k < to {
                values[from + k].into()
            } else {
                0
            };
            acc |= (v as u64) << held;
            held += bits;
            while held >= 8 {
                out.push(acc as u8);
                acc >>= 8;
                held -= 8;
            }
        }
    };
    while n - i >= 8 {
        let v = values[i].into();
        let mut j = i + 1;
        while j < n && values[j].into() == v {
            j += 1;
        }
        if j - i >= 8 {
            flush(out, packed, i);
            push_varint(out, ((j - i) as u64) << 1);
            out.extend_from_slice(&v.to_le_bytes()[..value_bytes]);
            i = j;
            packed = i;
        } else {
            // Not a run: a group of eight into the bit-packed run.
            i += 8;
        }
    }
    if i < n {
        let v = values[i].into();
        if packed == i && values[i..].iter().all(|x| (*x).into() == v) {
            push_varint(out, ((n - i) as u64) << 1);
            out.extend_from_slice(&v.to_le_bytes()[..value_bytes]);
            return;
        }
    }
    flush(out, packed, n);
}

/// FxHash: dictionaries of short strings.
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_usize(&mut self, v: usize) {
        self.add(v as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

/// Min and max of a column chunk, as Parquet's statistics hold them (plain-encoded values).
struct Stats {
    min: Vec<u8>,
    max: Vec<u8>,
}

/// A column chunk written: where it starts, its sizes, how its values are encoded.
struct ChunkMeta {
    dictionary_offset: Option<usize>,
    data_offset: usize,
    uncompressed: usize,
    compressed: usize,
    nulls: usize,
    stats: Option<Stats>,
}

pub struct ParquetWriter {
    pub columns: Vec<Column>,
    pub rows: usize,
    created_by: String,
    zstd: zstd::bulk::Compressor<'static>,
    /// Scratch: a page before compression, and compressed.
    page: Vec<u8>,
    packed: Vec<u8>,
    indices: Vec<u32>,
}

impl ParquetWriter {
    pub fn new(specs: Vec<ColumnSpec>, created_by: String, level: i32) -> std::io::Result<Self> {
        Ok(ParquetWriter {
            columns: specs.into_iter().map(Column::new).collect(),
            rows: 0,
            created_by,
            zstd: zstd::bulk::Compressor::new(level)?,
            page: Vec::new(),
            packed: Vec::new(),
            indices: Vec::new(),
        })
    }

    /// The file of the rows added since the last one (one row group, none if no rows);
    /// the columns start empty again.
    pub fn finish(&mut self) -> std::io::Result<Vec<u8>> {
        let mut file = Vec::with_capacity(self.estimate() + 4096);
        file.extend_from_slice(b"PAR1");
        let mut chunks = Vec::with_capacity(self.columns.len());
        if self.rows > 0 {
            for c in 0..self.columns.len() {
                chunks.push(self.write_chunk(c, &mut file)?);
            }
        }
        let footer = self.footer(&chunks, 4);
        file.extend_from_slice(&footer);
        file.extend_from_slice(&(footer.len() as u32).to_le_bytes());
        file.extend_from_slice(b"PAR1");
        for column in &mut self.columns {
            column.clear();
        }
        self.rows = 0;
        Ok(file)
    }

    fn estimate(&self) -> usize {
        self.columns
            .iter()
            .map(|c| c.bytes.len() / 3 + c.ints.len() * 2)
            .sum()
    }

    fn write_chunk(&mut self, c: usize, file: &mut Vec<u8>) -> std::io::Result<ChunkMeta> {
        let start = file.len();
        let column = &self.columns[c];
        let values = column.values();
        let nulls = self.rows - values;
        let mut meta = ChunkMeta {
            dictionary_offset: None,
            data_offset: start,
            uncompressed: 0,
            compressed: 0,
            nulls,
            stats: None,
        };
        // The dictionary (strings only): its entries, and each value's index.
        let mut dictionary: Vec<&[u8]> = Vec::new();
        let mut indices = std::mem::take(&mut self.indices);
        indices.clear();
        if column.spec.dictionary && column.spec.kind == Kind::Utf8 && values > 0 {
            let mut index: HashMap<&[u8], u32, BuildHasherDefault<Fx>> = HashMap::default();
            let mut bytes = 0;
            for i in 0..values {
                let v = column.string(i);
                let next = dictionary.len() as u32;
                let k = *index.entry(v).or_insert_with(|| {
                    bytes += 4 + v.len();
                    dictionary.push(v);
                    next
                });
                indices.push(k);
                if bytes > DICTIONARY_BYTES {
                    break;
                }
            }
            if bytes > DICTIONARY_BYTES {
                dictionary.clear();
                indices.clear();
            }
        }
        let dictionary_encoded = !dictionary.is_empty();
        meta.stats = stats(column, &dictionary, values);

        let mut page = std::mem::take(&mut self.page);
        let mut packed = std::mem::take(&mut self.packed);
        if dictionary_encoded {
            page.clear();
            for v in &dictionary {
                page.extend_from_slice(&(v.len() as u32).to_le_bytes());
                page.extend_from_slice(v);
            }
            meta.dictionary_offset = Some(file.len());
            let kind = PageKind::Dictionary {
                entries: dictionary.len(),
            };
            let (u, z) = write_page(&mut self.zstd, file, &page, &mut packed, kind)?;
            meta.uncompressed += u;
            meta.compressed += z;
        }
        meta.data_offset = file.len();
        let bits = if dictionary_encoded {
            (32 - (dictionary.len() as u32 - 1).leading_zeros()).max(1)
        } else {
            0
        };
        let column = &self.columns[c];
        // Pages: row ranges, and the range of values (non-null rows) in each.
        let mut row = 0;
        let mut value = 0;
        while row < self.rows {
            let first_value = value;
            // As many rows as a page holds; halved while their values are too many bytes.
            let mut end = self.rows.min(row + PAGE_ROWS);
            loop {
                let values = column.values_in(row, end);
                let bytes = if dictionary_encoded {
                    values
                } else {
                    column.plain_bytes(first_value, first_value + values)
                };
                if bytes <= PAGE_BYTES || end - row == 1 {
                    value += values;
                    break;
                }
                end = row + (end - row) / 2;
            }
            page.clear();
            if column.spec.nullable {
                page.extend_from_slice(&[0; 4]);
                hybrid(&column.present[row..end], 1, &mut page);
                let n = (page.len() - 4) as u32;
                page[..4].copy_from_slice(&n.to_le_bytes());
            }
            if dictionary_encoded {
                page.push(bits as u8);
                hybrid(&indices[first_value..value], bits, &mut page);
            } else {
                for i in first_value..value {
                    match column.spec.kind {
                        Kind::Utf8 => {
                            let v = column.string(i);
                            page.extend_from_slice(&(v.len() as u32).to_le_bytes());
                            page.extend_from_slice(v);
                        }
                        Kind::Fixed16 => page.extend_from_slice(column.string(i)),
                        Kind::Int32 => {
                            page.extend_from_slice(&(column.ints[i] as i32).to_le_bytes())
                        }
                        _ => page.extend_from_slice(&column.ints[i].to_le_bytes()),
                    }
                }
            }
            let encoding = if dictionary_encoded {
                ENCODING_RLE_DICTIONARY
            } else {
                ENCODING_PLAIN
            };
            let kind = PageKind::Data {
                rows: end - row,
                encoding,
            };
            let (u, z) = write_page(&mut self.zstd, file, &page, &mut packed, kind)?;
            meta.uncompressed += u;
            meta.compressed += z;
            row = end;
        }
        self.page = page;
        self.packed = packed;
        self.indices = indices;
        Ok(meta)
    }

    fn footer(&self, chunks: &[ChunkMeta], first: usize) -> Vec<u8> {
        let mut t = Thrift::new();
        t.i32(1, 1);
        t.list(2, T_STRUCT, self.columns.len() + 1);
        t.begin(None);
        t.binary(4, b"schema");
        t.i32(5, self.columns.len() as i32);
        t.end();
        for column in &self.columns {
            let spec = &column.spec;
            t.begin(None);
            t.i32(1, spec.kind.physical());
            if spec.kind == Kind::Fixed16 {
                t.i32(2, 16);
            }
            t.i32(3, if spec.nullable { OPTIONAL } else { REQUIRED });
            t.binary(4, spec.name.as_bytes());
            match spec.kind {
                Kind::Utf8 => {
                    t.i32(6, CONVERTED_UTF8);
                    t.begin(Some(10));
                    t.empty(1);
                    t.end();
                }
                Kind::TimestampMs => {
                    t.i32(6, CONVERTED_TIMESTAMP_MILLIS);
                    t.begin(Some(10));
                    t.begin(Some(8));
                    t.bool(1, true);
                    t.begin(Some(2));
                    t.empty(1);
                    t.end();
                    t.end();
                    t.end();
                }
                Kind::Int32 | Kind::Int64 | Kind::Fixed16 => {}
            }
            t.end();
        }
        t.i64(3, self.rows as i64);
        let groups = usize::from(!chunks.is_empty());
        t.list(4, T_STRUCT, groups);
        if groups == 1 {
            let total_uncompressed: usize = chunks.iter().map(|c| c.uncompressed).sum();
            let total_compressed: usize = chunks.iter().map(|c| c.compressed).sum();
            t.begin(None);
            t.list(1, T_STRUCT, chunks.len());
            for (column, chunk) in self.columns.iter().zip(chunks) {
                let chunk_start = chunk.dictionary_offset.unwrap_or(chunk.data_offset);
                t.begin(None);
                t.i64(2, chunk_start as i64);
                t.begin(Some(3));
                t.i32(1, column.spec.kind.physical());
                let encodings: &[i32] = if chunk.dictionary_offset.is_some() {
                    &[ENCODING_PLAIN, ENCODING_RLE, ENCODING_RLE_DICTIONARY]
                } else {
                    &[ENCODING_PLAIN, ENCODING_RLE]
                };
                t.list(2, T_I32, encodings.len());
                for e in encodings {
                    t.zigzag(*e as i64);
                }
                t.list(3, T_BINARY, 1);
                t.varint(column.spec.name.len() as u64);
                t.out.extend_from_slice(column.spec.name.as_bytes());
                t.i32(4, CODEC_ZSTD);
                t.i64(5, self.rows as i64);
                t.i64(6, chunk.uncompressed as i64);
                t.i64(7, chunk.compressed as i64);
                t.i64(9, chunk.data_offset as i64);
                if let Some(offset) = chunk.dictionary_offset {
                    t.i64(11, offset as i64);
                }
                t.begin(Some(12));
                t.i64(3, chunk.nulls as i64);
                if let Some(s) = &chunk.stats {
                    t.binary(5, &s.max);
                    t.binary(6, &s.min);
                }
                t.end();
                t.end();
                t.end();
            }
            t.i64(2, total_uncompressed as i64);
            t.i64(3, self.rows as i64);
            t.i64(5, first as i64);
            t.i64(6, total_compressed as i64);
            t.field(7, T_I16);
            t.zigzag(0);
            t.end();
        }
        t.binary(6, self.created_by.as_bytes());
        // Every column's min and max are in its type's order (unsigned bytes for strings).
        t.list(7, T_STRUCT, self.columns.len());
        for _ in &self.columns {
            t.begin(None);
            t.empty(1);
            t.end();
        }
        t.finish()
    }
}

enum PageKind {
    Dictionary { entries: usize },
    Data { rows: usize, encoding: i32 },
}

/// Writes a page: its header, then its body compressed. Returns its sizes (header
/// included), uncompressed and as written.
fn write_page(
    zstd: &mut zstd::bulk::Compressor<'static>,
    file: &mut Vec<u8>,
    body: &[u8],
    packed: &mut Vec<u8>,
    kind: PageKind,
) -> std::io::Result<(usize, usize)> {
    packed.clear();
    packed.reserve(zstd::zstd_safe::compress_bound(body.len()));
    zstd.compress_to_buffer(body, packed)?;
    let mut t = Thrift::new();
    let page_type = match kind {
        PageKind::Dictionary { .. } => PAGE_DICTIONARY,
        PageKind::Data { .. } => PAGE_DATA,
    };
    t.i32(1, page_type);
    t.i32(2, body.len() as i32);
    t.i32(3, packed.len() as i32);
    match kind {
        PageKind::Dictionary { entries } => {
            t.begin(Some(7));
            t.i32(1, entries as i32);
            t.i32(2, ENCODING_PLAIN);
            t.end();
        }
        PageKind::Data { rows, encoding } => {
            t.begin(Some(5));
            t.i32(1, rows as i32);
            t.i32(2, encoding);
            t.i32(3, ENCODING_RLE);
            t.i32(4, ENCODING_RLE);
            t.end();
        }
    }
    let head = t.finish();
    file.extend_from_slice(&head);
    file.extend_from_slice(packed);
    Ok((head.len() + body.len(), head.len() + packed.len()))
}

/// The chunk's min and max, plain-encoded; none if every row is null.
fn stats(column: &Column, dictionary: &[&[u8]], values: usize) -> Option<Stats> {
    if values == 0 {
        return None;
    }
    match column.spec.kind {
        Kind::Utf8 | Kind::Fixed16 => {
            let (mut min, mut max): (&[u8], &[u8]);
            if dictionary.is_empty() {
                min = column.string(0);
                max = min;
                for i in 1..values {
                    let v = column.string(i);
                    if v < min {
                        min = v;
                    } else if v > max {
                        max = v;
                    }
                }
            } else {
                min = dictionary[0];
                max = min;
                for v in &dictionary[1..] {
                    if *v < min {
                        min = v;
                    } else if *v > max {
                        max = v;
                    }
                }
            }
            Some(Stats {
                min: min.to_vec(),
                max: max.to_vec(),
            })
        }
        kind => {
            let min = *column.ints.iter().min()?;
            let max = *column.ints.iter().max()?;
            let bytes = |v: i64| {
                if kind == Kind::Int32 {
                    (v as i32).to_le_bytes().to_vec()
                } else {
                    v.to_le_bytes().to_vec()
                }
            };
            Some(Stats {
                min: bytes(min),
                max: bytes(max),
            })
        }
    }
}
