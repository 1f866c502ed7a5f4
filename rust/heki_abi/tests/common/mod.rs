// SPDX-License-Identifier: GPL-2.0-only OR MIT
//! Test support: paths of the repository, scratch directories, and
//! `Checks`, which compares Rust values with C expressions by compiling
//! and running one C program over `uapi/heki`.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The crate directory (`rust/heki_abi`).
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    crate_dir().join("../..")
}

/// A fresh, empty scratch directory for `name`.
pub fn scratch(name: &str) -> PathBuf {
    let base = match option_env!("CARGO_TARGET_TMPDIR") {
        Some(d) => PathBuf::from(d),
        None => std::env::temp_dir(),
    };
    let d = base.join(format!("heki_abi-{}-{}", name, std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create scratch directory");
    d
}

/// Run `cmd`; panic with its output if it fails.
pub fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {:?}: {}", cmd, e));
    if !out.status.success() {
        panic!(
            "{:?} failed ({}):\n{}{}",
            cmd,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// An integer type a C expression's type can be compared with.
pub trait CInt: Copy {
    /// Whether the type is signed.
    const SIGNED: bool;
    /// The value as C's `(unsigned long long)` cast gives it.
    fn ull(self) -> u64;
}

macro_rules! cint {
    ($($t:ty: $s:expr),*) => {$(
        impl CInt for $t {
            const SIGNED: bool = $s;
            fn ull(self) -> u64 {
                self as i128 as u64
            }
        }
    )*};
}
cint!(u8: false, u16: false, u32: false, u64: false, i8: true, i16: true, i32: true, i64: true);

/// Pairs of (C expression, expected output line).
#[derive(Default)]
pub struct Checks {
    lines: Vec<String>,
    expect: Vec<String>,
    extra_sources: Vec<PathBuf>,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{:02x}", x)).collect()
}

impl Checks {
    /// A new, empty set of checks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Link `src` (relative to the repository root) into the C program.
    pub fn with_source(mut self, src: &str) -> Self {
        self.extra_sources.push(repo_root().join(src));
        self
    }

    /// `expr` has `v`'s value, size and signedness.
    pub fn int<T: CInt>(&mut self, expr: &str, v: T) {
        self.lines.push(format!(
            "pi(sizeof({e}), SIGNED({e}), (unsigned long long)({e}));",
            e = expr
        ));
        self.expect
            .push(format!("{} {} {}", std::mem::size_of::<T>(), T::SIGNED as u8, v.ull()));
    }

    /// `(unsigned long long)(expr)` is `v`.
    pub fn val(&mut self, expr: &str, v: u64) {
        self.lines.push(format!("pv((unsigned long long)({}));", expr));
        self.expect.push(v.to_string());
    }

    /// The C string `expr` is `v` (`None`: NULL).
    pub fn str(&mut self, expr: &str, v: Option<&str>) {
        self.lines.push(format!("ps({});", expr));
        self.expect.push(match v {
            Some(s) => hex(s.as_bytes()),
            None => "(null)".into(),
        });
    }

    /// The string literal `expr` holds `v` and a NUL.
    pub fn bytes(&mut self, expr: &str, v: &[u8]) {
        self.lines.push(format!("pb({e}, sizeof({e}));", e = expr));
        self.expect.push(format!("{} {}", hex(v), v.len() + 1));
    }

    /// Number of checks.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Compile and run the C side (gcc, `-I uapi`), compare every line,
    /// and panic listing the differences.
    pub fn run(self, name: &str) {
        assert!(!self.lines.is_empty(), "no checks");
        let dir = scratch(name);
        let src = dir.join("oracle.c");
        let exe = dir.join("oracle");
        let mut c = String::from(
            "#include <stdio.h>\n#include <heki/abi.h>\n\
             #define SIGNED(x) _Generic((x), signed char: 1, short: 1, int: 1, long: 1, long long: 1, default: 0)\n\
             static inline void pi(size_t s, int sg, unsigned long long v) { printf(\"%zu %d %llu\\n\", s, sg, v); }\n\
             static inline void pv(unsigned long long v) { printf(\"%llu\\n\", v); }\n\
             static inline void ph(const char *s) { for (; *s; s++) printf(\"%02x\", (unsigned char)*s); }\n\
             static inline void ps(const char *s) { if (!s) printf(\"(null)\"); else ph(s); printf(\"\\n\"); }\n\
             static inline void pb(const char *s, size_t n) { ph(s); printf(\" %zu\\n\", n); }\n",
        );
        for p in &self.extra_sources {
            let h = p.with_extension("h");
            if h.exists() {
                writeln!(c, "#include \"{}\"", h.display()).unwrap();
            }
        }
        c.push_str("int main(void)\n{\n");
        for l in &self.lines {
            writeln!(c, "\t{}", l).unwrap();
        }
        c.push_str("\treturn 0;\n}\n");
        std::fs::write(&src, c).expect("write oracle.c");
        let root = repo_root();
        let mut cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "gcc".into()));
        cc.args(["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I"])
            .arg(root.join("uapi"))
            .arg("-I")
            .arg(root.join("vtl1/src"))
            .arg("-I")
            .arg(root.join("vtl1/include"))
            .arg("-o")
            .arg(&exe)
            .arg(&src)
            .args(&self.extra_sources);
        run(&mut cc);
        let out = run(&mut Command::new(&exe));
        let got: Vec<&str> = out.lines().collect();
        assert_eq!(
            got.len(),
            self.lines.len(),
            "C printed {} lines for {} checks",
            got.len(),
            self.lines.len()
        );
        let mut bad = Vec::new();
        for ((l, want), g) in self.lines.iter().zip(&self.expect).zip(&got) {
            if want != g {
                bad.push(format!("  {}\n    C: {}\n    Rust: {}", l, g, want));
            }
        }
        if bad.is_empty() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        assert!(
            bad.is_empty(),
            "{} of {} checks differ from C ({}):\n{}",
            bad.len(),
            self.lines.len(),
            dir.display(),
            bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
        );
    }
}

/// Read a whole file as text.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {}", p.display(), e))
}
