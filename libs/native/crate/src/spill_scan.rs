//! The batch's first pass over raw event lines, compiled: each line the contract's fast
//! path accepts (event_scanner.rs) becomes a spill record in the bucket file of its
//! event id, and its copy is counted for its user and session, as the TypeScript
//! `scanShare` of apps/batch does it (spill/scan-line.ts, spill/copy-tally.ts): the same
//! bytes in the same files. A line it declines goes back to the caller, which judges it
//! (parseEventLine) and hands its record back with `push`, so the files keep the order
//! of the lines.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::event_scanner::{same_short, EventScanner, ScannerTables, ABSENT};

/// Bytes a record header holds before its strings (event-record.ts `HEADER_BYTES`).
pub(crate) const HEADER_BYTES: usize = 29;
pub(crate) const ABSENT_LEN: u32 = 0xffff_ffff;
/// Keyed records (keyed-record.ts): a user's count, a session's counts.
pub(crate) const KEYED_USER: u8 = 1;
pub(crate) const KEYED_SESSION: u8 = 2;
pub(crate) const SESSION_COUNTS: usize = 5;

#[napi(object)]
pub struct SpillScanOptions {
    pub tables: ScannerTables,
    /// The spill directory, and the names of this scan's two sets of bucket files:
    /// `<dir>/<writer>-<bucket>` (event records), `<dir>/<tally_writer>-<bucket>` (counts).
    pub dir: String,
    pub writer: String,
    pub tally_writer: String,
    pub buckets: u32,
    /// The day's instants: its events are spilt and counted, purchases around it spilt.
    pub start_ms: f64,
    pub end_ms: f64,
    /// The field numbers of the record's strings, in the record's order, and how many of
    /// them are written (the rest absent: a KPI-only run).
    pub record_strings: Vec<u32>,
    pub written_strings: u32,
    /// The field numbers of the record's three numbers.
    pub record_numbers: Vec<u32>,
    /// Per event type code: its funnel step bit (or 0); the purchase's code.
    pub step_of_code: Vec<u32>,
    pub purchase_code: u32,
    /// Keys the tally holds before it writes its counts out; bytes buffered per bucket.
    pub tally_keys: u32,
    pub chunk_bytes: u32,
}

/// Bucket files, each appended to through a buffer, opened (truncated) on first write.
pub(crate) struct BucketFiles {
    dir: PathBuf,
    name: String,
    chunk: usize,
    bufs: Vec<Vec<u8>>,
    files: Vec<Option<File>>,
    pub(crate) bytes: f64,
}

impl BucketFiles {
    pub(crate) fn new(dir: &str, name: &str, buckets: usize, chunk: usize) -> Self {
        BucketFiles {
            dir: PathBuf::from(dir),
            name: name.to_string(),
            chunk,
            bufs: (0..buckets).map(|_| Vec::new()).collect(),
            files: (0..buckets).map(|_| None).collect(),
            bytes: 0.0,
        }
    }

    pub(crate) fn target(&mut self, bucket: usize) -> &mut Vec<u8> {
        let chunk = self.chunk;
        let buf = &mut self.bufs[bucket];
        if buf.capacity() == 0 {
            buf.reserve_exact(chunk + 4096);
        }
        buf
    }

    pub(crate) fn written(&mut self, bucket: usize) -> Result<()> {
        if self.bufs[bucket].len() >= self.chunk {
            self.flush(bucket)?;
        }
        Ok(())
    }

    fn flush(&mut self, bucket: usize) -> Result<()> {
        let buf = &mut self.bufs[bucket];
        if buf.is_empty() {
            return Ok(());
        }
        if self.files[bucket].is_none() {
            let path = self.dir.join(format!("{}-{}", self.name, bucket));
            let file = File::create(&path).map_err(|e| io_error("open", &path, e))?;
            self.files[bucket] = Some(file);
        }
        let file = self.files[bucket].as_mut().unwrap();
        file.write_all(buf).map_err(|e| {
            io_error(
                "write",
                &self.dir.join(format!("{}-{}", self.name, bucket)),
                e,
            )
        })?;
        self.bytes += buf.len() as f64;
        buf.clear();
        Ok(())
    }

