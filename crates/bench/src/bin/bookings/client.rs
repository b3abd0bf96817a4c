//! The benchmark's GraphQL clients: each holds one HTTP/1.1 connection to the hub and sends its
//! requests on it one after another, with every body and header built before the clock starts,
//! so that the clients, which share the machine's cores with the hub and the database, spend as
//! little of them as they can.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper_util::rt::TokioIo;
use serde::Deserialize;

/// What the clients read of an answer: the booking's reference, or the errors' codes.
#[derive(Deserialize)]
struct Answer {
    data: Option<AnswerData>,
    errors: Option<Vec<AnswerError>>,
}

#[derive(Deserialize)]
struct AnswerData {
    book: Option<Booked>,
}

#[derive(Deserialize)]
struct Booked {
    reference: String,
}

#[derive(Deserialize)]
struct AnswerError {
    extensions: ErrorExtensions,
}

#[derive(Deserialize)]
struct ErrorExtensions {
    code: String,
}

/// How the answers to a run came out.
pub struct Outcome {
    pub ok: usize,
    pub conflicts: usize,
    pub secs: f64,
}

/// Sends each body (a GraphQL `book` request) once, with `clients` concurrent connections to
/// `url`, and counts the bookings made and the CONFLICTs; any other answer fails the run.
pub async fn run(url: &str, token: &str, bodies: Vec<Bytes>, clients: usize) -> anyhow::Result<Outcome> {
    let uri: hyper::Uri = url.parse()?;
    let addr = format!("{}:{}", uri.host().context("a host")?, uri.port_u16().context("a port")?);
    let auth = HeaderValue::from_str(&format!("Bearer {token}"))?;
    let bodies = Arc::new(bodies);
    let next = Arc::new(AtomicUsize::new(0));
    let (ok, conflict) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut senders = Vec::with_capacity(clients);
    for _ in 0..clients {
        let stream = tokio::net::TcpStream::connect(&addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        senders.push(sender);
    }
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(clients);
    for mut sender in senders {
        let (bodies, next, ok, conflict, uri, auth) = (bodies.clone(), next.clone(), ok.clone(), conflict.clone(), uri.clone(), auth.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { return Ok::<_, anyhow::Error>(()) };
                let request = Request::post(uri.clone()).header(AUTHORIZATION, auth.clone()).header(CONTENT_TYPE, "application/json").body(Full::new(body.clone()))?;
                sender.ready().await?;
                let answer = sender.send_request(request).await?.into_body().collect().await?.to_bytes();
                let parsed: Answer = serde_json::from_slice(&answer).with_context(|| format!("unexpected answer: {}", String::from_utf8_lossy(&answer)))?;
                match (parsed.data.and_then(|d| d.book), parsed.errors.as_deref()) {
                    (Some(b), None) if !b.reference.is_empty() => ok.fetch_add(1, Ordering::Relaxed),
                    (None, Some([e])) if e.extensions.code == "CONFLICT" => conflict.fetch_add(1, Ordering::Relaxed),
                    _ => bail!("unexpected answer: {}", String::from_utf8_lossy(&answer)),
                };
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(Outcome { ok: ok.load(Ordering::Relaxed), conflicts: conflict.load(Ordering::Relaxed), secs: start.elapsed().as_secs_f64() })
}
