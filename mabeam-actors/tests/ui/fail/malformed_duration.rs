use mabeam_actors::agent;

struct Probe;

#[agent]
impl Probe {
    #[sensor(every = "1.5 seconds")]
    fn sample(&mut self) {}
}

fn main() {}