    /// Writes out every buffer and closes the files.
    pub(crate) fn close(&mut self) -> Result<()> {
        let mut first = Ok(());
        for b in 0..self.bufs.len() {
            let r = self.flush(b);
            if first.is_ok() {
                first = r;
            }
            self.files[b] = None;
            self.bufs[b] = Vec::new();
        }
        first
    }
}

fn io_error(what: &str, path: &std::path::Path, e: std::io::Error) -> Error {
    Error::from_reason(format!("spill: cannot {what} {}: {e}", path.display()))
}

/// FNV-1a of the key, mixed: `bytesHash` of apps/batch (spill/key-counts.ts), whose low
/// bits pick a key's keyed bucket; the same in both so every count of a key meets.
pub(crate) fn bytes_hash(key: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &c in key {
        h = (h ^ c as u32).wrapping_mul(0x0100_0193);
    }
    h ^ (h >> 15)
}

/// `uuidBucket` of @shoplens/transforms: the spill bucket of an event id's four words.
pub(crate) fn uuid_bucket(key: &[i32; 4], buckets: u32) -> u32 {
    let k = key.map(|w| w as u32);
    let mut h = (k[3] ^ 0x5bd1_e995).wrapping_mul(0xcc9e_2d51) ^ k[1];
    h = (h ^ (h >> 15)).wrapping_mul(0x1b87_3593) ^ k[2];
    h = (h ^ (h >> 13)).wrapping_mul(0xe654_6b64) ^ k[0];
    h ^= h >> 16;
    h % buckets
}

/// Counters per byte-string key, in the order keys were first added (KeyCounts of
/// apps/batch): an open-addressing table over an arena of the keys' bytes.
pub(crate) struct KeyCounts {
    width: usize,
    /// Per slot: the key's hash and its entry + 1 (0 is empty).
    slots: Vec<(u32, u32)>,
    /// Per entry: where its key starts and ends in the arena, and its hash.
    meta: Vec<(u32, u32, u32)>,
    pub(crate) counts: Vec<i32>,
    arena: Vec<u8>,
}

impl KeyCounts {
    pub(crate) fn new(width: usize, entries: usize) -> Self {
        let slots = (entries * 2).next_power_of_two();
        KeyCounts {
            width,
            slots: vec![(0, 0); slots],
            meta: Vec::with_capacity(entries),
            counts: Vec::with_capacity(entries * width),
            arena: Vec::with_capacity(entries * 24),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.meta.len()
    }

    fn slot_of(hash: u32, slots: usize) -> usize {
        (hash.wrapping_mul(0x9e37_79b1) >> (32 - slots.trailing_zeros())) as usize
    }

    /// The entry of `key`, added with zero counters if it is new.
    pub(crate) fn entry(&mut self, key: &[u8], hash: u32) -> usize {
        let mask = self.slots.len() - 1;
        let mut s = Self::slot_of(hash, self.slots.len());
        loop {
            let (h, e) = self.slots[s];
            if e == 0 {
                break;
            }
            if h == hash {
                let (a, b, _) = self.meta[e as usize - 1];
                if same_short(&self.arena[a as usize..b as usize], key) {
                    return e as usize - 1;
                }
            }
            s = (s + 1) & mask;
        }
        let e = self.meta.len();
        let a = self.arena.len() as u32;
        self.arena.extend_from_slice(key);
        self.meta.push((a, self.arena.len() as u32, hash));
        self.counts.resize(self.counts.len() + self.width, 0);
        self.slots[s] = (hash, e as u32 + 1);
        if self.meta.len() * 2 > self.slots.len() {
            self.rehash();
        }
        e
    }

    fn rehash(&mut self) {
        let count = self.slots.len() * 2;
        let mut slots = vec![(0u32, 0u32); count];
        for (e, &(_, _, hash)) in self.meta.iter().enumerate() {
            let mut s = Self::slot_of(hash, count);
            while slots[s].1 != 0 {
                s = (s + 1) & (count - 1);
            }
            slots[s] = (hash, e as u32 + 1);
        }
        self.slots = slots;
    }

    pub(crate) fn clear(&mut self) {
        self.slots.fill((0, 0));
        self.meta.clear();
        self.counts.clear();
        self.arena.clear();
    }
}

/// Appends a string of the record: its length, then its bytes.
pub(crate) fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Copies of events counted per user and per session (and per funnel step of a session),
/// written to the keyed bucket of each key when the tally is full (copy-tally.ts).
pub(crate) struct CopyTally {
    users: KeyCounts,
    sessions: KeyCounts,
    limit: usize,
    buckets: u32,
}

impl CopyTally {
    pub(crate) fn new(buckets: u32, limit: u32) -> Self {
        CopyTally {
            users: KeyCounts::new(1, 4096),
            sessions: KeyCounts::new(SESSION_COUNTS, 4096),
            limit: limit.max(1) as usize,
            buckets,
        }
    }

