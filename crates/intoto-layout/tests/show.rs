//! `show::render`: the tree of the demo layout, and how it marks unsigned, signed and expired
//! layouts, steps without rules or command, and MATCH rules with prefixes.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::path::Path;

use intoto_layout::{from_toml, show::render};
use intoto_model::{KeyId, Layout, Timestamp};

fn demo_layout() -> Layout {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo");
    let toml = std::fs::read_to_string(dir.join("layout.toml")).unwrap();
    from_toml(
        &toml,
        &dir,
        Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
    )
    .unwrap()
    .layout
}

#[test]
fn demo_tree() {
    let now = Timestamp::parse("2026-01-01T00:00:00Z").unwrap();
    let text = render(&demo_layout(), &[], Some(now));
    let expected = r#"layout, expires 2036-01-01T00:00:00Z
readme: Demo supply chain: alice writes the code, bob packages it, the client checks the package.
signatures: none (unsigned; sign it with `in-toto sign`)
├── keys (2)
│   ├── 05d1db1697ffb1d1f6a5c8fe83f38d9f668f15d564b110c8e557771836c36669 (rsa rsassa-pss-sha256), signs package
│   └── b19fc08f3844d89e189befe8c6adfebb001e138f13a0c884ad364682ef68d1ad (ecdsa ecdsa-sha2-nistp256), signs write-code
├── steps (2)
│   ├── write-code
│   │   ├── signed by 1 of 1 key(s): b19fc08f
│   │   ├── expected command: sh -c 'printf '"'"'print("hello")\n'"'"' > foo.py'
│   │   ├── materials: (no rules: anything is allowed)
│   │   └── products:
│   │       ├── CREATE foo.py
│   │       └── DISALLOW *
│   └── package
│       ├── signed by 1 of 1 key(s): 05d1db16
│       ├── expected command: tar czf foo.tar.gz foo.py
│       ├── materials:
│       │   ├── MATCH foo.py WITH PRODUCTS FROM write-code
│       │   └── DISALLOW *
│       └── products:
│           ├── CREATE foo.tar.gz
│           ├── ALLOW foo.py
│           └── DISALLOW *
├── inspections (1)
│   └── untar
│       ├── run: tar xzf foo.tar.gz
│       ├── materials:
│       │   ├── MATCH foo.tar.gz WITH PRODUCTS FROM package
│       │   ├── ALLOW root.layout
│       │   ├── ALLOW *.pub
│       │   └── DISALLOW *
│       └── products:
│           ├── MATCH foo.py WITH PRODUCTS FROM write-code
│           ├── ALLOW foo.tar.gz
│           ├── ALLOW root.layout
│           ├── ALLOW *.pub
│           └── DISALLOW *
└── flows (MATCH rules)
    ├── write-code --[products foo.py]--> materials of package
    ├── package --[products foo.tar.gz]--> materials of untar
    └── write-code --[products foo.py]--> products of untar
"#;
    assert_eq!(text, expected);
}

#[test]
fn signatures_expiry_and_prefixes() {
    let mut layout = demo_layout();
    layout.steps[1].expected_materials[0] = [
        "MATCH",
        "*",
        "IN",
        "src",
        "WITH",
        "PRODUCTS",
        "IN",
        "out",
        "FROM",
        "write-code",
    ]
    .map(String::from)
    .to_vec();
    let signer = KeyId::new("ab".repeat(32)).unwrap();
    let later = Timestamp::parse("2040-01-01T00:00:00Z").unwrap();
    let text = render(&layout, &[signer], Some(later));
    assert!(
        text.starts_with("layout, expires 2036-01-01T00:00:00Z (EXPIRED)\n"),
        "{text}"
    );
    assert!(text.contains("\nsignatures: 1 (abababab)\n"), "{text}");
    assert!(
        text.contains("write-code --[products (under out) *]--> materials of package (under src)"),
        "{text}"
    );
    layout.inspect.clear();
    layout.steps.truncate(1);
    let text = render(&layout, &[], None);
    assert!(
        text.contains("├── inspections (0)\n└── flows: (no MATCH rules)\n"),
        "{text}"
    );
}
