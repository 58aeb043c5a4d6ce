use mabeam_actors::{agent, Signal};

struct Messy;

#[agent]
impl Messy {
    #[action]
    fn take(self) {}

    #[sensor(every = "soon")]
    fn sample(&mut self) {}

    #[on_signal("a..b")]
    fn on_a(&mut self, signal: Signal) {}
}

fn main() {}
