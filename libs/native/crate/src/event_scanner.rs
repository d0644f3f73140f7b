//! The contract's byte-level fast path for one event line, compiled: the same judgement as
//! `EventLineScanner` of @shoplens/schemas (libs/schemas/src/validation/event-line-scanner.ts),
//! made from the same tables, which that library builds from its contract and passes in.
//! It only ever accepts lines the TypeScript scanner accepts, with the same event time; the
//! schemas library's tests hold the two to each other.

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// The contract's tables, by field number (the order of `keys`): built by @shoplens/schemas.
#[napi(object)]
pub struct ScannerTables {
    /// The field names, by field number.
    pub keys: Vec<String>,
    /// One bit per field number: fields whose value is a string, and an integer.
    pub string_fields: u32,
    pub int_fields: u32,
    /// Per field number: the bounds of a string's length and of an integer.
    pub min_len: Vec<i32>,
    pub max_len: Vec<i32>,
    pub min_int: Vec<f64>,
    pub max_int: Vec<f64>,
    /// The event types by code, and the fields each requires and allows.
    pub types: Vec<String>,
    pub required: Vec<u32>,
    pub allowed: Vec<u32>,
    pub item_required: u32,
    pub item_allowed: u32,
    pub max_items: u32,
    pub max_line_bytes: u32,
    pub countries: Vec<String>,
    pub devices: Vec<String>,
}

struct Fields {
    items: usize,
    price_cents: usize,
    quantity: usize,
    event_type: usize,
    event_time: usize,
    event_id: usize,
    currency: usize,
    device: usize,
    country: usize,
    product_id: usize,
    category: usize,
}

#[napi]
pub struct EventScanner {
    keys: Vec<Vec<u8>>,
    key_first: Vec<i8>,
    key_next: Vec<i8>,
    string_fields: u32,
    int_fields: u32,
    min_len: Vec<i32>,
    max_len: Vec<i32>,
    min_int: Vec<f64>,
    max_int: Vec<f64>,
    types: Vec<Vec<u8>>,
    required: Vec<u32>,
    allowed: Vec<u32>,
    item_required: u32,
    item_allowed: u32,
    max_items: usize,
    max_line_bytes: usize,
    countries: Vec<[u8; 2]>,
    devices: Vec<Vec<u8>>,
    f: Fields,
    product_view: usize,
    pub(crate) start: Vec<usize>,
    pub(crate) end: Vec<usize>,
    pub(crate) num: Vec<f64>,
    at: usize,
    /// Of the last line accepted: per item, product_id, category and product_name (start,
    /// end; `ABSENT` when there is no product_name); per item, price_cents and quantity.
    pub(crate) item_str: Vec<usize>,
    pub(crate) item_num: Vec<f64>,
    pub(crate) items: usize,
    /// The fields present (one bit per field number), the event type's code, the event id
    /// as four 32-bit words (as parseUuid of @shoplens/transforms reads it).
    pub(crate) seen: u32,
    pub(crate) code: usize,
    pub(crate) key: [i32; 4],
    /// Per field (then `OBJECT`, `ITEM` past the fields): the key that last followed it.
    next_key: Vec<i8>,
}

/// Where `next_key` holds the first key of an event, and of an item.
const OBJECT: usize = 0;
const ITEM: usize = 1;

/// Byte equality of two short strings (keys are at most 63 bytes, most under 16): two
/// overlapping word loads each instead of a call to memcmp.
#[inline(always)]
pub(crate) fn same_short(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word8 = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap());
    let word4 = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap());
    match n {
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        4..=7 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        _ => a == b,
    }
}

/// An item's product_name that is not there.
pub(crate) const ABSENT: usize = usize::MAX;

const KEY_SLOTS: usize = 64 * 128;

/// Each byte's value as a hexadecimal digit, 0xff for any other byte.
const HEX_VALUE: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c as u8 {
            b'0'..=b'9' => c as u8 - b'0',
            b'a'..=b'f' => c as u8 - b'a' + 10,
            b'A'..=b'F' => c as u8 - b'A' + 10,
            _ => 0xff,
        };
        c += 1;
    }
    t
};