    /// `delta` copies more for `user` and `session` (and the session's funnel step `step`,
    /// a single bit or 0): copy-tally.ts `addKeys`.
    pub(crate) fn count(
        &mut self,
        files: &mut BucketFiles,
        user: &[u8],
        session: &[u8],
        step: u32,
        delta: i32,
    ) -> Result<()> {
        let u = self.users.entry(user, bytes_hash(user));
        self.users.counts[u] += delta;
        let s = self.sessions.entry(session, bytes_hash(session));
        let o = s * SESSION_COUNTS;
        self.sessions.counts[o] += delta;
        if step != 0 {
            self.sessions.counts[o + 32 - step.leading_zeros() as usize] += delta;
        }
        if self.users.len() >= self.limit || self.sessions.len() >= self.limit {
            self.flush(files)?;
        }
        Ok(())
    }

    /// Every count to the keyed bucket of its key (keyed-record.ts), users first, each in
    /// the order its key was first counted; then the tally is empty.
    pub(crate) fn flush(&mut self, files: &mut BucketFiles) -> Result<()> {
        let buckets = self.buckets;
        for (table, kind) in [
            (&mut self.users, KEYED_USER),
            (&mut self.sessions, KEYED_SESSION),
        ] {
            for (e, &(a, b, hash)) in table.meta.iter().enumerate() {
                let bucket = (hash % buckets) as usize;
                let key = &table.arena[a as usize..b as usize];
                let counts = &table.counts[e * table.width..(e + 1) * table.width];
                let out = files.target(bucket);
                let length = 5 + 4 * counts.len() + 4 + key.len();
                out.extend_from_slice(&(length as u32).to_le_bytes());
                out.push(kind);
                for c in counts {
                    out.extend_from_slice(&c.to_le_bytes());
                }
                put_bytes(out, key);
                files.written(bucket)?;
            }
            table.clear();
        }
        Ok(())
    }
}

#[napi]
pub struct SpillScan {
    scanner: EventScanner,
    spill: BucketFiles,
    tally_files: BucketFiles,
    tally: CopyTally,
    buckets: u32,
    start_ms: f64,
    end_ms: f64,
    record_strings: Vec<usize>,
    written_strings: usize,
    record_numbers: Vec<usize>,
    step_of_code: Vec<u32>,
    purchase_code: usize,
    user_field: usize,
    session_field: usize,
}

#[napi]
impl SpillScan {
    #[napi(constructor)]
    pub fn new(o: SpillScanOptions) -> Result<Self> {
        let field = |name: &str| o.tables.keys.iter().position(|k| k == name);
        let (user_field, session_field) = match (field("user_id"), field("session_id")) {
            (Some(u), Some(s)) => (u, s),
            _ => {
                return Err(Error::new(
                    Status::InvalidArg,
                    "spill scan: the tables have no user_id or session_id".to_string(),
                ))
            }
        };
        let n = o.tables.keys.len();
        if o.buckets == 0
            || o.record_numbers.len() != 3
            || o.written_strings as usize > o.record_strings.len()
            || o.record_strings
                .iter()
                .chain(&o.record_numbers)
                .any(|&f| f as usize >= n)
            || o.record_strings.first().map(|&f| f as usize) != field("event_id")
            || o.record_strings.get(1).map(|&f| f as usize) != Some(user_field)
            || o.record_strings.get(2).map(|&f| f as usize) != Some(session_field)
            || o.step_of_code.len() != o.tables.types.len()
            || o.purchase_code as usize >= o.tables.types.len()
        {
            return Err(Error::new(
                Status::InvalidArg,
                "spill scan: the record's fields do not match the tables".to_string(),
            ));
        }
        let (buckets, chunk) = (o.buckets as usize, o.chunk_bytes.max(1) as usize);
        Ok(SpillScan {
            spill: BucketFiles::new(&o.dir, &o.writer, buckets, chunk),
            tally_files: BucketFiles::new(&o.dir, &o.tally_writer, buckets, chunk),
            tally: CopyTally::new(o.buckets, o.tally_keys),
            buckets: o.buckets,
            start_ms: o.start_ms,
            end_ms: o.end_ms,
            record_strings: o.record_strings.iter().map(|&f| f as usize).collect(),
            written_strings: o.written_strings as usize,
            record_numbers: o.record_numbers.iter().map(|&f| f as usize).collect(),
            step_of_code: o.step_of_code,
            purchase_code: o.purchase_code as usize,
            user_field,
            session_field,
            scanner: EventScanner::new(o.tables)?,
        })
    }

