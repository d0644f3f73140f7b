//! The compiled hot paths of shoplens, loaded by `@shoplens/native` (libs/native/src):
//! gzip (level 1 by ISA-L when built with the `isal` feature, every level by libdeflate),
//! gunzip into a caller's buffer (libdeflate),
//! the contract's fast path for event lines (event_scanner.rs), and the batch's first two
//! passes: event lines into its spill files (spill_scan.rs), and their dedup (dedup_pass.rs).
//! Each function here has a JavaScript counterpart that gives the same result, used when
//! the addon is not built; the library's tests hold the two to each other.

mod curated_parquet;
mod dedup_pass;
mod event_scanner;
mod keyed_counts;
mod parquet_table;
mod parquet_writer;
mod spill_scan;

use libdeflater::{CompressionLvl, Compressor};
use napi::bindgen_prelude::*;
use napi::{Env, Task};
use napi_derive::napi;

/// The highest level libdeflate has; 1 to 9 mean what they mean to zlib, roughly.
const MAX_LEVEL: u32 = 12;

/// Level 1 by ISA-L's igzip: about twice libdeflate's level 1 on JSON Lines, files about
/// 5 % larger. None if its output did not fit the room given (libdeflate then does it).
#[cfg(feature = "isal")]
fn isal_level1(input: &[u8]) -> Option<Vec<u8>> {
    // Deflate's stored blocks add 5 bytes per 64 KiB; the gzip frame 18 bytes.
    let mut out = vec![0u8; input.len() + input.len() / 16 + 1024];
    let n = isal::compress_into(
        input,
        &mut out,
        isal::CompressionLevel::One,
        isal::Codec::Gzip,
    )
    .ok()?;
    out.truncate(n);
    out.shrink_to_fit();
    Some(out)
}

/// Which library compresses at `level`: "isa-l" or "libdeflate".
#[napi]
pub fn gzip_engine(level: u32) -> &'static str {
    if cfg!(feature = "isal") && level == 1 {
        "isa-l"
    } else {
        "libdeflate"
    }
}

fn gzip_bytes(input: &[u8], level: u32) -> Result<Vec<u8>> {
    #[cfg(feature = "isal")]
    if level == 1 {
        if let Some(out) = isal_level1(input) {
            return Ok(out);
        }
    }
    let lvl = CompressionLvl::new(level as i32).map_err(|_| {
        Error::new(
            Status::InvalidArg,
            format!("gzip level {level} is not 0 to {MAX_LEVEL}"),
        )
    })?;
    let mut compressor = Compressor::new(lvl);
    let mut out = vec![0u8; compressor.gzip_compress_bound(input.len())];
    let n = compressor
        .gzip_compress(input, &mut out)
        .map_err(|e| Error::from_reason(format!("gzip failed: {e}")))?;
    out.truncate(n);
    out.shrink_to_fit();
    Ok(out)
}

fn check_level(level: u32) -> Result<()> {
    if level > MAX_LEVEL {
        return Err(Error::new(
            Status::InvalidArg,
            format!("gzip level {level} is not 0 to {MAX_LEVEL}"),
        ));
    }
    Ok(())
}

pub struct GzipTask {
    input: Buffer,
    level: u32,
}

impl Task for GzipTask {
    type Output = Vec<u8>;
    type JsValue = Buffer;

    fn compute(&mut self) -> Result<Self::Output> {
        gzip_bytes(&self.input, self.level)
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output.into())
    }
}

/// One gzip member holding `input`, compressed on Node's thread pool (see `gzip_engine`).
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn gzip(input: Buffer, level: u32) -> Result<AsyncTask<GzipTask>> {
    check_level(level)?;
    Ok(AsyncTask::new(GzipTask { input, level }))
}

pub struct GzipLinesTask {
    lines: Vec<Buffer>,
    level: u32,
}

