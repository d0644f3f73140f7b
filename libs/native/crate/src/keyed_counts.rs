//! The batch's last pass, its users and sessions compiled: per bucket of the keyed spill,
//! the copies the first pass counted and the second took off, summed per user and session
//! (`countUsersAndSessions` of apps/batch, spill/order-buckets.ts), so that only how many
//! users and sessions kept an event, and which funnel steps each session reached, go back
//! to JavaScript: no string per user or session. Refunds and purchases are the caller's.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::spill_scan::{bytes_hash, KeyCounts, KEYED_SESSION, KEYED_USER, SESSION_COUNTS};

/// Header bytes of a keyed record before its payload: u32 length, u8 kind.
const KEYED_HEADER: usize = 5;

#[napi]
pub struct KeyedCounts {
    users: KeyCounts,
    sessions: KeyCounts,
}

fn word(b: &[u8], at: usize) -> Result<[u8; 4]> {
    b.get(at..at + 4)
        .map(|w| w.try_into().unwrap())
        .ok_or_else(|| Error::from_reason("keyed spill: a record cut short".to_string()))
}

fn inconsistent(what: &str) -> Error {
    Error::from_reason(format!(
        "the spill's {what} counts went below zero: a pass lost records"
    ))
}

#[napi]
impl KeyedCounts {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        KeyedCounts {
            users: KeyCounts::new(1, 4096),
            sessions: KeyCounts::new(SESSION_COUNTS, 4096),
        }
    }

    /// Sums the user and session records of `chunk` from `from`, up to the first record of
    /// another kind (a refund or a purchase, for the caller): its offset, or the chunk's
    /// length at its end.
    #[napi]
    pub fn add(&mut self, chunk: &[u8], from: u32) -> Result<u32> {
        let mut at = from as usize;
        while at < chunk.len() {
            let len = u32::from_le_bytes(word(chunk, at)?) as usize;
            let record = chunk
                .get(at..at + len)
                .filter(|r| r.len() > KEYED_HEADER)
                .ok_or_else(|| Error::from_reason("keyed spill: a record cut short"))?;
            let body = KEYED_HEADER;
            let (table, counts) = match record[4] {
                KEYED_USER => (&mut self.users, 1),
                KEYED_SESSION => (&mut self.sessions, SESSION_COUNTS),
                _ => return Ok(at as u32),
            };
            let k = body + 4 * counts + 4;
            let n = u32::from_le_bytes(word(record, k - 4)?) as usize;
            let key = record
                .get(k..k + n)
                .ok_or_else(|| Error::from_reason("keyed spill: a record cut short"))?;
            let e = table.entry(key, bytes_hash(key)) * counts;
            for i in 0..counts {
                table.counts[e + i] += i32::from_le_bytes(word(record, body + 4 * i)?);
            }
            at += len;
        }
        Ok(at as u32)
    }

    /// The users with a kept event into `out[0]`, and the sessions with one by the funnel
    /// steps they reached into `out[1 + steps]` (FUNNEL_STEP bits, 0 to 15); then empty.
    #[napi]
    pub fn take(&mut self, mut out: Float64Array) -> Result<()> {
        if out.len() < 17 {
            return Err(Error::new(
                Status::InvalidArg,
                "keyed counts: out needs 17 numbers".to_string(),
            ));
        }
        out.fill(0.0);
        for &c in &self.users.counts {
            if c < 0 {
                return Err(inconsistent("user"));
            }
            if c > 0 {
                out[0] += 1.0;
            }
        }
        for counts in self.sessions.counts.chunks_exact(SESSION_COUNTS) {
            if counts[0] < 0 {
                return Err(inconsistent("session"));
            }
            if counts[0] == 0 {
                continue;
            }
            let mut steps = 0;
            for (i, &c) in counts.iter().enumerate().skip(1) {
                if c < 0 || c > counts[0] {
                    return Err(inconsistent("funnel step"));
                }
                if c > 0 {
                    steps |= 1 << (i - 1);
                }
            }
            out[1 + steps] += 1.0;
        }
        self.users.clear();
        self.sessions.clear();
        Ok(())
    }
}
