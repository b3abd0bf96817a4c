//! Min-cost flow to one sink on integer costs, by successive shortest paths with potentials.
//!
//! Nodes hold supply; all of it must reach the sink (the caller makes that possible). While a
//! node has supply left, the solver runs Dijkstra from it on reduced costs `c(u, v) + h(u) − h(v)`
//! (never negative) until the sink is settled, updates the potentials `h` and pushes the path's
//! bottleneck along it. This is the successive-shortest-path algorithm started from any supply
//! node (Ahuja, Magnanti & Orlin, *Network Flows*, §9.7): reduced costs stay non-negative
//! throughout, so once all supply has arrived the flow is a minimum-cost flow, exactly, for the
//! integer costs given.
//!
//! Which supply node goes next changes only the work, not the optimum's cost: the one likely to
//! have the cheapest path goes first, keyed by a lower bound (its cheapest arc at first, then the
//! cost of the path it last took, as a node's distance to the sink never falls). Searches stop at
//! the sink and skip arcs that cannot beat the best path to it found so far, so each one stays
//! near its source. Equal keys, distances and costs are decided by node index and then by the
//! order arcs were added, so the flow depends only on that order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An arc of the residual network.
#[derive(Clone, Copy)]
struct Arc {
    cost: i64,
    cap: i64,
    to: u32,
}

/// A node's potential and the search's scratch state, together for locality.
#[derive(Clone, Copy)]
struct Node {
    potential: i64,
    dist: i64,
    /// The arc the search reached this node by.
    pred: u32,
    /// This node's arc to the sink, if it has one.
    to_sink: u32,
    settled: bool,
}

const NONE: u32 = u32::MAX;

/// A residual network with its potentials and the scratch space of the search.
pub(crate) struct Network {
    arcs: Vec<Arc>,
    /// `arcs[..m]` are the arcs added (laid out by tail node), `arcs[m..]` their twins.
    m: usize,
    /// Node `u`'s arcs are `arcs[start[u]..start[u + 1]]`.
    start: Vec<u32>,
    /// Where each added arc was laid out.
    place: Vec<u32>,
    /// Per node, the twins leaving it that have residual capacity (they carry flow back).
    back: Vec<Vec<u32>>,
    /// Per twin (indexed from `m`), its place in `back`.
    back_pos: Vec<u32>,
    nodes: Vec<Node>,
    sink: usize,
    /// (distance, not the sink, node): ties go to the sink, then to lower indices.
    heap: BinaryHeap<Reverse<(i64, bool, u32)>>,
    touched: Vec<u32>,
    settled: Vec<u32>,
}

impl Network {
    /// Units sent along an arc (by the id [`NetworkBuilder::add_arc`] returned).
    pub(crate) fn flow(&self, id: usize) -> i64 {
        self.arcs[self.place[id] as usize + self.m].cap
    }

    fn twin(&self, arc: usize) -> usize {
        if arc < self.m {
            arc + self.m
        } else {
            arc - self.m
        }
    }

    /// Sends every node's `supply` to the sink at minimum total cost. The caller guarantees that
    /// the capacities allow it; supply that finds no path is left in `supply`.
    pub(crate) fn solve(&mut self, supply: &mut [i64]) {
        let mut queue: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();
        for (v, &b) in supply.iter().enumerate() {
            if b > 0 && v != self.sink {
                let arcs = &self.arcs[self.start[v] as usize..self.start[v + 1] as usize];
                queue.push(Reverse((arcs.first().map_or(0, |a| a.cost), v as u32)));
            }
        }
        while let Some(Reverse((_, source))) = queue.pop() {
            let source = source as usize;
            if !self.shortest_path(source) {
                continue;
            }
            let mut push = supply[source];
            let mut v = self.sink;
            while v != source {
                let arc = self.nodes[v].pred as usize;
                push = push.min(self.arcs[arc].cap);
                v = self.arcs[self.twin(arc)].to as usize;
            }
            let mut v = self.sink;
            while v != source {
                let arc = self.nodes[v].pred as usize;
                self.add_flow(arc, push);
                v = self.arcs[self.twin(arc)].to as usize;
            }
            supply[source] -= push;
            if supply[source] > 0 {
                let path_cost = self.nodes[self.sink].potential - self.nodes[source].potential;
                queue.push(Reverse((path_cost, source as u32)));
            }
        }
    }

