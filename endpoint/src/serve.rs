//! Serving connections: each accepted connection is answered by the app over HTTP/1.1 (or
//! HTTP/2 with prior knowledge), with two protections against slow or greedy clients that
//! `axum::serve` does not offer:
//! - a client must send its request headers within `--header-timeout` (hyper's header-read
//!   timeout; the body then has the request timeout, see [`crate::guard::timeout`]), else the
//!   connection is closed: a phone that never finishes its headers cannot hold a connection;
//! - one client address may hold at most `--max-connections-per-client` connections at once
//!   (an IPv6 /64 counts as one address, as for the rate limit); a connection beyond that is
//!   closed at once, unread. Connections from trusted proxies are not counted: each carries many
//!   phones.
//!
//! When `signal` completes it stops accepting, closes the listener and lets every open
//! connection finish the request it is in (the caller bounds how long, `--shutdown-grace`).
use crate::guard::client_key;
use crate::proxy::TrustedProxies;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tower::Service;

/// The protections of [`serve`].
#[derive(Debug, Clone)]
pub struct Limits {
    pub header_timeout: Duration,
    pub connections_per_client: usize,
    pub trusted_proxies: TrustedProxies,
}

/// Serves `app` on `listener` until `signal` completes and the open connections are done.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    signal: impl Future<Output = ()>,
) {
    // The peer address feeds the per-client rate limit; it is never logged.
    let mut make_service = app.into_make_service_with_connect_info::<SocketAddr>();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    builder.http2().timer(TokioTimer::new());
    let open = Arc::new(OpenConnections::new(limits.connections_per_client));
    let graceful = GracefulShutdown::new();
    let mut signal = std::pin::pin!(signal);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let slot = if limits.trusted_proxies.trusts(peer.ip()) {
            None
        } else {
            match open.take(peer.ip()) {
                Some(slot) => Some(slot),
                None => {
                    tracing::debug!("a client is over its connection cap: connection closed");
                    continue;
                }
            }
        };
        let service = make_service
            .call(peer)
            .await
            .unwrap_or_else(|never| match never {});
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // Clients that vanish, time out or send garbage: not the server's fault.
                tracing::debug!("connection ended: {e}");
            }
            drop(slot);
        });
    }
    drop(listener);
    tracing::debug!(
        open = graceful.count(),
        "not accepting any more: finishing open connections"
    );
    graceful.shutdown().await;
}

/// Errors of `accept` that concern one connection are skipped; others (out of file
/// descriptors) are waited out, as `axum::serve` does.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!("accepting a connection failed: {e}");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// How many connections each client address holds.
#[derive(Debug)]
struct OpenConnections {
    cap: usize,
    counts: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection of a client; gives its place back when dropped.
struct Slot {
    open: Arc<OpenConnections>,
    client: IpAddr,
}

impl OpenConnections {
    fn new(cap: usize) -> Self {
        OpenConnections {
            cap: cap.max(1),
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// A place for one more connection of `peer`, or None when it holds the cap already.
    fn take(self: &Arc<Self>, peer: IpAddr) -> Option<Slot> {
        let client = client_key(peer);
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let n = counts.entry(client).or_insert(0);
        if *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(Slot {
            open: self.clone(),
            client,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.open.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = counts.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                // Only clients with open connections take memory.
                counts.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_client_address_holds_at_most_the_cap_and_gets_places_back() {
        let open = Arc::new(OpenConnections::new(2));
        let phone: IpAddr = "2409:8a00:1:2::1".parse().unwrap();
        let same_phone: IpAddr = "2409:8a00:1:2::9".parse().unwrap();
        let other: IpAddr = "192.0.2.1".parse().unwrap();
        let a = open.take(phone).unwrap();
        let _b = open.take(same_phone).unwrap();
        assert!(open.take(phone).is_none(), "a /64 is one client");
        let _c = open.take(other).unwrap();
        drop(a);
        assert!(open.take(same_phone).is_some());
        drop(_c);
        assert!(
            !open.counts.lock().unwrap().contains_key(&other),
            "forgotten once its connections are closed"
        );
    }
}
