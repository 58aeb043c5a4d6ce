use mabeam_actors::action;

struct Plain;

impl Plain {
    #[action]
    fn go(&self) {}
}

fn main() {}
