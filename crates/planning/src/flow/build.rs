//! Building a [`Network`]: arcs added one by one, then laid out for the search.

use std::collections::BinaryHeap;

use super::{Arc, NONE, Network, Node};

/// Arcs added one by one, then frozen into a [`Network`].
pub(crate) struct NetworkBuilder {
    nodes: usize,
    sink: usize,
    added: Vec<(u32, Arc)>,
}

impl NetworkBuilder {
    pub(crate) fn new(nodes: usize, sink: usize) -> Self {
        assert!(sink < nodes && nodes < NONE as usize);
        Self {
            nodes,
            sink,
            added: Vec::new(),
        }
    }

    /// Adds `u → v` with capacity `cap ≥ 0` and cost `cost ≥ 0`; returns its id for
    /// [`Network::flow`]. A node has at most one arc to the sink.
    pub(crate) fn add_arc(&mut self, u: usize, v: usize, cap: i64, cost: i64) -> usize {
        debug_assert!(u < self.nodes && v < self.nodes && u != self.sink && cap >= 0 && cost >= 0);
        self.added.push((
            u as u32,
            Arc {
                cost,
                cap,
                to: v as u32,
            },
        ));
        self.added.len() - 1
    }

    /// Lays the arcs out by tail node, cheapest first (then as added), in `0..m`, with each arc's
    /// residual twin `m` further on.
    pub(crate) fn build(self) -> Network {
        let (n, m) = (self.nodes, self.added.len());
        assert!(2 * m < NONE as usize, "too many arcs");
        let mut order: Vec<usize> = (0..m).collect();
        order.sort_by_key(|&i| (self.added[i].0, self.added[i].1.cost, i));
        let mut start = vec![0u32; n + 1];
        let mut place = vec![0u32; m];
        let mut arcs = vec![
            Arc {
                cost: 0,
                cap: 0,
                to: 0
            };
            2 * m
        ];
        let node = Node {
            potential: 0,
            dist: i64::MAX,
            pred: NONE,
            to_sink: NONE,
            settled: false,
        };
        let mut nodes = vec![node; n];
        for (p, &i) in order.iter().enumerate() {
            let (u, arc) = self.added[i];
            start[u as usize + 1] += 1;
            place[i] = p as u32;
            arcs[p] = arc;
            arcs[p + m] = Arc {
                cost: -arc.cost,
                cap: 0,
                to: u,
            };
            if arc.to as usize == self.sink {
                assert_eq!(
                    nodes[u as usize].to_sink, NONE,
                    "two arcs from one node to the sink"
                );
                nodes[u as usize].to_sink = p as u32;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        Network {
            arcs,
            m,
            start,
            place,
            back: vec![Vec::new(); n],
            back_pos: vec![NONE; m],
            nodes,
            sink: self.sink,
            heap: BinaryHeap::new(),
            touched: Vec::new(),
            settled: Vec::new(),
        }
    }
}
