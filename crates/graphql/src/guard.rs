//! Limits that keep hostile queries cheap to refuse: the size of the query text, its nesting
//! (checked on the raw text before the parser recurses into it), aliases and directives (checked
//! on the parsed document), and the codes every refusal carries in `extensions.code`. Depth and
//! complexity are enforced by the schema itself; their errors get codes here too.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensions, Positioned, Request, ServerError};

/// What a request may ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of query text.
    pub query_bytes: usize,
    /// Nesting of selection sets (the schema checks the same after fragments are expanded).
    pub depth: usize,
    /// The schema's complexity budget (each field costs 1 unless it says otherwise).
    pub complexity: usize,
    /// Aliased fields in one document, fragments counted each time they are spread.
    pub aliases: usize,
    /// Directives in one document.
    pub directives: usize,
    /// Operations in one batch.
    pub batch: usize,
    /// Whether `__schema` and `__type` may be asked for (off in production).
    pub introspection: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self { query_bytes: 32 * 1024, depth: 16, complexity: 5_000, aliases: 100, directives: 50, batch: 10, introspection: true }
    }
}

/// Stable codes of the refusals, as sent in `extensions.code`.
pub mod codes {
    pub const QUERY_TOO_LARGE: &str = "QUERY_TOO_LARGE";
    pub const QUERY_TOO_DEEP: &str = "QUERY_TOO_DEEP";
    pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
    pub const TOO_MANY_ALIASES: &str = "TOO_MANY_ALIASES";
    pub const TOO_MANY_DIRECTIVES: &str = "TOO_MANY_DIRECTIVES";
    pub const BATCH_TOO_LARGE: &str = "BATCH_TOO_LARGE";
    pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
    pub const MALFORMED_REQUEST: &str = "MALFORMED_REQUEST";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "UNSUPPORTED_MEDIA_TYPE";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const TIMEOUT: &str = "TIMEOUT";
    pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
    pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
    pub const INTROSPECTION_DISABLED: &str = "INTROSPECTION_DISABLED";

    /// Every code a client can receive, including the service's catalogue.
    pub const ALL: &[&str] = &[
        QUERY_TOO_LARGE,
        QUERY_TOO_DEEP,
        QUERY_TOO_COMPLEX,
        TOO_MANY_ALIASES,
        TOO_MANY_DIRECTIVES,
        BATCH_TOO_LARGE,
        PAYLOAD_TOO_LARGE,
        MALFORMED_REQUEST,
        UNSUPPORTED_MEDIA_TYPE,
        RATE_LIMITED,
        TIMEOUT,
        GRAPHQL_PARSE_FAILED,
        GRAPHQL_VALIDATION_FAILED,
        INTROSPECTION_DISABLED,
        "BAD_USER_INPUT",
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "NOT_FOUND",
        "CONFLICT",
        "INTERNAL_SERVER_ERROR",
    ];
}

/// An error with a code and no position, as the transport sends it.
pub fn refusal(code: &str, message: impl Into<String>) -> ServerError {
    let e = async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", code));
    e.into_server_error(async_graphql::Pos::default()).with_no_locations()
}

trait NoLocations {
    fn with_no_locations(self) -> Self;
}

impl NoLocations for ServerError {
    fn with_no_locations(mut self) -> Self {
        self.locations.clear();
        self
    }
}