    /// Pushes `n` units along residual arc `arc`, keeping `back` in step.
    fn add_flow(&mut self, arc: usize, n: i64) {
        let twin = self.twin(arc);
        self.arcs[arc].cap -= n;
        self.arcs[twin].cap += n;
        if arc >= self.m && self.arcs[arc].cap == 0 {
            let u = self.arcs[twin].to as usize;
            let pos = self.back_pos[arc - self.m] as usize;
            self.back[u].swap_remove(pos);
            if let Some(&moved) = self.back[u].get(pos) {
                self.back_pos[moved as usize - self.m] = pos as u32;
            }
            self.back_pos[arc - self.m] = NONE;
        }
        if twin >= self.m && self.arcs[twin].cap == n {
            let u = self.arcs[arc].to as usize;
            self.back_pos[twin - self.m] = self.back[u].len() as u32;
            self.back[u].push(twin as u32);
        }
    }

    /// Sets `v`'s tentative distance to `dist` by `arc`, and at once the sink's through `v`'s
    /// arc to it (so the sink's bound tightens before `v` is settled).
    fn reach(&mut self, v: usize, dist: i64, arc: u32) {
        let node = &mut self.nodes[v];
        if node.dist == i64::MAX {
            self.touched.push(v as u32);
        }
        (node.dist, node.pred) = (dist, arc);
        self.heap.push(Reverse((dist, v != self.sink, v as u32)));
        let to_sink = node.to_sink;
        if to_sink != NONE && self.arcs[to_sink as usize].cap > 0 {
            let a = self.arcs[to_sink as usize];
            let d = dist + a.cost + self.nodes[v].potential - self.nodes[self.sink].potential;
            if d < self.nodes[self.sink].dist {
                self.reach(self.sink, d, to_sink);
            }
        }
    }

    /// Dijkstra on reduced costs from `source` until the sink is settled. Then updates the
    /// potentials so that reduced costs stay non-negative once the path is augmented (its arcs
    /// then have reduced cost zero), and leaves `pred` describing the path. False if the sink
    /// cannot be reached.
    fn shortest_path(&mut self, source: usize) -> bool {
        for &v in &self.touched {
            let node = &mut self.nodes[v as usize];
            (node.dist, node.pred, node.settled) = (i64::MAX, NONE, false);
        }
        self.touched.clear();
        self.heap.clear();
        self.settled.clear();
        self.reach(source, 0, NONE);
        while let Some(Reverse((d, _, u))) = self.heap.pop() {
            let u = u as usize;
            if self.nodes[u].settled || d > self.nodes[u].dist {
                continue;
            }
            self.nodes[u].settled = true;
            self.settled.push(u as u32);
            if u == self.sink {
                break;
            }
            let hu = self.nodes[u].potential;
            let (first, forward) = (
                self.start[u] as usize,
                (self.start[u + 1] - self.start[u]) as usize,
            );
            let mut i = 0;
            while i < forward + self.back[u].len() {
                let arc = if i < forward {
                    first + i
                } else {
                    self.back[u][i - forward] as usize
                };
                let a = self.arcs[arc];
                i += 1;
                // Potentials are never positive, so a reduced cost is at least c + h(u). Forward
                // arcs come cheapest first: once one cannot beat the sink's current bound (ties
                // go to the sink), none of the rest can.
                if i <= forward && d + a.cost + hu >= self.nodes[self.sink].dist {
                    i = forward;
                    continue;
                }
                // A settled node is at most d away and reduced costs are non-negative, so the
                // distance test alone leaves settled nodes alone.
                let v = &self.nodes[a.to as usize];
                let nd = d + a.cost + hu - v.potential;
                debug_assert!(a.cap == 0 || nd >= d, "negative reduced cost");
                if (a.cap > 0) & (nd < v.dist) {
                    self.reach(a.to as usize, nd, arc as u32);
                }
            }
        }
        if !self.nodes[self.sink].settled {
            return false;
        }
        // h(v) += dist(v) − dist(sink) on settled nodes. Shifting every potential by the constant
        // dist(sink) changes no reduced cost, so unsettled nodes can keep theirs: their distance
        // is at least the sink's, and those on the path (reached, not settled) are exactly at it.
        let d_sink = self.nodes[self.sink].dist;
        for &v in &self.settled {
            let node = &mut self.nodes[v as usize];
            node.potential += node.dist - d_sink;
        }
        true
    }
}

mod build;
#[cfg(test)]
mod tests;

pub(crate) use build::NetworkBuilder;
