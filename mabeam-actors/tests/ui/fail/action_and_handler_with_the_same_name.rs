use mabeam_actors::agent;

struct Clock;

#[agent]
impl Clock {
    #[action(name = "tick")]
    fn manual_tick(&mut self) {}

    #[sensor(every = "1s")]
    fn tick(&mut self) {}
}

fn main() {}