/// The deepest nesting of `{` in a query, skipping strings, block strings and comments. Cheap,
/// linear, and safe on any input: used to refuse a deep query before the parser recurses into it.
pub fn brace_depth(query: &str) -> usize {
    let b = query.as_bytes();
    let (mut i, mut depth, mut max) = (0, 0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < b.len() && !b[i..].starts_with(b"\"\"\"") {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    max
}

/// Counts aliases and directives, following fragment spreads (each fragment once per spread
/// chain, so that cycles — refused by validation anyway — terminate).
fn count(doc: &ExecutableDocument, set: &Positioned<SelectionSet>, stack: &mut Vec<String>, budget: &mut usize, aliases: &mut usize, directives: &mut usize) {
    for s in &set.node.items {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        *directives += s.node.directives().len();
        match &s.node {
            Selection::Field(f) => {
                if f.node.alias.is_some() {
                    *aliases += 1;
                }
                count(doc, &f.node.selection_set, stack, budget, aliases, directives);
            }
            Selection::InlineFragment(f) => count(doc, &f.node.selection_set, stack, budget, aliases, directives),
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.to_string();
                if stack.contains(&name) {
                    continue;
                }
                if let Some(frag) = doc.fragments.get(&spread.node.fragment_name.node) {
                    *directives += frag.node.directives.len();
                    stack.push(name);
                    count(doc, &frag.node.selection_set, stack, budget, aliases, directives);
                    stack.pop();
                }
            }
        }
    }
}

/// Checks a request against the limits before it is executed; parses it once (the parse is
/// kept in the request, so the schema does not parse again).
pub fn check(req: &mut Request, limits: &Limits) -> Result<(), ServerError> {
    if req.query.len() > limits.query_bytes {
        return Err(refusal(codes::QUERY_TOO_LARGE, format!("the query is {} bytes; at most {} are accepted", req.query.len(), limits.query_bytes)));
    }
    // Braces also open input objects and fragments: allow twice the selection depth here; the
    // schema then checks the selection depth exactly.
    let depth = brace_depth(&req.query);
    if depth > limits.depth * 2 {
        return Err(refusal(codes::QUERY_TOO_DEEP, format!("the query nests {depth} levels; at most {} are accepted", limits.depth)));
    }
    let doc = req.parsed_query().map_err(|e| refusal(codes::GRAPHQL_PARSE_FAILED, e.message))?;
    if !limits.introspection && doc.operations.iter().any(|(_, op)| asks_introspection(&op.node.selection_set)) {
        return Err(refusal(codes::INTROSPECTION_DISABLED, "introspection is disabled on this server; the schema is published in schema/schema.graphql"));
    }
    let (mut aliases, mut directives) = (0, 0);
    // Visiting stops after this many selections: enough to see every limit exceeded.
    let mut budget = (limits.aliases + limits.directives + limits.complexity) * 2;
    for (_, op) in doc.operations.iter() {
        directives += op.node.directives.len();
        count(doc, &op.node.selection_set, &mut Vec::new(), &mut budget, &mut aliases, &mut directives);
    }
    if aliases > limits.aliases {
        return Err(refusal(codes::TOO_MANY_ALIASES, format!("the query uses {aliases} or more aliases; at most {} are accepted", limits.aliases)));
    }
    if directives > limits.directives {
        return Err(refusal(codes::TOO_MANY_DIRECTIVES, format!("the query uses {directives} or more directives; at most {} are accepted", limits.directives)));
    }
    Ok(())
}

/// Documents already parsed and checked against one set of limits, by query text. Clients send
/// the same few queries over and over, and parsing is the costliest step before execution: a
/// query seen before skips both and is executed from a copy of its document.
#[derive(Clone)]
pub struct CheckedQueries {
    limits: Limits,
    documents: moka::sync::Cache<String, ExecutableDocument>,
}

/// Bytes of query text kept (a document takes a few times its text).
const CHECKED_QUERY_BYTES: u64 = 4 << 20;

impl CheckedQueries {
    pub fn new(limits: Limits) -> Self {
        let documents = moka::sync::Cache::builder().weigher(|query: &String, _| u32::try_from(query.len()).unwrap_or(u32::MAX)).max_capacity(CHECKED_QUERY_BYTES).build();
        Self { limits, documents }
    }

    /// As [`check`], answered from the documents checked before when the query text is known.
    pub fn check(&self, req: &mut Request) -> Result<(), ServerError> {
        if let Some(doc) = self.documents.get(&req.query) {
            req.set_parsed_query(doc);
            return Ok(());
        }
        check(req, &self.limits)?;
        if let Ok(doc) = req.parsed_query() {
            let doc = doc.clone();
            self.documents.insert(req.query.clone(), doc);
        }
        Ok(())
    }
}

fn asks_introspection(set: &Positioned<SelectionSet>) -> bool {
    set.node.items.iter().any(|s| match &s.node {
        Selection::Field(f) => matches!(f.node.name.node.as_str(), "__schema" | "__type"),
        Selection::InlineFragment(f) => asks_introspection(&f.node.selection_set),
        // Fragments are checked by the schema: with introspection off their fields are unknown.
        Selection::FragmentSpread(_) => false,
    })
}

/// The code for an error raised by async-graphql itself (parsing, validation, its own limits).
pub fn code_of_engine_error(message: &str, has_path: bool) -> &'static str {
    if message.starts_with("Query is nested too deep") || message.starts_with("The recursion depth of the query") || message.contains("recursion limit exceeded") {
        codes::QUERY_TOO_DEEP
    } else if message.starts_with("Query is too complex") {
        codes::QUERY_TOO_COMPLEX
    } else if message.starts_with("The number of directives") {
        codes::TOO_MANY_DIRECTIVES
    } else if message.starts_with(" --> ") {
        codes::GRAPHQL_PARSE_FAILED
    } else if has_path || message.starts_with("Failed to parse") {
        "BAD_USER_INPUT"
    } else {
        codes::GRAPHQL_VALIDATION_FAILED
    }
}

#[cfg(test)]
mod tests;
