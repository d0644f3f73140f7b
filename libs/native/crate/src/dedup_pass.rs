//! The batch's second pass over its spill, compiled: per bucket, the first copy of each
//! event of the day is kept, copies and events an earlier day counted are dropped (each
//! taken off its user's and session's counts), and kept purchases and refunds go to the
//! keyed spill, as `BucketDedup` of apps/batch (spill/dedup-buckets.ts) does it: the same
//! bytes in the same keyed files. The caller reads the bucket files, writes the curated
//! rows of the records this pass names, and the bucket's event id index.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::spill_scan::{
    bytes_hash, put_bytes, record_user_session, BucketFiles, CopyTally, ABSENT_LEN, HEADER_BYTES,
};

/// Keyed records (keyed-record.ts): a refund, a purchase.
const KEYED_REFUND: u8 = 3;
const KEYED_PURCHASE: u8 = 4;
/// A record's strings: event_id, then user_id, session_id, currency, order_id, ...
const EVENT_ID: usize = 0;
const CURRENCY: usize = 3;
const ORDER_ID: usize = 4;
/// Its numbers, after its strings: price_cents, quantity, amount_cents.
const AMOUNT_CENTS: usize = 2;

#[napi(object)]
pub struct DedupPassOptions {
    /// The keyed spill files this pass writes: `<dir>/<writer>-<bucket>`.
    pub dir: String,
    pub writer: String,
    pub buckets: u32,
    /// The day's instants: records outside it are purchases for order dedup only.
    pub start_ms: f64,
    pub end_ms: f64,
    /// How many strings a record holds (event-record.ts `RECORD_STRINGS`).
    pub record_strings: u32,
    /// Per event type code: its funnel step bit (or 0); the purchase's and refund's codes.
    pub step_of_code: Vec<u32>,
    pub purchase_code: u32,
    pub refund_code: u32,
    /// Keys the tally holds before it writes its counts out; bytes buffered per bucket.
    pub tally_keys: u32,
    pub chunk_bytes: u32,
}

/// The counts of a bucket, and its event ids: those kept, then the earlier days' repeats,
/// as 16-byte big-endian UUIDs (UuidSet's `toBytes` of @shoplens/transforms).
#[napi(object)]
pub struct DedupBucketResult {
    pub ids: Buffer,
    pub distinct: u32,
    pub repeats: u32,
    pub valid: f64,
    pub cross_share: f64,
}

/// An exact set of event ids (their 128 bits as four words): open addressing.
struct IdSet {
    slots: Vec<[i32; 4]>,
    used: Vec<bool>,
    size: usize,
}

impl IdSet {
    fn new(capacity: usize) -> Self {
        let n = (capacity * 2).max(16).next_power_of_two();
        IdSet {
            slots: vec![[0; 4]; n],
            used: vec![false; n],
            size: 0,
        }
    }

    fn slot(&self, k: &[i32; 4]) -> usize {
        let w = k.map(|x| x as u32 as u64);
        let h = (w[0] ^ w[1] << 32 ^ w[2].rotate_left(17) ^ w[3].rotate_left(45))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> (64 - self.used.len().trailing_zeros())) as usize
    }

    fn find(&self, k: &[i32; 4]) -> (usize, bool) {
        let mask = self.used.len() - 1;
        let mut s = self.slot(k);
        while self.used[s] {
            if &self.slots[s] == k {
                return (s, true);
            }
            s = (s + 1) & mask;
        }
        (s, false)
    }

    fn has(&self, k: &[i32; 4]) -> bool {
        self.size > 0 && self.find(k).1
    }

    /// Adds `k`; false if it was there.
    fn add(&mut self, k: &[i32; 4]) -> bool {
        if (self.size + 1) * 2 > self.used.len() {
            self.grow();
        }
        let (s, found) = self.find(k);
        if found {
            return false;
        }
        self.slots[s] = *k;
        self.used[s] = true;
        self.size += 1;
        true
    }

    fn grow(&mut self) {
        let old_slots = std::mem::take(&mut self.slots);
        let old_used = std::mem::take(&mut self.used);
        let n = old_used.len() * 2;
        self.slots = vec![[0; 4]; n];
        self.used = vec![false; n];
        for (k, used) in old_slots.iter().zip(old_used) {
            if used {
                let (s, _) = self.find(k);
                self.slots[s] = *k;
                self.used[s] = true;
            }
        }
    }

    fn append_bytes(&self, out: &mut Vec<u8>) {
        for (k, &used) in self.slots.iter().zip(&self.used) {
            if used {
                for w in k {
                    out.extend_from_slice(&w.to_be_bytes());
                }
            }
        }
    }
}

/// The fields of a record this pass reads.
struct Record<'a> {
    bytes: &'a [u8],
    key: [i32; 4],
    time: f64,
    code: usize,
}

fn u32_at(b: &[u8], at: usize) -> Result<u32> {
    b.get(at..at + 4)
        .map(|w| u32::from_le_bytes(w.try_into().unwrap()))
        .ok_or_else(cut_short)
}

