//! The end of `cargo xtask differential`'s recording half: a two-step supply chain whose links
//! we recorded (record start/stop, then run with DSSE), judged by the reference's
//! `in-toto-verify`.

use std::{fs, path::Path, process::Command};

use serde_json::json;

use crate::differential_record::{Tools, fresh_dir};

/// A two-step supply chain (record start/stop, then run with a command), our links, the
/// reference's verifier.
pub fn supply_chain(tools: &Tools, root: &Path, key: &Path, keyid8: &str) -> Result<(), String> {
    let dir = root.join("chain");
    fresh_dir(&dir)?;
    let ours = |args: &[&str]| -> Result<(), String> {
        let out = Command::new(tools.ours)
            .args(args)
            .current_dir(&dir)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "in-toto {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    let key = key.display().to_string();
    let layout_key = dir.join("owner").display().to_string();
    ours(&["keygen", &layout_key])?;
    ours(&["record", "start", "-n", "write", "--signing-key", &key])?;
    fs::write(dir.join("foo.py"), "print('hello')\n").map_err(|e| e.to_string())?;
    ours(&[
        "record",
        "stop",
        "-n",
        "write",
        "--signing-key",
        &key,
        "-p",
        "foo.py",
    ])?;
    ours(&[
        "run",
        "-n",
        "package",
        "--signing-key",
        &key,
        "--use-dsse",
        "-m",
        "foo.py",
        "-p",
        "foo.tar.gz",
        "--",
        "tar",
        "czf",
        "foo.tar.gz",
        "foo.py",
    ])?;
    let pem = fs::read_to_string(format!("{key}.pub")).map_err(|e| e.to_string())?;
    let public = intoto_crypto::PublicKey::from_pem(&pem).map_err(|e| e.to_string())?;
    let keyid = public.keyid().to_string();
    if !keyid.starts_with(keyid8) {
        return Err("key id mismatch".into());
    }
    let record = serde_json::to_value(public.to_record()).map_err(|e| e.to_string())?;
    let layout = json!({
        "_type": "layout", "expires": "2035-01-01T00:00:00Z", "readme": "", "inspect": [],
        "keys": { keyid.clone(): record },
        "steps": [
            {"_type": "step", "name": "write", "threshold": 1, "pubkeys": [keyid], "expected_command": [],
             "expected_materials": [], "expected_products": [["CREATE", "foo.py"], ["DISALLOW", "*"]]},
            {"_type": "step", "name": "package", "threshold": 1, "pubkeys": [keyid],
             "expected_command": ["tar", "czf", "foo.tar.gz", "foo.py"],
             "expected_materials": [["MATCH", "foo.py", "WITH", "PRODUCTS", "FROM", "write"], ["DISALLOW", "*"]],
             "expected_products": [["CREATE", "foo.tar.gz"], ["DISALLOW", "*"]]}
        ]
    });
    let unsigned = json!({"signed": layout, "signatures": []});
    fs::write(dir.join("unsigned.layout"), unsigned.to_string()).map_err(|e| e.to_string())?;
    ours(&[
        "sign",
        "-f",
        "unsigned.layout",
        "-k",
        &layout_key,
        "-o",
        "root.layout",
    ])?;
    let out = Command::new(tools.venv_bin.join("in-toto-verify"))
        .current_dir(&dir)
        .args(["-l", "root.layout", "--verification-keys"])
        .arg(format!("{layout_key}.pub"))
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "in-toto-verify failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}
