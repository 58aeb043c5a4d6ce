use mabeam_actors::agent;

struct Lamp;

#[agent(remote)]
impl Lamp {
    #[action]
    fn timeout(&self, minutes: u32) {}
}

fn main() {}
