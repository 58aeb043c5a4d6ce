use mabeam_actors::agent;

struct Counter;

#[agent]
impl Counter {
    #[action]
    fn consume(self) -> u64 {
        0
    }
}

fn main() {}