fn cut_short() -> Error {
    Error::from_reason("dedup: a spill record cut short".to_string())
}

/// The `n`th string of a record (None when absent), and where the strings end.
fn record_string(r: &[u8], n: usize, strings: usize) -> Result<(Option<&[u8]>, usize)> {
    let mut p = HEADER_BYTES;
    let mut found = None;
    for i in 0..strings {
        let len = u32_at(r, p)?;
        p += 4;
        if len == ABSENT_LEN {
            continue;
        }
        let end = p + len as usize;
        if i == n {
            found = Some(r.get(p..end).ok_or_else(cut_short)?);
        }
        p = end;
    }
    Ok((found, p))
}

#[napi]
pub struct DedupPass {
    keyed: BucketFiles,
    tally: CopyTally,
    buckets: u32,
    start_ms: f64,
    end_ms: f64,
    strings: usize,
    step_of_code: Vec<u32>,
    purchase_code: usize,
    refund_code: usize,
    // The bucket at hand.
    bucket: usize,
    earlier: IdSet,
    ids: IdSet,
    repeats: IdSet,
    other_days: IdSet,
    own: Option<IdSet>,
    valid: f64,
    cross_share: f64,
}

#[napi]
impl DedupPass {
    #[napi(constructor)]
    pub fn new(o: DedupPassOptions) -> Result<Self> {
        let types = o.step_of_code.len() as u32;
        if o.buckets == 0
            || o.record_strings <= ORDER_ID as u32
            || o.purchase_code >= types
            || o.refund_code >= types
        {
            return Err(Error::new(
                Status::InvalidArg,
                "dedup pass: buckets, record strings or type codes out of range".to_string(),
            ));
        }
        let chunk = o.chunk_bytes.max(1) as usize;
        Ok(DedupPass {
            keyed: BucketFiles::new(&o.dir, &o.writer, o.buckets as usize, chunk),
            tally: CopyTally::new(o.buckets, o.tally_keys),
            buckets: o.buckets,
            start_ms: o.start_ms,
            end_ms: o.end_ms,
            strings: o.record_strings as usize,
            step_of_code: o.step_of_code,
            purchase_code: o.purchase_code as usize,
            refund_code: o.refund_code as usize,
            bucket: 0,
            earlier: IdSet::new(0),
            ids: IdSet::new(0),
            repeats: IdSet::new(0),
            other_days: IdSet::new(0),
            own: None,
            valid: 0.0,
            cross_share: 0.0,
        })
    }

    /// Starts a bucket: `earlier` holds the ids an earlier day counted (16-byte big-endian
    /// UUIDs, as the day index stores them), `expected` about how many events it has.
    #[napi]
    pub fn begin_bucket(&mut self, bucket: u32, earlier: &[u8], expected: u32) -> Result<()> {
        if bucket >= self.buckets || earlier.len() % 16 != 0 {
            return Err(Error::new(
                Status::InvalidArg,
                "dedup pass: a bucket in range and whole 16-byte ids".to_string(),
            ));
        }
        self.bucket = bucket as usize;
        self.earlier = IdSet::new(earlier.len() / 16);
        for id in earlier.chunks_exact(16) {
            let word = |i: usize| i32::from_be_bytes(id[i * 4..i * 4 + 4].try_into().unwrap());
            self.earlier.add(&[word(0), word(1), word(2), word(3)]);
        }
        self.ids = IdSet::new(expected as usize);
        self.repeats = IdSet::new(16);
        self.other_days = IdSet::new(16);
        self.own = None;
        self.valid = 0.0;
        self.cross_share = 0.0;
        Ok(())
    }

    /// Starts the next share's file of the bucket (the first share's is 0): from the
    /// second share on, what the share read itself is told from another share's copies.
    #[napi]
    pub fn begin_share(&mut self, share: u32, bytes: u32) {
        self.own = (share > 0).then(|| IdSet::new(bytes as usize / 160));
    }

    /// The records of `chunk` from `from`. With `kept` it names the records to write as
    /// curated rows (their offsets, at most `kept.length`), and stops when it is full.
    /// Returns where it stopped (the chunk's length when done), after `kept`'s count in
    /// `state[0]`.
    #[napi]
    pub fn records(
        &mut self,
        chunk: &[u8],
        from: u32,
        mut kept: Option<Float64Array>,
        mut state: Float64Array,
    ) -> Result<u32> {
        if kept.as_ref().is_some_and(|k| k.is_empty()) {
            kept = None;
        }
        let room = kept.as_ref().map_or(0, |k| k.len());
        let mut named = 0usize;
        let mut at = from as usize;
        while at < chunk.len() {
            let len = u32_at(chunk, at)? as usize;
            let bytes = chunk.get(at..at + len).ok_or_else(cut_short)?;
            if len < HEADER_BYTES {
                return Err(cut_short());
            }
            let word =
                |i: usize| i32::from_le_bytes(bytes[4 + 4 * i..8 + 4 * i].try_into().unwrap());
            let r = Record {
                bytes,
                key: [word(0), word(1), word(2), word(3)],
                time: f64::from_le_bytes(bytes[20..28].try_into().unwrap()),
                code: bytes[28] as usize,
            };
            let record_at = at;
            at += len;
            if self.keep(&r)? {
                if let Some(k) = kept.as_mut() {
                    k[named] = record_at as f64;
                    named += 1;
                    if named == room {
                        break;
                    }
                }
            }
        }
        if !state.is_empty() {
            state[0] = named as f64;
        }
        Ok(at as u32)
    }

