//! Shared helpers: temporary data directories, running CLI commands, starting the real server
//! (`demo` or `serve`) on a free port, and sending GraphQL requests to it.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_sango-hub");

/// How long a server may take to answer `/healthz` (seeding included).
const STARTUP_LIMIT: Duration = Duration::from_secs(60);

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file of the repository, by path from its root.
pub fn repo_file(path: &str) -> PathBuf {
    repo_root().join(path)
}

/// A sample import file of `crates/import/samples/` (`facilities`, `contracts` or `programs`).
pub fn sample(kind: &str) -> PathBuf {
    repo_file(&format!("crates/import/samples/{kind}.csv"))
}

/// A fixture of `tests/e2e/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    repo_file(&format!("tests/e2e/fixtures/{name}"))
}

// ---------------------------------------------------------------------------------------------
// Data directories and CLI commands
// ---------------------------------------------------------------------------------------------

/// A fresh, empty directory under the system temp dir; removed with everything in it on drop.
pub struct DataDir {
    path: PathBuf,
}

impl DataDir {
    pub fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "sango-e2e-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        Self { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `sango-hub ARGS --data-dir THIS`.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        let dir = self.path.to_str().expect("temp dir is UTF-8");
        all.extend(["--data-dir", dir]);
        run(&all)
    }

    /// Runs a command that must succeed; returns its standard output.
    pub fn run_ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "sango-hub {args:?} failed ({}):\n{}",
            out.status,
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// `migrate`: creates the database and registers Japan's municipalities.
    pub fn migrate(&self) {
        let out = self.run_ok(&["migrate"]);
        assert!(
            out.contains("municipalities registered"),
            "unexpected migrate output: {out}"
        );
    }

    /// `token create --role ROLE --scope SCOPE --expires-in 30d`, which must succeed.
    pub fn token(&self, role: &str, scope: &str) -> String {
        self.run_ok(&["token", "create", "--role", role, "--scope", scope, "--expires-in", "30d"])
            .trim()
            .to_string()
    }
}

