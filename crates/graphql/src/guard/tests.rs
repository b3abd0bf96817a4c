use proptest::prelude::*;

use super::*;

fn code_of(r: Result<(), ServerError>) -> Option<String> {
    r.err().map(|e| match e.extensions.as_ref().and_then(|x| x.get("code")) {
        Some(async_graphql::Value::String(s)) => s.clone(),
        other => panic!("no code: {other:?}"),
    })
}

fn check_query(q: &str, limits: &Limits) -> Option<String> {
    code_of(check(&mut Request::new(q), limits))
}

#[test]
fn braces_in_strings_and_comments_do_not_count() {
    assert_eq!(brace_depth("{ a { b } }"), 2);
    assert_eq!(brace_depth("{ a(x: \"{{{{\") # {{{{\n }"), 1);
    assert_eq!(brace_depth("{ a(x: \"\"\"{{{ \\\"\"\" {{\"\"\") }"), 1);
    assert_eq!(brace_depth("}}}{"), 1);
    assert_eq!(brace_depth(""), 0);
}

#[test]
fn a_thousand_levels_are_refused_before_parsing() {
    let q = format!("{}{}", "{ a ".repeat(1_000), "}".repeat(1_000));
    assert_eq!(check_query(&q, &Limits::default()).as_deref(), Some(codes::QUERY_TOO_DEEP));
    let deep_input = format!("{{ f(x: {}1{}) }}", "{ y: ".repeat(100), "}".repeat(100));
    assert_eq!(check_query(&deep_input, &Limits::default()).as_deref(), Some(codes::QUERY_TOO_DEEP));
}

#[test]
fn ten_thousand_aliases_are_refused() {
    let q = format!("{{ {} }}", (0..10_000).map(|i| format!("a{i}: __typename")).collect::<Vec<_>>().join(" "));
    let limits = Limits { query_bytes: 1 << 20, ..Limits::default() };
    assert_eq!(check_query(&q, &limits).as_deref(), Some(codes::TOO_MANY_ALIASES));
    // The same text is refused for its size under the default limits.
    assert_eq!(check_query(&q, &Limits::default()).as_deref(), Some(codes::QUERY_TOO_LARGE));
}

#[test]
fn aliases_in_fragments_count_every_time_they_are_spread() {
    let frag = (0..30).map(|i| format!("x{i}: __typename")).collect::<Vec<_>>().join(" ");
    let q = format!("{{ ...F ...F ...F ...F }} fragment F on Query {{ {frag} }}");
    assert_eq!(check_query(&q, &Limits::default()).as_deref(), Some(codes::TOO_MANY_ALIASES));
    let q = format!("{{ ...F ...F }} fragment F on Query {{ {frag} }}");
    assert_eq!(check_query(&q, &Limits::default()), None);
}

#[test]
fn fragment_cycles_terminate() {
    let q = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
    assert_eq!(check_query(q, &Limits::default()), None, "left for validation to refuse");
}

#[test]
fn directives_are_counted() {
    let q = format!("{{ __typename {} }}", "@skip(if: false) ".repeat(60));
    assert_eq!(check_query(&q, &Limits::default()).as_deref(), Some(codes::TOO_MANY_DIRECTIVES));
}

#[test]
fn introspection_is_refused_only_when_off() {
    let off = Limits { introspection: false, ..Limits::default() };
    assert_eq!(check_query("{ __schema { types { name } } }", &off).as_deref(), Some(codes::INTROSPECTION_DISABLED));
    assert_eq!(check_query("{ __type(name: \"Query\") { name } }", &off).as_deref(), Some(codes::INTROSPECTION_DISABLED));
    assert_eq!(check_query("{ __typename }", &off), None);
    assert_eq!(check_query("{ __schema { types { name } } }", &Limits::default()), None);
}

#[test]
fn syntax_errors_have_their_own_code() {
    assert_eq!(check_query("{ a(", &Limits::default()).as_deref(), Some(codes::GRAPHQL_PARSE_FAILED));
}

proptest! {
    /// Any text at all: no panic, and a refusal always has a known code.
    #[test]
    fn any_text_is_checked_without_panicking(q in "\\PC{0,300}") {
        if let Some(code) = check_query(&q, &Limits::default()) {
            prop_assert!(codes::ALL.contains(&code.as_str()), "{}", code);
        }
    }

    /// Text made of GraphQL punctuation and names, where deep or odd structures are likely.
    #[test]
    fn graphql_like_text_is_checked_without_panicking(parts in proptest::collection::vec(prop_oneof![Just("{"), Just("}"), Just("a"), Just("b: a"), Just("..."), Just("F"), Just("fragment F on Query"), Just("@skip(if: true)"), Just("\""), Just("#"), Just("\n"), Just("("), Just(")"), Just("x: {"), Just("$v")], 0..400)) {
        let q = parts.join(" ");
        if let Some(code) = check_query(&q, &Limits::default()) {
            prop_assert!(codes::ALL.contains(&code.as_str()), "{}", code);
        }
        prop_assert!(brace_depth(&q) <= q.len());
    }
}

#[test]
fn checked_queries_refuse_every_time_and_reuse_only_what_passed() {
    let queries = CheckedQueries::new(Limits { aliases: 1, ..Limits::default() });
    let refused = "{ a: __typename b: __typename }";
    for _ in 0..2 {
        assert_eq!(code_of(queries.check(&mut Request::new(refused))).as_deref(), Some(codes::TOO_MANY_ALIASES));
    }
    let accepted = "query Q($x: Int) { a: __typename }";
    let fresh = async_graphql::parser::parse_query(accepted).expect("it parses");
    for _ in 0..2 {
        let mut r = Request::new(accepted);
        assert_eq!(code_of(queries.check(&mut r)), None);
        // The document executed is the query's own, whether parsed now or before.
        assert_eq!(format!("{:?}", r.parsed_query().expect("set by the check")), format!("{fresh:?}"));
    }
    let mut other = Request::new("{ b: __typename }");
    assert_eq!(code_of(queries.check(&mut other)), None);
    assert_ne!(format!("{:?}", other.parsed_query().expect("set")), format!("{fresh:?}"));
}
