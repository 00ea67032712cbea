//! The attachment reader's throughput, and large test documents for the upload
//! benchmark (`scripts/bench-attachments.sh`).
//!
//!   bench_attachments read RUNS FILE...      reads each file RUNS times (as an upload
//!                                            does: type, structure, metadata, text) and
//!                                            prints one Markdown row per file
//!   bench_attachments scan MIB SEED OUT      writes a PDF of about MIB MiB: three text
//!                                            pages and one page with a scanned image, as
//!                                            an office scanner makes them; SEED varies
//!                                            the image so that files never deduplicate

use std::io::Write;
use std::time::Instant;

use kronika_core::attachments::{ExtractedText, Limits, inspect};

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match arguments.first().map(String::as_str) {
        Some("read") if arguments.len() >= 3 => {
            let runs: u32 = arguments[1].parse().unwrap_or_else(|_| usage());
            read(runs, &arguments[2..]);
        }
        Some("scan") if arguments.len() == 4 => {
            let mebibytes: usize = arguments[1].parse().unwrap_or_else(|_| usage());
            let seed: u64 = arguments[2].parse().unwrap_or_else(|_| usage());
            let pdf = scanned_pdf(mebibytes * 1024 * 1024, seed);
            std::fs::write(&arguments[3], pdf)
                .unwrap_or_else(|error| panic!("{}: {error}", arguments[3]));
        }
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!("usage: bench_attachments read RUNS FILE... | scan MIB SEED OUT");
    std::process::exit(2);
}

fn read(runs: u32, files: &[String]) {
    println!("| file | bytes | pages | text chars | ms per file | MB/s | files/s |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let limits = Limits::default();
    for file in files {
        let bytes = std::fs::read(file).unwrap_or_else(|error| panic!("{file}: {error}"));
        let mut chars = 0;
        let mut pages = None;
        let started = Instant::now();
        for _ in 0..runs {
            let inspection =
                inspect(&bytes, &limits).unwrap_or_else(|error| panic!("{file}: {error}"));
            pages = inspection.pages;
            chars = match inspection.text {
                ExtractedText::Text(text) => text.chars().count(),
                ExtractedText::None { .. } => 0,
            };
        }
        let seconds = started.elapsed().as_secs_f64() / f64::from(runs);
        let name = file.rsplit('/').next().unwrap_or(file);
        println!(
            "| {name} | {} | {} | {chars} | {:.1} | {:.1} | {:.1} |",
            bytes.len(),
            pages.map_or_else(|| "–".to_owned(), |pages| pages.to_string()),
            seconds * 1000.0,
            bytes.len() as f64 / 1_000_000.0 / seconds,
            1.0 / seconds,
        );
    }
}

/// A PDF with three pages of Polish text (Helvetica, ASCII letters) and one page
/// holding a greyscale image of `size` bytes, like a scan. Hand-written objects with a
/// correct cross-reference table.
fn scanned_pdf(size: usize, seed: u64) -> Vec<u8> {
    let side = (size as f64).sqrt() as usize;
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut image = Vec::with_capacity(side * side);
    for index in 0..side * side {
        // A paper-like gradient with noise: no long runs, so it does not compress away.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let shade = 200 + (index % side * 40 / side) as u64;
        image.push((shade.saturating_sub(state % 24)) as u8);
    }
    let text_page = |number: usize| {
        format!(
            "BT /F1 12 Tf 72 780 Td (Protokol z posiedzenia komisji, strona {number}.) Tj \
             0 -20 Td (Komisja ocenila kwalifikowalnosc wydatkow i przyjela wyniki naboru.) Tj ET"
        )
    };
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [4 0 R 6 0 R 8 0 R 10 0 R] /Count 4 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    ];
    for number in 1..=3 {
        let content = text_page(number);
        let page = 4 + (number - 1) * 2;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                page + 1
            )
            .into_bytes(),
        );
        objects.push(stream("", content.as_bytes()));
    }
    objects.push(
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 12 0 R >> >> /Contents 11 0 R >>"
            .to_vec(),
    );
    objects.push(stream("", b"q 595 0 0 842 0 0 cm /Im1 Do Q"));
    objects.push(stream(
        &format!(
            "/Type /XObject /Subtype /Image /Width {side} /Height {side} /ColorSpace /DeviceGray /BitsPerComponent 8"
        ),
        &image,
    ));
    let mut pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        writeln!(pdf, "{} 0 obj", index + 1).unwrap_or_default();
        pdf.extend_from_slice(object);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    write!(pdf, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap_or_default();
    for offset in offsets {
        writeln!(pdf, "{offset:010} 00000 n ").unwrap_or_default();
    }
    write!(
        pdf,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .unwrap_or_default();
    pdf
}

fn stream(dictionary: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}
