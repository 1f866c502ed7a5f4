// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! The committed generated files are what the generator makes from the
//! current `uapi/heki`: regenerate into a scratch directory and compare
//! byte for byte (every file, none missing, none extra). After a change to
//! uapi/heki or to gen/rustgen.py: `make rust-gen` and commit the result.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn files(dir: &Path) -> BTreeSet<String> {
    match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.expect("directory entry").file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => BTreeSet::new(),
    }
}

#[test]
fn generated_files_match_a_fresh_generation() {
    let out = common::scratch("drift");
    let gen = common::crate_dir().join("gen/rustgen.py");
    common::run(Command::new("python3").arg(&gen).arg("--out").arg(&out));
    let mut bad = Vec::new();
    for sub in ["src/generated", "tests/generated"] {
        let committed = common::crate_dir().join(sub);
        let fresh = out.join(sub);
        let (a, b) = (files(&committed), files(&fresh));
        assert!(!b.is_empty(), "the generator wrote nothing into {}", sub);
        for f in a.symmetric_difference(&b) {
            bad.push(format!(
                "{}/{}: {}",
                sub,
                f,
                if a.contains(f) {
                    "not generated any more"
                } else {
                    "missing"
                }
            ));
        }
        for f in a.intersection(&b) {
            let (x, y) = (common::read(&committed.join(f)), common::read(&fresh.join(f)));
            if x != y {
                let line = x
                    .lines()
                    .zip(y.lines())
                    .position(|(p, q)| p != q)
                    .unwrap_or_else(|| x.lines().count().min(y.lines().count()));
                bad.push(format!(
                    "{}/{}: differs from line {}\n    committed: {}\n    fresh:     {}",
                    sub,
                    f,
                    line + 1,
                    x.lines().nth(line).unwrap_or("<end of file>"),
                    y.lines().nth(line).unwrap_or("<end of file>")
                ));
            }
        }
    }
    if bad.is_empty() {
        let _ = std::fs::remove_dir_all(&out);
    }
    assert!(
        bad.is_empty(),
        "generated files are stale; run `make rust-gen` and commit:\n{}",
        bad.join("\n")
    );
}