/// Where a UUID's 32 hexadecimal digits are, around its four dashes.
const NIBBLE_AT: [u8; 32] = [
    0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29,
    30, 31, 32, 33, 34, 35,
];

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any of 8 bytes may end a plain string: a quote, a backslash, a control byte or
/// one from 0x7f up. Exact for the first such byte; bytes above it may be flagged falsely.
#[inline(always)]
fn may_end_string(x: u64) -> bool {
    let quote = x ^ (ONES * b'"' as u64);
    let backslash = x ^ (ONES * b'\\' as u64);
    let zero_in = |v: u64| v.wrapping_sub(ONES) & !v;
    let control = x.wrapping_sub(ONES * 0x20) & !x;
    let high = x.wrapping_add(ONES) | x;
    (zero_in(quote) | zero_in(backslash) | control | high) & HIGHS != 0
}

#[napi]
impl EventScanner {
    #[napi(constructor)]
    pub fn new(t: ScannerTables) -> Result<Self> {
        let n = t.keys.len();
        if n > 31
            || t.min_len.len() != n
            || t.max_len.len() != n
            || t.min_int.len() != n
            || t.max_int.len() != n
        {
            return Err(Error::new(
                Status::InvalidArg,
                "scanner tables: one entry per field, at most 31 fields".to_string(),
            ));
        }
        if t.types.len() != t.required.len() || t.types.len() != t.allowed.len() {
            return Err(Error::new(
                Status::InvalidArg,
                "scanner tables: required and allowed per type".to_string(),
            ));
        }
        let field = |name: &str| -> Result<usize> {
            t.keys.iter().position(|k| k == name).ok_or_else(|| {
                Error::new(
                    Status::InvalidArg,
                    format!("scanner tables: no field {name}"),
                )
            })
        };
        let type_code = |name: &str| -> Result<usize> {
            t.types.iter().position(|k| k == name).ok_or_else(|| {
                Error::new(
                    Status::InvalidArg,
                    format!("scanner tables: no event type {name}"),
                )
            })
        };
        let f = Fields {
            items: field("items")?,
            price_cents: field("price_cents")?,
            quantity: field("quantity")?,
            event_type: field("event_type")?,
            event_time: field("event_time")?,
            event_id: field("event_id")?,
            currency: field("currency")?,
            device: field("device")?,
            country: field("country")?,
            product_id: field("product_id")?,
            category: field("category")?,
        };
        let keys: Vec<Vec<u8>> = t.keys.iter().map(|k| k.as_bytes().to_vec()).collect();
        let mut key_first = vec![-1i8; KEY_SLOTS];
        let mut key_next = vec![-1i8; n];
        for (i, k) in keys.iter().enumerate() {
            if k.is_empty() || k.len() >= 64 || k[0] >= 128 {
                return Err(Error::new(
                    Status::InvalidArg,
                    "scanner tables: a key of 1 to 63 ASCII bytes".to_string(),
                ));
            }
            let slot = (k.len() << 7) | k[0] as usize;
            key_next[i] = key_first[slot];
            key_first[slot] = i as i8;
        }
        let mut countries = Vec::new();
        for c in &t.countries {
            let b = c.as_bytes();
            if b.len() != 2 {
                return Err(Error::new(
                    Status::InvalidArg,
                    format!("scanner tables: country {c}"),
                ));
            }
            countries.push([b[0], b[1]]);
        }
        countries.sort();
        Ok(EventScanner {
            product_view: type_code("product_view")?,
            keys,
            key_first,
            key_next,
            string_fields: t.string_fields,
            int_fields: t.int_fields,
            min_len: t.min_len,
            max_len: t.max_len,
            min_int: t.min_int,
            max_int: t.max_int,
            types: t.types.iter().map(|s| s.as_bytes().to_vec()).collect(),
            required: t.required,
            allowed: t.allowed,
            item_required: t.item_required,
            item_allowed: t.item_allowed,
            max_items: t.max_items as usize,
            max_line_bytes: t.max_line_bytes as usize,
            countries,
            devices: t.devices.iter().map(|s| s.as_bytes().to_vec()).collect(),
            f,
            start: vec![0; n],
            end: vec![0; n],
            num: vec![0.0; n],
            at: 0,
            item_str: vec![0; t.max_items as usize * 6],
            item_num: vec![0.0; t.max_items as usize * 2],
            items: 0,
            seen: 0,
            code: 0,
            key: [0; 4],
            next_key: vec![-1; n + 2],
        })
    }

    /// The event time (epoch ms) of `line[start, end)` if this path accepts it, else NaN
    /// (use parseEventLine). The whole buffer and a range: a caller need not make a view.
    #[napi]
    pub fn scan_time(&mut self, line: &[u8], start: u32, end: u32) -> f64 {
        let (start, end) = (start as usize, end as usize);
        if start > end || end > line.len() {
            return f64::NAN;
        }
        self.scan_guarded(&line[start..end])
    }