    /// Scans the lines of `data` from `from` (whole lines; the last may lack its `\n`),
    /// spilling and counting each accepted one, until a line the fast path declines or the
    /// end. `state` gets: the declined line's start and end, where to go on from, and how
    /// many lines (not empty) were scanned before it. True if it stopped at a declined
    /// line, which the caller judges, then calls this again from `state[2]`.
    #[napi]
    pub fn scan(&mut self, data: &[u8], from: u32, mut state: Float64Array) -> Result<bool> {
        if state.len() < 4 {
            return Err(Error::new(
                Status::InvalidArg,
                "spill scan: state needs 4 numbers".to_string(),
            ));
        }
        let mut at = (from as usize).min(data.len());
        let mut lines = 0f64;
        while at < data.len() {
            let end = match memchr::memchr(b'\n', &data[at..]) {
                Some(n) => at + n,
                None => data.len(),
            };
            let start = at;
            at = end + 1;
            if end == start {
                continue;
            }
            let t = self.scanner.scan_guarded(&data[start..end]);
            if t.is_nan() {
                state[0] = start as f64;
                state[1] = end as f64;
                state[2] = at.min(data.len()) as f64;
                state[3] = lines;
                return Ok(true);
            }
            lines += 1.0;
            self.spill_line(&data[start..end], t)?;
        }
        state[2] = data.len() as f64;
        state[3] = lines;
        Ok(false)
    }

    /// Appends a record the caller encoded (event-record.ts) to `bucket`; with `step` of 0
    /// or more (its funnel step bit, or 0), counts its copy for its user and session.
    #[napi]
    pub fn push(&mut self, record: &[u8], length: u32, bucket: u32, step: i32) -> Result<()> {
        let record = &record[..(length as usize).min(record.len())];
        if bucket >= self.buckets || record.len() < HEADER_BYTES + 12 {
            return Err(Error::new(
                Status::InvalidArg,
                "spill scan: push needs a whole record and a bucket".to_string(),
            ));
        }
        let b = bucket as usize;
        self.spill.target(b).extend_from_slice(record);
        self.spill.written(b)?;
        if step >= 0 {
            let (user, session) = record_user_session(record)?;
            self.tally
                .count(&mut self.tally_files, user, session, step as u32, 1)?;
        }
        Ok(())
    }

    /// The bytes written to the spill files so far.
    #[napi(getter)]
    pub fn bytes(&self) -> f64 {
        self.spill.bytes + self.tally_files.bytes
    }

