use mabeam_actors::{agent, Signal};

struct Listener;

#[agent]
impl Listener {
    #[on_signal("orders.*", "orders.cre*")]
    fn on_order(&mut self, signal: Signal) {}
}

fn main() {}