    /// `scan_time` of many ranges of `buf` in one call: range i is
    /// `ranges[i * stride + at]` to `ranges[i * stride + at + 1]` (an end below 0: no
    /// line, NaN), its event time goes to `out[i]`, for i below `count`.
    #[napi]
    pub fn scan_times(
        &mut self,
        buf: &[u8],
        ranges: Float64Array,
        count: u32,
        stride: u32,
        at: u32,
        mut out: Float64Array,
    ) -> Result<()> {
        let (count, stride, at) = (count as usize, stride as usize, at as usize);
        if stride <= at + 1 || ranges.len() < count * stride || out.len() < count {
            return Err(Error::new(
                Status::InvalidArg,
                "scanTimes: ranges or out too short for count, stride and at",
            ));
        }
        let out: &mut [f64] = &mut out;
        for i in 0..count {
            let (start, end) = (ranges[i * stride + at], ranges[i * stride + at + 1]);
            out[i] = if start >= 0.0 && end >= start && end <= buf.len() as f64 {
                self.scan_guarded(&buf[start as usize..end as usize])
            } else {
                f64::NAN
            };
        }
        Ok(())
    }
}

impl EventScanner {
    /// `scan`'s time or NaN. A bug here must not take the process down: a panic declines
    /// the line, which then goes to parseEventLine, whose judgement is the rule anyway.
    pub(crate) fn scan_guarded(&mut self, line: &[u8]) -> f64 {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.scan(line))) {
            Ok(Some(ms)) => ms,
            _ => f64::NAN,
        }
    }

    fn key_field(&self, k: &[u8]) -> i32 {
        let n = k.len();
        if n == 0 || n >= 64 || k[0] >= 128 {
            return -1;
        }
        let mut f = self.key_first[(n << 7) | k[0] as usize];
        while f >= 0 {
            if same_short(&self.keys[f as usize], k) {
                return f as i32;
            }
            f = self.key_next[f as usize];
        }
        -1
    }

    /// The field of the key whose opening quote is at `i`, and where its closing quote is.
    /// `after` is the field of the key before it in its object (`OBJECT` or `ITEM` for the
    /// first): lines of one producer have their keys in one order, so the key that followed
    /// it last time is tried first, with one comparison.
    fn key_at(
        &mut self,
        line: &[u8],
        i: usize,
        end: usize,
        after: usize,
    ) -> Option<(usize, usize)> {
        if line.get(i) != Some(&b'"') {
            return None;
        }
        let ks = i + 1;
        let guess = self.next_key[after];
        if guess >= 0 {
            let k = &self.keys[guess as usize];
            let e = ks + k.len();
            if e < end && line[e] == b'"' && same_short(&line[ks..e], k) {
                return Some((guess as usize, e));
            }
        }
        let mut at = ks;
        while at < end && line[at] != b'"' {
            at += 1;
        }
        let field = self.key_field(&line[ks..at]);
        if field < 0 {
            return None;
        }
        self.next_key[after] = field as i8;
        Some((field as usize, at))
    }

    /// The end quote of a plain string from `i`, or None for an escape, a control or non-ASCII byte.
    fn string(line: &[u8], mut i: usize, end: usize) -> Option<usize> {
        // Eight bytes at a time while none can end the string, then byte by byte.
        while i + 8 <= end {
            let x = u64::from_le_bytes(line[i..i + 8].try_into().unwrap());
            if may_end_string(x) {
                break;
            }
            i += 8;
        }
        while i < end {
            let b = line[i];
            if b == b'"' {
                return Some(i);
            }
            if b < 0x20 || b == b'\\' || b >= 0x7f {
                return None;
            }
            i += 1;
        }
        None
    }

    /// A non-negative integer from `i` (its end in `at`), or NaN for any other number.
    fn integer(&mut self, line: &[u8], mut i: usize, end: usize) -> f64 {
        let s = i;
        let mut v: f64 = 0.0;
        while i < end {
            let d = line[i].wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            v = v * 10.0 + d as f64;
            i += 1;
        }
        let b = line.get(i).copied();
        if i - s > 15
            || (line[s] == b'0' && i - s > 1)
            || b == Some(b'.')
            || b == Some(b'e')
            || b == Some(b'E')
        {
            return f64::NAN;
        }
        self.at = i;
        v
    }

    fn item_list(&mut self, line: &[u8], mut i: usize, end: usize) -> Option<usize> {
        let mut n = 0usize;
        loop {
            if n == self.max_items || line.get(i) != Some(&b'{') {
                return None;
            }
            i += 1;
            let mut seen = 0u32;
            let o = n * 6;
            self.item_str[o + 4] = ABSENT;
            let mut after = self.keys.len() + ITEM;
            loop {
                let (field, at) = self.key_at(line, i, end, after)?;
                after = field;
                i = at;
                let fb = 1u32 << field;
                if fb & self.item_allowed == 0 || seen & fb != 0 {
                    return None;
                }
                if line.get(i + 1) != Some(&b':') {
                    return None;
                }
                seen |= fb;
                i += 2;
                if field == self.f.price_cents || field == self.f.quantity {
                    match line.get(i) {
                        Some(c) if c.is_ascii_digit() => {}
                        _ => return None,
                    }
                    let v = self.integer(line, i, end);
                    if !(v >= self.min_int[field] && v <= self.max_int[field]) {
                        return None;
                    }
                    self.item_num[n * 2 + usize::from(field != self.f.price_cents)] = v;
                    i = self.at;
                } else {
                    if line.get(i) != Some(&b'"') {
                        return None;
                    }
                    let vs = i + 1;
                    let e = Self::string(line, vs, end)?;
                    let len = (e - vs) as i32;
                    if len < self.min_len[field] || len > self.max_len[field] {
                        return None;
                    }
                    let slot = o + if field == self.f.product_id {
                        0
                    } else if field == self.f.category {
                        2
                    } else {
                        4
                    };
                    self.item_str[slot] = vs;
                    self.item_str[slot + 1] = e;
                    i = e + 1;
                }
                match line.get(i) {
                    Some(b',') => i += 1,
                    Some(b'}') => break,
                    _ => return None,
                }
            }
            if seen & self.item_required != self.item_required {
                return None;
            }
            n += 1;
            i += 1;
            match line.get(i) {
                Some(b',') => i += 1,
                Some(b']') => break,
                _ => return None,
            }
        }
        self.items = n;
        Some(i + 1)
    }

    fn scan(&mut self, line: &[u8]) -> Option<f64> {
        let end = line.len();
        if end > self.max_line_bytes || end < 2 || line[0] != b'{' || line[end - 1] != b'}' {
            return None;
        }
        let mut seen = 0u32;
        let mut i = 1usize;
        let mut after = self.keys.len() + OBJECT;
        loop {
            let (field, at) = self.key_at(line, i, end, after)?;
            after = field;
            i = at;
            let fb = 1u32 << field;
            if seen & fb != 0 || line.get(i + 1) != Some(&b':') {
                return None;
            }
            seen |= fb;
            i += 2;
            match line.get(i).copied() {
                Some(b'"') => {
                    if self.string_fields & fb == 0 {
                        return None;
                    }
                    let vs = i + 1;
                    let e = Self::string(line, vs, end)?;
                    self.start[field] = vs;
                    self.end[field] = e;
                    i = e + 1;
                }
                Some(c) if c.is_ascii_digit() => {
                    if self.int_fields & fb == 0 {
                        return None;
                    }
                    let v = self.integer(line, i, end);
                    if !(v >= self.min_int[field] && v <= self.max_int[field]) {
                        return None;
                    }
                    self.num[field] = v;
                    i = self.at;
                }
                Some(b'[') if field == self.f.items => {
                    i = self.item_list(line, i + 1, end)?;
                }
                _ => return None,
            }
            match line.get(i) {
                Some(b',') => i += 1,
                Some(b'}') if i == end - 1 => break,
                _ => return None,
            }
        }
        // Positions are only this line's for the fields it has (`seen`).
        if seen & (1 << self.f.event_type) == 0 {
            return None;
        }
        let (ts, te) = (self.start[self.f.event_type], self.end[self.f.event_type]);
        let code = self
            .types
            .iter()
            .position(|t| t.as_slice() == &line[ts..te])?;
        let required = self.required[code];
        if seen & required != required || seen & !self.allowed[code] != 0 {
            return None;
        }
        for f in 0..self.keys.len() {
            if (seen & (1 << f) & self.string_fields) == 0
                || f == self.f.event_type
                || f == self.f.event_time
            {
                continue;
            }
            let n = (self.end[f] - self.start[f]) as i32;
            if n < self.min_len[f] || n > self.max_len[f] {
                return None;
            }
        }
        if !self.uuid(line) {
            return None;
        }
        if seen & (1 << self.f.currency) != 0 {
            let (s, e) = (self.start[self.f.currency], self.end[self.f.currency]);
            if e - s != 3 || !line[s..e].iter().all(|c| c.is_ascii_uppercase()) {
                return None;
            }
        }
        if seen & (1 << self.f.device) != 0 {
            let d = &line[self.start[self.f.device]..self.end[self.f.device]];
            if !self.devices.iter().any(|x| x.as_slice() == d) {
                return None;
            }
        }
        if seen & (1 << self.f.country) != 0 {
            let (s, e) = (self.start[self.f.country], self.end[self.f.country]);
            if e - s != 2
                || self
                    .countries
                    .binary_search(&[line[s], line[s + 1]])
                    .is_err()
            {
                return None;
            }
        }
        if code == self.product_view && self.num[self.f.quantity] != 1.0 {
            return None;
        }
        let ms =
            parse_event_time(&line[self.start[self.f.event_time]..self.end[self.f.event_time]])?;
        self.seen = seen;
        self.code = code;
        Some(ms)
    }

    /// Whether the event id is a UUID; if so, its 128 bits go to `key`.
    fn uuid(&mut self, line: &[u8]) -> bool {
        let s = self.start[self.f.event_id];
        if self.end[self.f.event_id] - s != 36 {
            return false;
        }
        let id: &[u8; 36] = line[s..s + 36].try_into().unwrap();
        if id[8] != b'-' || id[13] != b'-' || id[18] != b'-' || id[23] != b'-' {
            return false;
        }
        // Branch-free: a byte that is no hex digit sets the high bit of `bad`.
        let mut bad = 0u8;
        for (w, nibbles) in NIBBLE_AT.chunks_exact(8).enumerate() {
            let mut word = 0u32;
            for &at in nibbles {
                let v = HEX_VALUE[id[at as usize] as usize];
                bad |= v;
                word = (word << 4) | (v & 15) as u32;
            }
            self.key[w] = word as i32;
        }
        bad & 0x80 == 0
    }
}