impl Default for DataDir {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A `Command` for the binary with an environment that cannot point it elsewhere.
fn command(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_remove("SANGO_DATA_DIR")
        .env_remove("SANGO_DATABASE_URL")
        .env_remove("SANGO_LOG")
        .env_remove("SANGO_SIGNING_KEY")
        .env_remove("SANGO_SIGNING_KEY_FILE")
        .env_remove("SANGO_JWT_ISSUER")
        .env_remove("SANGO_JWT_AUDIENCE")
        .env_remove("SANGO_JWT_KEY_FILE")
        .env_remove("SANGO_JWT_SECRET")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    c
}

/// Runs `sango-hub ARGS` to completion.
pub fn run(args: &[&str]) -> Output {
    command(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"))
}

/// Bytes as text, for messages and comparisons.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

/// A running `sango-hub` process on a loopback port. Killed on drop; a watchdog also kills it
/// when the test process ends without dropping it (servers shared through a `static`).
pub struct Server {
    child: Child,
    watchdog: Watchdog,
    pub base: String,
    pub data_dir: PathBuf,
    /// Everything the server printed on standard output before it was ready.
    pub stdout: String,
    stderr: Arc<Mutex<String>>,
    /// Tokens printed by `demo`, by label (`admin:-`, `municipal-staff:312011`) and, where the role
    /// occurs once, by role alone (`admin`, `prefecture-coordinator`, `facility-staff`).
    pub tokens: BTreeMap<String, String>,
    /// Held by tests that write through a shared server; see [`Server::writer`].
    writer: tokio::sync::Mutex<()>,
    /// The data directory, when the server owns it.
    _owned_dir: Option<DataDir>,
}

impl Server {
    /// `sango-hub demo` on a fresh data directory of its own.
    pub fn demo() -> Self {
        let dir = DataDir::new();
        let mut s = Self::start(&["demo"], dir.path(), true, true);
        s._owned_dir = Some(dir);
        s
    }

    /// `sango-hub demo` on `dir` (seeded on first use, reused after).
    pub fn demo_in(dir: &Path) -> Self {
        Self::start(&["demo"], dir, true, false)
    }

    /// `sango-hub serve --mode development` on `dir`.
    pub fn serve_in(dir: &Path) -> Self {
        Self::start(&["serve", "--mode", "development"], dir, false, false)
    }

    /// `sango-hub serve` on `dir` with extra arguments (production unless they say otherwise).
    pub fn serve_with(dir: &Path, args: &[&str]) -> Self {
        let mut all = vec!["serve"];
        all.extend_from_slice(args);
        Self::start(&all, dir, false, false)
    }

    /// Starts the server; retries on another port if the chosen one was taken meanwhile.
    /// `owns_dir`: the watchdog also removes the data directory.
    fn start(args: &[&str], dir: &Path, prints_tokens: bool, owns_dir: bool) -> Self {
        let mut last_failure = String::new();
        for _ in 0..3 {
            match Self::try_start(args, dir, prints_tokens, owns_dir) {
                Ok(s) => return s,
                Err(stderr) if stderr.contains("cannot listen") => last_failure = stderr,
                Err(stderr) => {
                    panic!("sango-hub {args:?} died before it was ready; stderr:\n{stderr}")
                }
            }
        }
        panic!("sango-hub {args:?} could not listen on a free port; stderr:\n{last_failure}");
    }

    fn try_start(
        args: &[&str],
        dir: &Path,
        prints_tokens: bool,
        owns_dir: bool,
    ) -> Result<Self, String> {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let mut all: Vec<&str> = args.to_vec();
        let dir_str = dir.to_str().expect("temp dir is UTF-8");
        all.extend(["--listen", &listen, "--data-dir", dir_str]);
        let mut child = command(&all)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
        let mut watchdog = Watchdog::new(child.id(), owns_dir.then_some(dir));
        let stdout_lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let out_thread = drain_lines(child.stdout.take().expect("piped"), stdout_lines.clone());
        let err_thread = drain_text(child.stderr.take().expect("piped"), stderr.clone());

        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                watchdog.disarm();
                let _ = out_thread.join();
                let _ = err_thread.join();
                let err = stderr.lock().unwrap().clone();
                let out = stdout_lines.lock().unwrap().join("\n");
                return Err(format!("[exit status {status}]\n{err}\n[stdout]\n{out}"));
            }
            let printed_all = !prints_tokens
                || stdout_lines
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|l| l.contains("Stop with Ctrl-C"));
            if printed_all && health(port) {
                break;
            }
            if started.elapsed() > STARTUP_LIMIT {
                watchdog.disarm();
                let _ = child.kill();
                let _ = child.wait();
                let err = stderr.lock().unwrap().clone();
                let out = stdout_lines.lock().unwrap().join("\n");
                let waiting = if printed_all {
                    "an answer to /healthz"
                } else {
                    "the token list on stdout (up to \"Stop with Ctrl-C\")"
                };
                panic!(
                    "sango-hub {args:?} on {listen}: no {waiting} within {STARTUP_LIMIT:?}\n[stdout]\n{out}\n[stderr]\n{err}"
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let stdout = stdout_lines.lock().unwrap().join("\n");
        Ok(Self {
            child,
            watchdog,
            base: format!("http://{listen}"),
            data_dir: dir.to_path_buf(),
            tokens: parse_tokens(&stdout),
            stdout,
            stderr,
            writer: tokio::sync::Mutex::new(()),
            _owned_dir: None,
        })
    }

    /// A token printed by `demo`: by label (`municipal-staff:312011`) or unique role (`admin`).
    pub fn token(&self, who: &str) -> &str {
        self.tokens.get(who).unwrap_or_else(|| {
            panic!(
                "no token for '{who}'; have {:?}",
                self.tokens.keys().collect::<Vec<_>>()
            )
        })
    }

    /// One writing test at a time on a shared server. The hub's SQLite write transactions fail
    /// with "database is locked" (an internal error) when two run at once — a product bug that
    /// `concurrency.rs` demonstrates; tests about other things take this lock so as not to trip on it.
    pub async fn writer(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.writer.lock().await
    }

    /// What the server has written on standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs a GraphQL request to `/graphql`, with a bearer token if given; returns the JSON body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut req = client()
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST /graphql: {e}\nserver stderr:\n{}", self.stderr()));
        let status = resp.status();
        let body = resp.text().await.expect("response body");
        let value = serde_json::from_str(&body).unwrap_or_else(|e| {
            panic!("POST /graphql answered {status} with non-JSON ({e}): {body}")
        });
        self.fail_on_internal_error(&value);
        value
    }

    /// No request of these tests should meet an internal error: fail with the server's log.
    pub fn fail_on_internal_error(&self, resp: &Value) {
        let internal = resp["errors"].as_array().is_some_and(|errors| {
            errors
                .iter()
                .any(|e| e["extensions"]["code"] == "INTERNAL_SERVER_ERROR")
        });
        if internal {
            // The log line of the cause may still be on its way through the pipe.
            std::thread::sleep(Duration::from_millis(200));
            panic!(
                "internal server error: {resp:#}\nserver stderr:\n{}",
                self.stderr()
            );
        }
    }

    /// As [`Server::gql`] with a raw `Authorization` header value.
    pub async fn gql_with_authorization(&self, authorization: &str, query: &str) -> Value {
        let resp = client()
            .post(self.url("/graphql"))
            .header("authorization", authorization)
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("POST /graphql");
        resp.json().await.expect("JSON body")
    }

    /// The ids of every facility, paging through the connection (`includeInactive`).
    pub async fn all_facilities(&self, fields: &str) -> Vec<Value> {
        let q = format!(
            "query($after: String) {{ facilities(first: 500, after: $after, filter: {{ includeInactive: true }}) {{ edges {{ node {{ id {fields} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        );
        let mut out = Vec::new();
        let mut after = Value::Null;
        loop {
            let r = self.gql(None, &q, json!({ "after": after })).await;
            let conn = &data(&r)["facilities"];
            out.extend(
                conn["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["node"].clone()),
            );
            if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                return out;
            }
            after = conn["pageInfo"]["endCursor"].clone();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.watchdog.disarm();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server shared by every test that only reads: the demo prefecture as seeded, never changed.
pub fn read_only_server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(Server::demo)
}

/// An HTTP client. A new one per request: tests run on different tokio runtimes, and a client's
/// pooled connections belong to the runtime that opened them.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("reqwest client")
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local_addr").port()
}

/// Whether `GET /healthz` answers 200 `ok`.
fn health(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    if s.write_all(
        format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .is_err()
    {
        return false;
    }
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    resp.starts_with("HTTP/1.1 200") && resp.ends_with("ok")
}

/// A small shell process that cleans up after the test process if it ends without stopping the
/// server (servers kept in a `static` are never dropped). It waits for a line on its standard
/// input: `done` disarms it; end of file (the test process is gone) makes it kill the server and
/// remove the server's own data directory, if it has one.
struct Watchdog(Option<ChildStdin>);

impl Watchdog {
    fn new(pid: u32, data_dir: Option<&Path>) -> Self {
        if !cfg!(unix) {
            return Self(None);
        }
        let mut script =
            format!("read line; [ \"$line\" = done ] && exit 0; kill -9 {pid} 2>/dev/null");
        let mut c = Command::new("sh");
        if let Some(dir) = data_dir {
            // Only directories made by `DataDir::new` (under the temp dir, named sango-e2e-…).
            assert!(
                dir.starts_with(std::env::temp_dir())
                    && dir
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("sango-e2e-"))
            );
            script.push_str("; sleep 1; rm -rf -- \"$SANGO_E2E_DIR\"");
            c.env("SANGO_E2E_DIR", dir);
        }
        c.args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        Self(c.spawn().ok().and_then(|mut w| {
            let stdin = w.stdin.take();
            // Reap it in the background so that it does not linger as a zombie.
            std::thread::spawn(move || {
                let _ = w.wait();
            });
            stdin
        }))
    }

    /// Tells the watchdog to exit without killing: call before the server is reaped, so that it
    /// never signals a process id the system may have handed to another process.
    fn disarm(&mut self) {
        if let Some(mut pipe) = self.0.take() {
            let _ = pipe.write_all(b"done\n");
        }
    }
}

fn drain_lines(r: impl Read + Send + 'static, into: Arc<Mutex<Vec<String>>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(r).lines() {
            let Ok(line) = line else { break };
            into.lock().unwrap().push(line);
        }
    })
}

