#[derive(serde::Serialize, mabeam_actors::Signal)]
#[signal(topic = "orders..created", lane = "urgent")]
struct Created {
    id: u64,
}

fn main() {}
