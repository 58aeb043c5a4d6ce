use mabeam_actors::agent;

struct Store;

#[agent]
impl Store {
    #[action]
    fn get_x(&self) -> u64 {
        0
    }

    #[action]
    fn get__x(&self) -> u64 {
        1
    }
}

fn main() {}
