//! The solver on small hand-made networks.

use super::*;

#[test]
fn cheaper_routes_win_and_capacity_holds() {
    // 0 → {1, 2} → 3, with 0 holding 3 units; arc 0→1 is cheap but holds 2.
    let mut b = NetworkBuilder::new(4, 3);
    let a01 = b.add_arc(0, 1, 2, 1);
    let a02 = b.add_arc(0, 2, 5, 4);
    let a13 = b.add_arc(1, 3, 5, 0);
    let a23 = b.add_arc(2, 3, 5, 0);
    let mut net = b.build();
    let mut supply = vec![3, 0, 0, 0];
    net.solve(&mut supply);
    assert_eq!(supply, vec![0; 4]);
    assert_eq!(
        [net.flow(a01), net.flow(a02), net.flow(a13), net.flow(a23)],
        [2, 1, 2, 1]
    );
}

#[test]
fn a_later_source_reroutes_an_earlier_one() {
    // Sources 0 and 1 (one unit each) share node 2 (one slot); 0 also reaches 3 at cost 5,
    // 1 reaches only 2. Source 0 goes first (cheapest arc 1) and takes 2; source 1 must then
    // push it over to 3.
    let mut b = NetworkBuilder::new(5, 4);
    let a02 = b.add_arc(0, 2, 1, 1);
    let a03 = b.add_arc(0, 3, 1, 5);
    let a12 = b.add_arc(1, 2, 1, 2);
    b.add_arc(2, 4, 1, 0);
    b.add_arc(3, 4, 1, 0);
    let mut net = b.build();
    let mut supply = vec![1, 1, 0, 0, 0];
    net.solve(&mut supply);
    assert_eq!(supply, vec![0; 5]);
    assert_eq!([net.flow(a02), net.flow(a03), net.flow(a12)], [0, 1, 1]);
}

#[test]
fn what_cannot_be_sent_is_left_over() {
    let mut b = NetworkBuilder::new(3, 2);
    let a = b.add_arc(0, 2, 4, 1);
    let mut net = b.build();
    let mut supply = vec![5, 1, 0];
    net.solve(&mut supply);
    assert_eq!((supply, net.flow(a)), (vec![1, 1, 0], 4));
}
