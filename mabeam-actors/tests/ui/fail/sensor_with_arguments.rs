use mabeam_actors::agent;

struct Probe;

#[agent]
impl Probe {
    #[sensor(every = "1s")]
    fn sample(&mut self, threshold: u32) {}
}

fn main() {}
