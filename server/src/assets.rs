//! The built JS, WASM and CSS, served precompressed. At start, a background thread writes a
//! Brotli (`.br`) and a gzip (`.gz`) copy beside each asset that lacks a fresh one; the file
//! server then sends the smallest the browser accepts. Until a copy exists, the compression
//! layer gzips on the fly.
//!
//! Pages name the assets under a path that carries the build's fingerprint
//! (`/v/<fingerprint>/pkg/…`), so browsers may keep them for a year without asking again: a new
//! build has a new fingerprint, hence new addresses.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

const COMPRESSIBLE: [&str; 3] = ["wasm", "js", "css"];
/// Brotli at its best (11) costs seconds per megabyte: worth it for release assets, written
/// once per build. A larger (debug) file gets a faster level.
const BEST_UP_TO_BYTES: u64 = 3 * 1024 * 1024;

/// Removes the copies that are older than their asset (at once, so that no stale copy is ever
/// served), then writes fresh ones in the background, without delaying the start.
pub fn precompress_in_background(pkg: PathBuf) {
    if let Err(e) = remove_stale_copies(&pkg) {
        tracing::warn!(error = %e, dir = %pkg.display(), "could not check the compressed assets");
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("precompress".into())
        .spawn(move || {
            if let Err(e) = precompress(&pkg) {
                tracing::warn!(error = %e, dir = %pkg.display(), "assets are compressed on the fly only");
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start compressing the assets");
    }
}

/// The assets' fingerprint: the first 12 hex digits of a SHA-256 over their names and contents.
/// Every instance serving the same build computes the same one; a missing folder (a server
/// built without its site, as in the integration tests) has the fingerprint of nothing.
pub fn fingerprint(pkg: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut files = match files_ending_in(pkg, &["wasm", "js", "css", "json"]) {
        Ok(files) => files,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    files.sort();
    let mut digest = Sha256::new();
    for file in files {
        digest.update(file.file_name().unwrap_or_default().as_encoded_bytes());
        digest.update([0]);
        digest.update(std::fs::read(&file)?);
    }
    Ok(hex::encode(&digest.finalize()[..6]))
}

/// The files in `dir` whose extension is one of `extensions`.
fn files_ending_in(dir: &Path, extensions: &[&str]) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e));
        if wanted {
            files.push(path);
        }
    }
    Ok(files)
}

fn remove_stale_copies(pkg: &Path) -> std::io::Result<()> {
    for copy in files_ending_in(pkg, &["br", "gz", "tmp"])? {
        let source = copy.with_extension("");
        let fresh = std::fs::metadata(&source)
            .and_then(|m| m.modified())
            .is_ok_and(|modified| is_fresh(&copy, modified));
        if !fresh {
            std::fs::remove_file(&copy)?;
        }
    }
    Ok(())
}

fn precompress(pkg: &Path) -> std::io::Result<()> {
    for path in files_ending_in(pkg, &COMPRESSIBLE)? {
        let modified = std::fs::metadata(&path)?.modified()?;
        for (suffix, compress) in [("br", brotli_bytes as Compressor), ("gz", gzip_bytes)] {
            let target = with_suffix(&path, suffix);
            if !is_fresh(&target, modified) {
                let bytes = std::fs::read(&path)?;
                write_atomically(&target, &compress(&bytes)?)?;
            }
        }
    }
    tracing::info!(dir = %pkg.display(), "assets precompressed (br, gz)");
    Ok(())
}

type Compressor = fn(&[u8]) -> std::io::Result<Vec<u8>>;

fn brotli_bytes(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let quality = if bytes.len() as u64 <= BEST_UP_TO_BYTES {
        11
    } else {
        5
    };
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, quality, 22);
        writer.write_all(bytes)?;
    }
    Ok(out)
}

fn gzip_bytes(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// A copy is fresh when it was written after the asset it was made from.
fn is_fresh(copy: &Path, source_modified: SystemTime) -> bool {
    std::fs::metadata(copy)
        .and_then(|m| m.modified())
        .is_ok_and(|m| m >= source_modified)
}

/// Written under a temporary name and renamed, so that a half-written copy is never served.
fn write_atomically(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temporary = with_suffix(target, "tmp");
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_gets_brotli_and_gzip_copies_and_a_rebuilt_asset_loses_its_stale_ones() {
        let dir = std::env::temp_dir().join(format!("cp_assets_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let wasm = "(module) ".repeat(1_000);
        std::fs::write(dir.join("app.wasm"), &wasm).unwrap();
        std::fs::write(dir.join("notes.txt"), "not an asset").unwrap();
        precompress(&dir).unwrap();

        let mut unbrotli = Vec::new();
        let br = std::fs::read(dir.join("app.wasm.br")).unwrap();
        brotli::BrotliDecompress(&mut br.as_slice(), &mut unbrotli).unwrap();
        assert_eq!(unbrotli, wasm.as_bytes());
        assert!(br.len() < wasm.len() / 10);
        let gz = std::fs::read(dir.join("app.wasm.gz")).unwrap();
        let mut ungzip = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(gz.as_slice()),
            &mut ungzip,
        )
        .unwrap();
        assert_eq!(ungzip, wasm);
        assert!(!dir.join("notes.txt.br").exists());
        assert!(!dir.join("app.wasm.br.tmp").exists());

        // A new build replaces the asset: its old copies are gone before anything is served.
        std::fs::write(dir.join("app.wasm"), "(module) rebuilt").unwrap();
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(dir.join("app.wasm"))
            .and_then(|f| f.set_modified(later))
            .unwrap();
        std::fs::write(dir.join("gone.js.br"), "an orphan").unwrap();
        remove_stale_copies(&dir).unwrap();
        assert!(!dir.join("app.wasm.br").exists());
        assert!(!dir.join("app.wasm.gz").exists());
        assert!(!dir.join("gone.js.br").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_fingerprint_follows_the_assets_contents_and_ignores_their_compressed_copies() {
        let dir = std::env::temp_dir().join(format!("cp_fingerprint_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("app.wasm"), "(module)").unwrap();
        std::fs::write(dir.join("app.css"), "body {}").unwrap();
        let first = fingerprint(&dir).unwrap();
        assert_eq!(first.len(), 12);
        std::fs::write(dir.join("app.wasm.br"), "a copy").unwrap();
        assert_eq!(fingerprint(&dir).unwrap(), first);
        std::fs::write(dir.join("app.css"), "body { margin: 0 }").unwrap();
        assert_ne!(fingerprint(&dir).unwrap(), first);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(fingerprint(&dir).unwrap(), fingerprint(&dir).unwrap());
    }
}