    /// Writes the tally's counts out, then every buffer, and closes the files.
    #[napi]
    pub fn finish(&mut self) -> Result<()> {
        let r = self.tally.flush(&mut self.tally_files);
        let c = self.close();
        r.and(c)
    }

    /// Writes out the buffers and closes the files (the tally's counts not written).
    #[napi]
    pub fn close(&mut self) -> Result<()> {
        let a = self.spill.close();
        let b = self.tally_files.close();
        a.and(b)
    }
}

/// The user_id and session_id of a record: its second and third strings.
pub(crate) fn record_user_session(r: &[u8]) -> Result<(&[u8], &[u8])> {
    let bad = || Error::from_reason("spill scan: a record cut short".to_string());
    let len = |p: usize| -> Result<usize> {
        let b: [u8; 4] = r.get(p..p + 4).ok_or_else(bad)?.try_into().unwrap();
        Ok(u32::from_le_bytes(b) as usize)
    };
    let mut p = HEADER_BYTES;
    p += 4 + len(p)?;
    let u = len(p)?;
    let user = r.get(p + 4..p + 4 + u).ok_or_else(bad)?;
    p += 4 + u;
    let s = len(p)?;
    let session = r.get(p + 4..p + 4 + s).ok_or_else(bad)?;
    Ok((user, session))
}

impl SpillScan {
    /// The record of the line the scanner just accepted, into its bucket (scan-line.ts
    /// `encode`), and its copy counted if it is of the day.
    fn spill_line(&mut self, line: &[u8], t: f64) -> Result<()> {
        let sc = &self.scanner;
        let of_day = t >= self.start_ms && t < self.end_ms;
        if !of_day && sc.code != self.purchase_code {
            return Ok(());
        }
        let bucket = uuid_bucket(&sc.key, self.buckets) as usize;
        let out = self.spill.target(bucket);
        let start = out.len();
        out.extend_from_slice(&[0; 4]);
        for w in sc.key {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(&t.to_le_bytes());
        out.push(sc.code as u8);
        for (i, &f) in self.record_strings.iter().enumerate() {
            if i >= self.written_strings || sc.seen & (1 << f) == 0 {
                out.extend_from_slice(&ABSENT_LEN.to_le_bytes());
            } else {
                put_bytes(out, &line[sc.start[f]..sc.end[f]]);
            }
        }
        for &f in &self.record_numbers {
            let v = if sc.seen & (1 << f) == 0 {
                f64::NAN
            } else {
                sc.num[f]
            };
            out.extend_from_slice(&v.to_le_bytes());
        }
        let items = if sc.code == self.purchase_code {
            sc.items
        } else {
            0
        };
        out.extend_from_slice(&(items as u32).to_le_bytes());
        for n in 0..items {
            let s = &sc.item_str[n * 6..n * 6 + 6];
            put_bytes(out, &line[s[0]..s[1]]);
            put_bytes(out, &line[s[2]..s[3]]);
            if s[4] == ABSENT {
                out.extend_from_slice(&ABSENT_LEN.to_le_bytes());
            } else {
                put_bytes(out, &line[s[4]..s[5]]);
            }
            out.extend_from_slice(&sc.item_num[n * 2].to_le_bytes());
            out.extend_from_slice(&sc.item_num[n * 2 + 1].to_le_bytes());
        }
        let length = (out.len() - start) as u32;
        out[start..start + 4].copy_from_slice(&length.to_le_bytes());
        self.spill.written(bucket)?;
        if of_day {
            let (uf, sf) = (self.user_field, self.session_field);
            let sc = &self.scanner;
            let (us, ue, ss, se) = (sc.start[uf], sc.end[uf], sc.start[sf], sc.end[sf]);
            let step = self.step_of_code[sc.code];
            let (user, session) = (&line[us..ue], &line[ss..se]);
            self.tally
                .count(&mut self.tally_files, user, session, step, 1)?;
        }
        Ok(())
    }
}
