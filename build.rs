//! Build script: the commit for `entitle --version`, and on Windows the icon and the
//! version resource embedded in entitle.exe (what Explorer shows in Properties).

fn main() {
    println!("cargo:rustc-env=ENTITLE_COMMIT={}", commit());
    for f in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if std::path::Path::new(f).exists() {
            println!("cargo:rerun-if-changed={f}");
        }
    }
    println!("cargo:rerun-if-env-changed=ENTITLE_COMMIT");
    println!("cargo:rerun-if-changed=assets/icons/entitle.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        windows_resources();
    }
}

/// `ENTITLE_COMMIT` if set (a build from a source archive), else the checkout's short
/// commit, else "unknown".
fn commit() -> String {
    if let Ok(c) = std::env::var("ENTITLE_COMMIT") {
        return c;
    }
    std::process::Command::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn windows_resources() {
    let mut res = winresource::WindowsResource::new();
    // Cross-compiling from Linux: mingw's windres, found by its target prefix.
    if std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu") && !cfg!(windows) {
        res.set_toolkit_path("/usr/bin")
            .set_windres_path("x86_64-w64-mingw32-windres")
            .set_ar_path("x86_64-w64-mingw32-ar");
    }
    res.set_icon("assets/icons/entitle.ico")
        .set(
            "FileDescription",
            "Entitle — annotate entities in news articles",
        )
        .set("ProductName", "Entitle")
        .set("CompanyName", "Entitle")
        .set("LegalCopyright", "MIT OR Apache-2.0")
        .set("OriginalFilename", "entitle.exe")
        .set("Comments", &format!("commit {}", commit()));
    if let Err(e) = res.compile() {
        // A missing windres must not pass unnoticed: the exe would have no icon.
        panic!("could not embed the Windows icon and version resource: {e}");
    }
}