impl Task for GzipLinesTask {
    type Output = Vec<u8>;
    type JsValue = Buffer;

    fn compute(&mut self) -> Result<Self::Output> {
        let size = self.lines.iter().map(|l| l.len() + 1).sum();
        let mut joined = Vec::with_capacity(size);
        for line in &self.lines {
            joined.extend_from_slice(line);
            joined.push(b'\n');
        }
        gzip_bytes(&joined, self.level)
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output.into())
    }
}

/// One gzip member holding each of `lines` followed by `\n`, joined and compressed on
/// Node's thread pool (the main thread copies nothing).
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn gzip_lines(lines: Vec<Buffer>, level: u32) -> Result<AsyncTask<GzipLinesTask>> {
    check_level(level)?;
    Ok(AsyncTask::new(GzipLinesTask { lines, level }))
}

/// The same, on the calling thread.
#[napi]
pub fn gzip_sync(input: Buffer, level: u32) -> Result<Buffer> {
    check_level(level)?;
    Ok(gzip_bytes(&input, level)?.into())
}

/// libdeflate's decompressor, freed when dropped.
struct Decompressor(*mut libdeflate_sys::libdeflate_decompressor);

impl Drop for Decompressor {
    fn drop(&mut self) {
        unsafe { libdeflate_sys::libdeflate_free_decompressor(self.0) }
    }
}

/// The gzip magic bytes: what starts a member.
fn is_member(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
}

/// Decompresses every member of `input` into `out`, one after another, as zlib's gunzip
/// reads them (bytes after the last member that do not start another are ignored, as zlib
/// does): the bytes written, or None if `out` is too small.
fn gunzip_into_slice(d: &Decompressor, input: &[u8], out: &mut [u8]) -> Result<Option<usize>> {
    if !is_member(input) {
        return Err(Error::from_reason("gunzip: not gzip (no gzip header)"));
    }
    let (mut at, mut written) = (0, 0);
    while at < input.len() && is_member(&input[at..]) {
        let (mut used_in, mut used_out) = (0usize, 0usize);
        let r = unsafe {
            libdeflate_sys::libdeflate_gzip_decompress_ex(
                d.0,
                input[at..].as_ptr().cast(),
                input.len() - at,
                out[written..].as_mut_ptr().cast(),
                out.len() - written,
                &mut used_in,
                &mut used_out,
            )
        };
        if r == libdeflate_sys::libdeflate_result_LIBDEFLATE_INSUFFICIENT_SPACE {
            return Ok(None);
        }
        if r != libdeflate_sys::libdeflate_result_LIBDEFLATE_SUCCESS {
            return Err(Error::from_reason(format!(
                "gunzip: corrupt or truncated gzip at byte {at}"
            )));
        }
        at += used_in;
        written += used_out;
    }
    Ok(Some(written))
}

fn decompressor() -> Result<Decompressor> {
    let d = Decompressor(unsafe { libdeflate_sys::libdeflate_alloc_decompressor() });
    if d.0.is_null() {
        return Err(Error::from_reason("gunzip: out of memory"));
    }
    Ok(d)
}

pub struct GunzipIntoTask {
    input: Buffer,
    out: Buffer,
}

impl Task for GunzipIntoTask {
    type Output = f64;
    type JsValue = f64;

    fn compute(&mut self) -> Result<Self::Output> {
        let d = decompressor()?;
        Ok(match gunzip_into_slice(&d, &self.input, &mut self.out)? {
            Some(n) => n as f64,
            None => -1.0,
        })
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}

/// `input`'s gzip members decompressed into `out` on Node's thread pool: the bytes
/// written, or -1 if `out` is too small. `out` must not be touched until it resolves.
#[napi(ts_return_type = "Promise<number>")]
pub fn gunzip_into(input: Buffer, out: Buffer) -> AsyncTask<GunzipIntoTask> {
    AsyncTask::new(GunzipIntoTask { input, out })
}