    /// The bucket's counts and ids; the next bucket starts with `beginBucket`.
    #[napi]
    pub fn end_bucket(&mut self) -> DedupBucketResult {
        let mut ids = Vec::with_capacity((self.ids.size + self.repeats.size) * 16);
        self.ids.append_bytes(&mut ids);
        self.repeats.append_bytes(&mut ids);
        DedupBucketResult {
            ids: ids.into(),
            distinct: self.ids.size as u32,
            repeats: self.repeats.size as u32,
            valid: self.valid,
            cross_share: self.cross_share,
        }
    }

    /// Writes the tally's counts out, then every buffer, and closes the files.
    #[napi]
    pub fn finish(&mut self) -> Result<()> {
        let r = self.tally.flush(&mut self.keyed);
        let c = self.keyed.close();
        r.and(c)
    }

    /// Writes out the buffers and closes the files (the tally's counts not written).
    #[napi]
    pub fn close(&mut self) -> Result<()> {
        self.keyed.close()
    }

    /// Bytes written to the keyed files so far.
    #[napi(getter)]
    pub fn bytes(&self) -> f64 {
        self.keyed.bytes
    }
}

impl DedupPass {
    /// One record, as `BucketDedup.records` judges it: whether it is kept for the curated
    /// zone (a kept event of the day other than a purchase).
    fn keep(&mut self, r: &Record) -> Result<bool> {
        if r.code >= self.step_of_code.len() {
            return Err(Error::from_reason(format!(
                "dedup: a spill record of unknown type {}",
                r.code
            )));
        }
        if r.time < self.start_ms || r.time >= self.end_ms {
            // A purchase of the hours around the day: for order dedup only.
            if self.other_days.add(&r.key) && r.code == self.purchase_code {
                self.pass_purchase(r)?;
            }
            return Ok(false);
        }
        self.valid += 1.0;
        if self.earlier.has(&r.key) {
            self.repeats.add(&r.key);
            self.drop_copy(r)?;
            return Ok(false);
        }
        let first = self.ids.add(&r.key);
        if let Some(own) = self.own.as_mut() {
            if own.add(&r.key) && !first {
                self.cross_share += 1.0;
            }
        }
        if !first {
            self.drop_copy(r)?;
            return Ok(false);
        }
        if r.code == self.purchase_code {
            // Its curated row waits for the order dedup of the last pass.
            self.pass_purchase(r)?;
            return Ok(false);
        }
        if r.code == self.refund_code {
            self.write_refund(r)?;
        }
        Ok(true)
    }

    /// A copy dropped: taken off its user's and session's counts.
    fn drop_copy(&mut self, r: &Record) -> Result<()> {
        let (user, session) = record_user_session(r.bytes)?;
        let step = self.step_of_code[r.code];
        self.tally.count(&mut self.keyed, user, session, step, -1)
    }

    /// A purchase record on to the keyed bucket of its order, whole.
    fn pass_purchase(&mut self, r: &Record) -> Result<()> {
        let (order, _) = record_string(r.bytes, ORDER_ID, self.strings)?;
        let order =
            order.ok_or_else(|| Error::from_reason("dedup: a purchase without order_id"))?;
        let b = (bytes_hash(order) % self.buckets) as usize;
        let out = self.keyed.target(b);
        out.extend_from_slice(&(5 + r.bytes.len() as u32).to_le_bytes());
        out.push(KEYED_PURCHASE);
        out.extend_from_slice(r.bytes);
        self.keyed.written(b)
    }

    /// A refund to this bucket's keyed file: its amount, event id and currency.
    fn write_refund(&mut self, r: &Record) -> Result<()> {
        let missing = || Error::from_reason("dedup: a refund without event_id or currency");
        let (event_id, numbers) = record_string(r.bytes, EVENT_ID, self.strings)?;
        let (currency, _) = record_string(r.bytes, CURRENCY, self.strings)?;
        let (event_id, currency) = (event_id.ok_or_else(missing)?, currency.ok_or_else(missing)?);
        let at = numbers + 8 * AMOUNT_CENTS;
        let amount = r.bytes.get(at..at + 8).ok_or_else(cut_short)?;
        let out = self.keyed.target(self.bucket);
        let length = 5 + 8 + 4 + event_id.len() + 4 + currency.len();
        out.extend_from_slice(&(length as u32).to_le_bytes());
        out.push(KEYED_REFUND);
        out.extend_from_slice(amount);
        put_bytes(out, event_id);
        put_bytes(out, currency);
        self.keyed.written(self.bucket)
    }
}