fn digits(b: &[u8], start: usize, count: usize) -> i64 {
    let mut n = 0i64;
    for &c in &b[start..start + count] {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return -1;
        }
        n = n * 10 + d as i64;
    }
    n
}

fn days_in_month(year: i64, month: i64) -> i64 {
    if month == 2 {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return if leap { 29 } else { 28 };
    }
    if month == 4 || month == 6 || month == 9 || month == 11 {
        30
    } else {
        31
    }
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// RFC 3339 `date-time` to epoch ms, as parseEventTimeBytes of @shoplens/schemas.
pub fn parse_event_time(b: &[u8]) -> Option<f64> {
    let n = b.len();
    if !(20..=35).contains(&n) {
        return None;
    }
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    if b[10] != b'T' && b[10] != b't' {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = digits(b, 0, 4);
    let month = digits(b, 5, 2);
    let day = digits(b, 8, 2);
    let hour = digits(b, 11, 2);
    let minute = digits(b, 14, 2);
    let second = digits(b, 17, 2);
    if year < 0 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if !(0..=23).contains(&hour) || !(0..=59).contains(&minute) || !(0..=59).contains(&second) {
        return None;
    }
    let mut i = 19;
    let mut millis = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let first = i;
        while i < n {
            let d = b[i].wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            if i - first < 3 {
                millis = millis * 10 + d as i64;
            }
            i += 1;
        }
        let count = i - first;
        if !(1..=9).contains(&count) {
            return None;
        }
        for _ in count..3 {
            millis *= 10;
        }
    }
    let offset_minutes = match b.get(i) {
        Some(b'Z') | Some(b'z') => {
            if i + 1 != n {
                return None;
            }
            0
        }
        Some(&z @ (b'+' | b'-')) => {
            if i + 6 != n || b[i + 3] != b':' {
                return None;
            }
            let oh = digits(b, i + 1, 2);
            let om = digits(b, i + 4, 2);
            if !(0..=23).contains(&oh) || !(0..=59).contains(&om) {
                return None;
            }
            (oh * 60 + om) * if z == b'-' { -1 } else { 1 }
        }
        _ => return None,
    };
    let ms = days_from_civil(year, month, day) * 86_400_000
        + ((hour * 60 + minute) * 60 + second) * 1000
        + millis;
    Some((ms - offset_minutes * 60_000) as f64)
}
