//! Rows 3 and 4: the whole HTTP path under `wrk` on loopback (GraphQL `nearbyCapacity` against the
//! plain JSON endpoint), and the resident size of the server process holding the prefecture.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use sango_availability::{NearbyQuery, SearchState, nearby};
use serde_json::{Value, json};

use crate::queries::BenchQuery;
use crate::server::GRAPHQL_QUERY;

/// A `sango-bench serve` child process.
pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    /// From spawning to `READY` (opening the hub and building its indexes).
    pub startup: Duration,
}

impl ServerProcess {
    /// Starts the server on `db` and waits until it listens.
    pub fn spawn(db: &Path) -> anyhow::Result<Self> {
        let exe = std::env::current_exe()?;
        let t = Instant::now();
        let mut child = Command::new(exe).arg("serve").arg("--db").arg(db).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().context("starting the server process")?;
        let stdout = child.stdout.take().expect("piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let addr = line.trim().strip_prefix("READY ").ok_or_else(|| anyhow!("the server said {line:?} instead of READY"))?.parse()?;
        Ok(Self { child, addr, startup: t.elapsed() })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Asks glibc to give freed heap back to the OS (`malloc_trim(0)`, called through gdb when it is
    /// installed), so that the RSS read next is what is live. False when gdb is missing or fails.
    pub fn trim_heap(&self) -> bool {
        Command::new("gdb")
            .args(["-p", &self.pid().to_string(), "-batch", "-ex", "call (int) malloc_trim(0)"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// (VmRSS, VmHWM) in bytes from /proc.
    pub fn memory(&self) -> anyhow::Result<(u64, u64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        let field = |name: &str| -> anyhow::Result<u64> {
            let line = status.lines().find(|l| l.starts_with(name)).ok_or_else(|| anyhow!("no {name} in /proc/PID/status"))?;
            let kb: u64 = line.split_whitespace().nth(1).ok_or_else(|| anyhow!("bad {name} line"))?.parse()?;
            Ok(kb * 1024)
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `NearbyCapacityInput` for a query, as JSON.
pub fn input_json(q: &NearbyQuery) -> Value {
    json!({
        "lat": q.from.lat,
        "lon": q.from.lon,
        "serviceType": q.request.service_type.as_str(),
        "startDate": q.request.start.to_string(),
        "days": q.request.days,
        "radiusKm": q.radius_km,
        "limit": q.limit,
        "residentMunicipality": q.resident.to_string(),
        "infantBirthDate": q.request.infant_birth.to_string(),
        "multiples": q.request.multiples,
        "tier": q.tier.as_str(),
        "usedSoFar": q.request.used_so_far,
        "includeUncontracted": q.include_uncontracted,
    })
}

pub fn graphql_body(q: &NearbyQuery) -> String {
    json!({ "query": GRAPHQL_QUERY, "variables": { "input": input_json(q) } }).to_string()
}

pub fn plain_body(q: &NearbyQuery) -> String {
    input_json(q).to_string()
}

/// Sends the first `n` queries to both endpoints: GraphQL must answer without `errors`, its
/// `data.nearbyCapacity` must equal the plain endpoint's array, and the ids must be the search's.
pub async fn verify(addr: SocketAddr, token: &str, state: &SearchState, queries: &[BenchQuery]) -> anyhow::Result<usize> {
    let client = reqwest::Client::new();
    let auth = format!("Bearer {token}");
    for (i, bq) in queries.iter().enumerate() {
        let post = |path: &str, body: String| client.post(format!("http://{addr}{path}")).header("authorization", &auth).header("content-type", "application/json").body(body).send();
        let g = post("/graphql", graphql_body(&bq.q)).await?;
        let g_status = g.status();
        let g: Value = g.json().await?;
        if !g_status.is_success() || g.get("errors").is_some() {
            return Err(anyhow!("query {i}: GraphQL answered {g_status} {g}"));
        }
        let p = post("/nearby", plain_body(&bq.q)).await?;
        let p_status = p.status();
        let p: Value = p.json().await?;
        if !p_status.is_success() {
            return Err(anyhow!("query {i}: /nearby answered {p_status} {p}"));
        }
        let data = &g["data"]["nearbyCapacity"];
        if *data != p {
            return Err(anyhow!("query {i}: GraphQL and /nearby differ\n  GraphQL: {data}\n  plain:   {p}"));
        }
        let expected: Vec<String> = nearby(state, &bq.rules, &bq.q).map_err(|e| anyhow!("{}", e.message))?.iter().map(|h| h.facility_id.to_string()).collect();
        let got: Vec<String> = p.as_array().into_iter().flatten().map(|h| h["facility"]["id"].as_str().unwrap_or_default().to_owned()).collect();
        if expected != got {
            return Err(anyhow!("query {i}: the server found {got:?}, the search {expected:?}"));
        }
    }
    Ok(queries.len())
}

/// wrk's Lua script: cycles through the bodies, counts 200 responses without `"errors"` as good.
fn lua_script(path: &str, token: &str, bodies: &[String]) -> String {
    let mut s = String::from("-- Generated by sango-bench.\nlocal bodies = {\n");
    for b in bodies {
        s.push_str("[==[");
        s.push_str(b);
        s.push_str("]==],\n");
    }
    s.push_str(&format!(
        r#"}}
local n = #bodies
local i = 0
ok = 0
bad = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function request()
  i = i % n + 1
  return wrk.format(nil, "{path}", nil, bodies[i])
end
function response(status, headers, body)
  if status == 200 and not string.find(body, '"errors"', 1, true) then ok = ok + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local good, failed = 0, 0
  for _, t in ipairs(threads) do good = good + t:get("ok"); failed = failed + t:get("bad") end
  local e = summary.errors
  io.write(string.format("SANGO ok=%d bad=%d requests=%d duration_us=%d p50_us=%d p99_us=%d socket_errors=%d\n",
    good, failed, summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout))
end
"#
    ));
    s
}

/// One wrk run's result.
#[derive(Clone, Debug, Default)]
pub struct WrkRun {
    pub ok: u64,
    pub bad: u64,
    pub socket_errors: u64,
    pub seconds: f64,
    pub p50_us: u64,
    pub p99_us: u64,
}

impl WrkRun {
    /// Good responses per second.
    pub fn ok_per_sec(&self) -> f64 {
        self.ok as f64 / self.seconds
    }
}

/// Load-generator settings.
#[derive(Clone, Debug)]
pub struct WrkSettings {
    pub threads: u32,
    pub connections: u32,
    pub warmup_secs: u32,
    pub secs: u32,
    pub rounds: u32,
}

/// Writes the scripts for both endpoints into `dir`.
pub fn write_scripts(dir: &Path, token: &str, queries: &[BenchQuery]) -> anyhow::Result<(PathBuf, PathBuf)> {
    let gql = dir.join("wrk-graphql.lua");
    let plain = dir.join("wrk-plain.lua");
    std::fs::write(&gql, lua_script("/graphql", token, &queries.iter().map(|bq| graphql_body(&bq.q)).collect::<Vec<_>>()))?;
    std::fs::write(&plain, lua_script("/nearby", token, &queries.iter().map(|bq| plain_body(&bq.q)).collect::<Vec<_>>()))?;
    Ok((gql, plain))
}

/// Runs wrk once against `addr` with `script` for `secs`.
pub fn wrk(addr: SocketAddr, script: &Path, s: &WrkSettings, secs: u32) -> anyhow::Result<WrkRun> {
    let out = Command::new("wrk")
        .args(["-t", &s.threads.to_string(), "-c", &s.connections.to_string(), "-d", &format!("{secs}s"), "--timeout", "10s", "-s"])
        .arg(script)
        .arg(format!("http://{addr}"))
        .output()
        .context("running wrk (apt-get install wrk)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(anyhow!("wrk failed: {}{}", text, String::from_utf8_lossy(&out.stderr)));
    }
    let line = text.lines().find(|l| l.starts_with("SANGO ")).ok_or_else(|| anyhow!("no summary from wrk: {text}"))?;
    let mut r = WrkRun::default();
    for kv in line.split_whitespace().skip(1) {
        let (k, v) = kv.split_once('=').ok_or_else(|| anyhow!("bad wrk summary {line}"))?;
        let v: u64 = v.parse()?;
        match k {
            "ok" => r.ok = v,
            "bad" => r.bad = v,
            "duration_us" => r.seconds = v as f64 / 1e6,
            "p50_us" => r.p50_us = v,
            "p99_us" => r.p99_us = v,
            "socket_errors" => r.socket_errors = v,
            _ => {}
        }
    }
    Ok(r)
}

/// Both endpoints, warmed up, then `rounds` alternating runs each; returns (GraphQL, plain) runs.
pub fn load_test(addr: SocketAddr, gql: &Path, plain: &Path, s: &WrkSettings) -> anyhow::Result<(Vec<WrkRun>, Vec<WrkRun>)> {
    wrk(addr, plain, s, s.warmup_secs)?;
    wrk(addr, gql, s, s.warmup_secs)?;
    let (mut g, mut p) = (Vec::new(), Vec::new());
    for round in 0..s.rounds {
        // Alternate which goes first, so that drift in the machine's load falls on both.
        if round % 2 == 0 {
            p.push(wrk(addr, plain, s, s.secs)?);
            g.push(wrk(addr, gql, s, s.secs)?);
        } else {
            g.push(wrk(addr, gql, s, s.secs)?);
            p.push(wrk(addr, plain, s, s.secs)?);
        }
        eprintln!("[http] round {}: GraphQL {:.0} ok/s, plain {:.0} ok/s", round + 1, g.last().map_or(0.0, WrkRun::ok_per_sec), p.last().map_or(0.0, WrkRun::ok_per_sec));
    }
    Ok((g, p))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The field names of an input type in the committed SDL.
    fn sdl_input_fields(sdl: &str, name: &str) -> BTreeSet<String> {
        let start = sdl.find(&format!("input {name} {{")).expect("input type in the SDL");
        let body = &sdl[start..start + sdl[start..].find("\n}").expect("end of the type")];
        let mut in_description = false;
        let mut fields = BTreeSet::new();
        for line in body.lines().skip(1).map(str::trim) {
            if line.starts_with("\"\"\"") {
                in_description = !(in_description || line.len() > 3 && line.ends_with("\"\"\""));
                continue;
            }
            if in_description || line.starts_with('"') {
                continue;
            }
            if let Some((name, _)) = line.split_once(':') {
                fields.insert(name.trim().to_owned());
            }
        }
        fields
    }

    #[test]
    fn the_plain_endpoint_takes_exactly_the_graphql_input_fields() {
        let q = NearbyQuery {
                from: sango_domain::Coordinates { lat: 35.68, lon: 139.76 },
                radius_km: 10.0,
                limit: 5,
                resident: sango_domain::LgCode::parse("131016").unwrap(),
                request: sango_availability::Request {
                    service_type: sango_domain::ServiceType::DayCare,
                    start: chrono::NaiveDate::from_ymd_opt(2025, 6, 2).unwrap(),
                    days: 2,
                    infant_birth: chrono::NaiveDate::from_ymd_opt(2025, 5, 1).unwrap(),
                    multiples: 1,
                    used_so_far: 0,
                },
                tier: sango_domain::HouseholdTier::Taxed,
                include_uncontracted: false,
        };
        let ours: BTreeSet<String> = input_json(&q).as_object().unwrap().keys().cloned().collect();
        assert_eq!(ours, sdl_input_fields(&sango_graphql::sdl(), "NearbyCapacityInput"));
        let gql: Value = serde_json::from_str(&graphql_body(&q)).unwrap();
        assert_eq!(gql["variables"]["input"], input_json(&q));
        assert_eq!(serde_json::from_str::<Value>(&plain_body(&q)).unwrap(), input_json(&q));
    }

    #[test]
    fn the_lua_script_cycles_through_every_body_and_counts_errors_as_bad() {
        let s = lua_script("/graphql", "shub_x", &["{\"a\":1}".to_owned(), "{\"b\":[[2]]}".to_owned()]);
        assert!(s.contains("[==[{\"a\":1}]==],") && s.contains("[==[{\"b\":[[2]]}]==],"));
        assert!(s.contains("wrk.format(nil, \"/graphql\", nil, bodies[i])"));
        assert!(s.contains("Bearer shub_x"));
        assert!(s.contains(r#"string.find(body, '"errors"', 1, true)"#));
    }
}