fn drain_text(r: impl Read + Send + 'static, into: Arc<Mutex<String>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut r = BufReader::new(r);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match r.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => into
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf)),
            }
        }
    })
}

/// `  prefecture-coordinator:31            shub_…` lines of the demo's output.
pub fn parse_tokens(stdout: &str) -> BTreeMap<String, String> {
    let mut by_label = BTreeMap::new();
    for line in stdout.lines() {
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            [label, token] if label.contains(':') && token.starts_with("shub_") => {
                by_label.insert(label.to_string(), token.to_string());
            }
            _ => {}
        }
    }
    let mut out = by_label.clone();
    for label in by_label.keys() {
        let role = label.split(':').next().unwrap();
        if by_label
            .keys()
            .filter(|l| l.split(':').next() == Some(role))
            .count()
            == 1
        {
            out.insert(role.to_string(), by_label[label].clone());
        }
    }
    out
}

/// Whether `s` is a token as the CLI prints it: `shub_` and 64 lowercase hex digits.
pub fn is_token(s: &str) -> bool {
    s.strip_prefix("shub_").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

// ---------------------------------------------------------------------------------------------
// Reading GraphQL responses
// ---------------------------------------------------------------------------------------------

/// The `data` of a response that must have no errors.
pub fn data(resp: &Value) -> &Value {
    assert!(
        resp.get("errors").is_none_or(Value::is_null),
        "unexpected errors: {resp:#}"
    );
    &resp["data"]
}

/// The first error of a response that must have one.
pub fn first_error(resp: &Value) -> &Value {
    resp["errors"]
        .get(0)
        .unwrap_or_else(|| panic!("expected an error, got {resp:#}"))
}

/// Asserts that the first error has `extensions.code == code`; returns the error.
pub fn expect_error<'a>(resp: &'a Value, code: &str) -> &'a Value {
    let e = first_error(resp);
    assert_eq!(
        e["extensions"]["code"], code,
        "wrong error code in {resp:#}"
    );
    e
}

/// Asserts code and `extensions.field`.
pub fn expect_field_error<'a>(resp: &'a Value, code: &str, field: &str) -> &'a Value {
    let e = expect_error(resp, code);
    assert_eq!(
        e["extensions"]["field"], field,
        "wrong error field in {resp:#}"
    );
    e
}

/// A name no other test uses, for rows a test creates and then looks for.
pub fn unique(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{prefix}-{}-{nanos}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
