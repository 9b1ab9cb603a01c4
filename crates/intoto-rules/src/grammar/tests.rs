use super::*;

fn parse(words: &[&str]) -> Result<ArtifactRule, SyntaxError> {
    ArtifactRule::parse(words)
}

#[test]
fn generic_rules_parse_case_insensitively() {
    for (kw, name) in [
        ("create", "CREATE"),
        ("Delete", "DELETE"),
        ("MODIFY", "MODIFY"),
        ("aLLow", "ALLOW"),
        ("disallow", "DISALLOW"),
        ("Require", "REQUIRE"),
    ] {
        let rule = parse(&[kw, "Foo*"]).unwrap();
        assert_eq!(rule.keyword(), name);
        assert_eq!(rule.pattern_text(), "Foo*");
        assert_eq!(rule.to_rule(), [name, "Foo*"]);
    }
    assert_eq!(
        parse(&["require", "a*"]).unwrap(),
        ArtifactRule::Require("a*".into())
    );
}

#[test]
fn all_match_forms() {
    let m = |words: &[&str]| match parse(words).unwrap() {
        ArtifactRule::Match(m) => m,
        other => panic!("{other:?}"),
    };
    let r = m(&["match", "*", "with", "products", "from", "Build"]);
    assert_eq!(
        (r.source_prefix, r.destination_side, r.destination_prefix),
        (None, Side::Products, None)
    );
    assert_eq!(r.destination_step, "Build");
    let r = m(&["MATCH", "*", "IN", "Src", "WITH", "MATERIALS", "FROM", "s"]);
    assert_eq!(r.source_prefix.as_deref(), Some("Src"));
    assert_eq!(r.destination_side, Side::Materials);
    let r = m(&["MATCH", "*", "WITH", "Products", "In", "Dst", "FROM", "s"]);
    assert_eq!(r.destination_prefix.as_deref(), Some("Dst"));
    let r = m(&[
        "MATCH",
        "p",
        "IN",
        "a",
        "WITH",
        "MATERIALS",
        "IN",
        "b",
        "FROM",
        "s",
    ]);
    assert_eq!(
        (r.source_prefix.as_deref(), r.destination_prefix.as_deref()),
        (Some("a"), Some("b"))
    );
    // Keywords are found by position, so they may also serve as pattern or names.
    let r = m(&[
        "MATCH", "IN", "IN", "WITH", "WITH", "PRODUCTS", "FROM", "FROM",
    ]);
    assert_eq!(r.pattern.as_str(), "IN");
    assert_eq!(r.destination_step, "FROM");
}

#[test]
fn display_is_canonical() {
    let rule = parse(&[
        "match", "*", "in", "", "with", "products", "in", "d", "from", "s",
    ])
    .unwrap();
    assert_eq!(rule.to_string(), "MATCH * WITH PRODUCTS IN d FROM s");
}

#[test]
fn empty_rule() {
    assert_eq!(parse(&[]), Err(SyntaxError::Empty));
}

#[test]
fn unknown_keyword() {
    assert!(matches!(
        parse(&["COPY", "x"]),
        Err(SyntaxError::UnknownKeyword { keyword }) if keyword == "COPY"
    ));
    // Only the Kelvin sign lower-cases to an ASCII letter in Python; no keyword has a `k`, and
    // other look-alikes stay unknown.
    assert!(matches!(
        parse(&["\u{0130}N", "x"]),
        Err(SyntaxError::UnknownKeyword { .. })
    ));
}

#[test]
fn missing_pattern() {
    for kw in ["ALLOW", "require", "MATCH"] {
        assert!(matches!(
            parse(&[kw]),
            Err(SyntaxError::MissingPattern { keyword }) if keyword == kw
        ));
    }
}

#[test]
fn too_many_elements() {
    assert!(matches!(
        parse(&["ALLOW", "a", "b"]),
        Err(SyntaxError::TooManyElements { found: 2, .. })
    ));
}

#[test]
fn match_length() {
    for n in [2, 3, 4, 5, 7, 9, 11] {
        let mut words = vec!["MATCH"; n];
        words[1] = "*";
        assert!(matches!(
            parse(&words),
            Err(SyntaxError::MatchLength { found }) if found == n
        ));
    }
}

#[test]
fn match_keyword_misplaced_or_missing() {
    let cases: &[(&[&str], usize, &str)] = &[
        (&["MATCH", "*", "WITH", "PRODUCTS", "FORM", "s"], 4, "FROM"),
        (&["MATCH", "*", "IN", "PRODUCTS", "FROM", "s"], 2, "WITH"),
        (
            &["MATCH", "*", "ON", "a", "WITH", "PRODUCTS", "FROM", "s"],
            2,
            "IN or WITH",
        ),
        (
            &["MATCH", "*", "IN", "a", "FROM", "PRODUCTS", "FROM", "s"],
            4,
            "WITH",
        ),
        (
            &["MATCH", "*", "IN", "a", "WITH", "PRODUCTS", "TO", "s"],
            6,
            "FROM",
        ),
        (
            &["MATCH", "*", "WITH", "PRODUCTS", "AT", "b", "FROM", "s"],
            4,
            "IN",
        ),
        (
            &["MATCH", "*", "WITH", "PRODUCTS", "IN", "b", "FROMM", "s"],
            6,
            "FROM",
        ),
        (
            &["MATCH", "*", "X", "a", "WITH", "P", "IN", "b", "FROM", "s"],
            2,
            "IN",
        ),
        (
            &["MATCH", "*", "IN", "a", "X", "P", "IN", "b", "FROM", "s"],
            4,
            "WITH",
        ),
        (
            &["MATCH", "*", "IN", "a", "WITH", "P", "X", "b", "FROM", "s"],
            6,
            "IN",
        ),
        (
            &["MATCH", "*", "IN", "a", "WITH", "P", "IN", "b", "X", "s"],
            8,
            "FROM",
        ),
    ];
    for (words, pos, kw) in cases {
        match parse(words) {
            Err(SyntaxError::MatchKeyword {
                position, expected, ..
            }) => assert_eq!((position, expected), (*pos, *kw), "{words:?}"),
            other => panic!("{words:?}: {other:?}"),
        }
    }
}

#[test]
fn match_destination() {
    for dest in ["PRODUCT", "byproducts", ""] {
        assert!(matches!(
            parse(&["MATCH", "*", "WITH", dest, "FROM", "s"]),
            Err(SyntaxError::MatchDestination { found }) if found == dest
        ));
    }
}

#[test]
fn messages_say_what_is_wrong() {
    let err = parse(&["MATCH", "*", "WITH", "PRODUCTS", "FORM", "s"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "MATCH: element 4 should be FROM, found \"FORM\""
    );
}
